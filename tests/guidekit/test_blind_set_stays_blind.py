"""The blind set measures understanding only while none of its sentences is in what the assistant learns from.

Training sentences, guide examples and aliases, the "elsewhere" list and the code are checked for every
blind message (after removing punctuation and spaces, so a copy with a changed comma is still found): a line
equal to a blind message, or containing one of 6 characters or more. Short messages (≤ 4 characters:
"下一个", "1") are common words, not copies.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BLIND = ROOT / "benchmarks" / "understanding" / "blind"
_NOT_WORDS = re.compile(r"[\s\W_]+", re.UNICODE)


def _norm(text: str) -> str:
    return _NOT_WORDS.sub("", text).lower()


def _blind_sentences():
    texts = [m["text"] for m in yaml.safe_load((BLIND / "messages.yml").read_text(encoding="utf-8"))]
    for dialogue in yaml.safe_load((BLIND / "dialogues.yml").read_text(encoding="utf-8")):
        texts += [t["text"] for t in dialogue["turns"]]
    return {_norm(t) for t in texts if len(_norm(t)) > 4}


def _learned_from() -> set:
    files = [*(ROOT / "nlu_data").rglob("*.yml"), *(ROOT / "guides").glob("*.yml"),
             *(ROOT / "guidekit" / "data").glob("*.yml"), *(ROOT / "bot").rglob("*.yml")]
    for package in ("guidekit", "actions", "api", "ops"):
        files += (ROOT / package).rglob("*.py")
    return {_norm(line) for f in files for line in f.read_text(encoding="utf-8").splitlines()}


def test_no_blind_sentence_is_in_training_data_guides_or_code():
    learned = _learned_from()
    everything = "\n".join(learned)
    leaked = sorted(s for s in _blind_sentences() if s in learned or (len(s) >= 6 and s in everything))
    assert not leaked, f"{len(leaked)} blind sentences found in training data, guides or code"
