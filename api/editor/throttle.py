"""Failed editor sign-ins, counted per (user, address) and per account (the rules: api/editor/auth.py), in this
process's memory (`LoginThrottle`) or shared by every API process through Redis (`RedisLoginThrottle`); which one
is chosen in api/shared_state.py."""

from __future__ import annotations

import collections
import hashlib
import secrets
import threading
import time
from typing import Callable, Deque, Dict, Optional, Protocol, Tuple

from api.redis_clients import sync_redis


class Throttle(Protocol):
    def blocked(self, username: str, address: str) -> Optional[int]: ...
    def failed(self, username: str, address: str) -> None: ...
    def succeeded(self, username: str, address: str) -> None: ...


def _account_wait(failures, now: float, attempts: int, base: float, cap: float) -> Optional[int]:
    """Seconds the account must still wait, given its failure times (oldest first), or None."""
    if attempts <= 0 or len(failures) < attempts:
        return None
    pause = min(cap, base * 2 ** min(len(failures) - attempts, 30))
    remaining = failures[-1] + pause - now
    return int(remaining) + 1 if remaining > 0 else None


class LoginThrottle:
    """Failed sign-ins per (username, address) in a sliding window, and per account with back-off; per
    API process."""

    ACCOUNT = "\0account"  # the address slot of the per-account count (no real address looks like it)

    def __init__(
        self,
        attempts: int,
        window_seconds: float,
        account_attempts: int = 20,
        account_window_seconds: float = 3600.0,
        backoff_seconds: float = 60.0,
        backoff_max_seconds: float = 1800.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.attempts, self.window = attempts, window_seconds
        self.account_attempts, self.account_window = account_attempts, account_window_seconds
        self.backoff, self.backoff_max = backoff_seconds, backoff_max_seconds
        self.clock = clock
        self._failures: Dict[Tuple[str, str], Deque[float]] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()
        self._swept = clock()

    def _window_of(self, key: Tuple[str, str]) -> float:
        return self.account_window if key[1] == self.ACCOUNT else self.window

    def _recent(self, key: Tuple[str, str]) -> Deque[float]:
        failures, window, now = self._failures[key], self._window_of(key), self.clock()
        while failures and now - failures[0] > window:
            failures.popleft()
        return failures

    def _sweep(self) -> None:
        """Forget keys with no recent failure, so that many names and addresses cannot fill memory."""
        now = self.clock()
        if now - self._swept < 60:
            return
        self._swept = now
        for key in list(self._failures):
            if not self._recent(key):
                del self._failures[key]

    def blocked(self, username: str, address: str) -> Optional[int]:
        """Seconds to wait, or None."""
        with self._lock:
            now = self.clock()
            failures = self._recent((username, address))
            pair = int(self.window - (now - failures[0])) + 1 if len(failures) >= self.attempts else None
            account = _account_wait(
                self._recent((username, self.ACCOUNT)), now, self.account_attempts, self.backoff, self.backoff_max
            )
            self._sweep()
            waits = [w for w in (pair, account) if w]
            return max(waits) if waits else None

    def failed(self, username: str, address: str) -> None:
        with self._lock:
            now = self.clock()
            self._recent((username, address)).append(now)
            self._recent((username, self.ACCOUNT)).append(now)

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._failures.pop((username, address), None)
            self._failures.pop((username, self.ACCOUNT), None)


class RedisLoginThrottle:
    """The same rules, shared by every API process through Redis: someone guessing passwords cannot get
    five more tries from each process behind the load balancer. One sorted set of failure times per
    (username, address) and one per account, expiring with their windows."""

    def __init__(
        self,
        redis_url: str,
        attempts: int,
        window_seconds: float,
        account_attempts: int = 20,
        account_window_seconds: float = 3600.0,
        backoff_seconds: float = 60.0,
        backoff_max_seconds: float = 1800.0,
        clock: Callable[[], float] = time.time,
        prefix: str = "banshi:editor:login-failures:",
    ):
        self.redis = sync_redis(redis_url)
        self.attempts, self.window, self.prefix = attempts, window_seconds, prefix
        self.account_attempts, self.account_window = account_attempts, account_window_seconds
        self.backoff, self.backoff_max = backoff_seconds, backoff_max_seconds
        self.clock = clock

    def _key(self, username: str, address: str) -> str:
        # Hashed: the key names no one in Redis's own listings.
        return self.prefix + hashlib.sha256(f"{username}\0{address}".encode()).hexdigest()[:32]

    def _account_key(self, username: str) -> str:
        return self.prefix + "account:" + hashlib.sha256(username.encode()).hexdigest()[:32]

    def blocked(self, username: str, address: str) -> Optional[int]:
        key, account, now = self._key(username, address), self._account_key(username), self.clock()
        with self.redis.pipeline() as pipe:
            pipe.zremrangebyscore(key, 0, now - self.window)
            pipe.zcard(key)
            pipe.zrange(key, 0, 0, withscores=True)
            pipe.zremrangebyscore(account, 0, now - self.account_window)
            pipe.zrange(account, 0, -1, withscores=True)
            _, count, oldest, _, account_failures = pipe.execute()
        pair = int(self.window - (now - oldest[0][1])) + 1 if count >= self.attempts and oldest else None
        account_wait = _account_wait(
            [score for _, score in account_failures], now, self.account_attempts, self.backoff, self.backoff_max
        )
        waits = [w for w in (pair, account_wait) if w]
        return max(waits) if waits else None

    def failed(self, username: str, address: str) -> None:
        now = self.clock()
        member = f"{now:.6f}:{secrets.token_hex(4)}"
        with self.redis.pipeline() as pipe:
            for key, window in (
                (self._key(username, address), self.window),
                (self._account_key(username), self.account_window),
            ):
                pipe.zadd(key, {member: now})
                pipe.expire(key, int(window) + 1)
            pipe.execute()

    def succeeded(self, username: str, address: str) -> None:
        self.redis.delete(self._key(username, address), self._account_key(username))
