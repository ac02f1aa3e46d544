"""Memory or Redis, chosen in one place (api/shared_state.py): every kind of shared state follows
BANSHI_LOCK_STORE_URL, and both implementations of a kind offer the same methods."""

from __future__ import annotations

import inspect

import pytest

from api import shared_state
from api.editor.throttle import LoginThrottle, RedisLoginThrottle, Throttle
from api.turn_limits import Counter, MemoryCounter, RedisCounter
from api.voice.confirm import Confirmations, PendingConfirmations, RedisPendingConfirmations
from api.wechat.once import OnceOnly, OnceRecord, RedisOnceOnly
from api.wechat.replay import Nonces, RedisSeenNonces, SeenNonces
from api.settings import ApiSettings

KINDS = [
    (lambda s: shared_state.once_only(s), OnceOnly, RedisOnceOnly, OnceRecord),
    (lambda s: shared_state.seen_nonces(s, 300), SeenNonces, RedisSeenNonces, Nonces),
    (lambda s: shared_state.pending_confirmations(s), PendingConfirmations, RedisPendingConfirmations, Confirmations),
    (lambda s: shared_state.login_throttle(s), LoginThrottle, RedisLoginThrottle, Throttle),
    (lambda s: shared_state.turn_counter(s), MemoryCounter, RedisCounter, Counter),
]


def _methods(protocol) -> set:
    return {n for n, v in vars(protocol).items() if inspect.isfunction(v) and not n.startswith("_")}


@pytest.mark.parametrize("make, memory, redis, protocol", KINDS)
def test_each_kind_lives_in_memory_without_a_lock_store_and_in_redis_with_one(make, memory, redis, protocol):
    assert type(make(ApiSettings(lock_store_url=None))) is memory
    # (A Redis client connects on first use: nothing is contacted here.)
    assert type(make(ApiSettings(lock_store_url="redis://127.0.0.1:6379/5"))) is redis


@pytest.mark.parametrize("make, memory, redis, protocol", KINDS)
def test_both_implementations_of_a_kind_offer_its_whole_interface(make, memory, redis, protocol):
    wanted = _methods(protocol)
    assert wanted
    for implementation in (memory, redis):
        assert wanted <= set(dir(implementation)), (
            f"{implementation.__name__} lacks {wanted - set(dir(implementation))}"
        )
        for name in wanted:
            assert inspect.iscoroutinefunction(getattr(implementation, name)) == inspect.iscoroutinefunction(
                getattr(protocol, name)
            ), f"{implementation.__name__}.{name}"


def test_wechat_keeps_its_own_token_without_a_lock_store_and_shares_it_with_one():
    assert shared_state.wechat_tokens(ApiSettings(lock_store_url=None)) is None
    storage = shared_state.wechat_tokens(ApiSettings(lock_store_url="redis://127.0.0.1:6379/5"))
    assert type(storage).__name__ == "RedisStorage"
