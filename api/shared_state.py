"""What more than one request must remember, and where it lives: in this process's memory, or in Redis when
BANSHI_LOCK_STORE_URL is set, so that every API process behind a load balancer shares it. Chosen here, once for
each kind, from the settings:

- WeChat's once-only record (a retry of a message is answered once, api/wechat/once.py) and its used
  (timestamp, nonce) pairs (a replay is refused, api/wechat/replay.py), and its access token (wechatpy);
- words heard unsure, waiting for "是" (api/voice/confirm.py);
- failed editor sign-ins (api/editor/throttle.py);
- turns per minute per address and per conversation (api/turn_limits.py).

Each kind has one interface (a Protocol in its module) with a memory and a Redis implementation; the Redis
clients come from api/redis_clients.py.
"""

from __future__ import annotations

from typing import Any, Optional

from api.editor.throttle import LoginThrottle, RedisLoginThrottle, Throttle
from api.redis_clients import sync_redis
from api.turn_limits import Counter, MemoryCounter, RedisCounter
from api.voice.confirm import Confirmations, PendingConfirmations, RedisPendingConfirmations
from api.wechat.once import OnceOnly, OnceRecord, RedisOnceOnly
from api.wechat.replay import Nonces, RedisSeenNonces, SeenNonces
from api.settings import ApiSettings


def shared(settings: ApiSettings) -> Optional[str]:
    """The Redis URL every API process shares, or None: this process keeps its own."""
    return settings.lock_store_url or None


def once_only(settings: ApiSettings) -> OnceRecord:
    url = shared(settings)
    return RedisOnceOnly(url, settings.wechat_dedupe_seconds) if url else OnceOnly(settings.wechat_dedupe_seconds)


def seen_nonces(settings: ApiSettings, window_seconds: float) -> Nonces:
    url = shared(settings)
    return RedisSeenNonces(url, window_seconds) if url else SeenNonces(window_seconds)


def wechat_tokens(settings: ApiSettings) -> Any:
    """wechatpy's token storage: one access token for every API process (WeChat counts fetches per day and a
    fetch in one process would push out the others' token); None is wechatpy's own, in memory."""
    url = shared(settings)
    if not url:
        return None
    from wechatpy.session.redisstorage import RedisStorage

    return RedisStorage(sync_redis(url), prefix="banshi:wechat")


def pending_confirmations(settings: ApiSettings) -> Confirmations:
    url = shared(settings)
    return RedisPendingConfirmations(url) if url else PendingConfirmations()


def login_throttle(settings: ApiSettings) -> Throttle:
    window = settings.login_window_minutes * 60
    rules: dict = {
        "account_attempts": settings.login_account_attempts,
        "account_window_seconds": settings.login_account_window_minutes * 60,
        "backoff_seconds": settings.login_backoff_seconds,
        "backoff_max_seconds": settings.login_backoff_max_minutes * 60,
    }
    url = shared(settings)
    if url:
        return RedisLoginThrottle(url, settings.login_attempts, window, **rules)
    return LoginThrottle(settings.login_attempts, window, **rules)


def turn_counter(settings: ApiSettings) -> Counter:
    url = shared(settings)
    return RedisCounter(url) if url else MemoryCounter()
