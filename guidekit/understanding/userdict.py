"""The jieba user dictionary for the NLU tokenizer, written from the published guides.

Only nouns go in (service and material names): Rasa's token boundaries follow jieba's, and a
phrase like "社保卡丢了" as one token would hide the words the intent classifier needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, List

from guidekit.guides.schema import Guide
from guidekit.understanding.textnorm import normalize

NOUN_ENDINGS = tuple("证卡本金费保贴险书照单簿表")
MAX_WORD = 6
VERB_STARTS = ("办", "换", "补", "取", "交", "吃", "怎么", "申请", "领", "开", "要", "去", "迁", "报", "查", "认", "拿")


def userdict_words(guides: Iterable[Guide]) -> List[str]:
    words = set()
    for guide in guides:
        for alias in guide.aliases:
            word = normalize(alias)
            if 2 <= len(word) <= MAX_WORD and word.endswith(NOUN_ENDINGS) and not word.startswith(VERB_STARTS):
                words.add(word)
        for material in guide.every_material:
            word = normalize(material.name)
            if 2 <= len(word) <= MAX_WORD:
                words.add(word)
    return sorted(words)


def write_userdict(guides: Iterable[Guide], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "userdict.txt"
    lines = [f"{w} 2000 n" for w in userdict_words(guides)]
    text = "\n".join(lines) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path
