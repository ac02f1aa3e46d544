"""Once-only bookkeeping of WeChat messages."""
import asyncio

from api.wechat.once import OnceOnly, decision_of


def test_first_claim_owns_and_a_retry_gets_the_owners_decision():
    async def scenario():
        once = OnceOnly(ttl_seconds=60)
        first, owner = once.claim("msg:u:1", "u")
        again, seen = once.claim("msg:u:1", "u")
        owner.set_result("<xml>answer</xml>")
        return first, again, await decision_of(seen, 1.0)
    assert asyncio.run(scenario()) == (True, False, "<xml>answer</xml>")


def test_retry_waits_only_as_long_as_wechat_allows():
    async def scenario():
        once = OnceOnly(ttl_seconds=60)
        once.claim("k", "u")
        _, seen = once.claim("k", "u")
        return await decision_of(seen, 0.05)
    assert asyncio.run(scenario()) is None


def test_forgetting_a_user_drops_only_their_messages():
    async def scenario():
        once = OnceOnly(ttl_seconds=60)
        once.claim("a1", "alice")
        once.claim("b1", "bob")
        once.forget_user("alice")
        return len(once), once.claim("a1", "alice")[0], once.claim("b1", "bob")[0]
    assert asyncio.run(scenario()) == (1, True, False)


def test_decided_entries_expire_after_the_ttl():
    async def scenario():
        once = OnceOnly(ttl_seconds=0.01)
        _, owner = once.claim("k", "u")
        owner.set_result("success")
        await asyncio.sleep(0.02)
        return once.claim("k", "u")[0]
    assert asyncio.run(scenario()) is True
