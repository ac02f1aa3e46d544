"""One voice turn: the chat turn, plus what a voice platform needs around it.

A recogniser's low confidence is confirmed before anything is answered ("您是想问…吗?说「是」或「不是」",
api/voice/confirm.py); the reply comes back as display text, as speech text for a TTS engine and as SSML (slower
once the user asked "说慢一点").
"""

from __future__ import annotations

import asyncio
from typing import Optional

from pydantic import BaseModel, Field

from api.conversation import Assistant
from api.front_door import SESSION_ID_DOC, SESSION_ID_PATTERN
from api.voice.confirm import SAY_AGAIN, Confirming
from api.schemas import ChatRequest, ChatResponse, ChatState
from guidekit.answers.replies import doing
from guidekit.answers.speech import to_speech, to_ssml
from guidekit.catalog import GuideCatalog
from guidekit.privacy import mask_personal_numbers

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


class VoiceTurns:
    def __init__(
        self,
        assistant: Assistant,
        catalog: GuideCatalog,
        confirming: Confirming,
        confirm_below: float,
        max_chars: int = 500,
    ):
        self.max_chars = max_chars
        self.assistant = assistant
        self.catalog = catalog
        self.confirming = confirming
        self.confirm_below = confirm_below

    async def turn(
        self, req: VoiceTurnRequest, session_id: str, confirm_below: Optional[float] = None
    ) -> VoiceTurnResponse:
        """`session_id` is the one the server issued or checked (api/front_door.py), never the client's own.
        `confirm_below`: the threshold on the scale of whoever recognised the words (default: the platforms')."""
        if len(req.text.strip()) > self.max_chars:  # before any work, on every path
            reply = spoken_reply(f"您说的话太长了,我一次只能听{self.max_chars}个字以内。请您说短一点,一次问一件事。")
        else:
            below = self.confirm_below if confirm_below is None else confirm_below
            reply = await self._turn(req, session_id, below)
        reply.session_id = session_id
        return reply

    async def _turn(self, req: VoiceTurnRequest, session_id: str, below: float) -> VoiceTurnResponse:
        said = mask_personal_numbers(req.text.strip())  # it may be kept and repeated back
        settled = await self.confirming.settle(session_id, said, spoken=True)  # a platform's recognition
        if settled.again:
            return spoken_reply(SAY_AGAIN)
        if not settled.confirmed:  # words heard now, perhaps unsure
            held = await self.confirming.hold_if_unsure(session_id, said, req.confidence, below)
            if held is not None:
                # Matching is CPU work: off the event loop.
                return spoken_reply(await asyncio.to_thread(self._confirm_question, held))
        return await self._ask(session_id, settled.text)

    async def _ask(self, session_id: str, text: str) -> VoiceTurnResponse:
        reply = await self.assistant(ChatRequest(session_id=session_id, text=text, channel="voice"))
        return voice_reply(reply)

    def _confirm_question(self, said: str) -> str:
        snapshot = self.catalog.current()
        resolution = snapshot.index.resolve(snapshot.prepare(said))
        if resolution.guide_id is not None:  # (certain)
            return f"您是想问{doing(snapshot.guides[resolution.guide_id])}吗?\n请说「是」或「不是」。"
        return f"我听到的是:「{said}」。\n对吗?请说「是」或「不是」。"
