"""Regional words older people use, mapped to the Mandarin the rest of the pipeline knows.

Speech recognisers and people write these as they sound; synonyms in Rasa only map exact strings,
so the text is normalised once, before NLU and before matching services.
"""
from __future__ import annotations

import re

# Longer entries first where one contains another (咋整 before 咋).
REGIONAL_WORDS = {
    # north and north-east
    "咋整": "怎么办", "咋弄": "怎么弄", "咋办": "怎么办", "咋": "怎么", "俺们": "我们", "俺": "我",
    "啥时候": "什么时候", "啥": "什么", "多会儿": "什么时候", "整不明白": "弄不明白",
    # central plains
    "弄啥嘞": "干什么", "中不中": "行不行",
    # south-west
    "啥子": "什么", "得不得": "能不能", "要得": "可以",
    # Hunan / Hubei
    "么子": "什么", "冇得": "没有",
    # Cantonese
    "点样": "怎么样", "边度": "哪里", "乜嘢": "什么", "咩": "什么", "冇": "没有", "唔该": "谢谢", "几多钱": "多少钱",
    "係": "是", "嘅": "的", "佢": "他", "喺": "在",
    # Shanghainese / Wu
    "阿拉": "我", "侬": "你", "几钿": "多少钱", "啥地方": "什么地方", "晓得伐": "知道吗", "好伐": "好吗",
}
_PATTERN = re.compile("|".join(sorted(map(re.escape, REGIONAL_WORDS), key=len, reverse=True)))


def to_mandarin(text: str) -> str:
    return _PATTERN.sub(lambda m: REGIONAL_WORDS[m.group(0)], text)
