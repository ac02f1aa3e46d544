"""Speech recognition behind a small interface: faster-whisper (Whisper base, shipped in the project's wheels)
by default, Vosk for an operator who has a Vosk model, or none.

The recogniser is given decoded audio (api/voice/audio.py: 16 kHz mono float), so every engine hears the
same thing whatever was uploaded. It loads its model once per process, at first use, under a lock: the
API starts at once, and two first requests at the same moment do not load it twice.

What Whisper writes is tidied into what the rest of the project reads (`tidy_transcript`): simplified
characters (Whisper writes traditional ones now and then), numbers as the words people said (八十, not 80:
the transcript is shown to the person as what they said), no spaces, and none of the phrases Whisper is
known to invent on noise (字幕 credits, "谢谢观看").
"""

from __future__ import annotations

import logging
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, List, Optional, Protocol, Sequence, Tuple, Union

import cn2an

from api.voice.audio import SAMPLE_RATE, Audio
from api.voice.whisper_model import DEFAULT_DIR, ModelFileError, ensure_whisper_base
from api.settings import ApiSettings
from guidekit.understanding.soundalike import rewrite_by_sound, sound_index
from guidekit.understanding.textnorm import to_simplified

log = logging.getLogger("banshi.voice")

# Said to Whisper before the audio: it makes Whisper write simplified Mandarin with punctuation.
INITIAL_PROMPT = "以下是普通话的句子。"


class RecognizerUnavailable(RuntimeError):
    """A recogniser is configured but cannot be loaded (missing or broken model directory)."""


@dataclass(frozen=True)
class Transcript:
    """The words heard ("" when nothing was heard) and how sure the engine was of them, from 0 to 1 (None when
    the engine does not say). A low one is confirmed before it is answered ("您说的是「办老年证」吗?")."""

    text: str
    confidence: Optional[float] = None


class Recognizer(Protocol):
    def listen(self, audio: Audio, expecting: Sequence[str] = ()) -> Transcript:
        """The words heard. `expecting`: the few answers a question just asked allows ("是的", "不是"), which
        an engine may listen for instead of its usual words."""
        ...


def whisper_confidence(segments: Sequence[Any]) -> Optional[float]:
    """How sure Whisper was: the geometric mean of its tokens' probabilities (each segment's avg_logprob, weighted
    by its tokens), lowered by its own belief that nobody spoke (no_speech_prob). None without segments.

    On the project's recordings (python -m benchmarks.voice_cer --confidence) it separates well-heard sentences
    from misheard ones: see BANSHI_VOICE_CONFIRM_BELOW."""
    weights = [max(len(getattr(s, "tokens", None) or ()), 1) for s in segments]
    if not segments:
        return None
    mean_logprob = sum(w * s.avg_logprob for w, s in zip(weights, segments)) / sum(weights)
    speech = 1.0 - max(s.no_speech_prob for s in segments)
    return round(max(0.0, min(1.0, math.exp(mean_logprob) * speech)), 3)


# Whisper on a beep or a hum writes one character over and over ("证证证证证"): nobody says a syllable four
# times running, so such a run is taken as not heard (and never answered as a question about 身份证).
_STUTTER = re.compile(r"([\u3400-\u9fff])\1{3,}")
# Whisper's well-known inventions on silence, music or noise (learnt from subtitled videos).
_INVENTED = re.compile(r"字幕|订阅|点赞|谢谢观看|感谢观看|请不吝|明镜|栏目|独播")
_MARKS = "\uff0c\u3002\uff01\uff1f\u3001,.!?"  # ，。！？、 and their ASCII forms
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_DIGIT_WORDS = str.maketrans("0123456789", "零一二三四五六七八九")


def _number_words(match: re.Match) -> str:
    """80 → 八十, 9 → 九, 2.5 → 二点五; a long digit string or one starting with 0 (a phone number, 12345)
    is read digit by digit, as people say those."""
    digits = match.group(0)
    if "." not in digits and (len(digits) > 4 or (len(digits) > 1 and digits.startswith("0"))):
        return digits.translate(_DIGIT_WORDS)
    try:
        return str(cn2an.an2cn(digits, "low"))
    except (ValueError, KeyError):
        return digits.translate(_DIGIT_WORDS)


def tidy_transcript(text: str) -> str:
    """Whisper's text as the person said it: simplified, numbers in words, no spaces, no invented credits or
    stutters."""
    text = to_simplified(text).replace(INITIAL_PROMPT, "")
    pieces = re.split("(?<=[\uff0c\u3002\uff01\uff1f,!?])", text)  # not at ".": Amara.org is one piece
    text = "".join(piece for piece in pieces if not _INVENTED.search(piece))
    # Spaces first: Whisper writes a stutter spaced too ("证 证 证 证 证" on a short "对").
    text = re.sub(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])", "", text)
    text = _STUTTER.sub("", text)
    text = _DIGITS.sub(_number_words, text)
    text = re.sub(f"^[{_MARKS}\\s]+", "", text)
    return text.strip()


def guide_hotwords(guides: Iterable[Any], per_guide: int = 3) -> str:
    """The words Whisper should expect: each guide's short name and first aliases (社保卡补办 补社保卡 低保 …).

    Measured on the project's recordings (python -m benchmarks.voice_cer [--hotwords]): character errors
    27 % without, 13 % with — Whisper otherwise writes homophones of everyday words (不设保卡, 身份正, 半老年证).
    """
    words: list = list(ASKING_HOTWORDS)
    for guide in guides:
        for word in [getattr(guide, "short_name", None), *(getattr(guide, "aliases", None) or [])[:per_guide]]:
            if word and word not in words:
                words.append(word)
    return " ".join(words)


def _near(window: Tuple[str, ...], key: Tuple[str, ...], kept: List[bool]) -> bool:
    """One syllable off in a word of four or more: one that begins with the same letter (不是保卡 for 补社保卡,
    半老年这 for 办老年证), or in a word of five or more its first syllable, whatever it is (五半身份证 for
    补办身份证: Whisper mishears a phrase's onset most) — but never where the odd character belongs to a known word
    written as such (身份证代办 stays: 代办 is a word), and never elsewhere (公积金要去 is not 公积金提取)."""
    off = [i for i, (a, b) in enumerate(zip(window, key)) if a != b]
    if len(off) != 1 or kept[off[0]]:
        return False
    a, b = window[off[0]], key[off[0]]
    return a[:1] == b[:1] or (len(key) >= 5 and off[0] == 0)


def with_known_words(text: str, words: Iterable[str]) -> str:
    """Whisper writes homophones of the words it was not sure of (地宝 for 低保, 设保卡 for 社保卡, 身份正 for
    身份证). Where a stretch of the transcript sounds exactly like one of the guides' words (the same syllables,
    tones aside), or a long word but for one syllable (`_near`), the word is written instead, longest first — so
    the person sees what they said, and matching reads it."""
    index = sound_index(tuple(words), longest=8)
    if not index:
        return text
    long_words = [(key, word) for key, word in index.items() if len(key) >= 4]
    kept = [False] * len(text)  # inside a known word written exactly so
    for known in set(index.values()):
        at = text.find(known)
        while at >= 0:
            kept[at : at + len(known)] = [True] * len(known)
            at = text.find(known, at + 1)

    def pick(start: int, key: Tuple[str, ...], _stretch: str) -> Optional[str]:
        word = index.get(key)
        if word is None and len(key) >= 4:
            near = {w for k, w in long_words if len(k) == len(key) and _near(key, k, kept[start : start + len(key)])}
            word = near.pop() if len(near) == 1 else None  # two candidates: no guessing
        return word

    return rewrite_by_sound(text, max(len(key) for key in index), pick)


# How people ask about any guide: expected too (半 for 办, 不重 for 步骤 otherwise).
ASKING_HOTWORDS = ("办", "要带哪些", "步骤", "收多少钱")
# Words of asking that Whisper also writes as homophones (药带 for 要带, 往上 for 网上, 带办 for 代办).
ASKING_WORDS = (
    (
        "要带",
        "办理",
        "申请",
        "材料",
        "步骤",
        "流程",
        "收费",
        "代办",
        "网上",
        "手机上",
        "多少钱",
        "多长时间",
        "可以",
        "手续",
    )
    # Where-questions: Whisper writes 那 for 哪 (the same syllable), and "社保卡在那补" reads as a statement. Only
    # 在哪/去哪 before a verb of our guides is written so; 那 alone (那个证, 在那边) stays.
    + tuple(f"{where}{verb}" for where in ("在哪", "去哪") for verb in ("办", "补", "换", "领", "交", "取", "申请"))
)


def guide_words(guides: Iterable[Any]) -> List[str]:
    """What people name when they ask: each guide's short name, aliases and materials, and words of asking."""
    words: List[str] = list(ASKING_WORDS)
    for guide in guides:
        names = [w for w in [getattr(guide, "short_name", None), *(getattr(guide, "aliases", None) or [])] if w]
        # "办社保卡" is said too: known, it is kept (and 班社保卡 written as it), not bent into 补社保卡.
        words += names + [f"办{w}" for w in names if w[0] not in "办补换申领取迁" and len(w) <= 4]
        for material in [
            *(getattr(guide, "materials", None) or []),
            *(getattr(getattr(guide, "proxy", None), "materials", None) or []),
        ]:
            words.append(material.name)
    return words


class WhisperRecognizer:
    """faster-whisper on the CPU: int8 weights, a fixed number of threads (two cores are shared with Rasa).

    `hotwords` is the text of expected words, or a function giving it (read at each transcription, so a
    guide published in the editor is expected at once)."""

    def __init__(
        self,
        model_dir: Optional[str] = None,
        threads: int = 2,
        compute_type: str = "int8",
        beam_size: int = 5,
        hotwords: Union[str, Callable[[], str], None] = None,
        known_words: Optional[Callable[[], Iterable[str]]] = None,
    ):
        self.model_dir = Path(model_dir) if model_dir else None
        self.known_words = known_words
        self.threads, self.compute_type, self.beam_size = threads, compute_type, beam_size
        self.hotwords = hotwords
        self._model: Any = None
        self._lock = threading.Lock()
        # One transcription at a time: CTranslate2 already uses every thread it was given, and a second one
        # at once would only make both slower.
        self._busy = threading.Lock()

    def _directory(self) -> Path:
        if self.model_dir is not None:
            if not (self.model_dir / "model.bin").is_file():
                raise RecognizerUnavailable(f"{self.model_dir} is not a faster-whisper model directory (no model.bin)")
            return self.model_dir
        try:
            return ensure_whisper_base(DEFAULT_DIR)
        except ModelFileError as exc:
            raise RecognizerUnavailable(f"the project's speech model: {exc}") from None

    def load(self) -> Any:
        with self._lock:
            if self._model is None:
                directory = self._directory()
                from faster_whisper import WhisperModel  # imported here: importing the API stays light

                try:
                    self._model = WhisperModel(
                        str(directory),
                        device="cpu",
                        compute_type=self.compute_type,
                        cpu_threads=self.threads,
                        num_workers=1,
                        local_files_only=True,
                    )
                except Exception as exc:
                    raise RecognizerUnavailable(f"faster-whisper could not load {directory}: {exc}") from None
                log.info("speech model loaded from %s", directory)
            return self._model

    def transcribe(self, audio: Audio) -> str:
        return self.listen(audio).text

    def listen(self, audio: Audio, expecting: Sequence[str] = ()) -> Transcript:
        model = self.load()
        hotwords = self.hotwords() if callable(self.hotwords) else self.hotwords
        if expecting:
            # After "您说的是…吗?": Whisper base writes a lone 是 as 许 or 试试; told to expect the answers, it
            # writes them (python -m benchmarks.voice_cer has the voice; tests/e2e/test_voice.py the recordings).
            hotwords = " ".join(expecting)
        with self._busy:
            segments, _ = model.transcribe(
                audio.samples,
                language="zh",
                initial_prompt=INITIAL_PROMPT,
                beam_size=self.beam_size,
                condition_on_previous_text=False,
                without_timestamps=True,
                hotwords=hotwords or None,
                # Whisper's own "nobody spoke" judgement, stricter than its default: on hiss and hum it
                # otherwise writes subtitles it saw in training.
                no_speech_threshold=0.5,
                log_prob_threshold=-1.0,
                # Beam search only, no sampling at higher temperatures when unsure: the same
                # recording always gives the same words (tests, complaints), and a hard one cannot take six
                # decodings' time.
                temperature=0.0,
            )
            heard = list(segments)  # a generator: decoding happens here
        text = "".join(segment.text for segment in heard)
        confidence = whisper_confidence(heard)
        text = tidy_transcript(text)
        text = with_known_words(text, self.known_words()) if self.known_words else text
        return Transcript(text, confidence if text else None)


class VoskRecognizer:
    """For an operator with a Vosk model directory (e.g. vosk-model-small-cn-0.22); loads it once, on first use."""

    def __init__(self, model_dir: str):
        self.model_dir = Path(model_dir)
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                if not (self.model_dir / "am").is_dir() and not (self.model_dir / "conf").is_dir():
                    raise RecognizerUnavailable(f"{self.model_dir} is not a Vosk model directory (no am/ or conf/)")
                import vosk  # imported here: the API starts without it when Vosk is not chosen

                vosk.SetLogLevel(-1)
                try:
                    self._model = vosk.Model(str(self.model_dir))
                except Exception as exc:
                    raise RecognizerUnavailable(f"Vosk could not load {self.model_dir}: {exc}") from None
            return self._model

    def transcribe(self, audio: Audio) -> str:
        return self.listen(audio).text

    def listen(self, audio: Audio, expecting: Sequence[str] = ()) -> Transcript:
        """The words and, as the confidence, the mean of Vosk's word confidences (`expecting` is not used)."""
        import json

        import vosk

        recognizer = vosk.KaldiRecognizer(self._load(), SAMPLE_RATE)
        recognizer.SetWords(True)
        frames = audio.pcm16()
        for start in range(0, len(frames), 8000):
            recognizer.AcceptWaveform(frames[start : start + 8000])
        result = json.loads(recognizer.FinalResult())
        text = tidy_transcript(result.get("text", ""))
        words = [w["conf"] for w in result.get("result", []) if isinstance(w, dict) and "conf" in w]
        return Transcript(text, round(sum(words) / len(words), 3) if text and words else None)


def recognizer_from_settings(
    settings: ApiSettings, guides: Optional[Callable[[], Iterable[Any]]] = None
) -> Optional[Recognizer]:
    """whisper (default): BANSHI_ASR_MODEL_DIR or the project's Whisper base, expecting BANSHI_ASR_HOTWORDS or
    else the words of `guides` (the published guides); vosk: BANSHI_ASR_MODEL_DIR; off: none."""
    if settings.asr_engine == "off":
        return None
    if settings.asr_engine == "vosk":
        if not settings.asr_model_dir:
            raise ValueError("BANSHI_ASR_ENGINE=vosk needs BANSHI_ASR_MODEL_DIR (a Vosk model directory)")
        return VoskRecognizer(settings.asr_model_dir)
    return WhisperRecognizer(
        settings.asr_model_dir,
        threads=settings.asr_threads,
        compute_type=settings.asr_compute_type,
        beam_size=settings.asr_beam_size,
        hotwords=settings.asr_hotwords
        if settings.asr_hotwords is not None
        else (lambda: guide_hotwords(guides()))
        if guides
        else None,
        known_words=(lambda: guide_words(guides())) if guides else None,
    )
