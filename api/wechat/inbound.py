"""Reading what WeChat's server sends: size limit, signature, refusal of unsafe XML, safe-mode decryption.

Every check raises `Refused` with the HTTP status to answer; nothing refused reaches the assistant.
"""

from __future__ import annotations

import re
import time
from typing import Mapping, Optional

from fastapi import Request
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import BaseMessage
from wechatpy.utils import check_signature

from api.body import BodyTooLarge, read_limited_body
from api.settings import ApiSettings

# WeChat's messages never declare a DOCTYPE or an entity: such XML is refused before any parser sees it,
# so nothing external (XXE) or self-expanding (billion laughs) is ever resolved.
_DECLARATION = re.compile(rb"<!(?!\[CDATA\[)", re.IGNORECASE)
_SECONDS = re.compile(r"[0-9]{1,12}")
# WeChat signs each request with the current time: one further than this from our clock is stale.
WINDOW_SECONDS = 300.0


class Refused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def read_body(request: Request, limit: int) -> bytes:
    """The body, or 413 as soon as it is known to be over `limit` bytes (header or stream)."""
    try:
        return await read_limited_body(request, limit)
    except BodyTooLarge as exc:
        raise Refused(413, str(exc)) from None


def verify_signature(
    token: str, params: Mapping[str, str], window_seconds: float = WINDOW_SECONDS, now: Optional[float] = None
) -> int:
    """WeChat's URL signature (sha1 of the sorted token, timestamp and nonce) over a fresh timestamp.

    A timestamp that is no number of seconds, or more than `window_seconds` away from our clock, is
    refused: a signed URL from a log is no use later (api/wechat/replay.py refuses it sooner).
    Returns the timestamp.
    """
    signature, timestamp, nonce = params.get("signature"), params.get("timestamp"), params.get("nonce")
    if not (signature and timestamp and nonce):
        raise Refused(403, "signature, timestamp or nonce missing")
    try:
        check_signature(token, signature, timestamp, nonce)
    except InvalidSignatureException:
        raise Refused(403, "bad signature") from None
    if not _SECONDS.fullmatch(timestamp):
        raise Refused(403, "timestamp is not a number of seconds")
    seconds = int(timestamp)
    if abs(seconds - (time.time() if now is None else now)) > window_seconds:
        raise Refused(403, f"timestamp more than {window_seconds:.0f} s away from this server's clock")
    return seconds


def refuse_declarations(xml: bytes) -> None:
    if _DECLARATION.search(xml):
        raise Refused(400, "XML declares a DOCTYPE or entity")


def crypto_for(settings: ApiSettings) -> Optional[WeChatCrypto]:
    """Safe mode (AES) when an EncodingAESKey is configured; plaintext mode otherwise."""
    if not settings.wechat_aes_key:
        return None
    return WeChatCrypto(settings.wechat_token, settings.wechat_aes_key, settings.wechat_app_id or "")


def decode(body: bytes, params: Mapping[str, str], crypto: Optional[WeChatCrypto]) -> BaseMessage:
    """The message WeChat sent, decrypted in safe mode. Raises Refused (400/403) for anything else."""
    refuse_declarations(body)
    xml = body
    if crypto is not None:
        if params.get("encrypt_type") != "aes" or not params.get("msg_signature"):
            raise Refused(400, "safe mode expects encrypt_type=aes and msg_signature")
        try:
            xml = crypto.decrypt_message(body, params["msg_signature"], params["timestamp"], params["nonce"])
        except (InvalidSignatureException, InvalidAppIdException):
            raise Refused(403, "bad msg_signature or app id") from None
        except Exception as exc:  # bad XML, base64 or padding: all malformed input
            raise Refused(400, f"cannot decrypt: {exc.__class__.__name__}") from None
        xml = xml.encode("utf-8") if isinstance(xml, str) else xml
        refuse_declarations(xml)
    try:
        message = parse_message(xml)
    except Exception as exc:  # expat errors, a missing <xml> root or MsgType
        raise Refused(400, f"malformed XML: {exc.__class__.__name__}") from None
    if message is None or not getattr(message, "source", None):
        raise Refused(400, "message without FromUserName")
    try:  # WeChat always sends it; retries of events are recognised by it (api/wechat/once.py)
        created = message.create_time
    except (ValueError, OverflowError, OSError):
        created = None
    if created is None:
        raise Refused(400, "message without a valid CreateTime")
    return message
