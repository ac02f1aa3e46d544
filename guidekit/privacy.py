"""Masking personal numbers (ID card, mobile phone, bank card) before text is stored or logged.

People write numbers in many ways: 138 1234 5678, 138-1234-5678, +86 138…, 0086-138…, full-width
１３８…, Chinese numerals (一三八…, 幺三八…, 壹叁捌…), an ID card ending in X, the old 15-digit ID.
Each character is read through Unicode NFKC (full-width and other compatibility forms → ASCII) and
cn2an's table of Chinese numerals, so all of these are seen as the same digits; separators (spaces,
dashes, dots, brackets, zero-width characters) between digits are skipped. The text outside a number
is left exactly as it was.

A number is masked the same way however it was written: mobile 138****5678 (a +86/0086 prefix kept),
ID the first 6 characters and the last one (110101***********4; guidekit/answers/speech.py tells an ID from a
card by this), bank card the first and last 4 (6222***********0123). Any other run of 11 or more digits
(a landline with its area code, two numbers run together) keeps only its last 4.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import List, Optional, Tuple

from cn2an.conf import NUMBER_CN2AN

_DASHES = "-‐‑‒–—―−﹣－"
_SEPARATORS = set(_DASHES) | set(".·・()（）")
_MAX_GAP = 3  # separator characters allowed between two digits of one number
_LONGEST = 19  # digits: a 19-digit bank card (a +86 mobile has 13, 0086 + mobile 15)


@lru_cache(maxsize=4096)
def _kind(ch: str) -> Tuple[str, str]:
    """('d', digit) for any way of writing a digit, ('x', 'X') for X, ('s', '') for a separator, else ('o', '')."""
    if ch in NUMBER_CN2AN:
        return "d", str(NUMBER_CN2AN[ch])
    norm = unicodedata.normalize("NFKC", ch)
    if len(norm) == 1 and norm.isdecimal():
        return "d", str(unicodedata.decimal(norm))
    if norm in ("X", "x"):
        return "x", "X"
    if norm.isspace() or norm in _SEPARATORS or ch in _SEPARATORS or unicodedata.category(ch) == "Cf":
        return "s", ""
    return "o", ""


# A number as written: groups of digits (start, end in the text; their digits) separated by short gaps.
Group = Tuple[int, int, str]


def _runs(text: str) -> List[List[Group]]:
    runs: List[List[Group]] = []
    groups: List[Group] = []
    i, n = 0, len(text)
    while i < n:
        kind, value = _kind(text[i])
        if kind != "d":
            # A gap of a few separators continues the number; an X right after digits may end an ID.
            if groups and kind in ("s", "x"):
                j = i
                while j < n and j - i < _MAX_GAP and _kind(text[j])[0] == "s":
                    j += 1
                nxt = _kind(text[j])[0] if j < n else "o"
                if nxt == "d" and j - i <= _MAX_GAP and kind == "s":
                    i = j
                    continue
                if kind == "x" or nxt == "x":
                    x_at = i if kind == "x" else j
                    after = text[x_at + 1] if x_at + 1 < n else ""
                    if not (after.isascii() and after.isalnum()):
                        groups.append((x_at, x_at + 1, "X"))
                        runs.append(groups)
                        groups = []
                        i = x_at + 1
                        continue
            if groups:
                runs.append(groups)
                groups = []
            i += 1
            continue
        start, digits = i, [value]
        i += 1
        while i < n:
            kind, value = _kind(text[i])
            if kind != "d":
                break
            digits.append(value)
            i += 1
        groups.append((start, i, "".join(digits)))
    if groups:
        runs.append(groups)
    return runs


def _is_mobile(d: str) -> bool:
    return len(d) == 11 and d[0] == "1" and d[1] in "3456789" and d.isdigit()


def _is_date(yyyy: str, mm: str, dd: str) -> bool:
    return yyyy[:2] in ("18", "19", "20") and "01" <= mm <= "12" and "01" <= dd <= "31"


def _masked(d: str) -> Optional[str]:
    """The masked form of a whole number, or None when `d` is no personal number by itself."""
    if "X" in d[:-1]:
        return None
    if d.isdigit():
        if _is_mobile(d):
            return d[:3] + "****" + d[-4:]
        if len(d) == 13 and d.startswith("86") and _is_mobile(d[2:]):
            return "86 " + d[2:5] + "****" + d[-4:]
        if len(d) == 15 and d.startswith("0086") and _is_mobile(d[4:]):
            return "0086 " + d[4:7] + "****" + d[-4:]
    if len(d) == 18 and d[0] != "0" and (d[-1] == "X" or _is_date(d[6:10], d[10:12], d[12:14])):
        return d[:6] + "*" * 11 + d[-1]
    if not d.isdigit():
        return None
    if len(d) == 15 and d[0] != "0" and _is_date("19" + d[6:8], d[8:10], d[10:12]):
        return d[:6] + "*" * 8 + d[-1]
    if 16 <= len(d) <= 19:
        return d[:4] + "*" * (len(d) - 8) + d[-4:]
    return None


def _mask_run(groups: List[Group]) -> List[Tuple[int, int, str]]:
    """(start, end, replacement) for the numbers in one run of digit groups."""
    whole = _masked("".join(g[2] for g in groups))
    if whole is not None:
        return [(groups[0][0], groups[-1][1], whole)]
    # Several numbers side by side ("一 13812345678", a phone then an ID): the longest that starts at
    # each group; what is left and still long enough to identify someone keeps only its last 4 digits.
    out: List[Tuple[int, int, str]] = []
    left: List[Group] = []

    def flush() -> None:
        digits = "".join(g[2] for g in left).replace("X", "")
        if len(digits) >= 11:
            out.append((left[0][0], left[-1][1], "*" * (len(digits) - 4) + digits[-4:]))
        left.clear()

    i = 0
    while i < len(groups):
        found = None
        digits = ""
        for j in range(i, len(groups)):
            digits += groups[j][2]
            if len(digits) > _LONGEST:
                break
            masked = _masked(digits)
            if masked is not None:
                found = (j, masked)
        if found is None:
            left.append(groups[i])
            i += 1
            continue
        flush()
        out.append((groups[i][0], groups[found[0]][1], found[1]))
        i = found[0] + 1
    flush()
    return out


def mask_personal_numbers(text: str) -> str:
    if not text:
        return text
    edits: List[Tuple[int, int, str]] = []
    for groups in _runs(text):
        if sum(len(g[2]) for g in groups) >= 11:
            edits.extend(_mask_run(groups))
    if not edits:
        return text
    pieces, at = [], 0
    for start, end, replacement in sorted(edits):
        pieces += [text[at:start], replacement]
        at = end
    return "".join(pieces) + text[at:]
