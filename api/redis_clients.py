"""The one way the API opens Redis (BANSHI_LOCK_STORE_URL): every client with short connect and read timeouts, so
a Redis that stops answering fails a request within seconds instead of stalling it, and nothing else in the API
calls `from_url` itself.

It imports none of its users (api/shared_state.py chooses, for each kind of shared state, memory or Redis)."""

from __future__ import annotations

from typing import Any

# Seconds to connect and to wait for an answer. Turn limits are asked on every turn: they give up sooner.
TIMEOUT = 2.0
FAST_TIMEOUT = 1.0


def async_redis(url: str, timeout: float = TIMEOUT, text: bool = True) -> Any:
    """A client for coroutines (redis.asyncio). `text`: values come back as str, not bytes."""
    import redis.asyncio as aioredis

    return aioredis.from_url(url, decode_responses=text, socket_connect_timeout=timeout, socket_timeout=timeout)


def sync_redis(url: str, timeout: float = TIMEOUT) -> Any:
    """A blocking client, for code that runs in a worker thread (editor sign-in, wechatpy's token storage)."""
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
