"""Questions about one material, answered from its fields: "这些东西复印几份", "原件还是复印件", "照片要自己带吗".

Inside a walk through the materials, people ask about the item they just heard (or one they name). The guide
already says how many copies, which form and who provides it (`Material.form`, `copies`, `where_to_get`); the
answer comes from there, not from the classifier's nearest topic ("复印几份" was heard as a goodbye, "照片要自己
带吗" read item 1 again). The kinds of question are few and closed, so they are recognised by their words.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Optional, Sequence, Tuple

from guidekit.guides.schema import Material

# Which field a question asks about, first match wins ("原件还是复印件" is about the form, not the count).
_KINDS: Tuple[Tuple[str, "re.Pattern[str]"], ...] = (
    ("form", re.compile(r"原件|原本|正本|复印件还是|还是复印件")),
    ("copies", re.compile(r"复印|几份|多少份|几张")),
    # 开/弄 only: "在哪领" asks where the office is, not where the item comes from.
    (
        "bring",
        re.compile(r"自己带|要带吗|带不带|要不要带|用不用带|用带吗|自己准备|自己弄|(哪里|哪儿|哪|谁)(开|弄)|谁给开"),
    ),
)
# Longer than this, it is a question of its own, not one about the item.
MAX_CHARS = 24


def material_question(text: str) -> Optional[str]:
    """ "form", "copies" or "bring" for a short question about a material, else None."""
    if len(text) > MAX_CHARS:
        return None
    return next((kind for kind, words in _KINDS if words.search(text)), None)


# A shorter part of an item's name counts from this many characters ("照片" of 照片回执).
MIN_PART = 2


def material_named(text: str, items: Sequence[Material]) -> Optional[int]:
    """The 1-based number of the item the question names ("照片要自己带吗"), or None. A whole name wins; else
    the item sharing the longest part of its name with the question, one whose name begins with that part
    first ("照片" is 照片回执 rather than 带照片的证件)."""
    for number, item in enumerate(items, 1):
        if item.name and item.name in text:
            return number
    best: Optional[Tuple[int, bool, int]] = None
    for number, item in enumerate(items, 1):
        match = SequenceMatcher(None, item.name, text, autojunk=False).find_longest_match(
            0, len(item.name), 0, len(text)
        )
        if match.size >= MIN_PART:
            key = (match.size, match.a == 0, -number)
            if best is None or key > best:
                best = key
    return -best[2] if best is not None else None
