"""Navigation words as they are heard and typed: "下一各", "虾一个", "下1个", "在说一遍", "上一各".

Inside a walk through the materials the person says only a few words, and a speech recogniser or a
phone keyboard often gets one of them wrong. The classifier learnt the words, not their sounds; here a
message is compared by sound (toneless syllables, accent confusions folded, as the service matching does)
with the few things people say to move in the list, allowing one syllable off in three or more.
"""

from __future__ import annotations

import re
from typing import Dict, Optional, Tuple

from guidekit.understanding.resolver import sound_syllables

# What people say to move in the list, by the intent it means.
PHRASES: Dict[str, Tuple[str, ...]] = {
    "next_item": ("下一个", "下一样", "下一条", "下一项", "下一步", "还有呢", "然后呢", "接着说", "往下说", "继续"),
    "previous_item": ("上一个", "上一样", "上一条", "前一个", "退回去"),
    "repeat_item": ("再说一遍", "再说一次", "重说一遍", "没听清", "再讲一遍"),
    "whats_left": ("还差哪些", "还缺哪些", "还剩哪些", "剩下的呢", "还差什么"),
    "list_all": ("全部说一遍", "都说一遍", "一共要带哪些", "全部材料"),
}
_DIGITS = str.maketrans("0123456789", "零一二三四五六七八九")
_NOT_WORDS = re.compile(r"[^\w]+")
MAX_EXTRA = 1  # a word more than the phrase ("下一个吧"), no more


def _sounds(text: str) -> Tuple[str, ...]:
    return sound_syllables(_NOT_WORDS.sub("", text.translate(_DIGITS)))


_PHRASE_SOUNDS = {intent: [_sounds(p) for p in phrases] for intent, phrases in PHRASES.items()}


def _misses(heard: Tuple[str, ...], phrase: Tuple[str, ...]) -> int:
    """Fewest syllables off where the phrase lines up with what was heard (at most one syllable more);
    99 when it cannot line up, or more than one is off, or one is off in a phrase under three syllables."""
    if len(heard) < len(phrase) or len(heard) > len(phrase) + MAX_EXTRA:
        return 99
    fewest = 99
    for start in range(len(heard) - len(phrase) + 1):
        misses = sum(a != b for a, b in zip(phrase, heard[start : start + len(phrase)]))
        if misses == 0 or (misses == 1 and len(phrase) >= 3):
            fewest = min(fewest, misses)
    return fewest


def names_previous(text: str) -> bool:
    """ "上一个没听清", "前一个再说一遍": the item before is what is to be said again."""
    return any(phrase in text for phrase in PHRASES["previous_item"])


def heard_navigation(text: str) -> Optional[str]:
    """The navigation intent a short message sounds most like ("下一各" is one off 下一个 and 上一个,
    but "下" is heard right: 下一个 is nearer), or None when none is near or two are equally near."""
    heard = _sounds(text)
    if not heard or len(heard) > 6:
        return None
    best: Dict[str, int] = {}
    for intent, phrases in _PHRASE_SOUNDS.items():
        best[intent] = min(_misses(heard, p) for p in phrases)
    fewest = min(best.values())
    winners = [intent for intent, misses in best.items() if misses == fewest]
    return winners[0] if fewest < 99 and len(winners) == 1 else None
