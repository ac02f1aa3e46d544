"""Speech recognition behind a small interface; Vosk when a model directory is configured.

With no model configured there is no recogniser at all (the API answers 501 and says how to set one
up) — never a made-up transcript. Audio must be 16 kHz mono 16-bit PCM WAV; anything else is refused
with a message saying what was wrong.
"""
from __future__ import annotations

import io
import json
import re
import threading
import wave
from pathlib import Path
from typing import Optional, Protocol

from guidekit.settings import Settings

SAMPLE_RATE = 16000


class AudioFormatError(ValueError):
    """The upload is not 16 kHz mono 16-bit PCM WAV; the message says what it is instead."""


class RecognizerUnavailable(RuntimeError):
    """A recogniser is configured but cannot be loaded (missing or broken model directory)."""


class Recognizer(Protocol):
    def transcribe(self, wav: bytes) -> str:
        """The words heard in a 16 kHz mono WAV file ("" when nothing was heard)."""


def pcm_frames(wav: bytes) -> bytes:
    """The PCM samples of a WAV upload, after checking its format."""
    try:
        with wave.open(io.BytesIO(wav)) as reader:
            channels, width, rate = reader.getnchannels(), reader.getsampwidth(), reader.getframerate()
            frames = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError) as exc:
        raise AudioFormatError(f"not a WAV file ({exc})") from None
    except Exception as exc:  # noqa: BLE001 — a mutated header makes `wave` raise RuntimeError, struct.error,
        # ValueError, OverflowError …: whatever it is, the upload is not audio we can read (415, not 500).
        raise AudioFormatError(f"not a readable WAV file ({type(exc).__name__})") from None
    problems = []
    if rate != SAMPLE_RATE:
        problems.append(f"sample rate {rate} Hz (need {SAMPLE_RATE})")
    if channels != 1:
        problems.append(f"{channels} channels (need 1, mono)")
    if width != 2:
        problems.append(f"{8 * width}-bit samples (need 16-bit PCM)")
    if problems:
        raise AudioFormatError("; ".join(problems))
    if not frames:
        raise AudioFormatError("the WAV file holds no audio")
    return frames


class VoskRecognizer:
    """Loads the model once, on first use (a few seconds for a small Chinese model)."""

    def __init__(self, model_dir: str):
        self.model_dir = Path(model_dir)
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                if not (self.model_dir / "am").is_dir() and not (self.model_dir / "conf").is_dir():
                    raise RecognizerUnavailable(f"{self.model_dir} is not a Vosk model directory (no am/ or conf/)")
                import vosk  # imported here: the API starts without it when no model is configured
                vosk.SetLogLevel(-1)
                try:
                    self._model = vosk.Model(str(self.model_dir))
                except Exception as exc:
                    raise RecognizerUnavailable(f"Vosk could not load {self.model_dir}: {exc}") from None
            return self._model

    def transcribe(self, wav: bytes) -> str:
        frames = pcm_frames(wav)
        import vosk
        recognizer = vosk.KaldiRecognizer(self._load(), SAMPLE_RATE)
        for start in range(0, len(frames), 8000):
            recognizer.AcceptWaveform(frames[start:start + 8000])
        text = json.loads(recognizer.FinalResult()).get("text", "")
        # Vosk's Chinese models put spaces between words.
        return re.sub(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])", "", text).strip()


def recognizer_from_settings(settings: Settings) -> Optional[Recognizer]:
    return VoskRecognizer(settings.asr_model_dir) if settings.asr_model_dir else None
