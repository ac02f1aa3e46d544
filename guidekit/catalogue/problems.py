"""One thing wrong in an export, named by file, row and column like a compiler names a line."""

from __future__ import annotations

from pathlib import Path

import yaml

import dataclasses
from typing import List, Optional


@dataclasses.dataclass(frozen=True)
class Position:
    """Where a value was in the export: spreadsheet row and column (1-based, the header row is a row), or line
    and column in a JSON file."""

    file: str
    row: int
    column: Optional[int] = None

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}" if self.column else f"{self.file}:{self.row}"


@dataclasses.dataclass(frozen=True)
class Problem:
    """`file:row:column: message`; a problem with the whole file has no row (`file: message`)."""

    file: str
    row: Optional[int]
    column: Optional[int]
    message: str

    @classmethod
    def at(cls, where: Position, message: str) -> "Problem":
        return cls(where.file, where.row, where.column, message)

    def sort_key(self) -> tuple:
        return (self.file, self.row or 0, self.column or 0, self.message)

    def __str__(self) -> str:
        where = self.file
        if self.row:
            where += f":{self.row}"
            if self.column:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class ExportUnreadable(Exception):
    """A file that cannot be imported at all (missing, not a spreadsheet, no 事项名称 column, a broken mapping)."""

    def __init__(self, *problems: Problem):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def compose_yaml(path: Path, what: str) -> yaml.Node:
    """A YAML file's node tree; ExportUnreadable naming the file (and the line and column) when it cannot be read."""
    file = str(path)
    try:
        return yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except OSError as exc:
        raise ExportUnreadable(Problem(file, None, None, f"cannot read {what} ({exc.strerror})")) from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ExportUnreadable(
            Problem(file, mark.line + 1 if mark else None, mark.column + 1 if mark else None, f"not a YAML file: {exc}")
        ) from None


class NodeProblems:
    """Problems found while reading a YAML file entry by entry, each at its node's line and column."""

    def __init__(self, file: str):
        self.file = file
        self.found: List[Problem] = []

    def bad(self, node: yaml.Node, message: str) -> None:
        self.found.append(Problem(self.file, node.start_mark.line + 1, node.start_mark.column + 1, message))

    def raise_any(self) -> None:
        if self.found:
            raise ExportUnreadable(*self.found)


def compose_mapping(path: Path, what: str, shape: str) -> Optional[yaml.MappingNode]:
    """A YAML file that maps keys to entries (None when empty); ExportUnreadable when it is something else."""
    root = compose_yaml(path, what)
    if root is None:
        return None
    if not isinstance(root, yaml.MappingNode):
        raise ExportUnreadable(Problem(str(path), 1, 1, f"{what} must map {shape}"))
    return root
