"""Who is signed in, what they may do, and the checks every editor form passes.

Sessions are signed cookies (Starlette's SessionMiddleware: HttpOnly, SameSite=strict, Secure behind
HTTPS) holding the user id, the account's session version, a CSRF token and an expiry. Signing out,
deactivation and a new password bump the account's version (guidekit.editorial.workflow.bump_sessions), so a
copy of an older cookie no longer signs anyone in. Every POST must carry the session's CSRF token
(form field `csrf_token` or header `X-CSRF-Token`).

Failed sign-ins are counted twice: per (user, address) — after `login_attempts` within the window,
sign-in pauses for that pair — and per account from any address — after `login_account_attempts`, every
further try waits `login_backoff_seconds`, doubled per extra failure up to `login_backoff_max_minutes`,
even with the right password. Counts live in this process's memory, or in Redis (BANSHI_LOCK_STORE_URL)
so that every API process counts the same failures. The address is the connection's unless uvicorn
was told to trust a proxy (BANSHI_TRUSTED_PROXIES, see ops/stack.py).
"""
from __future__ import annotations

import collections
import hashlib
import secrets
import threading
import time
from typing import Callable, Deque, Dict, Optional, Tuple

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from api.deps import db_session, settings_dep
from guidekit.editorial.workflow import UserRow
from guidekit.settings import Settings

RANK = {"editor": 1, "reviewer": 2, "admin": 3}


class NotSignedIn(Exception):
    """Raised for anonymous requests; pages redirect to sign-in, other requests get 401."""


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


async def check_csrf(request: Request) -> None:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = request.session.get("csrf")
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        field = (await request.form()).get("csrf_token")
        sent = field if isinstance(field, str) else None  # (a file under that name is no token)
    if not expected or not sent or not secrets.compare_digest(str(sent), expected):
        raise HTTPException(403, "表单已过期或来源不明,请刷新页面再试。(CSRF token missing or wrong)")


def sign_in(request: Request, user: UserRow, settings: Settings) -> None:
    request.session.clear()
    request.session.update({"uid": user.id, "sv": user.session_version or 0, "csrf": secrets.token_urlsafe(32),
                            "exp": time.time() + settings.editor_session_hours * 3600})


def session_user(request: Request, session: Session) -> Optional[UserRow]:
    """The account this cookie signs in, if it is still valid: not expired, account active, and issued
    under the account's current session version."""
    uid, exp, version = request.session.get("uid"), request.session.get("exp", 0), request.session.get("sv")
    if uid is None or not isinstance(exp, (int, float)) or exp < time.time():
        return None
    user = session.get(UserRow, uid) if isinstance(uid, int) else None
    if user is None or not user.active or version != (user.session_version or 0):
        return None
    return user


def current_user(request: Request, session: Session = Depends(db_session)) -> UserRow:
    user = session_user(request, session)
    if user is None:
        if request.session.get("uid") is not None:
            request.session.clear()
        raise NotSignedIn()
    return user


def require(role: str):
    """A dependency: the signed-in user, if their role is at least `role` (editor < reviewer < admin)."""
    def dependency(user: UserRow = Depends(current_user)) -> UserRow:
        if RANK[user.role] < RANK[role]:
            raise HTTPException(403, f"这一步要{ {'reviewer': '审核人', 'admin': '管理员'}.get(role, role) }来做。")
        return user
    return dependency


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

    def __init__(self, attempts: int, window_seconds: float, account_attempts: int = 20,
                 account_window_seconds: float = 3600.0, backoff_seconds: float = 60.0,
                 backoff_max_seconds: float = 1800.0, clock: Callable[[], float] = time.monotonic):
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
            account = _account_wait(self._recent((username, self.ACCOUNT)), now, self.account_attempts,
                                    self.backoff, self.backoff_max)
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

    def __init__(self, redis_url: str, attempts: int, window_seconds: float, account_attempts: int = 20,
                 account_window_seconds: float = 3600.0, backoff_seconds: float = 60.0,
                 backoff_max_seconds: float = 1800.0, clock: Callable[[], float] = time.time,
                 prefix: str = "banshi:editor:login-failures:"):
        import redis
        self.redis = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
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
        account_wait = _account_wait([score for _, score in account_failures], now, self.account_attempts,
                                     self.backoff, self.backoff_max)
        waits = [w for w in (pair, account_wait) if w]
        return max(waits) if waits else None

    def failed(self, username: str, address: str) -> None:
        now = self.clock()
        member = f"{now:.6f}:{secrets.token_hex(4)}"
        with self.redis.pipeline() as pipe:
            for key, window in ((self._key(username, address), self.window),
                                (self._account_key(username), self.account_window)):
                pipe.zadd(key, {member: now})
                pipe.expire(key, int(window) + 1)
            pipe.execute()

    def succeeded(self, username: str, address: str) -> None:
        self.redis.delete(self._key(username, address), self._account_key(username))


def throttle(request: Request, settings: Settings = Depends(settings_dep)) -> "LoginThrottle | RedisLoginThrottle":
    holder = request.app.state
    if getattr(holder, "login_throttle", None) is None:
        window = settings.login_window_minutes * 60
        account = {"account_attempts": settings.login_account_attempts,
                   "account_window_seconds": settings.login_account_window_minutes * 60,
                   "backoff_seconds": settings.login_backoff_seconds,
                   "backoff_max_seconds": settings.login_backoff_max_minutes * 60}
        holder.login_throttle = (
            RedisLoginThrottle(settings.lock_store_url, settings.login_attempts, window, **account)  # type: ignore[arg-type]
            if settings.lock_store_url else
            LoginThrottle(settings.login_attempts, window, **account))  # type: ignore[arg-type]
    return holder.login_throttle
