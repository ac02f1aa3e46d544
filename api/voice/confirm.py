"""Asking back before answering what the recogniser was unsure of.

Whisper on a noisy hall writes "武士宝卡要带什么东西" for 补社保卡要带什么东西: answered as it is, the person gets
a wrong or puzzling answer and does not know why. When the recogniser's confidence is below its threshold
(BANSHI_ASR_CONFIRM_BELOW for the project's Whisper, BANSHI_VOICE_CONFIRM_BELOW for a voice platform's own
recognition), the words are shown (or said) back first — "您说的是「…」吗?" — and answered only after
"是"; after "不是" the person is asked to say it again; anything else is a new question, heard afresh.

One rule for every front end that hears speech: the kiosk's 说话 (`/kiosk/audio`, the answer then comes by a tap or
a spoken "是") and voice platforms (`/voice/turn`, `/voice/audio`). What is waiting for a "是" is kept per
conversation in a `Confirmations` store (in memory, or in Redis so another API process may take the answer).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Dict, Optional, Protocol, Tuple

from pypinyin import lazy_pinyin
from redis.exceptions import RedisError

from api.redis_clients import async_redis
from api.schemas import Button, ChatResponse, ChatState, Message
from guidekit.privacy import mask_personal_numbers
from guidekit.understanding.textnorm import is_no, is_yes

log = logging.getLogger("banshi.voice")

# How long words wait for their 是.
CONFIRM_SECONDS = 300

# After 不是: the person says it again (by voice, or at the kiosk also by tapping or typing).
SAY_AGAIN = "好的。请您再说一遍,您想办什么事?"

# The kiosk's two answers: tapped, each sends its payload as the person's words (is_yes / is_no read them).
YES = ("是", "是")
NO = ("不是,我再说一遍", "不是")


class Confirmations(Protocol):
    """What each session was asked to confirm (in memory or in Redis)."""

    async def hold(self, session_id: str, said: str) -> bool: ...
    async def take(self, session_id: str) -> Optional[str]: ...
    async def waiting(self, session_id: str) -> bool: ...
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

    async def waiting(self, session_id: str) -> bool:
        held = self._held.get(session_id)
        return held is not None and time.monotonic() - held[0] <= self.ttl

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

    async def waiting(self, session_id: str) -> bool:
        try:
            return bool(await self.redis.exists(self.prefix + session_id))
        except RedisError:
            return False  # take() says so in the log

    async def close(self) -> None:
        await self.redis.close()


@dataclass(frozen=True)
class Settled:
    """What to do with a turn: answer `text` (the held words after 是: `confirmed`; or the turn's own), or, after
    不是, ask the person to say it again (`again`)."""

    text: str
    confirmed: bool = False
    again: bool = False


# A short spoken answer to our yes/no question, by its first syllable. Whisper base hears one syllable badly: a
# synthesised 是 came back as 试试, 是的 as 施登 or 是等, 不是 as 不许 (python -m benchmarks.voice_cer has the voice).
YES_SOUNDS = frozenset({"shi", "dui", "hao", "xing", "en", "ng"})
NO_SOUNDS = frozenset({"bu"})
# Only a reply this short is read so: "补社保卡" after the question is a new question, not a 不.
SHORT_ANSWER = 2  # characters


# What the recogniser is told to expect while the question waits.
ANSWERS = ("是", "是的", "对", "对的", "不是", "不对")


def spoken_answer(text: str) -> Optional[bool]:
    """True (yes), False (no) or None (not a short answer) for what a recogniser heard after "您说的是…吗?".
    A syllable said again and again counts once ("是是是")."""
    han = [c for i, c in enumerate(text) if "\u4e00" <= c <= "\u9fff" and (i == 0 or text[i - 1] != c)]
    if not 1 <= len(han) <= SHORT_ANSWER:
        return None
    first = lazy_pinyin(han[0])[0]
    return True if first in YES_SOUNDS else False if first in NO_SOUNDS else None


class Confirming:
    """The rule, over a store. The threshold is the caller's: each recogniser has its own scale (the project's
    Whisper: BANSHI_ASR_CONFIRM_BELOW; a voice platform's own recognition: BANSHI_VOICE_CONFIRM_BELOW)."""

    def __init__(self, pending: Confirmations):
        self.pending = pending

    async def hold_if_unsure(
        self, session_id: str, said: str, confidence: Optional[float], below: float
    ) -> Optional[str]:
        """The words to ask back about (masked: they are kept and shown again), or None: answer at once (sure
        enough, or no confidence given). A store that cannot keep them (Redis down) means answering at once
        rather than asking a question whose answer would be lost."""
        said = mask_personal_numbers(said.strip())
        unsure = confidence is not None and confidence < below
        if said and unsure and await self.pending.hold(session_id, said):
            return said
        return None

    async def expecting(self, session_id: str) -> Tuple[str, ...]:
        """The answers to listen for in this conversation's next recording (none when nothing waits)."""
        return ANSWERS if await self.pending.waiting(session_id) else ()

    async def settle(self, session_id: str, text: str, spoken: bool = False) -> Settled:
        """A turn after a question back: 是 → the held words, 不是 → say it again, anything else → itself.
        `spoken`: the words come from a recogniser, so a short answer is also read by its sound."""
        held = await self.pending.take(session_id)
        if held is not None:
            answer = True if is_yes(text) else False if is_no(text) else spoken_answer(text) if spoken else None
            if answer is True:
                return Settled(held, confirmed=True)
            if answer is False:
                return Settled("", again=True)
        return Settled(text)

    async def close(self) -> None:
        await self.pending.close()


def question_back(session_id: str, said: str) -> ChatResponse:
    """The kiosk's question back: the words first (the person checks them), then two big buttons."""
    return ChatResponse(
        session_id=session_id,
        messages=[Message(text=f"您说的是「{said}」吗?", buttons=[Button(title=t, payload=p) for t, p in (YES, NO)])],
        state=ChatState(topic="clarify"),
    )


def say_again(session_id: str) -> ChatResponse:
    return ChatResponse(session_id=session_id, messages=[Message(text=SAY_AGAIN)], state=ChatState(topic="clarify"))
