"""Text to speech behind a small interface; the default engine is espeak-ng's Mandarin voice.

The caller passes speech text (guidekit/answers/speech.py has already turned numbers and symbols into words).
The rate is modestly slow for older listeners, and the pauses between phrases are lengthened rather
than the syllables stretched: slowing alone makes speech harder to follow.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Protocol
from xml.sax.saxutils import escape

from guidekit.settings import Settings


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


_STOPS = "\u3002\uff01\uff1f!?\n"        # 。！？!?
_COMMAS = "\uff0c,\u3001\uff1b;\uff1a:"   # ，,、；;：:


def collapse_marks(speech_text: str) -> str:
    """"好。。。。!!!" or "、、、" makes one pause, not a minute of silence."""
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
    import io
    import wave
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
        done = subprocess.run([path, "-v", self.voice, *args], input=text.encode("utf-8"),
                              capture_output=True, timeout=30)
        if done.returncode != 0:
            raise SynthesisError(f"{self.binary} failed ({done.returncode}): {done.stderr.decode(errors='replace')[:200]}")
        return done.stdout

    def synthesize(self, speech_text: str, slow: bool = False) -> bytes:
        speed = self.slow_speed if slow else self.speed
        # -w, not --stdout: a streamed WAV header carries no length, and some players refuse it.
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "speech.wav"
            self._run(["-m", "-s", str(speed), "-g", str(self.word_gap), "-w", str(out)], with_pauses(speech_text, slow))
            wav = out.read_bytes() if out.exists() else b""
        if not wav.startswith(b"RIFF"):
            raise SynthesisError(f"{self.binary} did not return a WAV file")
        return wav

    def phonemes(self, speech_text: str) -> str:
        """What the voice will say, as espeak phoneme mnemonics; "(en)" marks a switch to English."""
        return self._run(["-q", "-x"], speech_text).decode("utf-8", errors="replace")


def synthesizer_from_settings(settings: Settings) -> Synthesizer:
    return EspeakSynthesizer(settings.tts_voice, settings.tts_speed, settings.tts_slow_speed, settings.tts_word_gap)
