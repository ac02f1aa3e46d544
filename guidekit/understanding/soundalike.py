"""Same-sounding slips written as the words we know: "慢特病认定的流成" → 流程, "老年证周莫能办吗" → 周末,
"养老金认证可以带办吗" → 代办, "养老金资格认怔" → 认证.

People type by pinyin and speech recognisers write by sound, so the wrong character of a slip usually sounds
like the right one. Topic words are matched as written (guidekit/understanding/topics.py) and the classifiers
learnt them as written, so "流成" asks nothing about steps until it is written 流程. A stretch of a message is
rewritten only when
- it has exactly the syllables of one of our words (tones aside; two words sounding alike: neither), and
- it is not itself a word of the general dictionary (jieba's): "往上交" stays (往上 is a word; 网上 would make it an
  online question), "时间" stays, while 流成, 周莫, 带办 and 认怔 are no words at all, and
- it does not begin inside a word of that dictionary, nor end inside one of ours: "耳朵就听不见" stays (朵就 sounds
  like 多久, but 耳朵 is a word, and the story about a deaf grandson would become a question of how long), as do
  "能网上办吗" (上办 is not 上班), "去世后" (世后 is not 时候) and "什么认定" (什么认 is not 什么人).
Our words are the topic words of two or more characters, the words people ask with, and the guides' short names
and aliases (so that "老年正" is 老年证 for the classifiers too, not only for the name matching).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Dict, Iterable, List, Optional, Set, Tuple

import jieba
from pypinyin import lazy_pinyin

from guidekit.understanding.topics import TOPIC_MARKERS

# Words of asking that are no topic marker of their own.
ASKING_WORDS = (
    "流程",
    "步骤",
    "手续",
    "认证",
    "认定",
    "代办",
    "周末",
    "材料",
    "申请",
    "办理",
    "可以",
    "多少钱",
    "多长时间",
)
LONGEST = 6  # syllables


def our_words(guide_words: Iterable[str] = ()) -> Tuple[str, ...]:
    """The topic words of two or more characters, the asking words, and `guide_words` (names, aliases)."""
    words = [w for markers in TOPIC_MARKERS.values() for w in markers if len(w) >= 2]
    return tuple(dict.fromkeys([*words, *ASKING_WORDS, *guide_words]))


def _is_han(text: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in text)


@lru_cache(maxsize=8)
def sound_index(words: Tuple[str, ...], longest: int = LONGEST) -> Dict[Tuple[str, ...], str]:
    """Toneless syllables → the one word of `words` that sounds so (words sharing a sound are left out: no
    guessing). Also the speech recogniser's (api/voice/asr.py), for its longer words."""
    index: Dict[Tuple[str, ...], str] = {}
    clashing = set()
    for word in words:
        if not 2 <= len(word) <= longest or not _is_han(word):
            continue
        key = tuple(lazy_pinyin(word))
        if key in index and index[key] != word:
            clashing.add(key)
        index[key] = word
    for key in clashing:
        del index[key]
    return index


@lru_cache(maxsize=1)
def _dictionary() -> Dict[str, int]:
    jieba.initialize()
    return jieba.dt.FREQ


def _a_word(stretch: str) -> bool:
    return bool(_dictionary().get(stretch))


Pick = Callable[[int, Tuple[str, ...], str], Optional[str]]


def rewrite_by_sound(text: str, longest: int, pick: Pick) -> str:
    """Scan `text` longest stretch first: where `pick(start, syllables, stretch)` names a word, write it instead.
    Shared with the speech recogniser's corrections (api/voice/asr.py), which pick more boldly."""
    syllables: List[Optional[str]] = [lazy_pinyin(c)[0] if "\u4e00" <= c <= "\u9fff" else None for c in text]
    out, i = [], 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 1, -1):
            window = syllables[i : i + size]
            if None in window:
                continue
            word = pick(i, tuple(s for s in window if s is not None), text[i : i + size])
            if word is not None:
                out.append(word)
                i += size
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _inside_words(text: str, ours: Set[str]) -> Tuple[Set[int], Set[int]]:
    """The positions inside a word of the general dictionary (not at its start), and those inside one of `ours`:
    where a stretch would cut that word."""
    inside: Set[int] = set()
    inside_ours: Set[int] = set()
    for word, start, end in jieba.tokenize(text, HMM=False):
        if len(word) > 1:
            inside.update(range(start + 1, end))
            if word in ours:
                inside_ours.update(range(start + 1, end))
    return inside, inside_ours


def respell(text: str, words: Tuple[str, ...]) -> str:
    """`text` with every slip of one of `words` (see the module) written as that word, longest first."""
    index = sound_index(words)
    if not index or not any("\u4e00" <= c <= "\u9fff" for c in text):
        return text
    known = set(index.values())
    # A stretch may not begin inside a word ("耳朵就": 朵就 would be 多久), nor end inside one of ours ("什么认定":
    # 什么认 would be 什么人); it may end inside another word, which a slip often makes by chance ("认正在哪做":
    # 认正 is 认证, 正在 a chance word).
    inside, inside_ours = _inside_words(text, known)

    def pick(start: int, key: Tuple[str, ...], stretch: str) -> Optional[str]:
        word = index.get(key)
        if word is None or stretch == word:
            return word
        if stretch in known or _a_word(stretch) or start in inside or start + len(stretch) in inside_ours:
            return None
        return word

    return rewrite_by_sound(text, LONGEST, pick)
