"""Character error rate of the speech recogniser on the project's test recordings (tests/data/voice/).

CER = (substituted + dropped + added characters) / characters said, over the whole set, compared after
removing punctuation and spaces (Whisper's punctuation is its own choice, not an error) and writing numbers
as words on both sides. Run: `python -m benchmarks.voice_cer [--no-hotwords]` (prints every miss).
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import List, Tuple

from api.voice.asr import WhisperRecognizer, recognizer_from_settings, tidy_transcript
from guidekit.settings import Settings
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
    from guidekit.loader import guide_files, read_guide_file
    return [read_guide_file(path) for path in guide_files(Path(__file__).resolve().parents[1] / "guides")]


def project_recognizer(hotwords: bool = True, beam_size: int = 5) -> WhisperRecognizer:
    """The recogniser as the API builds it (hotwords and known words from the guides), over guides/."""
    guides = project_guides()
    recognizer = recognizer_from_settings(Settings(asr_beam_size=beam_size, asr_hotwords=None if hotwords else ""),
                                          lambda: guides)
    assert isinstance(recognizer, WhisperRecognizer)
    return recognizer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-hotwords", action="store_true", help="without the guides' words (as BANSHI_ASR_HOTWORDS=\"\")")
    parser.add_argument("--beam", type=int, default=5)
    args = parser.parse_args()
    recognizer = project_recognizer(hotwords=not args.no_hotwords, beam_size=args.beam)
    recognizer.load()
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
    print(f"CER {cer(pairs):.1%} over {len(pairs)} recordings; recognition p50 {seconds[len(seconds) // 2]:.2f} s, "
          f"max {seconds[-1]:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
