"""A first plain draft of an official guide text, for an editor to correct.

`plain_draft(official)` is a suggestion only: it never goes to a reader as it is, and it cannot
know what the text means. It does the mechanical part of a rewrite so the editor starts from
something shorter:

1. glossary terms (guidekit/data/glossary.yml, or the glossary passed in) are replaced by their
   `plain` wording, longest term first, except inside quotation marks, where a term is the name
   of a sign or button the reader must find as written;
2. numbered lists written inline ("1. … 2. …", "(一)…(二)…", "①…②…") become one item per line;
3. an enumeration of four or more items joined by "、" becomes one item per line;
4. sentences longer than `THRESHOLDS.max_sentence_chars` Han characters are split, preferring
   ";" then "," then a connective (以及, 并, 并且, 同时), and "、" only as a last resort.

List items are numbered "1. ", "2. " … (the speech normaliser reads those as 第一, 第二). The
result still needs a person: "您" where the text said 申请人, a friendlier order, what to leave
out. Check it with `guidekit.editorial.readability.check` before publishing.
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence, Tuple

# The checker's own segmenter and patterns, so a draft is cut and quoted exactly as it is checked.
from guidekit.editorial.readability import HAN, JIEBA, QUOTED, THRESHOLDS, GlossaryTerm, default_glossary

_CLAUSE_MARKS = "。;;,,::!?!?"
_END_MARKS = "。;;!?!?"

# ---------------------------------------------------------------------------------------------
# 1. Glossary terms


def _replace_terms(text: str, glossary: Sequence[GlossaryTerm]) -> str:
    terms = sorted((g for g in glossary if g.term), key=lambda g: -len(g.term))
    quoted = [False] * len(text)
    for m in QUOTED.finditer(text):
        for i in range(m.start(), m.end()):
            quoted[i] = True
    out, i = [], 0
    while i < len(text):
        if not quoted[i]:
            entry = next((g for g in terms if text.startswith(g.term, i)), None)
            if entry is not None:
                out.append(entry.plain)
                i += len(entry.term)
                continue
        out.append(text[i])
        i += 1
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# 2. Inline numbered lists

_CN_NUMBERS = "一二三四五六七八九十"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PAREN_DIGITS = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_DOT_DIGITS = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
_AFTER_BREAK = r"(?:^|(?<=[。;;,,::\s]))"

# Each family: a pattern whose group 1 is the item number, and how to read that number.
_LIST_FAMILIES = (
    (re.compile(_AFTER_BREAK + r"[(（]([0-9]{1,2})[)）]"), int),
    (re.compile(_AFTER_BREAK + r"([0-9]{1,2})[.．、)）](?![0-9])"), int),
    (re.compile(r"[(（]([一二三四五六七八九十]{1,2})[)）]"), lambda s: _cn_number(s)),
    (re.compile(_AFTER_BREAK + r"([一二三四五六七八九十]{1,2})、"), lambda s: _cn_number(s)),
    (re.compile(f"([{_CIRCLED}])"), lambda s: _CIRCLED.index(s) + 1),
    (re.compile(f"([{_PAREN_DIGITS}])"), lambda s: _PAREN_DIGITS.index(s) + 1),
    (re.compile(f"([{_DOT_DIGITS}])"), lambda s: _DOT_DIGITS.index(s) + 1),
)


def _cn_number(s: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20 (list numbers never go further)."""
    if "十" not in s:
        return _CN_NUMBERS.index(s) + 1 if len(s) == 1 else 0
    tens, _, ones = s.partition("十")
    return ((_CN_NUMBERS.index(tens) + 1) if tens else 1) * 10 + ((_CN_NUMBERS.index(ones) + 1) if ones else 0)


def _numbered_markers(text: str) -> List[re.Match]:
    """The markers of the longest run 1, 2, 3 … found in one family (at least two)."""
    best: List[re.Match] = []
    for pattern, value in _LIST_FAMILIES:
        run: List[re.Match] = []
        for m in pattern.finditer(text):
            n = value(m.group(1))
            if n == len(run) + 1:
                run.append(m)
            elif n == 1 and not run:
                run = [m]
        if len(run) >= 2 and len(run) > len(best):
            best = run
    return best


def _split_numbered(paragraph: str) -> List[Tuple[str, str]]:
    """[("text" | "item", piece)]: the paragraph cut at its list markers, if it has any."""
    markers = _numbered_markers(paragraph)
    if not markers:
        return [("text", paragraph)]
    pieces: List[Tuple[str, str]] = []
    intro = paragraph[: markers[0].start()].strip()
    if intro:
        pieces.append(("text", intro))
    for k, m in enumerate(markers):
        end = markers[k + 1].start() if k + 1 < len(markers) else len(paragraph)
        body = paragraph[m.end() : end].strip()
        if k + 1 == len(markers):
            # The last item ends at the first full stop; what follows is ordinary text again.
            stop = body.find("。")
            if 0 <= stop < len(body) - 1:
                pieces.append(("item", body[:stop]))
                pieces.append(("text", body[stop + 1 :].strip()))
                continue
        pieces.append(("item", body))
    return [(kind, p) for kind, p in pieces if p.strip(_CLAUSE_MARKS + " 、")]


# ---------------------------------------------------------------------------------------------
# 3. "、" enumerations of four or more items

# Three or more items joined by "、"; with a final "和 / 及 / 或" item that makes four, the least
# that is worth a list (three short items read fine in one sentence).
_ENUMERATION = re.compile(r"[^、,,;;。::!?!?\s()()]+(?:、[^、,,;;。::!?!?\s()()]+){2,}")
_MIN_ITEMS = 4
# Words after which the first item starts ("需提供居民身份证、…" → the item is 居民身份证).
_LEAD_WORDS = (
    "提供",
    "携带",
    "提交",
    "准备",
    "包括",
    "包含",
    "带上",
    "带",
    "持",
    "出示",
    "凭",
    "需要",
    "需",
    "须",
    "应",
    "如",
    "比如",
    "例如",
    "含",
    "即",
    "为",
    "是",
    "有",
    "交",
    "办理",
    "申请",
)
_JOINERS = ("和", "及", "与", "或", "或者", "以及")


def _words(text: str) -> List[str]:
    return [w for w in JIEBA.get().cut(text, HMM=False) if w]


def _inside_brackets(text: str, at: int) -> bool:
    # "(如高血压、糖尿病、……等)" gives examples inside a sentence: a list there would break it apart.
    before = text[:at]
    return before.count("(") + before.count("（") > before.count(")") + before.count("）")


def _split_enumeration(piece: str) -> List[Tuple[str, str]]:
    match = next((m for m in _ENUMERATION.finditer(piece) if not _inside_brackets(piece, m.start())), None)
    if not match:
        return [("text", piece)]
    parts = match.group(0).split("、")
    first_words = _words(parts[0])
    cut = max((k + 1 for k, w in enumerate(first_words) if w in _LEAD_WORDS), default=0)
    lead = piece[: match.start()] + "".join(first_words[:cut])
    items = ["".join(first_words[cut:])] + parts[1:-1]

    last_words = _words(parts[-1])
    tail: List[str] = []
    if "等" in last_words:
        at = last_words.index("等")
        last_words, tail = last_words[:at], last_words[at:]
    joiner = next((k for k, w in enumerate(last_words) if w in _JOINERS and 0 < k < len(last_words) - 1), None)
    if joiner is not None:
        items += ["".join(last_words[:joiner]), "".join(last_words[joiner + 1 :])]
    else:
        items.append("".join(last_words))
    if len(items) < _MIN_ITEMS:
        return [("text", piece)]
    rest = "".join(tail) + piece[match.end() :]
    if rest.startswith("等"):
        # "……、退休证等材料原件" → after the list, "以上材料原件"
        rest = rest[1:].lstrip("等")
        rest = "以上" + rest if rest.strip(_CLAUSE_MARKS) else rest.lstrip(_CLAUSE_MARKS)

    out: List[Tuple[str, str]] = []
    if lead.strip(_CLAUSE_MARKS + " "):
        out.append(("text", lead.rstrip(_CLAUSE_MARKS + " ") + ":"))
    out += [("item", item) for item in items if item.strip()]
    if rest.strip(_CLAUSE_MARKS + " "):
        out += _split_enumeration(rest.lstrip(_CLAUSE_MARKS + " "))
    return out


# ---------------------------------------------------------------------------------------------
# 4. Long sentences

# Connectives a new sentence may start with, and what it starts with instead.
# No new sentence shorter than this: "材料齐全的。" alone says nothing.
_SHORTEST_PIECE = 6
_CONNECTIVES = {"以及": "还有", "并且": "而且", "并": "再", "同时": "同时"}


def _han_count(text: str) -> int:
    return len(HAN.findall(text))


def _cut_candidates(sentence: str) -> List[List[Tuple[int, int, str]]]:
    """Cut points by preference: [(cut at, resume at, prefix of the new sentence)] per class."""
    semicolons = [(m.start(), m.end(), "") for m in re.finditer("[;;]", sentence)]
    commas = [(m.start(), m.end(), "") for m in re.finditer("[,,]", sentence)]
    connectives, at = [], 0
    words = _words(sentence)
    for k, w in enumerate(words):
        following = words[k + 1] if k + 1 < len(words) else ""
        # "并不需要" is not the connective 并.
        if w in _CONNECTIVES and at > 0 and not following.startswith(("不", "没", "非", "未")):
            connectives.append((at, at + len(w), _CONNECTIVES[w]))
        at += len(w)
    pauses = [(m.start(), m.end(), "") for m in re.finditer("、", sentence)]
    # Never cut inside brackets or quotation marks: "(如高血压、糖尿病。" would be a broken sentence.
    enclosed = [False] * len(sentence)
    for m in re.finditer(r"\([^)]*\)|（[^）]*）|“[^”]*”|《[^》]*》", sentence):
        for i in range(m.start(), m.end()):
            enclosed[i] = True
    return [[c for c in group if not enclosed[c[0]]] for group in (semicolons, commas, connectives, pauses)]


def _split_long(sentence: str, limit: int) -> List[str]:
    """Split one sentence (without its end mark) into sentences of at most `limit` Han characters,
    as far as sensible cut points allow."""
    if _han_count(sentence) <= limit:
        return [sentence]
    middle = _han_count(sentence) / 2
    for candidates in _cut_candidates(sentence):
        usable = [
            (a, b, p)
            for a, b, p in candidates
            if _han_count(sentence[:a]) >= _SHORTEST_PIECE and _han_count(sentence[b:]) >= _SHORTEST_PIECE
        ]
        if usable:
            a, b, prefix = min(usable, key=lambda c: abs(_han_count(sentence[: c[0]]) - middle))
            left = sentence[:a].rstrip(_CLAUSE_MARKS + " 、")
            right = prefix + sentence[b:].lstrip(_CLAUSE_MARKS + " 、")
            return _split_long(left, limit) + _split_long(right, limit)
    return [sentence]


def _sentences(text: str) -> List[str]:
    return [s.strip() for s in re.split(f"[{_END_MARKS}]+", text) if s.strip(_CLAUSE_MARKS + " 、")]


# ---------------------------------------------------------------------------------------------
# Public API


def plain_draft(official: str, glossary: Optional[Sequence[GlossaryTerm]] = None) -> str:
    """A first plain draft of `official`, one sentence or list item per line. A suggestion only."""
    terms = default_glossary() if glossary is None else list(glossary)
    text = _replace_terms(official.replace("\r\n", "\n").strip(), terms)
    limit = THRESHOLDS.max_sentence_chars

    blocks: List[Tuple[str, str]] = []
    for paragraph in text.split("\n"):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        for kind, piece in _split_numbered(paragraph):
            if kind == "item":
                blocks.append(("item", piece))
                continue
            for kind2, piece2 in _split_enumeration(piece):
                if kind2 == "item":
                    blocks.append(("item", piece2))
                elif piece2.endswith(":"):
                    blocks.append(("text", piece2))
                else:
                    for sentence in _sentences(piece2):
                        blocks += [("text", s + "。") for s in _split_long(sentence, limit)]

    lines, number = [], 0
    for kind, piece in blocks:
        if kind == "item":
            number += 1
            item = piece.strip().strip(_CLAUSE_MARKS + " 、")
            for k, part in enumerate(_split_long(item, limit)):
                lines.append(f"{number}. {part}" if k == 0 else f"   {part}")
        else:
            number = 0
            lines.append(piece.strip())
    return "\n".join(line for line in lines if line.strip())
