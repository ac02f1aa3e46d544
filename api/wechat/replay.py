"""Refusing replayed WeChat requests: each signed (timestamp, nonce) carries one message only.

In plaintext mode WeChat's signature covers the token, timestamp and nonce but not the body, so a signed
URL copied from a proxy log would otherwise carry any message from any openid. The timestamp must be
fresh (api/wechat/inbound.py); here each (timestamp, nonce) is remembered until its timestamp goes stale,
with the message it brought. The same pair again with the same message is WeChat resending it (answered
from the once-only record, never asked again); with another message it is a replay, and refused.
`SeenNonces` keeps this in one process's memory; `RedisSeenNonces` shares it between API processes.
"""

from __future__ import annotations

import hashlib
import heapq
import time
from typing import Dict, List, Protocol, Tuple

from api.redis_clients import async_redis

NEW, RESENT, REPLAYED = "new", "resent", "replayed"


def _digest(*parts: str) -> str:
    # Hashed: the record names no openid, and an odd nonce cannot shape a Redis key.
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:32]


def _ttl(timestamp: int, window_seconds: float, now: float) -> float:
    """Until the timestamp itself is refused as stale (then the pair cannot come back)."""
    return max(1.0, timestamp + window_seconds - now + 1.0)


class Nonces(Protocol):
    """The signed (timestamp, nonce) pairs seen within the window (in memory or in Redis)."""

    async def see(self, timestamp: int, nonce: str, message_key: str) -> str: ...
    async def close(self) -> None: ...


class SeenNonces:
    """In this process's memory: enough for one API process."""

    def __init__(self, window_seconds: float):
        self.window = window_seconds
        self._seen: Dict[str, Tuple[float, str]] = {}
        self._expiry: List[Tuple[float, str]] = []

    async def see(self, timestamp: int, nonce: str, message_key: str) -> str:
        """NEW the first time; RESENT for the same message again; REPLAYED for another message."""
        now = time.time()
        self._expire(now)
        pair, message = _digest(str(timestamp), nonce), _digest(message_key)
        held = self._seen.get(pair)
        if held is not None:
            return RESENT if held[1] == message else REPLAYED
        until = now + _ttl(timestamp, self.window, now)
        self._seen[pair] = (until, message)
        heapq.heappush(self._expiry, (until, pair))
        return NEW

    def _expire(self, now: float) -> None:
        while self._expiry and self._expiry[0][0] <= now:
            _, pair = heapq.heappop(self._expiry)
            held = self._seen.get(pair)
            if held is not None and held[0] <= now:
                del self._seen[pair]

    def __len__(self) -> int:
        return len(self._seen)

    async def close(self) -> None:
        pass


class RedisSeenNonces:
    """Shared by every API process through Redis: a replay may be sent to another process than the original."""

    def __init__(self, redis_url: str, window_seconds: float, prefix: str = "banshi:wechat:nonce:"):
        self.redis = async_redis(redis_url)
        self.window = window_seconds
        self.prefix = prefix

    async def see(self, timestamp: int, nonce: str, message_key: str) -> str:
        name, message = self.prefix + _digest(str(timestamp), nonce), _digest(message_key)
        ttl_ms = int(_ttl(timestamp, self.window, time.time()) * 1000)
        for _ in range(2):  # the second round only if the record expired between SET and GET
            if await self.redis.set(name, message, nx=True, px=ttl_ms):
                return NEW
            held = await self.redis.get(name)
            if held is not None:
                return RESENT if held == message else REPLAYED
        return REPLAYED

    async def close(self) -> None:
        await self.redis.close()
