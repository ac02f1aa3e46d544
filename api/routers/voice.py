"""`/voice/*`: voice turns for platforms with their own speech recognition, speech synthesis, and
speech recognition of uploaded audio (when a model is configured)."""
from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.body import BodyTooLarge, read_limited_body
from api.deps import settings_dep
from api.schemas import ChatRequest, ChatResponse
from api.voice.asr import AudioFormatError, RecognizerUnavailable
from api.voice.tts import SynthesisError
from api.voice.turns import VoiceTurnRequest, VoiceTurnResponse
from guidekit.settings import Settings
from guidekit.speech import to_speech

log = logging.getLogger("banshi.voice")
router = APIRouter(prefix="/voice", tags=["voice"])

NO_RECOGNIZER = ("这台机器还没有装语音识别,听不懂说话。请您点按钮,或者打字问我。"
                 " (Operators: set BANSHI_ASR_MODEL_DIR to a Vosk model directory, e.g. vosk-model-small-cn-0.22, "
                 "and restart the API.)")


class TtsRequest(BaseModel):
    text: str = Field(min_length=1, max_length=5000)
    slow: bool = False


class AudioTurnResponse(ChatResponse):
    transcript: str


@router.post("/turn", response_model=VoiceTurnResponse)
async def voice_turn(req: VoiceTurnRequest, request: Request):
    return await request.app.state.voice_turns.turn(req)


@router.post("/tts", response_class=Response, responses={200: {"content": {"audio/wav": {}}}})
async def tts(req: TtsRequest, request: Request, settings: Settings = Depends(settings_dep)):
    speech = to_speech(req.text)
    if len(speech) > settings.tts_max_chars:
        raise HTTPException(413, f"文字太长了,一次最多读{settings.tts_max_chars}个字。")
    if not speech.strip():
        raise HTTPException(422, "没有可以朗读的文字。")
    try:
        wav = await asyncio.to_thread(request.app.state.synthesizer.synthesize, speech, req.slow)
    except SynthesisError as exc:
        log.error("speech synthesis failed: %s", exc)
        raise HTTPException(503, "对不起,现在不能朗读。请您看屏幕上的字。") from None
    return Response(wav, media_type="audio/wav")


@router.post("/audio", response_model=AudioTurnResponse,
             responses={501: {"description": "no speech recogniser configured; the detail says how to set one"}})
async def audio_turn(request: Request, session_id: str = Query(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:@-]+$"),
                     settings: Settings = Depends(settings_dep)):
    recognizer = request.app.state.recognizer
    if recognizer is None:
        raise HTTPException(501, NO_RECOGNIZER)
    try:
        wav = await read_limited_body(request, settings.max_audio_bytes)
    except BodyTooLarge:
        raise HTTPException(413, f"录音太长了。请您说短一点,一次说一件事。(limit {settings.max_audio_bytes} bytes)") from None
    try:
        transcript = await asyncio.to_thread(recognizer.transcribe, wav)
    except AudioFormatError as exc:
        raise HTTPException(415, f"录音的格式不对,请再说一次。(need 16 kHz mono 16-bit PCM WAV: {exc})") from None
    except RecognizerUnavailable as exc:
        log.error("speech recogniser unavailable: %s", exc)
        raise HTTPException(503, "对不起,现在听不了说话。请您点按钮,或者打字问我。") from None
    if not transcript:
        return AudioTurnResponse(session_id=session_id, transcript="", messages=[
            {"text": "对不起,我没有听清。请您再说一遍,或者点按钮。"}], state={"topic": "fallback"})
    reply = await request.app.state.ask(ChatRequest(session_id=session_id, text=transcript, channel="kiosk"))
    return AudioTurnResponse(transcript=transcript, **reply.model_dump())
