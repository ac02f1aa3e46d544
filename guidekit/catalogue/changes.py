"""What changed in the official text of a published guide, by field, old against new: the plain text of each
changed field is the one an editor rechecks.

Only fields the export provided are compared (an export without 办理流程 says nothing about the process).
"""

from __future__ import annotations

import dataclasses
from typing import Dict, Iterable, List, Optional, Tuple

from guidekit.guides.schema import Guide

# field key → (GB/T 39046 element, how the plain text is found in the editor: workflow.plain_fields keys)
FIELDS: Dict[str, str] = {
    "name": "事项名称",
    "department": "实施主体",
    "eligibility": "受理条件",
    "process": "办理流程",
    "locations.address": "办理地点",
    "locations.hours": "办理时间",
    "locations.phone": "咨询方式",
    "fee": "收费标准",
    "duration": "承诺办结时限",
    "online": "是否网办",
    "source": "设定依据",
}


@dataclasses.dataclass(frozen=True)
class Change:
    field: str  # "eligibility", "materials[身份证]" …
    element: str  # the GB/T 39046 element, as the export names it
    old: Optional[str]  # None: new in the export
    new: Optional[str]  # None: no longer in the export
    plain: Optional[str]  # the published plain text to recheck

    def describe(self) -> str:
        if self.old is None:
            return f"{self.element} ({self.field}): added: {self.new}"
        if self.new is None:
            return f"{self.element} ({self.field}): removed: {self.old}"
        return f"{self.element} ({self.field}): {self.old} → {self.new}"


def _official(guide: Guide, key: str) -> Tuple[str, str]:
    """(official, plain) of one field, several locations or steps joined by newlines."""
    if key == "name":
        return guide.name, guide.called
    if key == "process":
        return "\n".join(s.official for s in guide.process), "\n".join(s.plain for s in guide.process)
    if key == "locations.address":
        return "\n".join(x.address.official for x in guide.locations), "\n".join(
            x.address.plain for x in guide.locations
        )
    if key == "locations.hours":
        return "\n".join(x.hours.official for x in guide.locations), "\n".join(x.hours.plain for x in guide.locations)
    if key == "locations.phone":
        return "\n".join(x.phone for x in guide.locations), ""
    if key == "fee":
        return f"{guide.fee.official}(金额 {guide.fee.amount:g} 元)", guide.fee.plain
    if key == "online":
        return f"{'可以' if guide.online.available else '不能'}网办:{guide.online.official}", guide.online.plain
    text = getattr(guide, key)
    return text.official, text.plain


def official_changes(published: Guide, imported: Guide, provided: Iterable[str]) -> List[Change]:
    """The official texts the import has and the published guide says otherwise."""
    provided = set(provided)
    changes: List[Change] = []
    for key, element in FIELDS.items():
        if key not in provided:
            continue
        old, plain = _official(published, key)
        new, _ = _official(imported, key)
        if key.startswith("locations.") and len(imported.locations) == 1 and len(published.locations) > 1:
            # The export has one 办理地点 per 事项; a published guide may list several: is this one of them?
            olds = old.split("\n")
            if new in olds:
                continue
        if old != new:
            changes.append(Change(key, element, old, new, plain or None))
    if "materials" in provided:
        before = {m.name: m for m in published.materials}
        after = {m.name: m for m in imported.materials}
        for name in list(before) + [n for n in after if n not in before]:
            b, a = before.get(name), after.get(name)
            if b is not None and a is not None and b.official_name == a.official_name:
                continue
            changes.append(
                Change(
                    f"materials[{name}]",
                    "材料名称",
                    b.official_name if b else None,
                    a.official_name if a else None,
                    b.plain if b else None,
                )
            )
    return changes
