"""Regional words older people use, mapped to the Mandarin the rest of the pipeline knows.

Speech recognisers and people write these as they sound; synonyms in Rasa only map exact strings,
so the text is normalised once, before NLU and before matching services.
"""

from __future__ import annotations

import re

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


def to_mandarin(text: str) -> str:
    return _PATTERN.sub(lambda m: REGIONAL_WORDS[m.group(0)], text)
