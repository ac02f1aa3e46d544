"""Words waiting for their 是, kept in Redis (api/voice/confirm.py): what every API process sees."""

from __future__ import annotations

import asyncio
import uuid

from api.voice.confirm import RedisPendingConfirmations
from tests.prod.conftest import redis_url  # noqa: F401 (fixture)


def test_words_wait_in_redis_once_and_are_seen_waiting_by_another_process(redis_url):  # noqa: F811
    session = f"kiosk:{uuid.uuid4().hex}"

    async def scenario():
        asking, answering = RedisPendingConfirmations(redis_url), RedisPendingConfirmations(redis_url)
        try:
            assert not await answering.waiting(session)
            assert await asking.hold(session, "低保费哪里新鲜")
            assert await answering.waiting(session)  # another process listens for 是 / 不是
            assert await answering.take(session) == "低保费哪里新鲜"
            assert not await asking.waiting(session) and await asking.take(session) is None  # one answer only
        finally:
            await asking.close()
            await answering.close()

    asyncio.run(scenario())


def test_an_unreachable_redis_means_nothing_waits():
    gone = RedisPendingConfirmations("redis://127.0.0.1:1/0")

    async def scenario():
        try:
            return await gone.waiting("kiosk:x")
        finally:
            await gone.close()

    assert asyncio.run(scenario()) is False
