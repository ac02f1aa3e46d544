"""How many turns one client and one conversation may ask for, and one turn in flight per conversation.

Without limits, twenty clients sending as fast as they could for twenty seconds raised another user's
median turn from 61 to 797 ms: every turn costs Rasa and the action server real CPU. A client (its
address, as uvicorn reports it behind the configured proxies) gets `turns_per_minute_per_client`, a
conversation `turns_per_minute_per_session`, and a conversation's next turn waits for its previous
answer (a double-tap on the kiosk, a client retrying in a loop). Counted in this process's memory, or
in Redis when `BANSHI_LOCK_STORE_URL` is set, so that every API process counts together.
"""

from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager
from typing import AsyncIterator, Dict, Optional, Protocol, Tuple

from redis.exceptions import RedisError

from api.redis_clients import FAST_TIMEOUT, async_redis

log = logging.getLogger("banshi.limits")

WINDOW_SECONDS = 10  # counted in ten-second windows: a burst of 1/6 of the minute's turns is fine
IN_FLIGHT_SECONDS = 60  # a turn that never finished (a crash) frees its conversation after this

# What a person reads: the important words first, no blame.
TOO_FAST_TEXT = "您问得有点快。请您等十秒钟,再问我。"
BUSY_TEXT = "上一句我还在想。请您等我回答完,再说下一句。"


class Limited(Exception):
    def __init__(self, reason: str, text: str):
        super().__init__(reason)
        self.reason, self.text = reason, text


class Counter(Protocol):
    async def admit(self, client: Optional[str], session_id: str, window: int) -> Tuple[int, int, bool]:
        """Count one turn for the client and the session in this window, and claim the session's turn."""

    async def release(self, session_id: str) -> None: ...
    async def close(self) -> None: ...


class MemoryCounter:
    def __init__(self) -> None:
        self._counts: Dict[Tuple[str, int], int] = {}
        self._busy: Dict[str, float] = {}

    def _hit(self, key: str, window: int) -> int:
        if len(self._counts) > 50_000:  # old windows are dropped, so memory stays bounded
            self._counts = {k: v for k, v in self._counts.items() if k[1] >= window - 1}
        self._counts[(key, window)] = self._counts.get((key, window), 0) + 1
        return self._counts[(key, window)]

    async def admit(self, client: Optional[str], session_id: str, window: int) -> Tuple[int, int, bool]:
        by_client = self._hit(f"c:{client}", window) if client else 0
        by_session = self._hit(f"s:{session_id}", window)
        now = time.monotonic()
        since = self._busy.get(session_id)
        if since is not None and now - since < IN_FLIGHT_SECONDS:
            return by_client, by_session, False
        if len(self._busy) > 50_000:
            self._busy = {k: v for k, v in self._busy.items() if now - v < IN_FLIGHT_SECONDS}
        self._busy[session_id] = now
        return by_client, by_session, True

    async def release(self, session_id: str) -> None:
        self._busy.pop(session_id, None)

    async def close(self) -> None:
        pass


class RedisCounter:
    """The same counts shared by every API process, in one round trip a turn. If Redis does not answer,
    turns are let through and Redis is left alone for a few seconds (the limits protect the service;
    they must not become the outage, nor add a timeout to every turn)."""

    PAUSE_AFTER_ERROR = 5.0

    def __init__(self, redis_url: str, prefix: str = "banshi:limits:"):
        self.redis = async_redis(redis_url, FAST_TIMEOUT)
        self.prefix = prefix
        self._down_until = 0.0

    def _failed(self, exc: Exception) -> None:
        log.error("turn limits unavailable (%s): letting turns through", exc.__class__.__name__)
        self._down_until = time.monotonic() + self.PAUSE_AFTER_ERROR

    async def admit(self, client: Optional[str], session_id: str, window: int) -> Tuple[int, int, bool]:
        if time.monotonic() < self._down_until:
            return 0, 0, True
        by_client, by_session = f"{self.prefix}c:{client}:{window}", f"{self.prefix}s:{session_id}:{window}"
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(by_client).expire(by_client, WINDOW_SECONDS * 2)
                pipe.incr(by_session).expire(by_session, WINDOW_SECONDS * 2)
                pipe.set(f"{self.prefix}busy:{session_id}", "1", nx=True, ex=IN_FLIGHT_SECONDS)
                n_client, _, n_session, _, claimed = await pipe.execute()
            return (int(n_client) if client else 0), int(n_session), bool(claimed)
        except RedisError as exc:
            self._failed(exc)
            return 0, 0, True

    async def release(self, session_id: str) -> None:
        if time.monotonic() < self._down_until:
            return
        try:
            await self.redis.delete(f"{self.prefix}busy:{session_id}")
        except RedisError as exc:
            self._failed(exc)

    async def close(self) -> None:
        await self.redis.close()


class TurnLimits:
    def __init__(self, counter: Counter, per_client: int, per_session: int):
        self.counter = counter
        self.per_client = max(1, per_client * WINDOW_SECONDS // 60)
        self.per_session = max(1, per_session * WINDOW_SECONDS // 60)

    @asynccontextmanager
    async def turn(self, client: Optional[str], session_id: str) -> AsyncIterator[None]:
        """Raises Limited before the turn when over a limit or while the conversation has a turn in flight."""
        window = int(time.time() // WINDOW_SECONDS)
        by_client, by_session, claimed = await self.counter.admit(client, session_id, window)
        if claimed and (by_client > self.per_client or by_session > self.per_session):
            await self.counter.release(session_id)
        if by_client > self.per_client or by_session > self.per_session:
            raise Limited("client" if by_client > self.per_client else "session", TOO_FAST_TEXT)
        if not claimed:
            raise Limited("busy", BUSY_TEXT)
        try:
            yield
        finally:
            await self.counter.release(session_id)

    async def close(self) -> None:
        await self.counter.close()
