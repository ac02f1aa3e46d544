"""Once-only bookkeeping of WeChat messages (in memory; the Redis one is tested in tests/prod)."""

import asyncio

from api.wechat.once import OnceOnly


def test_first_claim_owns_and_a_retry_gets_the_owners_decision():
    async def scenario():
        once = OnceOnly(ttl_seconds=60)
        first = await once.claim("msg:u:1", "u")
        again = await once.claim("msg:u:1", "u")
        waiting = asyncio.create_task(once.decision("msg:u:1", 1.0))
        await once.decide("msg:u:1", "<xml>answer</xml>")
        return first, again, await waiting

    assert asyncio.run(scenario()) == (True, False, "<xml>answer</xml>")


def test_retry_waits_only_as_long_as_wechat_allows():
    async def scenario():
        once = OnceOnly(ttl_seconds=60)
        await once.claim("k", "u")
        return await once.decision("k", 0.05)

    assert asyncio.run(scenario()) is None


def test_forgetting_a_user_drops_only_their_messages():
    async def scenario():
        once = OnceOnly(ttl_seconds=60)
        await once.claim("a1", "alice")
        await once.claim("b1", "bob")
        await once.forget_user("alice")
        return len(once), await once.claim("a1", "alice"), await once.claim("b1", "bob")

    assert asyncio.run(scenario()) == (1, True, False)


def test_decided_entries_expire_after_the_ttl():
    async def scenario():
        once = OnceOnly(ttl_seconds=0.01)
        await once.claim("k", "u")
        await once.decide("k", "success")
        await asyncio.sleep(0.02)
        return await once.claim("k", "u")

    assert asyncio.run(scenario()) is True
