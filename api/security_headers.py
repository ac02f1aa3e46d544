"""Security headers on every response the application makes (issue 12, item 12).

- Content-Security-Policy fitted to the pages as they are: the kiosk (its own script and stylesheet, speech
  played from blob: URLs, fetch to this origin), the printable checklist (inline <style>, inline SVG QR
  code), the editor (inline <style> and style attributes; its one inline <script> carries this response's
  nonce, `request.state.csp_nonce`). No page may be framed (frame-ancestors 'none', X-Frame-Options DENY),
  except the checklist by pages of this origin: the kiosk shows it inside itself, with 打印 and 返回 buttons
  (frame-ancestors 'self', X-Frame-Options SAMEORIGIN).
- X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer (checklist and editor addresses are not
  sent to other sites), Permissions-Policy: microphone for this origin only (the kiosk's 说话 button).
- /docs and /redoc (development only, see Settings.api_docs) load Swagger UI / ReDoc from their CDN with
  inline scripts: they get a looser policy of their own.

A header a route set itself is left as it is. A pure ASGI middleware (no BaseHTTPMiddleware), so streamed
and file responses pass through untouched.
"""

from __future__ import annotations

import secrets
from typing import Iterable, List, Tuple

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; font-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "font-src 'self' https://fonts.gstatic.com; worker-src 'self' blob:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
FRAMEABLE_BY_SELF = ("/kiosk/checklist/",)
FIXED: List[Tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), geolocation=(), microphone=(self)"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp, docs_paths: Iterable[str] = ("/docs", "/redoc")):
        self.app = app
        self.docs_paths = tuple(docs_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        path = scope.get("path", "")
        docs = any(path == p or path.startswith(p + "/") for p in self.docs_paths)
        policy = DOCS_POLICY if docs else PAGE_POLICY.format(nonce=nonce)
        framed = path.startswith(FRAMEABLE_BY_SELF)
        if framed:
            policy = policy.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
        fixed = [
            (b"content-security-policy", policy.encode("latin-1")),
            (b"x-frame-options", b"SAMEORIGIN" if framed else b"DENY"),
            *FIXED,
        ]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in fixed:
                    if name not in present:
                        headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
