"""Pinyin typed on a phone keyboard ("shebaoka diu le") turned into characters before NLU.

A small input method over the project's own vocabulary (service names, aliases, material names and
the words of the NLU training data): the letters are split into words whose toneless pinyin they
spell, longest first, and each word is replaced by its most frequent characters. Letters that are
not pinyin ("APP", "ok") are left alone, so English stays as typed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, Optional, Tuple

from pypinyin import Style, lazy_pinyin, pinyin

_LATIN_RUN = re.compile(r"[A-Za-z]+(?:[\s']+[A-Za-z]+)*")
_HAN_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")
MAX_SYLLABLE = 6


@lru_cache(maxsize=1)
def syllables() -> FrozenSet[str]:
    """Every toneless Mandarin syllable pypinyin knows (about 420), ü written as v."""
    from pypinyin.constants import PINYIN_DICT
    from pypinyin.contrib.tone_convert import to_normal

    found = set()
    for readings in PINYIN_DICT.values():
        for reading in readings.split(","):
            found.add(to_normal(reading).replace("ü", "v"))
    return frozenset(s for s in found if s.isascii() and s.isalpha())


def split_syllables(letters: str) -> Optional[List[str]]:
    """Split letters into pinyin syllables, preferring long ones; None when they are not pinyin."""
    valid = syllables()
    n = len(letters)
    best: List[Optional[List[str]]] = [None] * (n + 1)
    best[n] = []
    for i in range(n - 1, -1, -1):
        for size in range(min(MAX_SYLLABLE, n - i), 0, -1):
            piece = letters[i : i + size]
            rest = best[i + size]
            if piece in valid and rest is not None:
                best[i] = [piece] + rest
                break
    return best[0]


def word_key(word: str) -> str:
    return "".join(lazy_pinyin(word)).replace("ü", "v")


def word_keys(word: str) -> List[str]:
    """Every spelling a word may be typed as: its usual pinyin; for one character each of its readings
    (谁 is typed shei as often as shui); for a word ending in 儿 also the spoken erhua ("哪儿" typed nar)."""
    keys = [word_key(word)]
    if len(word) == 1:
        keys += [r.replace("ü", "v") for r in pinyin(word, heteronym=True, style=Style.NORMAL)[0]]
    if len(word) >= 2 and word.endswith("儿"):
        keys.append(word_key(word[:-1]) + "r")
    return list(dict.fromkeys(keys))


# A typed word that is a syllable with an erhua r ("nar", "zher", "yidianr"): read as the syllable and 儿.
_ERHUA = re.compile(r"^[a-z]+r$")


class PinyinConverter:
    """Letters → characters over a vocabulary of (word, weight) pairs; heavier words win a shared spelling."""

    def __init__(self, words: Iterable[Tuple[str, int]]):
        chosen: Dict[str, Tuple[int, int, int, str]] = {}
        for word, weight in words:
            if not _HAN_ONLY.match(word):
                continue
            for rank, key in enumerate(word_keys(word)):
                # A word's usual spelling before any other reading ("huan" is 换, not 还 read huán).
                candidate = (0 if rank == 0 else -1, weight, len(word), word)
                if key not in chosen or candidate > chosen[key]:
                    chosen[key] = candidate
        self._words = {key: word for key, (_, _, _, word) in chosen.items()}
        self._longest = max((len(k) for k in self._words), default=0)

    def convert_letters(self, letters: str) -> Optional[str]:
        """Characters for one run of pinyin letters, or None when the run is not pinyin."""
        letters = letters.lower()
        if split_syllables(letters) is None:
            return None
        out, i = [], 0
        while i < len(letters):
            for size in range(min(self._longest, len(letters) - i), 0, -1):
                word = self._words.get(letters[i : i + size])
                # A word must end on a syllable boundary, or it would eat the next syllable's start.
                if word and split_syllables(letters[i + size :]) is not None:
                    out.append(word)
                    i += size
                    break
            else:
                syllable = (split_syllables(letters[i:]) or [letters[i]])[0]  # (pinyin: checked above)
                out.append(syllable)
                i += len(syllable)
        return "".join(out)

    def convert(self, text: str) -> str:
        """Replace every run of pinyin in the text; characters and non-pinyin letters stay as they are."""

        def _replace(match: re.Match) -> str:
            run = " ".join(_with_erhua(part) for part in re.split(r"[\s']+", match.group(0)))
            converted = self.convert_letters(re.sub(r"[\s']+", "", run))
            if converted is not None:
                return converted
            # Mixed with English ("APP neng ban ma"): convert word by word, keep what is not pinyin.
            parts = re.split(r"([\s']+)", run)
            return "".join(part if part.strip(" '") == "" else (self.convert_letters(part) or part) for part in parts)

        return _LATIN_RUN.sub(_replace, text)


def _with_erhua(word: str) -> str:
    """ "nar" → "naer": a typed word that is pinyin only without its final r is its syllables and 儿 (er)."""
    lowered = word.lower()
    if _ERHUA.match(lowered) and split_syllables(lowered) is None and split_syllables(lowered[:-1]) is not None:
        return lowered[:-1] + "er"
    return word
