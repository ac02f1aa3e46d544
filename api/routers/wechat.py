"""`/wechat`: the WeChat Official Account callback (the URL to enter in the WeChat console).

GET verifies WeChat's signature and echoes `echostr`. POST takes a message or event in plaintext or
safe mode and answers within WeChat's 5 seconds (api/wechat/desk.py). Bad signature, a timestamp more than
300 s off or a (timestamp, nonce) already used for another message → 403, bad XML or a DOCTYPE/entity → 400,
a body over the limit → 413: none of them reach the assistant.
"""

from __future__ import annotations

import logging
from typing import Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse, Response

from api.wechat.desk import WeChatDesk
from api.wechat.inbound import Refused, decode, read_body, verify_signature

log = logging.getLogger("banshi.wechat")
router = APIRouter(tags=["wechat"])
NOT_CONFIGURED = "WeChat is not configured on this server: set WECHAT_TOKEN (see README)."


def wechat_desk(request: Request) -> Optional[WeChatDesk]:
    return getattr(request.app.state, "wechat", None)


def _refused(exc: Refused) -> PlainTextResponse:
    log.warning("WeChat request refused (%d): %s", exc.status, exc.reason)
    return PlainTextResponse(exc.reason, status_code=exc.status)


@router.get("/wechat", response_class=PlainTextResponse)
async def verify_url(request: Request, desk: Optional[WeChatDesk] = Depends(wechat_desk)):
    if desk is None:
        return PlainTextResponse(NOT_CONFIGURED, status_code=503)
    try:
        verify_signature(desk.token, request.query_params)
    except Refused as exc:
        return _refused(exc)
    return PlainTextResponse(request.query_params.get("echostr", ""))


@router.post("/wechat")
async def receive(request: Request, desk: Optional[WeChatDesk] = Depends(wechat_desk)):
    if desk is None:
        return PlainTextResponse(NOT_CONFIGURED, status_code=503)
    params = request.query_params
    try:
        verify_signature(desk.token, params)
        body = await read_body(request, desk.settings.wechat_max_body_bytes)
        message = decode(body, params, desk.crypto)
        answer = await desk.handle(message, params)  # refuses a signed timestamp and nonce used for another message
    except Refused as exc:
        return _refused(exc)
    return Response(answer, media_type="application/xml" if answer.startswith("<") else "text/plain")
