"""The FastAPI application: routers, the shared Rasa client, and plain-worded input errors."""

from __future__ import annotations

import asyncio
import logging
import secrets
from urllib.parse import quote
from typing import Optional
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from api.conversation import Assistant, assistant_over
from api.rasa_client import RasaClient
from api.security_headers import SecurityHeaders
from api.session_ids import SessionIds
from api.shared_state import pending_confirmations, turn_counter
from api.voice.confirm import Confirming
from api.turn_limits import TurnLimits
from api.editor.auth import NotSignedIn
from api.routers import chat, editor, editor_dashboard, editor_imports, guides, health, kiosk, voice, wechat
from api.kiosk.help_desk import HelpDesk
from api.voice.asr import recognizer_from_settings
from api.voice.tts import synthesizer_from_settings
from api.voice.turns import VoiceTurns
from api.wechat.desk import WeChatDesk
from guidekit.catalog import GuideCatalog
from api.settings import ApiSettings, get_api_settings
from guidekit.settings import rasa_instances


async def _warm_text_preparation(catalog: GuideCatalog) -> None:
    """Build the text preparation (jieba, the pinyin vocabulary: about a second) before the first turn, so the
    first WeChat message after a start is answered within WeChat's passive window. A database not reachable yet
    is not fatal: the first turn then builds it."""
    try:
        await asyncio.to_thread(lambda: catalog.current().prepare("补社保卡要带什么"))
    except Exception as exc:  # noqa: BLE001 - any failure here only costs the first turn its speed
        logging.getLogger(__name__).warning("text preparation not warmed at start (%s)", exc)


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings: ApiSettings = app.state.settings
    app.state.rasa = RasaClient(rasa_instances(settings), settings.rasa_timeout)
    app.state.catalog = GuideCatalog(settings)
    await _warm_text_preparation(app.state.catalog)
    assistant: Assistant = app.state.assistant or assistant_over(app.state.rasa, app.state.catalog, settings)
    app.state.ask = assistant
    app.state.recognizer = recognizer_from_settings(settings, lambda: app.state.catalog.current().guides.values())
    app.state.wechat = (
        WeChatDesk(settings, assistant, app.state.catalog, recognizer=app.state.recognizer)
        if settings.wechat_token
        else None
    )
    if app.state.wechat is not None:
        app.state.wechat.start()
    # Words the recogniser was unsure of are asked back first, at the kiosk and on voice platforms alike.
    app.state.confirming = Confirming(pending_confirmations(settings))
    app.state.voice_turns = VoiceTurns(
        assistant, app.state.catalog, app.state.confirming, settings.voice_confirm_below, settings.max_text_chars
    )
    app.state.session_ids = SessionIds(settings.session_secret)
    app.state.turn_limits = TurnLimits(
        turn_counter(settings), settings.turns_per_minute_per_client, settings.turns_per_minute_per_session
    )
    app.state.synthesizer = synthesizer_from_settings(settings)
    app.state.help_desk = HelpDesk.from_settings(settings)
    yield
    if app.state.wechat is not None:
        await app.state.wechat.stop()
    await app.state.confirming.close()
    await app.state.turn_limits.close()
    await app.state.rasa.close()


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 naming each bad field; 400 when the body is not JSON at all."""
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return JSONResponse(
            status_code=400, content={"error": "请求内容不是有效的 JSON。", "detail": "invalid JSON body"}
        )
    fields = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p != "body"]
        fields.append({"field": ".".join(loc) or "body", "problem": err.get("msg", "")})
    summary = "; ".join(f"{f['field']}: {f['problem']}" for f in fields)
    return JSONResponse(status_code=422, content={"error": f"请求有误:{summary}", "fields": fields})


async def _not_signed_in(request: Request, exc: NotSignedIn):
    """Pages send an anonymous visitor to sign-in; anything else is refused with 401."""
    if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
        return RedirectResponse(f"/editor/login?next={quote(request.url.path)}", status_code=303)
    return JSONResponse(status_code=401, content={"detail": "请先登录。"})


async def _http_error(request: Request, exc: StarletteHTTPException):
    """Editor pages show errors as a page; every other caller gets JSON."""
    if request.url.path.startswith("/editor") and "text/html" in request.headers.get("accept", ""):
        return editor.templates.TemplateResponse(
            request,
            "error.html",
            {"user": None, "csrf": "", "title": "这一步做不了", "message": exc.detail},
            status_code=exc.status_code,
        )
    return await http_exception_handler(request, exc)


def create_app(assistant: Optional[Assistant] = None, settings: Optional[ApiSettings] = None) -> FastAPI:
    """`assistant` replaces the Rasa-backed one (tests of a front end's timing use a slow one); `settings`, the
    environment's (BANSHI_…). Every route reads them through `Depends(settings_dep)`."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = settings or get_api_settings()
    # /docs, /redoc, /openapi.json only where BANSHI_API_DOCS is on (development; off in production).
    docs = settings.api_docs
    app = FastAPI(
        title="长辈办事通 API",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.assistant = assistant
    app.state.settings = settings
    # (Starlette types a handler as taking any Exception; each of these takes its own kind.)
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(NotSignedIn, _not_signed_in)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.editor_secret_key or secrets.token_urlsafe(32),
        session_cookie="banshi_editor",
        max_age=int(settings.editor_session_hours * 3600),
        same_site="strict",
        https_only=settings.editor_cookie_secure,
    )
    app.add_middleware(SecurityHeaders)  # CSP, frame-ancestors, nosniff, Referrer-Policy on every response
    app.include_router(chat.router)
    app.include_router(guides.router)
    app.include_router(health.router)
    app.include_router(wechat.router)
    app.include_router(voice.router)
    app.include_router(kiosk.router)
    kiosk.mount_static(app)
    app.include_router(editor.router)
    app.include_router(editor_dashboard.router)
    app.include_router(editor_imports.router)
    app.include_router(editor_imports.upload_router)
    return app


app = create_app()
