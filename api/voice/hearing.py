"""From an uploaded recording to the words in it, or to a short, kind answer saying why there are none.

Shared by the kiosk's 说话 button (`/kiosk/audio`) and voice platforms that send audio (`/voice/audio`).
Every problem with the recording (silence, noise, a file we cannot open, too long) is answered inside the
conversation, as a normal reply with the same `session_id`: the person simply says it again, and nothing
they had already done is lost. Only a missing recogniser (501) or a broken one (503) is an error status.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Optional, Sequence

from fastapi import HTTPException, Request

from api.body import BodyTooLarge, read_limited_body
from api.voice.asr import Recognizer, RecognizerUnavailable
from api.voice.audio import AudioTooLong, AudioUnreadable, decode
from api.settings import ApiSettings

log = logging.getLogger("banshi.voice")

# What the person hears or reads: one idea a sentence, what to do next.
SILENCE = "我没有听到声音。请您离话筒近一点,再说一遍。"
NOT_HEARD = "对不起,我没有听清。请您再说一遍,或者点按钮。"
UNREADABLE = "对不起,这段录音我打不开。请您再说一遍。"
TOO_LONG = "您说的话太长了。请您说短一点,一次问一件事。"
UNAVAILABLE = "对不起,现在听不了说话。请您点按钮,或者打字问我。"
NO_RECOGNIZER = (
    "这台机器还没有装语音识别,听不懂说话。请您点按钮,或者打字问我。"
    " (Operators: BANSHI_ASR_ENGINE is off; set it to whisper (the default) and restart the API.)"
)


@dataclass(frozen=True)
class Heard:
    transcript: str
    problem: Optional[str] = None  # the answer to give instead, when nothing usable was heard
    confidence: Optional[float] = None  # the recogniser's, 0–1 (None: it does not say)


def recognizer_or_501(request: Request) -> Recognizer:
    recognizer = request.app.state.recognizer
    if recognizer is None:
        raise HTTPException(501, NO_RECOGNIZER)
    return recognizer


async def read_recording(request: Request, settings: ApiSettings) -> Optional[bytes]:
    """The body, or None when it is over the byte limit (answered as "too long", not as an error)."""
    try:
        return await read_limited_body(request, settings.max_audio_bytes)
    except BodyTooLarge:
        log.info("recording over %d bytes", settings.max_audio_bytes)
        return None


def hear_now(
    recognizer: Recognizer, data: Optional[bytes], settings: ApiSettings, expecting: Sequence[str] = ()
) -> Heard:
    """Decode and recognise (CPU work: call it off the event loop)."""
    if data is None:
        return Heard("", TOO_LONG)
    try:
        audio = decode(data, settings.max_audio_seconds)
    except AudioTooLong:
        return Heard("", TOO_LONG)
    except AudioUnreadable as exc:
        log.info("recording not readable: %s", exc)
        return Heard("", UNREADABLE)
    if audio.silent:
        return Heard("", SILENCE)
    heard = recognizer.listen(audio, expecting)
    return Heard(heard.text, confidence=heard.confidence) if heard.text else Heard("", NOT_HEARD)


async def hear(
    recognizer: Recognizer, data: Optional[bytes], settings: ApiSettings, expecting: Sequence[str] = ()
) -> Heard:
    try:
        return await asyncio.to_thread(hear_now, recognizer, data, settings, expecting)
    except RecognizerUnavailable as exc:
        log.error("speech recogniser unavailable: %s", exc)
        raise HTTPException(503, UNAVAILABLE) from None
