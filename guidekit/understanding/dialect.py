"""Regional words older people use, mapped to the Mandarin the rest of the pipeline knows.

Speech recognisers and people write these as they sound; synonyms in Rasa only map exact strings,
so the text is normalised once, before NLU and before matching services.
"""

from __future__ import annotations

import re
from typing import List, Tuple

import jieba

# Longer entries first where one contains another (咋整 before 咋).
REGIONAL_WORDS = {
    # north and north-east
    "咋整": "怎么办",
    "咋弄": "怎么弄",
    "咋办": "怎么办",
    "咋个": "怎么",
    "咋": "怎么",
    "俺们": "我们",
    "俺": "我",
    "啥时候": "什么时候",
    "啥": "什么",
    "多会儿": "什么时候",
    "整不明白": "弄不明白",
    "哪旮瘩": "哪里",
    "上哪儿": "去哪里",
    # central plains
    "弄啥嘞": "干什么",
    "中不中": "行不行",
    # south-west
    "啥子": "什么",
    "得不得": "能不能",
    "要得": "可以",
    "啷个": "怎么",
    "莫得": "没有",
    "屋头": "家里",
    # Hunan / Hubei
    "么子": "什么",
    "冇得": "没有",
    # Cantonese: the question words first (where, when, how long, who, how much, must I), then the rest.
    "要点样": "要怎么样",  # (要点 is a Mandarin word: "要点样" would be read as 要点 + 样)
    "点样": "怎么样",
    "点办": "怎么办",
    "点搞": "怎么弄",
    "点申请": "怎么申请",
    "边度": "哪里",
    "边个": "谁",
    "几时": "什么时候",
    "几耐": "多久",
    "几多钱": "多少钱",
    "使唔使": "用不用",
    "係咪": "是不是",
    "唔係": "不是",
    "乜嘢": "什么",
    "咩": "什么",
    "冇": "没有",
    "唔该": "谢谢",
    "唔": "不",
    "係": "是",
    "嘅": "的",
    "佢": "他",
    "喺": "在",
    "咗": "了",
    "嗰": "那",
    "呢度": "这里",
    "攞": "拿",
    "睇": "看",
    "畀": "给",
    "揾": "找",
    "搞掂": "办好",
    # Shanghainese / Wu
    "阿拉": "我",
    "侬": "你",
    "几钿": "多少钱",
    "啥地方": "什么地方",
    "晓得伐": "知道吗",
    "好伐": "好吗",
    "哪能": "怎么",
    "啥辰光": "什么时候",
    "几日天": "几天",
    "勿": "不",
    "屋里": "家里",
}
_PATTERN = re.compile("|".join(sorted(map(re.escape, REGIONAL_WORDS), key=len, reverse=True)))


def _cuts(start: int, end: int, words: List[Tuple[int, int]]) -> bool:
    """Whether the stretch start–end cuts a word (a, b) in two: it begins inside one that ends before it does
    ("网点|办", "快点|办"), or ends inside one that begins after it does ("要得|到")."""
    return any(a < start < b < end or start < a < end < b for a, b in words)


def to_mandarin(text: str) -> str:
    """Each regional word in Mandarin. In a message with no other regional word, one that would cut a word of
    the general dictionary (jieba's) in two is a Mandarin reading, not a regional word: "去哪个网点办" keeps 网点
    (点办 is Cantonese for 怎么办), "几点到几点办业务" keeps 几点. Among others ("阿拉儿子去办好伐") it is read."""
    found = list(_PATTERN.finditer(text))
    if not found:
        return text
    words = [(a, b) for _word, a, b in jieba.tokenize(text, HMM=False)]
    cutting = {m.start() for m in found if _cuts(m.start(), m.end(), words)}
    keep = cutting if len(cutting) == len(found) else set()
    pieces, at = [], 0
    for match in found:
        if match.start() in keep:
            continue
        pieces += [text[at : match.start()], REGIONAL_WORDS[match.group(0)]]
        at = match.end()
    return "".join(pieces) + text[at:]
