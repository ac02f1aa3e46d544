"""One name per paper across guides: 身份证 for 居民身份证, 申请人居民身份证, 二代身份证 …, from an editable table
(guidekit/data/paper_names.yml)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from guidekit.catalogue.problems import compose_yaml, ExportUnreadable, Problem
from guidekit.guides.schema import Material

PAPER_NAMES = Path(__file__).resolve().parents[1] / "data" / "paper_names.yml"
# Material.name's own limit (12): a name is spoken and shown on a kiosk tile.
NAME_MAX: int = next(m.max_length for m in Material.model_fields["name"].metadata if hasattr(m, "max_length"))

_BRACKETS = str.maketrans({"（": "(", "）": ")", "《": "", "》": "", "〈": "", "〉": ""})
# Not when more people follow: 申请人及家庭成员身份证 is not the 身份证 of the 申请人 alone.
_LEADING = re.compile(r"^(?:申请人本人|申请人|本人)(?![及和与、或])")
_TRAILING = re.compile(r"(?:[(]?(?:原件及复印件|原件和复印件|原件或复印件|原件|复印件)[)]?)$")


def spelling_key(text: str) -> str:
    """How a material name is compared with the table's spellings."""
    key = "".join(text.split()).translate(_BRACKETS)
    for _ in range(2):
        key = _TRAILING.sub("", key)
        key = _LEADING.sub("", key)
    return key


@dataclasses.dataclass
class PaperNames:
    by_spelling: Dict[str, str] = dataclasses.field(default_factory=dict)
    file: Optional[str] = None

    def name_of(self, official: str) -> Optional[str]:
        """The one name of this paper, or None when the table does not know it."""
        return self.by_spelling.get(spelling_key(official))


def load_paper_names(path: Path = PAPER_NAMES) -> PaperNames:
    """The table; ExportUnreadable naming file and line when an entry cannot be used."""
    file = str(path)
    root = compose_yaml(path, "the paper names")
    table = PaperNames(file=file)
    if root is None:
        return table
    if not isinstance(root, yaml.SequenceNode):
        raise ExportUnreadable(Problem(file, 1, 1, "the paper names must be a list of {name, spellings}"))
    problems: List[Problem] = []
    for entry in root.value:
        line, col = entry.start_mark.line + 1, entry.start_mark.column + 1
        fields = {k.value: v for k, v in entry.value} if isinstance(entry, yaml.MappingNode) else {}
        name_node, spellings_node = fields.get("name"), fields.get("spellings")
        if not isinstance(name_node, yaml.ScalarNode) or not isinstance(spellings_node, yaml.SequenceNode):
            problems.append(Problem(file, line, col, "each entry needs `name:` and a list of `spellings:`"))
            continue
        name = "".join(str(name_node.value).split())
        if not name or len(name) > NAME_MAX:
            problems.append(Problem(file, line, col, f"name {name!r} must have 1 to {NAME_MAX} characters"))
            continue
        for spelling in [name_node] + list(spellings_node.value):
            key = spelling_key(str(spelling.value))
            other = table.by_spelling.get(key)
            if other is not None and other != name:
                problems.append(
                    Problem(
                        file,
                        spelling.start_mark.line + 1,
                        spelling.start_mark.column + 1,
                        f"{spelling.value} is already a spelling of {other}",
                    )
                )
                continue
            table.by_spelling[key] = name
    if problems:
        raise ExportUnreadable(*problems)
    return table


def short_name(official: str) -> str:
    """A name for a paper the table does not know: the official name without brackets, at most 12 characters."""
    name = re.sub(r"[(（][^)）]*[)）]", "", spelling_key(official)) or spelling_key(official)
    return name if len(name) <= NAME_MAX else name[: NAME_MAX - 1] + "…"
