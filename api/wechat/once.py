"""Answering each WeChat message once, although WeChat's server sends it up to three more times.

The first request for a key owns the message: it asks the assistant and decides the HTTP answer.
A retry — also one that arrives while the first is still being worked on — never asks again: it
gets the owner's decision (the same passive reply, which WeChat shows once because it resends only
what it did not receive) or "success" when the answer goes out through the customer-service API.
`OnceOnly` keeps this in one process's memory; `RedisOnceOnly` shares it between API processes.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from typing import Optional, Protocol, Tuple

from wechatpy.messages import BaseMessage

from api.redis_clients import async_redis


def message_key(message: BaseMessage) -> str:
    """Sender + MsgId for messages; sender + CreateTime + event for events (WeChat's own rule)."""
    msg_id = getattr(message, "id", None)
    if msg_id and message.type != "event":
        return f"msg:{message.source}:{msg_id}"
    event = getattr(message, "event", "") or message.type
    return f"event:{message.source}:{int(message.create_time.timestamp())}:{event}"


class OnceRecord(Protocol):
    """Which messages were taken, and what each was answered (in memory or in Redis)."""

    async def claim(self, key: str, user: str) -> bool: ...
    async def decide(self, key: str, body: str) -> None: ...
    async def decision(self, key: str, wait_seconds: float) -> Optional[str]: ...
    async def forget_user(self, user: str) -> None: ...
    async def close(self) -> None: ...


class OnceOnly:
    """In this process's memory: enough for one API process."""

    def __init__(self, ttl_seconds: float, max_entries: int = 100_000):
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: "OrderedDict[str, Tuple[float, str, asyncio.Future]]" = OrderedDict()

    async def claim(self, key: str, user: str) -> bool:
        """True for the first request of `key` (it must `decide`); False for a retry."""
        self._expire()
        if key in self._entries:
            return False
        self._entries[key] = (time.monotonic(), user, asyncio.get_running_loop().create_future())
        return True

    async def decide(self, key: str, body: str) -> None:
        held = self._entries.get(key)
        if held is not None and not held[2].done():
            held[2].set_result(body)

    async def decision(self, key: str, wait_seconds: float) -> Optional[str]:
        """The owner's HTTP answer, if it decides within `wait_seconds`."""
        held = self._entries.get(key)
        if held is None:
            return None
        try:
            return await asyncio.wait_for(asyncio.shield(held[2]), wait_seconds)
        except asyncio.TimeoutError:
            return None

    async def forget_user(self, user: str) -> None:
        for key in [k for k, (_, u, _) in self._entries.items() if u == user]:
            del self._entries[key]

    def _expire(self) -> None:
        now = time.monotonic()
        while self._entries:
            key, (since, _, future) = next(iter(self._entries.items()))
            if len(self._entries) <= self.max_entries and (now - since < self.ttl or not future.done()):
                break
            self._entries.popitem(last=False)

    async def close(self) -> None:
        return None  # (nothing held open)

    def __len__(self) -> int:
        return len(self._entries)


class RedisOnceOnly:
    """Shared by every API process through Redis: a retry may reach another process than the first.

    The first request sets the key with SET NX; its decision replaces the value; a retry polls for it.
    """

    PENDING = "pending"
    POLL_SECONDS = 0.05

    def __init__(self, redis_url: str, ttl_seconds: float, prefix: str = "banshi:wechat:once:"):
        self.redis = async_redis(redis_url)
        self.ttl = max(1, int(ttl_seconds))
        self.prefix = prefix

    async def claim(self, key: str, user: str) -> bool:
        # `key` names the sender already (message_key), which is how forget_user finds it.
        return bool(await self.redis.set(self.prefix + key, self.PENDING, nx=True, ex=self.ttl))

    async def decide(self, key: str, body: str) -> None:
        await self.redis.set(self.prefix + key, "done:" + body, ex=self.ttl)

    async def decision(self, key: str, wait_seconds: float) -> Optional[str]:
        deadline = time.monotonic() + wait_seconds
        while True:
            value = await self.redis.get(self.prefix + key)
            if value and value.startswith("done:"):
                return value[len("done:") :]
            if value is None or time.monotonic() >= deadline:
                return None
            await asyncio.sleep(self.POLL_SECONDS)

    async def forget_user(self, user: str) -> None:
        for kind in ("msg", "event"):
            async for name in self.redis.scan_iter(match=f"{self.prefix}{kind}:{user}:*"):
                await self.redis.delete(name)

    async def close(self) -> None:
        await self.redis.close()
