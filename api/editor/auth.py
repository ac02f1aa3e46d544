"""Who is signed in, what they may do, and the checks every editor form passes.

Sessions are signed cookies (Starlette's SessionMiddleware: HttpOnly, SameSite=strict, Secure behind
HTTPS) holding the user id, a CSRF token and an expiry. Every POST must carry the session's CSRF token
(form field `csrf_token` or header `X-CSRF-Token`). Failed sign-ins are counted per user and address:
after `login_attempts` within the window, sign-in pauses for that pair — in this process's memory, or in
Redis (BANSHI_LOCK_STORE_URL) so that every API process counts the same failures.
"""
from __future__ import annotations

import collections
import hashlib
import secrets
import threading
import time
from typing import Deque, Dict, Optional, Tuple

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from api.deps import db_session, settings_dep
from guidekit.editorial import UserRow
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
        sent = (await request.form()).get("csrf_token")
    if not expected or not sent or not secrets.compare_digest(str(sent), expected):
        raise HTTPException(403, "表单已过期或来源不明,请刷新页面再试。(CSRF token missing or wrong)")


def sign_in(request: Request, user: UserRow, settings: Settings) -> None:
    request.session.clear()
    request.session.update({"uid": user.id, "csrf": secrets.token_urlsafe(32),
                            "exp": time.time() + settings.editor_session_hours * 3600})


def current_user(request: Request, session: Session = Depends(db_session)) -> UserRow:
    uid, exp = request.session.get("uid"), request.session.get("exp", 0)
    if uid is None or exp < time.time():
        raise NotSignedIn()
    user = session.get(UserRow, uid)
    if user is None or not user.active:
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


class LoginThrottle:
    """Failed sign-ins per (username, address) in a sliding window; per API process."""

    def __init__(self, attempts: int, window_seconds: float):
        self.attempts, self.window = attempts, window_seconds
        self._failures: Dict[Tuple[str, str], Deque[float]] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    def _recent(self, key: Tuple[str, str]) -> Deque[float]:
        failures = self._failures[key]
        while failures and time.monotonic() - failures[0] > self.window:
            failures.popleft()
        return failures

    def blocked(self, username: str, address: str) -> Optional[int]:
        """Seconds to wait, or None."""
        with self._lock:
            failures = self._recent((username, address))
            if len(failures) >= self.attempts:
                return int(self.window - (time.monotonic() - failures[0])) + 1
            return None

    def failed(self, username: str, address: str) -> None:
        with self._lock:
            self._recent((username, address)).append(time.monotonic())

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._failures.pop((username, address), None)


class RedisLoginThrottle:
    """The same rule, shared by every API process through Redis: someone guessing passwords cannot get
    five more tries from each process behind the load balancer. One sorted set of failure times per
    (username, address), expiring with the window."""

    def __init__(self, redis_url: str, attempts: int, window_seconds: float,
                 prefix: str = "banshi:editor:login-failures:"):
        import redis
        self.redis = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
        self.attempts, self.window, self.prefix = attempts, window_seconds, prefix

    def _key(self, username: str, address: str) -> str:
        # Hashed: the key names no one in Redis's own listings.
        return self.prefix + hashlib.sha256(f"{username}\0{address}".encode()).hexdigest()[:32]

    def blocked(self, username: str, address: str) -> Optional[int]:
        key, now = self._key(username, address), time.time()
        with self.redis.pipeline() as pipe:
            pipe.zremrangebyscore(key, 0, now - self.window)
            pipe.zcard(key)
            pipe.zrange(key, 0, 0, withscores=True)
            _, count, oldest = pipe.execute()
        if count >= self.attempts and oldest:
            return int(self.window - (now - oldest[0][1])) + 1
        return None

    def failed(self, username: str, address: str) -> None:
        key, now = self._key(username, address), time.time()
        with self.redis.pipeline() as pipe:
            pipe.zadd(key, {f"{now:.6f}:{secrets.token_hex(4)}": now})
            pipe.expire(key, int(self.window) + 1)
            pipe.execute()

    def succeeded(self, username: str, address: str) -> None:
        self.redis.delete(self._key(username, address))


def throttle(request: Request, settings: Settings = Depends(settings_dep)) -> "LoginThrottle | RedisLoginThrottle":
    holder = request.app.state
    if getattr(holder, "login_throttle", None) is None:
        window = settings.login_window_minutes * 60
        holder.login_throttle = (RedisLoginThrottle(settings.lock_store_url, settings.login_attempts, window)
                                 if settings.lock_store_url else LoginThrottle(settings.login_attempts, window))
    return holder.login_throttle
