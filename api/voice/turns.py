"""One voice turn: the chat turn, plus what a voice platform needs around it.

A recogniser's low confidence is confirmed before anything is answered ("您是想问…吗?说「是」或「不是」");
the reply comes back as display text, as speech text for a TTS engine and as SSML (slower once the
user asked "说慢一点"). A pending confirmation is kept for a few minutes: in this process's memory, or in
Redis (BANSHI_LOCK_STORE_URL) so that the "是" may reach another API process than the question did.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Dict, Optional, Protocol, Tuple

from pydantic import BaseModel, Field
from redis.exceptions import RedisError

from api.conversation import Assistant
from api.front_door import SESSION_ID_DOC, SESSION_ID_PATTERN
from api.redis_clients import async_redis
from api.schemas import ChatRequest, ChatResponse, ChatState
from guidekit.answers.replies import doing
from guidekit.answers.speech import to_speech, to_ssml
from guidekit.catalog import GuideCatalog
from guidekit.privacy import mask_personal_numbers
from guidekit.understanding.textnorm import is_no, is_yes

log = logging.getLogger("banshi.voice")

CONFIRM_SECONDS = 300
# Replies after which the person is not expected to say more.
_CLOSING_TOPICS = {"goodbye", "handoff", "feedback"}


class VoiceTurnRequest(BaseModel):
    session_id: Optional[str] = Field(
        None, min_length=1, max_length=128, pattern=SESSION_ID_PATTERN, description=SESSION_ID_DOC
    )
    text: str = Field(max_length=2000)
    confidence: Optional[float] = Field(default=None, ge=0.0, le=1.0)


class VoiceTurnResponse(BaseModel):
    session_id: Optional[str] = None
    reply_text: str
    speech_text: str
    ssml: str
    state: ChatState
    expect_reply: bool


def voice_reply(reply: ChatResponse) -> VoiceTurnResponse:
    text = "\n".join(m.text for m in reply.messages if m.text.strip())
    # A closing reply may still end with a question (the 好差评 rating after 再见): keep listening then.
    asks = any(m.buttons for m in reply.messages) or ("?" in reply.messages[-1].text if reply.messages else False)
    return VoiceTurnResponse(
        reply_text=text,
        speech_text=to_speech(text),
        ssml=to_ssml(text, slow=reply.state.slow_speech),
        state=reply.state,
        expect_reply=asks or reply.state.topic not in _CLOSING_TOPICS,
    )


def spoken_reply(text: str, topic: str = "clarify", slow: bool = False) -> VoiceTurnResponse:
    """A reply of our own (not from the assistant), in the three forms a voice platform needs."""
    return VoiceTurnResponse(
        reply_text=text,
        speech_text=to_speech(text),
        ssml=to_ssml(text, slow=slow),
        state=ChatState(topic=topic, slow_speech=slow),
        expect_reply=True,
    )


class Confirmations(Protocol):
    """What each session was asked to confirm (in memory or in Redis)."""

    async def hold(self, session_id: str, said: str) -> bool: ...
    async def take(self, session_id: str) -> Optional[str]: ...
    async def close(self) -> None: ...


class PendingConfirmations:
    """What each session was asked to confirm, in this process's memory."""

    def __init__(self, ttl_seconds: float = CONFIRM_SECONDS):
        self.ttl = ttl_seconds
        self._held: Dict[str, Tuple[float, str]] = {}

    async def hold(self, session_id: str, said: str) -> bool:
        self._held[session_id] = (time.monotonic(), said)
        return True

    async def take(self, session_id: str) -> Optional[str]:
        now = time.monotonic()
        for key in [k for k, (since, _) in self._held.items() if now - since > self.ttl]:
            del self._held[key]
        held = self._held.pop(session_id, None)
        return held[1] if held else None

    async def close(self) -> None:
        pass


class RedisPendingConfirmations:
    """The same, shared by every API process through Redis; the text is already masked."""

    def __init__(self, redis_url: str, ttl_seconds: float = CONFIRM_SECONDS, prefix: str = "banshi:voice:confirm:"):
        self.redis = async_redis(redis_url)
        self.ttl, self.prefix = int(ttl_seconds), prefix

    async def hold(self, session_id: str, said: str) -> bool:
        try:
            await self.redis.set(self.prefix + session_id, said, ex=self.ttl)
            return True
        except RedisError as exc:
            log.error("cannot keep a voice confirmation (%s); answering without asking first", exc.__class__.__name__)
            return False

    async def take(self, session_id: str) -> Optional[str]:
        try:
            return await self.redis.getdel(self.prefix + session_id)  # read and removed at once: one answer only
        except RedisError as exc:
            log.error("cannot read voice confirmations (%s)", exc.__class__.__name__)
            return None

    async def close(self) -> None:
        await self.redis.close()


class VoiceTurns:
    def __init__(
        self,
        assistant: Assistant,
        catalog: GuideCatalog,
        confirm_below: float,
        pending: Optional[Confirmations] = None,
        max_chars: int = 500,
    ):
        self.max_chars = max_chars
        self.assistant = assistant
        self.catalog = catalog
        self.confirm_below = confirm_below
        self.pending = pending or PendingConfirmations()

    async def turn(self, req: VoiceTurnRequest, session_id: str) -> VoiceTurnResponse:
        """`session_id` is the one the server issued or checked (api/front_door.py), never the client's own."""
        if len(req.text.strip()) > self.max_chars:  # before any work, on every path
            reply = spoken_reply(f"您说的话太长了,我一次只能听{self.max_chars}个字以内。请您说短一点,一次问一件事。")
        else:
            reply = await self._turn(req, session_id)
        reply.session_id = session_id
        return reply

    async def _turn(self, req: VoiceTurnRequest, session_id: str) -> VoiceTurnResponse:
        pending = await self.pending.take(session_id)
        said = mask_personal_numbers(req.text.strip())  # it may be kept and repeated back
        if pending is not None:
            if is_yes(said):
                return await self._ask(session_id, pending)
            if is_no(said):
                return spoken_reply("好的。请您再说一遍,您想办什么事?")
            # Anything else is a new question, heard afresh.
        if req.confidence is not None and req.confidence < self.confirm_below and said:
            if await self.pending.hold(session_id, said):
                # Matching is CPU work: off the event loop.
                return spoken_reply(await asyncio.to_thread(self._confirm_question, said))
        return await self._ask(session_id, said)

    async def _ask(self, session_id: str, text: str) -> VoiceTurnResponse:
        reply = await self.assistant(ChatRequest(session_id=session_id, text=text, channel="voice"))
        return voice_reply(reply)

    def _confirm_question(self, said: str) -> str:
        snapshot = self.catalog.current()
        resolution = snapshot.index.resolve(snapshot.prepare(said))
        if resolution.guide_id is not None:  # (certain)
            return f"您是想问{doing(snapshot.guides[resolution.guide_id])}吗?\n请说「是」或「不是」。"
        return f"我听到的是:「{said}」。\n对吗?请说「是」或「不是」。"
