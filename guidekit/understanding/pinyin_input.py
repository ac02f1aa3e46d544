"""Pinyin typed on a phone keyboard ("shebaoka diu le") turned into characters before NLU.

A small input method over the project's own vocabulary (service names, aliases, material names and
the words of the NLU training data): the letters are split into words whose toneless pinyin they
spell, longest first, and each word is replaced by its most frequent characters. Letters that are
not pinyin ("APP", "ok") are left alone, so English stays as typed.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

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


def _syllable_boundaries(letters: str) -> FrozenSet[int]:
    """Every offset at which some split of `letters` into syllables has a boundary."""
    valid, n = syllables(), len(letters)
    reachable = {n}
    for i in range(n - 1, -1, -1):
        if any(letters[i : i + k] in valid and i + k in reachable for k in range(1, min(MAX_SYLLABLE, n - i) + 1)):
            reachable.add(i)
    return frozenset(reachable)


def word_key(word: str) -> str:
    return "".join(lazy_pinyin(word)).replace("ü", "v")


@lru_cache(maxsize=1 << 16)
def word_keys(word: str) -> Tuple[str, ...]:
    """Every spelling a word may be typed as: its usual pinyin; for one character each of its readings
    (谁 is typed shei as often as shui); for a word ending in 儿 also the spoken erhua ("哪儿" typed nar)."""
    keys = [word_key(word)]
    if len(word) == 1:
        readings = pinyin(word, heteronym=True, style=Style.NORMAL)[0]
        keys += [r.replace("ü", "v") for r in readings if re.search("[aeiouv]", r)]  # (not 儿 read r, 嗯 read n)
    if len(word) >= 2 and word.endswith("儿"):
        keys.append(word_key(word[:-1]) + "r")
    return tuple(dict.fromkeys(keys))  # (kept: a new revision of the guides spells the same words again)


# A typed word that is a syllable with an erhua r ("nar", "zher", "yidianr"): read as the syllable and 儿.
_ERHUA = re.compile(r"^[a-z]+r$")


class PinyinConverter:
    """Letters → characters over a vocabulary of (word, weight) pairs; heavier words win a shared spelling.

    The letters are cut into as few words as they can be, the heavier cut winning a tie, and a space the person
    typed is never inside a word unless the word spans whole typed pieces ("mén zhěn" is 门诊; "zenme banli" is
    怎么 办理, not 怎么办 and 里)."""

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
        self._words = {key: (word, usual == 0, weight) for key, (usual, weight, _, word) in chosen.items()}
        self._longest = max((len(k) for k in self._words), default=0)

    def convert_letters(self, letters: str, pieces: Sequence[int] = ()) -> Optional[str]:
        """Characters for one run of pinyin letters, or None when the run is not pinyin. `pieces`: where the
        person's spaces were (offsets into `letters`)."""
        letters = letters.lower()
        n = len(letters)
        if split_syllables(letters) is None:
            return None
        cuts = set(pieces)
        ends = cuts | {0, n}
        syllable_ends = _syllable_boundaries(letters)
        # best[i]: (score, weight, words) for letters[i:]: fewest words first (each costs 1; another reading of a
        # character half more; a syllable no word of ours spells, 2), then the heaviest words.
        best: List[Optional[Tuple[float, int, List[str]]]] = [None] * (n + 1)
        best[n] = (0.0, 0, [])
        for i in range(n - 1, -1, -1):
            if i not in syllable_ends:
                continue
            options = []
            for size in range(1, min(self._longest, n - i) + 1):
                j = i + size
                rest = best[j]
                if rest is None or j not in syllable_ends:
                    continue
                inside = any(i < c < j for c in cuts)
                if inside and not (i in ends and j in ends):
                    continue
                found = self._words.get(letters[i:j])
                if found is not None:
                    word, usual, weight = found
                    options.append((rest[0] - (1.0 if usual else 1.5), rest[1] + weight, [word] + rest[2]))
                elif letters[i:j] in syllables() and not inside:
                    options.append((rest[0] - 2.0, rest[1], [letters[i:j]] + rest[2]))
            if options:
                best[i] = max(options, key=lambda o: (o[0], o[1]))
        return "".join(best[0][2]) if best[0] is not None else None

    def convert(self, text: str) -> str:
        """Replace every run of pinyin in the text; characters and non-pinyin letters stay as they are."""

        def _replace(match: re.Match) -> str:
            parts = [_with_erhua(part) for part in re.split(r"[\s']+", match.group(0)) if part]
            run = " ".join(parts)
            converted = self.convert_letters("".join(parts), list(itertools.accumulate(len(p) for p in parts))[:-1])
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
