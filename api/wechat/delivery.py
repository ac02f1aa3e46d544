"""Answers that miss WeChat's 5-second window go out through the customer-service API (客服消息).

wechatpy's client speaks the protocol; this module adds what production needs around it: the API
address from settings (tests point it at a fake server on loopback), the access token cached until it
expires (in Redis when configured, shared by every API process) and refreshed once on an invalid-token error (wechatpy's own retry would loop forever on a
bad secret), and failed sends retried with backoff and logged — without the message text.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import List, Optional, Sequence

import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from api.shared_state import wechat_tokens
from api.settings import ApiSettings

log = logging.getLogger("banshi.wechat.delivery")

SENT, REFUSED, LATER = "sent", "refused", "later"
TOKEN_ERRORS = {40001, 40014, 42001}  # invalid credential, invalid token, token expired
# Retrying cannot help: the user unfollowed, the 48-hour window closed, a bad OpenID or app secret.
PERMANENT_ERRORS = {40003, 40013, 40125, 43004, 45015, 45047, 48001}


class _Client(WeChatClient):
    """wechatpy's client with a configurable API address and a token fetch that honours the timeout."""

    def __init__(self, app_id: str, secret: str, api_base: str, timeout: float, session=None):
        super().__init__(app_id, secret, timeout=timeout, auto_retry=False, session=session)
        self.API_BASE_URL = api_base.rstrip("/") + "/cgi-bin/"
        self._token_lock = threading.Lock()

    def fetch_access_token(self):
        # One fetch at a time: concurrent sends that all find the token expired share the new one.
        with self._token_lock:
            if self.expires_at and self.session.get(self.access_token_key) and self.expires_at - time.time() > 60:
                return None
            log.info("fetching a WeChat access token")
            res = self._http.get(
                self.API_BASE_URL + "token",
                timeout=self.timeout,
                params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
            )
            res.raise_for_status()
            result = res.json()
            if result.get("errcode"):
                raise WeChatClientException(result["errcode"], result.get("errmsg"), client=self)
            expires_in = int(result.get("expires_in", 7200))
            self.session.set(self.access_token_key, result["access_token"], expires_in)
            self.expires_at = int(time.time()) + expires_in
            return result

    def drop_token(self) -> None:
        self.session.delete(self.access_token_key)
        self.expires_at = None


class CustomerService:
    def __init__(self, settings: ApiSettings, timeout: float = 5.0):
        self.attempts = max(1, settings.wechat_send_attempts)
        self.base_delay = settings.wechat_retry_base_seconds
        if not settings.wechat_app_id or not settings.wechat_app_secret:
            raise ValueError("the customer-service API needs WECHAT_APP_ID and WECHAT_APP_SECRET")
        self.client = _Client(
            settings.wechat_app_id,
            settings.wechat_app_secret,
            settings.wechat_api_base,
            timeout,
            session=wechat_tokens(settings),
        )

    @classmethod
    def from_settings(cls, settings: ApiSettings) -> Optional["CustomerService"]:
        if not (settings.wechat_app_id and settings.wechat_app_secret):
            return None
        return cls(settings)

    def _send_once(self, openid: str, text: str) -> None:
        try:
            self.client.message.send_text(openid, text)
        except WeChatClientException as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
            log.info("access token refused (errcode %s); fetching a new one and sending again", exc.errcode)
            self.client.drop_token()
            self.client.message.send_text(openid, text)

    def _download_once(self, media_id: str, limit: int) -> bytes:
        """GET media/get: the file itself, or JSON with an errcode (WeChat answers errors that way)."""
        res = self.client._http.get(
            self.client.API_BASE_URL + "media/get",
            timeout=self.client.timeout,
            params={"access_token": self.client.access_token, "media_id": media_id},
        )
        res.raise_for_status()
        if "json" in res.headers.get("Content-Type", "") or "text/plain" in res.headers.get("Content-Type", ""):
            result = res.json()
            raise WeChatClientException(result.get("errcode"), result.get("errmsg"), client=self.client)
        if len(res.content) > limit:
            raise ValueError(f"media over {limit} bytes")
        return res.content

    def download_media(self, media_id: str, limit: int) -> bytes:
        """A user's voice message (AMR) by its MediaId, kept by WeChat for 3 days; a refused token is fetched
        anew once, as for sending."""
        try:
            return self._download_once(media_id, limit)
        except WeChatClientException as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
            log.info("access token refused (errcode %s); fetching a new one and downloading again", exc.errcode)
            self.client.drop_token()
            return self._download_once(media_id, limit)

    async def send_text(self, openid: str, text: str) -> str:
        """SENT once WeChat accepted it; REFUSED when retrying cannot help; LATER after the last attempt."""
        for attempt in range(1, self.attempts + 1):
            try:
                await asyncio.to_thread(self._send_once, openid, text)
                return SENT
            except WeChatClientException as exc:
                if exc.errcode in PERMANENT_ERRORS:
                    log.error(
                        "customer-service message to %s refused for good: errcode %s", _short(openid), exc.errcode
                    )
                    return REFUSED
                problem = f"errcode {exc.errcode}"
            except (requests.RequestException, ValueError) as exc:
                problem = exc.__class__.__name__
            if attempt == self.attempts:
                log.error(
                    "customer-service message to %s not delivered after %d attempts: %s",
                    _short(openid),
                    attempt,
                    problem,
                )
                return LATER
            delay = self.base_delay * 2 ** (attempt - 1)
            log.warning(
                "customer-service message to %s failed (%s); retry %d in %.1f s",
                _short(openid),
                problem,
                attempt,
                delay,
            )
            await asyncio.sleep(delay)
        return LATER

    async def send_texts(self, openid: str, texts: Sequence[str]) -> List[str]:
        """In order; returns the parts still to deliver later (empty when all went out or were refused)."""
        for i, text in enumerate(texts):
            status = await self.send_text(openid, text)
            if status == LATER:
                return list(texts[i:])
            if status == REFUSED:
                return []
        return []


def _short(openid: str) -> str:
    return openid[:6] + "…" if len(openid) > 6 else openid
