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

import secrets
import time
from typing import Optional

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from api.deps import db_session, settings_dep
from api.editor.throttle import Throttle
from api.shared_state import login_throttle
from guidekit.editorial.workflow import UserRow
from api.settings import ApiSettings

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
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        field = (await request.form()).get("csrf_token")
        sent = field if isinstance(field, str) else None  # (a file under that name is no token)
    if not expected or not sent or not secrets.compare_digest(str(sent), expected):
        raise HTTPException(403, "表单已过期或来源不明,请刷新页面再试。(CSRF token missing or wrong)")


def sign_in(request: Request, user: UserRow, settings: ApiSettings) -> None:
    request.session.clear()
    request.session.update(
        {
            "uid": user.id,
            "sv": user.session_version or 0,
            "csrf": secrets.token_urlsafe(32),
            "exp": time.time() + settings.editor_session_hours * 3600,
        }
    )


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


def throttle(request: Request, settings: ApiSettings = Depends(settings_dep)) -> Throttle:
    holder = request.app.state
    if getattr(holder, "login_throttle", None) is None:
        holder.login_throttle = login_throttle(settings)
    return holder.login_throttle
