"""A change to a guide read field by field, for a reviewer who is not a programmer: for every field that
changed, its name in plain words, the old and the new text side by side with the changed characters marked.
The raw YAML diff stays below it for experts.

Why: "@@ -45,5 +45,5 @@ … plain:" told a reviewer nothing; "材料1:身份证 — 原来「…原件」现在「…原件和1张复印件」"
tells them what the older person will now hear.
"""

from __future__ import annotations

import dataclasses
import difflib
from typing import Dict, List, Optional, Tuple

from guidekit.editorial.workflow import plain_fields
from guidekit.guides.schema import Guide, Material

Segment = Tuple[str, bool]  # (text, changed)


@dataclasses.dataclass(frozen=True)
class FieldChange:
    key: str
    label: str
    old: str
    new: str
    old_marked: List[Segment]
    new_marked: List[Segment]


def _material(m: Material) -> str:
    """All of a material but its plain text, which has a row of its own (with its readability check)."""
    parts = [f"{m.name}(官方:{m.official_name})", f"{m.form.value},原件{m.originals}份,复印件{m.copies}份"]
    parts += [f"什么情况要带:{m.condition}"] if m.condition else []
    parts += [f"注意:{m.notes}"] if m.notes else []
    return "\n".join(parts)


def readable_fields(guide: Guide) -> Dict[str, Tuple[str, str]]:
    """key → (label, text) for everything an editor can change, in reading order."""
    out: Dict[str, Tuple[str, str]] = {
        "name": ("正式名称", guide.name),
        "short_name": ("简短的叫法", guide.short_name or ""),
        "aliases": ("别名", "、".join(guide.aliases)),
        "purpose": ("这件事是做什么用的", guide.purpose or ""),
        "examples": ("老人会怎么说(例句)", "\n".join(guide.examples)),
    }
    for key, label, _, official, plain in plain_fields(guide):
        out[f"plain:{key}"] = (f"{label}(大白话)", plain)
        out[f"official:{key}"] = (f"{label}(官方原文)", official)
    for i, m in enumerate(guide.materials):
        out[f"material:{i}"] = (f"材料{i + 1}", _material(m))
    for i, m in enumerate(guide.proxy.materials):
        out[f"proxy-material:{i}"] = (f"家人代办要带的材料{i + 1}", _material(m))
    if guide.situations:
        out["situation-question"] = ("问老人的那一句(情形)", guide.situations.question)
        for i, o in enumerate(guide.situations.options):
            said = f"{o.name}(还可以说:{'、'.join(o.words)})" if o.words else o.name
            out[f"situation:{i}"] = (f"第{i + 1}种情况", said + "\n" + "\n".join(_material(m) for m in o.materials))
    out["ask_district"] = ("在哪办先问住哪个区", "是" if guide.ask_district else "否")
    for i, loc in enumerate(guide.locations):
        out[f"location:{i}"] = (f"办理地点{i + 1}", f"{loc.name}({loc.district or '没写区'}),电话{loc.phone}")
    out["proxy-allowed"] = ("家人能不能代办", "能" if guide.proxy.allowed else "不能")
    out["last_verified"] = ("最近核对日期", guide.last_verified.isoformat())
    return out


def marked(old: str, new: str) -> Tuple[List[Segment], List[Segment]]:
    """Both texts cut into runs, each run marked changed or not (character by character: Chinese has no spaces)."""
    before: List[Segment] = []
    after: List[Segment] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if a2 > a1:
            before.append((old[a1:a2], op != "equal"))
        if b2 > b1:
            after.append((new[b1:b2], op != "equal"))
    return before, after


def field_changes(before: Optional[Guide], after: Guide) -> List[FieldChange]:
    """The fields that differ (all of them, for a guide never published), in reading order."""
    old = readable_fields(before) if before is not None else {}
    new = readable_fields(after)
    changes = []
    for key in list(new) + [k for k in old if k not in new]:
        label, new_text = new.get(key, (old.get(key, ("", ""))[0], ""))
        old_text = old.get(key, ("", ""))[1]
        if old_text != new_text:
            o, n = marked(old_text, new_text)
            changes.append(FieldChange(key, label, old_text, new_text, o, n))
    return changes
