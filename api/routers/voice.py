"""`/voice/*`: voice turns for platforms (each with its key) that send text from their own speech recognition
(`/voice/turn`) or the recording itself (`/voice/audio`), and speech synthesis. (The kiosk's recorded speech
goes to `/kiosk/audio`.)"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Optional

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import confirming, front_door, settings_dep, speech_synthesizer, voice_turns
from api.front_door import SESSION_ID_DOC, SESSION_ID_PATTERN, FrontDoor
from api.routers.chat import CONTRACT
from api.voice.tts import SynthesisError, Synthesizer, collapse_marks, estimated_seconds
from api.voice.hearing import hear, read_recording, recognizer_or_501
from api.voice.asr import Recognizer
from api.voice.confirm import Confirming
from api.voice.turns import VoiceTurnRequest, VoiceTurnResponse, VoiceTurns, spoken_reply
from api.settings import ApiSettings
from guidekit.answers.speech import to_speech

log = logging.getLogger("banshi.voice")
router = APIRouter(prefix="/voice", tags=["voice"])


class TtsRequest(BaseModel):
    text: str = Field(min_length=1, max_length=5000)
    slow: bool = False


def voice_platform(
    x_voice_key: Optional[str] = Header(None, description="the platform's key (BANSHI_VOICE_PLATFORM_KEYS)"),
    settings: ApiSettings = Depends(settings_dep),
) -> str:
    """Which voice platform is calling: its key says so. Its conversations live under voice:<platform>:."""
    for entry in settings.voice_platform_keys.split(","):
        platform, _, key = entry.strip().partition(":")
        if platform and key and x_voice_key and hmac.compare_digest(key.encode(), x_voice_key.encode()):
            return platform
    raise HTTPException(401, "这个语音平台没有登记。(send the platform's X-Voice-Key header)")


@router.post(
    "/turn",
    response_model=VoiceTurnResponse,
    responses={
        401: {"description": "no or unknown X-Voice-Key"},
        403: {"description": CONTRACT[403]["description"]},
        429: {"description": CONTRACT[429]["description"]},
    },
)
async def voice_turn(
    req: VoiceTurnRequest,
    platform: str = Depends(voice_platform),
    door: FrontDoor = Depends(front_door),
    turns: VoiceTurns = Depends(voice_turns),
):
    """One turn from a voice platform. Send no `session_id` to start; then the `session_id` of the last reply."""
    return await door.turn(
        req.session_id,
        req.text,
        f"voice:{platform}",
        "voice",
        lambda turn: turns.turn(req, turn.session_id),
    )


class VoiceAudioResponse(VoiceTurnResponse):
    transcript: str


@router.post(
    "/audio",
    response_model=VoiceAudioResponse,
    responses={
        401: {"description": "no or unknown X-Voice-Key"},
        403: {"description": CONTRACT[403]["description"]},
        429: {"description": CONTRACT[429]["description"]},
        501: {"description": "speech recognition is switched off (BANSHI_ASR_ENGINE=off)"},
    },
)
async def voice_audio(
    request: Request,
    session_id: Optional[str] = Query(
        None, min_length=1, max_length=128, pattern=SESSION_ID_PATTERN, description=SESSION_ID_DOC
    ),
    platform: str = Depends(voice_platform),
    door: FrontDoor = Depends(front_door),
    settings: ApiSettings = Depends(settings_dep),
    recognizer: Recognizer = Depends(recognizer_or_501),
    turns: VoiceTurns = Depends(voice_turns),
    checks: Confirming = Depends(confirming),
):
    """One turn from a voice platform that sends the recording (WAV, Ogg/Opus, WebM, AMR … in the body): heard by
    the project's recogniser, then answered like /voice/turn. Silence, noise or an unreadable recording gets a
    short request to say it again, in the same conversation."""
    data = await read_recording(request, settings)

    async def ask(turn):
        heard = await hear(recognizer, data, settings, await checks.expecting(turn.session_id))
        if heard.problem:
            reply = spoken_reply(heard.problem)
        else:
            said = VoiceTurnRequest(text=heard.transcript, confidence=heard.confidence)
            reply = await turns.turn(said, turn.session_id, settings.asr_confirm_below)
        reply.session_id = turn.session_id
        return VoiceAudioResponse(transcript=heard.transcript, **reply.model_dump())

    return await door.turn(session_id, "", f"voice:{platform}", "voice", ask)


@router.post("/tts", response_class=Response, responses={200: {"content": {"audio/wav": {}}}})
async def tts(
    req: TtsRequest,
    settings: ApiSettings = Depends(settings_dep),
    synthesizer: Synthesizer = Depends(speech_synthesizer),
):
    # The length first, before any work: a long text is refused at once.
    if len(req.text) > settings.tts_max_chars:
        raise HTTPException(413, f"文字太长了,一次最多读{settings.tts_max_chars}个字。")
    speech = collapse_marks(await asyncio.to_thread(to_speech, req.text))
    if not speech.strip():
        raise HTTPException(422, "没有可以朗读的文字。")
    if estimated_seconds(speech, req.slow) > settings.tts_max_seconds:
        raise HTTPException(413, f"这段话读出来太长了,一次最多读{int(settings.tts_max_seconds // 60)}分钟。")
    try:
        wav = await asyncio.to_thread(synthesizer.synthesize, speech, req.slow)
    except SynthesisError as exc:
        log.error("speech synthesis failed: %s", exc)
        raise HTTPException(503, "对不起,现在不能朗读。请您看屏幕上的字。") from None
    return Response(wav, media_type="audio/wav")
