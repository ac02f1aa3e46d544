"""Reading guide files: YAML in, validated `Guide` out, or errors naming file, field and line."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple, Union

import yaml
from pydantic import ValidationError

from guidekit.guides.schema import Guide


@dataclasses.dataclass(frozen=True)
class GuideProblem:
    """One thing wrong in one guide file."""

    file: str
    field: str
    line: Optional[int]
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field or '(file)'}: {self.message}"


class GuideFileError(Exception):
    """A guide file that cannot be used; `problems` lists every fault found."""

    def __init__(self, problems: Sequence[GuideProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _line_of(node: Optional[yaml.Node], loc: Tuple[Union[str, int], ...]) -> Optional[int]:
    """Follow a pydantic error location through the YAML node tree to a 1-based line."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == key), None)
            if pair is None:
                # The key is missing: the line of the mapping that should hold it.
                return line
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _field_name(loc: Iterable[Union[str, int]]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_guide(text: str, file: str) -> Guide:
    """Validate one guide's YAML text; raise `GuideFileError` naming every problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise GuideFileError([GuideProblem(file, "", line, f"not valid YAML: {problem}")]) from None
    if not isinstance(data, dict):
        raise GuideFileError([GuideProblem(file, "", 1, "the file must be a YAML mapping (key: value)")])
    try:
        guide = Guide.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
            problems.append(GuideProblem(file, _field_name(loc), _line_of(root, loc), err["msg"]))
        raise GuideFileError(problems) from None
    expected_id = Path(file).stem
    if guide.id != expected_id:
        raise GuideFileError(
            [
                GuideProblem(
                    file, "id", _line_of(root, ("id",)), f"id {guide.id!r} must match the file name {expected_id!r}"
                )
            ]
        )
    return guide


def read_guide_file(path: Path) -> Guide:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise GuideFileError([GuideProblem(str(path), "", None, f"not UTF-8 text ({exc.reason})")]) from None
    return parse_guide(text, str(path))


def guide_files(directory: Path) -> List[Path]:
    return sorted(p for p in directory.glob("*.yml") if not p.name.startswith("_"))
