"""Rows → 事项 → 情形 → materials.

A 事项 is one 业务办理项 (or 事项 when the export has no 业务办理项) in one 区划; rows of the same 事项 may come
anywhere in the file. A row with every 事项 column empty continues the 事项 above it (a spreadsheet's merged
cells). 事项-level values (受理条件, 办理地点 …) should be the same on every row of a 事项: a different one is
reported and the first kept. Materials are grouped by 情形 (a row without 情形 holds for every 情形); the same
paper twice in one 情形 (居民身份证 and 身份证) is merged and reported.
"""

from __future__ import annotations

import dataclasses
from typing import Dict, List, Optional, Sequence, Set, Tuple

from guidekit.catalogue.clean import Cleaned, clean
from guidekit.catalogue.columns import BY_NAME, ITEM, ITEM_KEYS, MATERIAL, described
from guidekit.catalogue.papers import PaperNames, short_name, spelling_key
from guidekit.catalogue.problems import Position, Problem
from guidekit.catalogue.read import Cell, Sheet

QUOTE_MAX = 24


def quote(text: str) -> str:
    one_line = " ".join(text.split())
    return f"“{one_line if len(one_line) <= QUOTE_MAX else one_line[: QUOTE_MAX - 1] + '…'}”"


@dataclasses.dataclass(frozen=True)
class Value:
    element: str
    text: Optional[str]  # cleaned; None: nothing usable
    cell: Cell
    cleaned: Cleaned

    @property
    def where(self) -> Position:
        return self.cell.where

    @property
    def column(self) -> str:
        return described(self.cell.header, self.element)


@dataclasses.dataclass
class Record:
    where: Position
    values: Dict[str, Value]

    def text(self, element: str) -> Optional[str]:
        value = self.values.get(element)
        return value.text if value else None


@dataclasses.dataclass
class MaterialEntry:
    key: str  # what makes two rows the same paper: the one name, or the spelling of an unknown paper
    name: str  # the one name (paper_names.yml) or a short form of the official name
    official: str
    in_table: bool
    values: Dict[str, Value]
    where: Position

    def text(self, element: str) -> Optional[str]:
        value = self.values.get(element)
        return value.text if value else None


@dataclasses.dataclass
class Situation:
    name: str  # "" : the rows without 情形, which hold for every 情形
    where: Position
    materials: List[MaterialEntry] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Item:
    """One 事项 of the export."""

    key: Tuple[str, ...]
    name: str  # 业务办理项名称, else 事项名称
    where: Position
    values: Dict[str, Value] = dataclasses.field(default_factory=dict)
    situations: Dict[str, Situation] = dataclasses.field(default_factory=dict)
    rows: int = 0
    conflicts: Set[Tuple[str, str]] = dataclasses.field(default_factory=set)

    def text(self, element: str) -> Optional[str]:
        value = self.values.get(element)
        return value.text if value else None

    @property
    def district(self) -> Optional[str]:
        return self.text("区划名称")

    @property
    def named_situations(self) -> List[Situation]:
        return [s for s in self.situations.values() if s.name]

    def guide_materials(self) -> Tuple[List[MaterialEntry], str]:
        """The materials the guide gets, and which they are: with 情形, those common to every 情形 (the rows
        without 情形 and the papers every 情形 lists), else those of the first 情形."""
        common = list(self.situations[""].materials) if "" in self.situations else []
        named = self.named_situations
        if not named:
            return common, "all"
        shared = [
            m
            for m in named[0].materials
            if all(any(o.key == m.key for o in s.materials) for s in named[1:])
            and not any(c.key == m.key for c in common)
        ]
        if common or shared:
            return common + shared, f"common to all {len(named)} 情形"
        return list(named[0].materials), f"of the first 情形 {quote(named[0].name)}"

    def situation_materials(self, common: Sequence[MaterialEntry]) -> List[Tuple[Situation, List[MaterialEntry]]]:
        """Each named 情形 with the papers only it needs (those not in `common`, the guide's own)."""
        keys = {c.key for c in common}
        return [(s, [m for m in s.materials if m.key not in keys]) for s in self.named_situations]


@dataclasses.dataclass
class Grouped:
    items: List[Item]
    problems: List[Problem]
    cleaned_cells: int
    unknown_papers: Dict[str, int]  # official name → rows, for papers not in paper_names.yml

    @property
    def situations(self) -> int:
        return sum(len(i.named_situations) for i in self.items)

    @property
    def materials(self) -> int:
        return sum(len(s.materials) for i in self.items for s in i.situations.values())


def _place(where: Position, kind: str) -> str:
    return f"line {where.row}" if kind == "json" else f"row {where.row}"


def records(sheet: Sheet, elements: Dict[str, str]) -> Tuple[List[Record], int]:
    """Each row's cells as element values, cleaned, and how many cells cleaning changed."""
    out: List[Record] = []
    cleaned_cells = 0
    for row in sheet.rows:
        values: Dict[str, Value] = {}
        for cell in row.cells:
            element = elements.get(cell.header)
            if element is None or element in values:
                continue
            result = clean(cell.value)
            values[element] = Value(element, result.value, cell, result)
            cleaned_cells += result.changed
        out.append(Record(row.where, values))
    return out, cleaned_cells


def _elsewhere_problem(value: Value) -> Optional[Problem]:
    """A cell that only points to an attachment, or mentions one, as a problem."""
    if value.cleaned.refers_elsewhere:
        return Problem.at(
            value.where,
            f"{value.column}: {quote(value.cleaned.refers_elsewhere)} only points to an attachment the export does not "
            "include: no text taken from it",
        )
    if value.cleaned.mentions_attachment:
        return Problem.at(
            value.where, f"{value.column}: mentions an attachment the export does not include: check the text"
        )
    return None


def _item_key(record: Record) -> Optional[Tuple[str, ...]]:
    district = record.text("区划名称") or ""
    code = record.text("基本编码")
    if code:
        return (district, "code", code)
    main, sub = record.text("事项名称"), record.text("业务办理项名称")
    if not (main or sub):
        return None
    return (district, "name", sub or main or "")


def group(sheet: Sheet, elements: Dict[str, str], papers: PaperNames) -> Grouped:
    rows, cleaned_cells = records(sheet, elements)
    problems: List[Problem] = []
    items: Dict[Tuple[str, ...], Item] = {}
    unknown: Dict[str, int] = {}
    previous: Optional[Item] = None
    for record in rows:
        if all(record.text(k) is None for k in ITEM_KEYS):
            if previous is None:
                problems.append(Problem.at(record.where, "no 事项名称 in this row or above it: row skipped"))
                continue
            item = previous
        else:
            key = _item_key(record)
            if key is None:  # only a 区划名称: not enough to tell the 事项
                problems.append(Problem.at(record.where, "no 事项名称 or 业务办理项名称: row skipped"))
                continue
            if key not in items:
                name = record.text("业务办理项名称") or record.text("事项名称") or key[-1]
                items[key] = Item(key, name, record.where)
            item = items[key]
        previous = item
        item.rows += 1
        _take_item_values(item, record, sheet.kind, problems)
        _take_material(item, record, sheet.kind, papers, problems, unknown)
    return Grouped(list(items.values()), problems, cleaned_cells, unknown)


def _take_item_values(item: Item, record: Record, kind: str, problems: List[Problem]) -> None:
    for element, value in record.values.items():
        if BY_NAME[element].level != ITEM:
            continue
        first = item.values.get(element)
        raw = str(value.cell.value or "").strip()
        if first is None or (first.text is None and raw != str(first.cell.value or "").strip()):
            # Reported once per 事项: an export repeats 事项-level cells on every row.
            problem = _elsewhere_problem(value)
            if problem is not None:
                problems.append(problem)
        if value.text is None:
            continue
        if first is None or first.text is None:
            item.values[element] = value
        elif first.text != value.text and (element, value.text) not in item.conflicts:
            item.conflicts.add((element, value.text))  # each different value once, where it first appears
            problems.append(
                Problem.at(
                    value.where,
                    f"{value.column}: {quote(value.text)} differs from {quote(first.text)} at "
                    f"{_place(first.where, kind)} of the same 事项 ({item.name}): the first is kept",
                )
            )
    for element, value in record.values.items():
        # A 事项-level cell that only pointed elsewhere, kept so the guide knows the column was there.
        if BY_NAME[element].level == ITEM and value.text is None and element not in item.values:
            item.values[element] = value


def _take_material(
    item: Item, record: Record, kind: str, papers: PaperNames, problems: List[Problem], unknown: Dict[str, int]
) -> None:
    situation_name = record.text("情形") or ""
    situation = item.situations.get(situation_name)
    if situation is None:
        situation = item.situations[situation_name] = Situation(situation_name, record.where)
    name_value = record.values.get("材料名称")
    official = name_value.text if name_value else None
    if name_value is not None and name_value.cleaned.refers_elsewhere:
        problems.append(_elsewhere_problem(name_value))  # type: ignore[arg-type]
        return
    if name_value is None or official is None:
        where = name_value.where if name_value else record.where
        column = name_value.column if name_value else "材料名称"
        problems.append(Problem.at(where, f"{column} is empty: no material read from this row"))
        return
    known = papers.name_of(official)
    if known is None:
        unknown[spelling_key(official)] = unknown.get(spelling_key(official), 0) + 1
    # Papers the table knows are the same by their one name; others by their own spelling.
    key = known or spelling_key(official)
    values = {e: v for e, v in record.values.items() if BY_NAME[e].level == MATERIAL}
    problems += [p for p in (_elsewhere_problem(v) for v in values.values()) if p is not None]
    same = next((m for m in situation.materials if m.key == key), None)
    if same is not None:
        in_situation = f"情形 {quote(situation_name)}" if situation_name else "this 事项"
        if same.official == official:
            message = (
                f"{quote(official)} is listed twice in {in_situation} (first at {_place(same.where, kind)}): merged"
            )
        else:
            message = (
                f"{quote(official)} is the same paper as {quote(same.official)} at {_place(same.where, kind)} "
                f"(both {key}): merged, the first kept"
            )
        problems.append(Problem.at(name_value.where, f"{name_value.column}: {message}"))
        return
    name = known or short_name(official)
    situation.materials.append(MaterialEntry(key, name, official, known is not None, values, record.where))
