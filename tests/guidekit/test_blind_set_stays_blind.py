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
    """Every blind set's: blind/ and the catalogue's blind/catalogue/."""
    texts = []
    for messages in BLIND.rglob("messages.yml"):
        texts += [m["text"] for m in yaml.safe_load(messages.read_text(encoding="utf-8"))]
    for dialogues in BLIND.rglob("dialogues.yml"):
        for dialogue in yaml.safe_load(dialogues.read_text(encoding="utf-8")) or []:
            texts += [t["text"] for t in dialogue["turns"]]
    return {_norm(t) for t in texts if len(_norm(t)) > 4}


def _learned_from():
    """(file:line, normalised line) of everything the assistant learns from or runs."""
    files = [
        *(ROOT / "nlu_data").rglob("*.yml"),
        *(ROOT / "guides").glob("*.yml"),
        *(ROOT / "guidekit" / "data").glob("*.yml"),
        *(ROOT / "bot").rglob("*.yml"),
        *(ROOT / "catalogue").glob("*.yml"),  # what people say about the catalogue's services (imported)
        *(ROOT / "catalogue").glob("*.csv"),
    ]
    for package in ("guidekit", "actions", "api", "ops"):
        files += (ROOT / package).rglob("*.py")
    for f in files:
        for number, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            yield f"{f.relative_to(ROOT)}:{number}", _norm(line)


def test_no_blind_sentence_is_in_training_data_guides_or_code():
    blind = _blind_sentences()
    long_ones = [s for s in blind if len(s) >= 6]
    # Where, never what: a failure must not show the blind sentence to the person fixing it.
    leaked = sorted(where for where, line in _learned_from() if line in blind or any(s in line for s in long_ones))
    assert not leaked, f"{len(leaked)} lines hold a blind sentence; reword them without looking it up"
