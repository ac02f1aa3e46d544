"""The WeChat front desk: what to do with each message or event, and when and how the answer goes out."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Dict, List, Mapping, Optional, Set, Tuple

import requests
from sqlalchemy.orm import Session
from wechatpy.events import ClickEvent, SubscribeEvent, UnsubscribeEvent
from wechatpy.exceptions import WeChatClientException
from wechatpy.messages import BaseMessage, TextMessage, VoiceMessage
from wechatpy.replies import TextReply

from api.conversation import Assistant
from api.schemas import ChatRequest
from api.shared_state import once_only, seen_nonces
from api.sessions import forget_conversation
from api.voice.asr import Recognizer, RecognizerUnavailable
from api.voice.hearing import hear_now
from api.wechat import texts
from api.wechat.delivery import LATER, CustomerService
from api.wechat.format import answer_texts, split_text, user_text
from api.wechat.inbound import WINDOW_SECONDS, Refused, crypto_for
from redis.exceptions import RedisError

from api.wechat.once import message_key
from api.wechat.outbox import Outbox
from api.wechat.replay import NEW, REPLAYED
from guidekit.quality import records as quality
from guidekit.catalog import GuideCatalog
from guidekit.answers.replies import doing
from api.settings import ApiSettings
from guidekit.db.engine import get_engine
from guidekit.understanding.textnorm import parse_option_number

log = logging.getLogger("banshi.wechat")

SUCCESS = "success"  # WeChat's "received; nothing to say in this reply"
MENU_SECONDS = 600
# The account's menu buttons (CLICK events), by the key set in the WeChat console.
COMMON_SERVICES, HOW_TO_ASK = "COMMON_SERVICES", "HOW_TO_ASK"
MENU_QUESTIONS = {"HANDOFF": "转人工", "WHATS_LEFT": "还差哪些"}
# Later parts of a long answer wait a moment, so they arrive after the passive first part.
FOLLOW_UP_DELAY = 0.5


def session_id(openid: str) -> str:
    return "wechat:" + re.sub(r"[^A-Za-z0-9_-]", "_", openid)[:100]


class WeChatDesk:
    def __init__(
        self,
        settings: ApiSettings,
        assistant: Assistant,
        catalog: GuideCatalog,
        service: Optional[CustomerService] = None,
        recognizer: Optional[Recognizer] = None,
    ):
        if not settings.wechat_token:
            raise ValueError("the WeChat desk needs WECHAT_TOKEN")
        self.settings = settings
        self.token: str = settings.wechat_token  # what WeChat signs every request with
        self.assistant = assistant
        self.catalog = catalog
        self.crypto = crypto_for(settings)
        self.service = service if service is not None else CustomerService.from_settings(settings)
        # Voice messages WeChat sent without its own recognition text are fetched (media API) and heard here.
        self.recognizer = recognizer
        # Shared through Redis when there is one, so a retry reaching another API process is still a retry.
        self.once = once_only(settings)
        # Each signed (timestamp, nonce) carries one message: shared the same way, so a replay sent to
        # another API process is refused too.
        self.nonces = seen_nonces(settings, WINDOW_SECONDS)
        # Parts WeChat would not take even after retries are kept and sent again later.
        self.outbox = Outbox(settings.database_url, settings.wechat_outbox_seconds) if self.service else None
        self._outbox_task: Optional[asyncio.Task] = None
        self._menus: Dict[str, Tuple[float, List[str]]] = {}
        self._background: Set[asyncio.Task] = set()
        self.assistant_calls = 0

    # -- the HTTP answer -----------------------------------------------------------------------
    async def handle(self, message: BaseMessage, params: Mapping[str, str]) -> str:
        """The body to answer WeChat's request with: a passive reply (XML) or "success".

        Raises Refused (403) when the request's signed timestamp and nonce already brought another
        message: a signed URL copied from a log, with a body of the copier's choosing (plaintext mode).
        """
        key = message_key(message)
        try:
            seen = await self.nonces.see(int(params["timestamp"]), params["nonce"], key)
            # The same request again is WeChat resending it: answered like a retry, never asked again
            # (nor does an unsubscribe forget anybody a second time).
            first = seen == NEW and await self.once.claim(key, message.source)
        except RedisError as exc:
            # Without the once-only record the assistant cannot be asked safely (nor can Rasa, which
            # locks conversations in the same Redis): a polite answer now beats WeChat's "无法提供服务".
            log.error("once-only record unavailable (%s); answered with the hotline", exc.__class__.__name__)
            return self._passive(message, texts.something_wrong(self.settings.hotline), params)
        if seen == REPLAYED:
            log.warning("a signed timestamp and nonce came back with another message (%s); refused", message.type)
            raise Refused(403, "timestamp and nonce already used")
        if not first:
            log.info("WeChat resent a %s; answered without asking again", message.type)
            return await self.once.decision(key, self.settings.wechat_passive_seconds) or SUCCESS
        body = SUCCESS
        try:
            body = await self._answer_in_time(message, params)
        finally:
            await self.once.decide(key, body)
        return body

    async def _answer_in_time(self, message: BaseMessage, params: Mapping[str, str]) -> str:
        work = asyncio.create_task(self._compose(message))
        done, _ = await asyncio.wait({work}, timeout=self.settings.wechat_passive_seconds)
        if work in done:
            parts = self._result(work)
            if not parts:
                return SUCCESS
            if len(parts) > 1:
                self._in_background(self._send_later(message.source, parts[1:], FOLLOW_UP_DELAY))
            return self._passive(message, parts[0], params)
        if self.service is None:
            log.warning(
                "answer slower than %.1f s and no customer-service API configured (WECHAT_APP_ID/SECRET)",
                self.settings.wechat_passive_seconds,
            )
            return self._passive(message, texts.too_slow(self.settings.hotline), params)
        self._in_background(self._deliver_when_done(message.source, work))
        return SUCCESS

    def _result(self, work: "asyncio.Task[Optional[List[str]]]") -> Optional[List[str]]:
        try:
            return work.result()
        except Exception:
            log.exception("a WeChat message could not be answered")
            return [texts.something_wrong(self.settings.hotline)]

    def _passive(self, message: BaseMessage, content: str, params: Mapping[str, str]) -> str:
        xml = TextReply(message=message, content=content).render()
        if self.crypto is not None:
            xml = self.crypto.encrypt_message(xml, params.get("nonce") or str(int(time.time())), int(time.time()))
        return xml

    async def _deliver_when_done(self, openid: str, work: "asyncio.Task") -> None:
        await asyncio.wait({work})
        parts = self._result(work)
        if parts:
            await self._deliver(openid, parts)

    async def _send_later(self, openid: str, parts: List[str], delay: float) -> None:
        if self.service is None:
            log.warning("%d more part(s) of a long answer not sent: no customer-service API configured", len(parts))
            return
        await asyncio.sleep(delay)
        await self._deliver(openid, parts)

    async def _deliver(self, openid: str, parts: List[str]) -> None:
        if self.service is None:
            log.warning("%d part(s) of an answer not sent: no customer-service API configured", len(parts))
            return
        later = await self.service.send_texts(openid, parts)
        if later and self.outbox is not None:
            await asyncio.to_thread(self.outbox.add, openid, later)

    # -- the outbox ------------------------------------------------------------------------------
    def start(self) -> None:
        if self.outbox is not None and self._outbox_task is None:
            self._outbox_task = asyncio.create_task(self._outbox_loop())

    async def stop(self) -> None:
        if self._outbox_task is not None:
            self._outbox_task.cancel()
            await asyncio.gather(self._outbox_task, return_exceptions=True)
            self._outbox_task = None
        await self.drain()
        await self.once.close()
        await self.nonces.close()

    async def _outbox_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.wechat_outbox_seconds)
            try:
                await self.send_outbox()
            except Exception:
                log.exception("sending kept messages failed; trying again later")

    async def send_outbox(self) -> None:
        """One round: every due part, in order; a user whose part fails waits for the next round."""
        outbox, service = self.outbox, self.service
        if outbox is None or service is None:
            return
        waiting = set()
        for row in await asyncio.to_thread(outbox.claim_due):
            if row.openid in waiting:
                continue
            status = await service.send_text(row.openid, row.text)
            if status == LATER:
                waiting.add(row.openid)
                await asyncio.to_thread(outbox.failed, row.id)
            else:
                await asyncio.to_thread(outbox.delivered, row.id)

    def _in_background(self, coro) -> None:
        task = asyncio.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self) -> None:
        """Wait for answers still being delivered (shutdown, tests)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    # -- what to say ---------------------------------------------------------------------------
    async def _compose(self, message: BaseMessage) -> Optional[List[str]]:
        hotline = self.settings.hotline
        openid = message.source
        if isinstance(message, SubscribeEvent):
            return self._welcome(openid)
        if isinstance(message, UnsubscribeEvent):
            await self._forget(openid)
            return None
        if isinstance(message, ClickEvent):
            return await self._menu_click(openid, message.key or "")
        if message.type == "event":
            return None  # menu links, location reports, scans: nothing to say
        if isinstance(message, TextMessage):
            said = user_text(message.content or "")
            if not said:
                return [texts.only_text(hotline)]  # a sticker or a face only
            return await self.ask(openid, self._menu_pick(openid, said) or said)
        if isinstance(message, VoiceMessage):
            heard = user_text(getattr(message, "recognition", None) or "")
            if not heard:
                heard, problem = await self._hear_voice(getattr(message, "media_id", None) or "")
                if problem:
                    return [problem]
            if heard:
                return await self.ask(openid, self._menu_pick(openid, heard) or heard)
            return [texts.voice_not_understood(hotline)]
        return [texts.only_text(hotline)]  # image, video, location, link, file

    async def _hear_voice(self, media_id: str) -> Tuple[str, Optional[str]]:
        """(what was said, "") or ("", a kind answer saying why nothing was heard). Without a recogniser or the
        media API (no app id and secret), or when the download fails: ("", ""), and the person is asked to type."""
        if self.recognizer is None or self.service is None or not media_id:
            return "", ""
        try:
            data = await asyncio.to_thread(self.service.download_media, media_id, self.settings.max_audio_bytes)
        except (WeChatClientException, requests.RequestException, ValueError) as exc:
            log.warning("voice message not downloaded: %s", exc.__class__.__name__)
            return "", ""
        try:
            heard = await asyncio.to_thread(hear_now, self.recognizer, data, self.settings)
        except RecognizerUnavailable as exc:
            log.error("speech recogniser unavailable: %s", exc)
            return "", ""
        return user_text(heard.transcript), heard.problem or ""

    async def ask(self, openid: str, text: str) -> List[str]:
        self.assistant_calls += 1
        reply = await self.assistant(ChatRequest(session_id=session_id(openid), text=text[:20000], channel="wechat"))
        return answer_texts(reply, self.settings.wechat_message_chars)

    async def _menu_click(self, openid: str, key: str) -> List[str]:
        if key == COMMON_SERVICES:
            guides = self.catalog.most_asked_first()
            self._menus[openid] = (time.monotonic(), [f"{doing(g)}要带什么" for g in guides])
            return split_text(texts.service_menu([g.called for g in guides]), self.settings.wechat_message_chars)
        if key in MENU_QUESTIONS:
            return await self.ask(openid, MENU_QUESTIONS[key])
        return self._welcome(openid)  # HOW_TO_ASK, or a key this version does not know

    def _welcome(self, openid: str) -> List[str]:
        """The welcome's numbered examples can be picked by number ("1"), like the services menu."""
        self._menus[openid] = (time.monotonic(), list(texts.EXAMPLES))
        return [texts.welcome()]

    def _menu_pick(self, openid: str, said: str) -> Optional[str]:
        """A number right after a numbered list of ours (the services menu, the welcome's examples) means
        that line: "3" → "办…要带什么", "1" → "补社保卡要带什么"."""
        since, questions = self._menus.pop(openid, (0.0, []))
        if not questions or time.monotonic() - since > MENU_SECONDS:
            return None
        number = parse_option_number(said, len(questions))
        return questions[number - 1] if number is not None else None

    async def _forget(self, openid: str) -> None:
        self._menus.pop(openid, None)
        await self.once.forget_user(openid)  # remembered replies are this user's data too
        removed = await asyncio.to_thread(forget_conversation, self.settings.tracker_store_url, session_id(openid))
        turns = await asyncio.to_thread(self._forget_turns, session_id(openid))
        log.info("a user unsubscribed; %d conversation events and %d logged turns removed", removed, turns)

    def _forget_turns(self, sid: str) -> int:
        """The quality log's copy of what they said goes too (their ratings stay, unlinked)."""
        with Session(get_engine(self.settings.database_url)) as session, session.begin():
            return quality.forget_session(session, sid)
