"""Conversation ids are issued by the server, never chosen by the client.

Before, `/api/chat` took any `session_id`, so anyone who knew a WeChat user's openid could send
"还差哪些" as `wechat:<openid>` and read that person's service and remaining items, or "/restart" them.
Now an id is `<namespace>:<random>.<signature>`: the namespace is set by the front end that issued it
(`api`, `kiosk`, `voice:<platform>`; WeChat's `wechat:<openid>` is never issued here), the random part is
unguessable, and the HMAC signature proves that this server issued it for that namespace. An id from another
namespace, a forged or edited one, is refused; the client then starts again without one.

The signing key is `BANSHI_SESSION_SECRET`; unset, each API process makes its own (fine for one process;
`ops/stack.py` gives several processes one shared key).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
from typing import Optional

log = logging.getLogger("banshi.sessions")

_NAMESPACE = re.compile(r"^[a-z][a-z0-9_-]{0,23}(:[a-z0-9_-]{1,32})?$")
_SIG_CHARS = 22  # 128 bits of the HMAC, base64url

# What a person reads when the id was not ours: short, and the client starts again by itself.
REFUSED_TEXT = "对不起,这次对话已经结束了。请您重新问一遍。"


class UnknownSession(Exception):
    """A session id this server did not issue for this front end."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


class SessionIds:
    def __init__(self, secret: Optional[str]):
        if not secret:
            log.warning("BANSHI_SESSION_SECRET is not set: session ids are valid in this process only")
            secret = secrets.token_urlsafe(32)
        self._key = secret.encode("utf-8")

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode("utf-8"), hashlib.sha256).digest())[:_SIG_CHARS]

    def issue(self, namespace: str) -> str:
        if not _NAMESPACE.match(namespace):
            raise ValueError(f"bad session namespace {namespace!r}")
        body = f"{namespace}:{secrets.token_urlsafe(16)}"
        return f"{body}.{self._sign(body)}"

    def check(self, session_id: str, namespace: str) -> str:
        """The id itself when this server issued it for `namespace`; otherwise UnknownSession."""
        body, dot, sig = session_id.rpartition(".")
        if not dot or not body.startswith(namespace + ":") or ":" in body[len(namespace) + 1 :]:
            raise UnknownSession(namespace)
        if not hmac.compare_digest(sig, self._sign(body)):
            raise UnknownSession(namespace)
        return session_id

    def continue_or_start(self, session_id: Optional[str], namespace: str) -> str:
        """The turn's session: a new one when the client sent none, else the client's (checked)."""
        if session_id is None:
            return self.issue(namespace)
        return self.check(session_id, namespace)
