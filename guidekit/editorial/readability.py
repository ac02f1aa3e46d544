"""Readability check for guide texts: is this `plain` text easy enough for a 75-year-old reader?

`check(text)` finds the four things that most often make a guide hard for older readers and says,
in plain Chinese for the editor, where each one is and how to fix it:

* ``long_sentence``: a sentence with more Han characters than ``THRESHOLDS.max_sentence_chars``;
* ``rare_chars``: characters outside level 1 (一级字表, 3,500 characters) of 《通用规范汉字表》(2013);
* ``jargon``: an office word from the glossary (guidekit/data/glossary.yml) used without an
  explanation nearby;
* ``hard_to_say``: symbols, long digit runs and Latin abbreviations that are hard to read aloud.

The first three fail the check; ``hard_to_say`` only lowers the score, because the speech
normaliser (guidekit/answers/speech.py) already reads many of them and a few (an app's name with "12123")
cannot be avoided. `compare(plain, official)` reports a published readability formula for both
versions of a text. The thresholds, the score and the calibration on the 15 shipped guides are
in docs/readability.md.

Words come from spaCy's blank Chinese pipeline with the jieba segmenter; sentences from a simple
splitter on 。!?; (full- and half-width) and line breaks. spaCy, jieba and the data files are
loaded on first use, once, under a lock: importing this module costs nothing.

The formula (`Report.formula`, `compare`) is 郭望皓's readability formula for Chinese texts:

    郭望皓. 对外汉语文本易读性公式研究[D]. 上海交通大学, 2010.
    Y = -11.946 + 0.198·X1 + 0.123·X2 + 0.811·X3          (higher Y = harder text)
    X1 汉字难度 = 0.148·A + 0.182·B + 0.137·C + 0.215·D + 0.283·E   (shares of characters)
    X2 平均句长 = Han characters per sentence
    X3 词汇难度 = 0.132·A + 0.185·B + 0.249·C + 0.246·D + 0.188·E   (shares of words)

where A–E are the percentages (0–100) of characters / words at levels 甲, 乙, 丙, 丁 and beyond
(超纲) of 《汉语水平词汇与汉字等级大纲》. The coefficients are as quoted in the source of
readability-cn 0.2.0 (readability_cn/readability.py), which cites the thesis; the thesis itself
could not be consulted here. The 大纲's level lists are not available offline, so the levels
are approximated by frequency rank in jieba's dictionary, with the 大纲's level sizes (words
1,033 / 2,018 / 2,202 / 3,569; characters 800 / 804 / 601 / 700). The value is for comparing two
versions of one text, never a pass mark.
"""

from __future__ import annotations

import bisect
import collections
import dataclasses
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, Generic, List, Optional, Sequence, Tuple, TypeVar

import yaml

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
LEVEL1_FILE = DATA_DIR / "common_chars_level1.txt"
GLOSSARY_FILE = DATA_DIR / "glossary.yml"


@dataclasses.dataclass(frozen=True)
class Thresholds:
    """The numbers the check uses; docs/readability.md explains each one and how it was chosen."""

    # A sentence may hold at most this many Han characters. Plain guide sentences measured
    # p50 11 / p99 19 / max 26; official ones p50 21, so 25 separates the two styles.
    max_sentence_chars: int = 25
    # Share of Han characters outside level 1 that a text may have. Level 1 already covers about
    # 99% of ordinary written Chinese, so anything looser would pass newspaper prose. Below
    # 200 Han characters (every guide field) one rare character already exceeds it.
    max_rare_share: float = 0.005
    # Average sentence length that costs nothing in the score; above it, 1 point per character.
    comfortable_sentence_chars: int = 15
    # Score penalties, per problem.
    long_sentence_penalty: int = 10  # plus 1 per character over the limit ...
    long_sentence_penalty_cap: int = 30  # ... up to this much for one sentence
    rare_char_penalty: int = 8
    jargon_penalty: int = 10
    hard_to_say_penalty: int = 4
    length_penalty_cap: int = 20


THRESHOLDS = Thresholds()

# Kinds that make `passed` false; hard_to_say only lowers the score.
BLOCKING_KINDS = frozenset({"long_sentence", "rare_chars", "jargon"})


@dataclasses.dataclass(frozen=True)
class GlossaryTerm:
    """One office word: the word, everyday words for it, and a one-sentence explanation."""

    term: str
    plain: str
    explain: str


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing to fix. `start`/`end` are character offsets in the checked text; `excerpt` is the
    text around it (the sentence, the word holding a rare character, the term or the symbol)."""

    kind: str
    message: str
    start: int
    end: int
    excerpt: str


@dataclasses.dataclass(frozen=True)
class Report:
    score: int
    passed: bool
    problems: Tuple[Problem, ...]
    longest_sentence: int
    rare_share: float
    formula: float


@dataclasses.dataclass(frozen=True)
class Comparison:
    plain: float
    official: float
    plain_is_easier: bool


# ---------------------------------------------------------------------------------------------
# Lazy, thread-safe loading

T = TypeVar("T")


class _Once(Generic[T]):
    """A value built on first use, exactly once even when several threads ask at the same time
    (the editor pages check texts from FastAPI's worker threads). lru_cache would not do: two
    threads arriving together would both load spaCy and jieba."""

    def __init__(self, build: Callable[[], T]):
        self._build = build
        self._lock = threading.Lock()
        self._value: Optional[T] = None
        self._ready = False

    def get(self) -> T:
        if not self._ready:
            with self._lock:
                if not self._ready:
                    self._value = self._build()
                    self._ready = True
        return self._value  # type: ignore[return-value]


def _load_level1() -> frozenset:
    chars = []
    for line in LEVEL1_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            chars.append(line)
    return frozenset(chars)


def _load_glossary() -> Tuple[GlossaryTerm, ...]:
    entries = yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8")) or []
    return tuple(
        GlossaryTerm(str(e["term"]).strip(), str(e["plain"]).strip(), str(e["explain"]).strip()) for e in entries
    )


def _build_jieba():
    # A private jieba instance: the global one gets the catalog's words added at run time
    # (guidekit/catalog.py), and a readability verdict must not depend on which guides are loaded.
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.check_initialized()
    return tokenizer


def _build_nlp():
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    # spaCy's ChineseTokenizer calls `self.jieba_seg.cut(text, cut_all=False)`; a jieba.Tokenizer
    # has the same method, so the pipeline segments with the private dictionary above.
    nlp.tokenizer.jieba_seg = JIEBA.get()
    return nlp


# Level sizes of 《汉语水平词汇与汉字等级大纲》 (甲, 乙, 丙, 丁), used to cut jieba's frequency ranks
# into the formula's levels A–D; everything ranked lower (or unknown) is E.
_WORD_LEVEL_SIZES = (1033, 2018, 2202, 3569)
_CHAR_LEVEL_SIZES = (800, 804, 601, 700)


def _levels_by_rank(freq: Dict[str, int], sizes: Sequence[int]) -> Dict[str, int]:
    ranked = sorted(freq, key=lambda w: (-freq[w], w))
    bounds = [sum(sizes[: i + 1]) for i in range(len(sizes))]
    return {w: bisect.bisect_right(bounds, rank) for rank, w in enumerate(ranked[: bounds[-1]])}


def _build_levels() -> Tuple[Dict[str, int], Dict[str, int]]:
    """(word → level 0–3, character → level 0–3) from jieba's dictionary frequencies."""
    freq = {w: f for w, f in JIEBA.get().FREQ.items() if f > 0 and HAN.search(w)}
    char_freq: collections.Counter = collections.Counter()
    for word, f in freq.items():
        for ch in word:
            if HAN.match(ch):
                char_freq[ch] += f
    return _levels_by_rank(freq, _WORD_LEVEL_SIZES), _levels_by_rank(dict(char_freq), _CHAR_LEVEL_SIZES)


_LEVEL1: _Once[frozenset] = _Once(_load_level1)
_GLOSSARY: _Once[Tuple[GlossaryTerm, ...]] = _Once(_load_glossary)
JIEBA = _Once(_build_jieba)
_NLP = _Once(_build_nlp)
_LEVELS = _Once(_build_levels)


def level1_chars() -> frozenset:
    """The 3,500 characters of level 1 of 《通用规范汉字表》."""
    return _LEVEL1.get()


def default_glossary() -> List[GlossaryTerm]:
    """The shipped glossary (guidekit/data/glossary.yml); a new list, so callers may extend it."""
    return list(_GLOSSARY.get())


# ---------------------------------------------------------------------------------------------
# Sentences

HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_SENTENCE_END = re.compile(r"[。！？；!?;\n\r]+")


def _sentences(text: str) -> List[Tuple[int, int]]:
    """(start, end) of every non-empty sentence, without its end mark and surrounding spaces."""
    spans, start = [], 0
    for match in list(_SENTENCE_END.finditer(text)) + [None]:
        end = match.start() if match else len(text)
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece.rstrip())
        if piece.strip():
            spans.append((start + lead, start + trail))
        if match:
            start = match.end()
    return spans


def _han_count(text: str) -> int:
    return len(HAN.findall(text))


# ---------------------------------------------------------------------------------------------
# Jargon

# Quoted text is the name of a sign, button or app the reader has to find as written
# (找“待遇”窗口, 点“已办结”): a glossary word there is not the writer's jargon.
QUOTED = re.compile(r"“[^”]*”|「[^」]*」|『[^』]*』|《[^》]*》|\"[^\"]*\"")
_EXPLAIN_WORDS = ("就是", "也就是")
_BRACKET_AFTER = re.compile(r"\s*[(（][^)）]+[)）]")


@lru_cache(maxsize=16)
def _ordered_terms(glossary: Tuple[GlossaryTerm, ...]) -> Tuple[GlossaryTerm, ...]:
    # Longest first, so 户籍所在地 is matched before the 户籍 inside it.
    return tuple(sorted((g for g in glossary if g.term), key=lambda g: (-len(g.term), g.term)))


def _jargon(text: str, sentences: List[Tuple[int, int]], glossary: Tuple[GlossaryTerm, ...]) -> List[Problem]:
    covered = [False] * len(text)
    for m in QUOTED.finditer(text):
        for i in range(m.start(), m.end()):
            covered[i] = True
    starts = [s for s, _ in sentences]

    def sentence_of(pos: int) -> int:
        return max(bisect.bisect_right(starts, pos) - 1, 0)

    def sentence_text(index: int) -> str:
        if 0 <= index < len(sentences):
            s, e = sentences[index]
            return text[s:e]
        return ""

    problems = []
    for entry in _ordered_terms(glossary):
        hits = []
        at = text.find(entry.term)
        while at >= 0:
            end = at + len(entry.term)
            if not any(covered[at:end]):
                hits.append((at, end))
                for i in range(at, end):
                    covered[i] = True
            at = text.find(entry.term, end)
        if not hits:
            continue

        def explained_here(start: int, end: int) -> bool:
            if _BRACKET_AFTER.match(text, end):
                return True
            i = sentence_of(start)
            nearby = sentence_text(i) + "\n" + sentence_text(i + 1)
            # A one-character plain word (缴纳 → 交) turns up everywhere, so it proves nothing.
            plain_nearby = len(entry.plain) >= 2 and entry.plain in nearby  # noqa: B023 (called in this iteration)
            return plain_nearby or any(w in nearby for w in _EXPLAIN_WORDS)

        explained = [explained_here(s, e) for s, e in hits]
        # "还要带委托书。委托书是什么?就是……": a use followed, in the next sentence, by another use that
        # is explained is explained too, and once explained the reader knows the word.
        for k in range(len(hits) - 2, -1, -1):
            if not explained[k] and explained[k + 1] and sentence_of(hits[k + 1][0]) - sentence_of(hits[k][0]) <= 1:
                explained[k] = True
        seen_explanation = False
        for (s, e), ok in zip(hits, explained):
            seen_explanation = seen_explanation or ok
            if seen_explanation:
                continue
            problems.append(
                Problem(
                    "jargon",
                    f"“{entry.term}”是办事用语,老人可能看不懂。请改成“{entry.plain}”,"
                    f"或者紧跟着解释一句,比如:{entry.explain}",
                    s,
                    e,
                    entry.term,
                )
            )
    return problems


# ---------------------------------------------------------------------------------------------
# Hard to say aloud

# Spans the speech normaliser reads correctly, so nothing inside them is flagged: times and time
# ranges (9:00-17:00, 9:00~12:00), dates (2025-01-01), phone numbers (mobile, landline with area
# code, 400/800 lines) and five-digit service numbers (12345, 12333, 交管12123, 95518).
_SAYABLE = re.compile(
    r"(?<![0-9])[0-9]{1,2}[:：][0-9]{2}(?:\s*[-–—~～〜至到]\s*[0-9]{1,2}[:：][0-9]{2})?(?![0-9])"
    r"|(?<![0-9])[12][0-9]{3}[-/.][0-9]{1,2}[-/.][0-9]{1,2}(?![0-9])"
    r"|(?<![0-9])(?:\+?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9])"
    r"|(?<![0-9])0[0-9]{2,3}[-－—\s]?[0-9]{7,8}(?![0-9])"
    r"|(?<![0-9])[48]00[ -]?[0-9]{3}[ -]?[0-9]{4}(?![0-9])"
    r"|(?<![0-9])(?:12[0-9]{3}|9[56][0-9]{3})(?![0-9])"
)

_SYMBOL_ADVICE = {
    "≥": "请写成“不少于”或“……以上”。",
    "≧": "请写成“不少于”或“……以上”。",
    "≤": "请写成“不超过”或“……以下”。",
    "≦": "请写成“不超过”或“……以下”。",
    ">": "请写成“大于”或“……以上”。",
    "＞": "请写成“大于”或“……以上”。",
    "<": "请写成“小于”或“……以下”。",
    "＜": "请写成“小于”或“……以下”。",
    "%": "请写成“百分之……”。",
    "％": "请写成“百分之……”。",
    "‰": "请写成“千分之……”。",
    "/": "请写成“或者”“每”这样的字。",
    "／": "请写成“或者”“每”这样的字。",
    "~": "请写成“到”。",
    "～": "请写成“到”。",
    "〜": "请写成“到”。",
    "×": "请写成“乘”,或者换个说法。",
    "÷": "请写成“除以”,或者换个说法。",
    "±": "请写成“上下”或“左右”。",
    "+": "请写成“加”或“和”。",
    "＋": "请写成“加”或“和”。",
    "=": "请写成“等于”。",
    "＝": "请写成“等于”。",
}
_SYMBOLS = re.compile(
    "[" + re.escape("".join(_SYMBOL_ADVICE)) + "#＃*＊&＆@＠※→←↑↓|｜\\\\]"
    # circled, parenthesised and full-stop numbers and letters (①, ⑴, ⒈, ⓐ, ❶, ㈠, ㉑)
    "|[\u2460-\u24ff\u2776-\u2793\u3220-\u3229\u3251-\u325f\u32b1-\u32bf]"
)
_CIRCLED = re.compile("[\u2460-\u24ff\u2776-\u2793\u3220-\u3229\u3251-\u325f\u32b1-\u32bf]")
# A number of five or more digits, unless it is a quantity (12000元 is read as a quantity).
_LONG_DIGITS = re.compile(
    r"(?<![0-9.])[0-9]{5,}(?![0-9.])(?!\s*(?:元|块|角|万|亿|人|户|个|次|米|平方米|公里|岁|天|年|份|张|名|件|项|斤))"
)
_LATIN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]{2,}")
# "APP(手机软件)" or "手机软件(APP)": the Chinese is right there.
_GLOSS_AFTER = re.compile(r"\s*[(（][^)）]*[\u4e00-\u9fff][^)）]*[)）]")


def _hard_to_say(text: str) -> List[Problem]:
    sayable = [False] * len(text)
    for m in _SAYABLE.finditer(text):
        for i in range(m.start(), m.end()):
            sayable[i] = True
    problems = []
    for m in _SYMBOLS.finditer(text):
        if sayable[m.start()]:
            continue
        symbol = m.group(0)
        if _CIRCLED.match(symbol):
            advice = "请写成“1.”“2.”,或者“第一”“第二”。"
        else:
            advice = _SYMBOL_ADVICE.get(symbol, "请换成汉字。")
        problems.append(
            Problem("hard_to_say", f"“{symbol}”念不出来,老人也不一定认得。{advice}", m.start(), m.end(), symbol)
        )
    for m in _LONG_DIGITS.finditer(text):
        if any(sayable[m.start() : m.end()]):
            continue
        problems.append(
            Problem(
                "hard_to_say",
                f"“{m.group(0)}”这串数字太长,念起来容易错。是编号的话,请说明是什么号;用不着就删掉。",
                m.start(),
                m.end(),
                m.group(0),
            )
        )
    for m in _LATIN.finditer(text):
        inside_gloss = re.search(r"[\u4e00-\u9fff][(（]\s*$", text[: m.start()]) and re.match(
            r"\s*[)）]", text[m.end() :]
        )
        if _GLOSS_AFTER.match(text, m.end()) or inside_gloss:
            continue
        word = m.group(0)
        suggestion = "比如“手机软件”" if word.upper() in ("APP", "ＡＰＰ") else "或者在后面用括号写上中文"
        problems.append(
            Problem(
                "hard_to_say",
                f"“{word}”是外文字母,有的老人不会念。请用中文说法,{suggestion}。",
                m.start(),
                m.end(),
                word,
            )
        )
    return problems


# ---------------------------------------------------------------------------------------------
# Formula

_GUO_CHAR_WEIGHTS = (0.148, 0.182, 0.137, 0.215, 0.283)
_GUO_WORD_WEIGHTS = (0.132, 0.185, 0.249, 0.246, 0.188)


def _weighted_levels(levels: List[int], weights: Sequence[float]) -> float:
    """Σ weight × percentage of items at each level A–E (levels 0–4)."""
    if not levels:
        return 0.0
    counts = collections.Counter(levels)
    return sum(weights[k] * 100.0 * counts.get(k, 0) / len(levels) for k in range(5))


def _formula(han_chars: List[str], words: List[str], n_sentences: int) -> float:
    word_levels, char_levels = _LEVELS.get()
    x1 = _weighted_levels([char_levels.get(c, 4) for c in han_chars], _GUO_CHAR_WEIGHTS)
    x2 = len(han_chars) / n_sentences if n_sentences else 0.0
    x3 = _weighted_levels([word_levels.get(w, 4) for w in words], _GUO_WORD_WEIGHTS)
    return -11.946 + 0.198 * x1 + 0.123 * x2 + 0.811 * x3


# ---------------------------------------------------------------------------------------------
# Public API


def _analyse(text: str):
    """spaCy doc, sentence spans, Han words (with offsets) and the formula value."""
    doc = _NLP.get()(text)
    sentences = _sentences(text)
    words = [(t.idx, t.text) for t in doc if HAN.search(t.text)]
    han_chars = HAN.findall(text)
    value = _formula(han_chars, [w for _, w in words], len(sentences))
    return sentences, words, value


def check(text: str, glossary: Optional[Sequence[GlossaryTerm]] = None) -> Report:
    """Check one text (a `plain` field, or anything an editor is typing); see the module doc."""
    limits = THRESHOLDS
    glossary_t = tuple(default_glossary() if glossary is None else glossary)
    sentences, words, value = _analyse(text)
    problems: List[Problem] = []

    lengths = []
    for s, e in sentences:
        n = _han_count(text[s:e])
        lengths.append(n)
        if n > limits.max_sentence_chars:
            problems.append(
                Problem(
                    "long_sentence",
                    f"这一句有{n}个字,超过了{limits.max_sentence_chars}个字。请分成两句。",
                    s,
                    e,
                    text[s:e],
                )
            )

    level1 = _LEVEL1.get()
    han_positions = [m.start() for m in HAN.finditer(text)]
    rare_positions = [i for i in han_positions if text[i] not in level1]
    rare_share = len(rare_positions) / len(han_positions) if han_positions else 0.0
    if rare_share > limits.max_rare_share:
        word_starts = [i for i, _ in words]
        for i in rare_positions:
            k = bisect.bisect_right(word_starts, i) - 1
            word = words[k][1] if k >= 0 and words[k][0] + len(words[k][1]) > i else text[i]
            problems.append(
                Problem(
                    "rare_chars",
                    f"“{text[i]}”(在“{word}”里)不是常用字,有的老人不认得。请换一个常用字的说法。",
                    i,
                    i + 1,
                    word,
                )
            )

    problems += _jargon(text, sentences, glossary_t)
    problems += _hard_to_say(text)
    problems.sort(key=lambda p: (p.start, p.end, p.kind))

    penalty = 0.0
    for p in problems:
        if p.kind == "long_sentence":
            over = _han_count(p.excerpt) - limits.max_sentence_chars
            penalty += min(limits.long_sentence_penalty + over, limits.long_sentence_penalty_cap)
        elif p.kind == "rare_chars":
            penalty += limits.rare_char_penalty
        elif p.kind == "jargon":
            penalty += limits.jargon_penalty
        else:
            penalty += limits.hard_to_say_penalty
    if lengths:
        average = sum(lengths) / len(lengths)
        penalty += min(max(average - limits.comfortable_sentence_chars, 0.0), limits.length_penalty_cap)
    score = int(round(max(0.0, min(100.0, 100.0 - penalty))))

    return Report(
        score=score,
        passed=not any(p.kind in BLOCKING_KINDS for p in problems),
        problems=tuple(problems),
        longest_sentence=max(lengths, default=0),
        rare_share=rare_share,
        formula=round(value, 3),
    )


def compare(plain: str, official: str) -> Comparison:
    """郭望皓's formula for both versions; lower is easier. A comparison, not a pass mark."""
    plain_value = round(_analyse(plain)[2], 3)
    official_value = round(_analyse(official)[2], 3)
    return Comparison(plain=plain_value, official=official_value, plain_is_easier=plain_value < official_value)
