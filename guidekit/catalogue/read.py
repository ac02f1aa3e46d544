"""Reading an export: xlsx (openpyxl, read-only), csv (UTF-8, UTF-8 with BOM or GBK) and JSON (one object per
row, or nested 事项 → 情形 → 申请材料) into rows of cells that know their file:row:column.

Positions: in a spreadsheet, the row (the header row counts, as the spreadsheet shows it) and the column, both
1-based; in a csv file, the record's number (a cell with a line break inside is still one row); in a JSON file,
the line and column of the value in the text.
"""

from __future__ import annotations

import bisect
import csv
import dataclasses
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from guidekit.catalogue.problems import ExportUnreadable, Position, Problem

# Nested JSON: the list of 事项 at the top, and the lists inside a 事项 and inside a 情形.
JSON_ITEMS = "事项"
JSON_SITUATIONS = "情形"
JSON_MATERIALS = ("申请材料", "材料")
HEADER_SEARCH_ROWS = 10


@dataclasses.dataclass(frozen=True)
class Cell:
    header: str  # the export's own column name (or JSON key)
    value: object  # as read: str, int, float, bool, date or None
    where: Position


@dataclasses.dataclass
class Row:
    where: Position
    cells: List[Cell]


@dataclasses.dataclass
class Sheet:
    """What was read: the headers (with where each is), the rows, and notes about the file itself."""

    file: str
    kind: str  # xlsx | csv | json
    headers: List[Tuple[str, Position]]
    rows: List[Row]
    notes: List[Problem] = dataclasses.field(default_factory=list)
    encoding: Optional[str] = None


def _unreadable(file: str, message: str, row: Optional[int] = None, column: Optional[int] = None) -> ExportUnreadable:
    return ExportUnreadable(Problem(file, row, column, message))


def read_export(path: Path, known: Callable[[str], bool], file: Optional[str] = None) -> Sheet:
    """Read one export; `known(header)` tells a header row from a title above it. ExportUnreadable when the
    file cannot be read at all."""
    name = file or str(path)
    if not path.is_file():
        raise _unreadable(name, "no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, known, name)
    if suffix in (".csv", ".txt"):
        return read_csv(path, known, name)
    if suffix == ".json":
        return read_json(path, name)
    if suffix == ".xls":
        raise _unreadable(name, "an old .xls workbook: save it as .xlsx (Excel or WPS: 另存为 .xlsx) and import that")
    raise _unreadable(name, f"unknown kind of file {suffix or '(no suffix)'}: xlsx, csv or json")


# -- spreadsheets and csv ----------------------------------------------------------------------------------------
def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _header_index(rows: Sequence[Sequence[object]], known: Callable[[str], bool]) -> Optional[int]:
    """The header row: the first of the first rows naming at least two known columns, else the first non-empty."""
    first_filled = None
    for i, values in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [_text(v) for v in values]
        if first_filled is None and any(texts):
            first_filled = i
        if sum(1 for t in texts if t and known(t)) >= 2:
            return i
    return first_filled


def _table(file: str, kind: str, values: Sequence[Sequence[object]], known: Callable[[str], bool]) -> Sheet:
    at = _header_index(values, known)
    if at is None:
        raise _unreadable(file, "the file is empty")
    headers: List[Tuple[str, Position]] = []
    for col, value in enumerate(values[at], start=1):
        if _text(value):
            headers.append((_text(value), Position(file, at + 1, col)))
    rows: List[Row] = []
    for r, line in enumerate(values[at + 1 :], start=at + 2):
        cells = [
            Cell(
                header,
                line[pos.column - 1] if pos.column and pos.column <= len(line) else None,
                Position(file, r, pos.column),
            )
            for header, pos in headers
        ]
        if any(_text(c.value) for c in cells):
            rows.append(Row(Position(file, r), cells))
    return Sheet(file, kind, headers, rows)


def _xlsx_value(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def read_xlsx(path: Path, known: Callable[[str], bool], file: str) -> Sheet:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise _unreadable(file, f"not an xlsx workbook ({exc.__class__.__name__}: {exc})") from None
    try:
        if not book.worksheets:
            raise _unreadable(file, "the workbook has no sheet")
        sheet = book.worksheets[0]
        values = [tuple(_xlsx_value(v) for v in row) for row in sheet.iter_rows(values_only=True)]
        others = [ws.title for ws in book.worksheets[1:]]
    finally:
        book.close()
    table = _table(file, "xlsx", values, known)
    if others:
        table.notes.append(
            Problem(file, None, None, f"only the first sheet ({sheet.title}) is read; not read: {'、'.join(others)}")
        )
    return table


def decode(data: bytes, file: str) -> Tuple[str, str]:
    """(text, encoding): UTF-8 (with or without BOM) first, then GBK (read as GB18030, its superset)."""
    try:
        return data.decode("utf-8-sig"), ("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _unreadable(file, f"neither UTF-8 nor GBK text (byte {exc.start})", line) from None


def read_csv(path: Path, known: Callable[[str], bool], file: str) -> Sheet:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(file, f"cannot read the file ({exc.strerror})") from None
    text, encoding = decode(data, file)
    # The separator is the one the first line uses most (a platform's header has no quoted commas).
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count)
    try:
        values: List[Sequence[object]] = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise _unreadable(file, f"not a csv file ({exc})") from None
    table = _table(file, "csv", values, known)
    table.encoding = encoding
    return table


# -- JSON --------------------------------------------------------------------------------------------------------
@dataclasses.dataclass
class _Node:
    value: object  # dict[str, (_Node for the key position, _Node)] | list[_Node] | scalar
    at: int  # index in the text


_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_WS = re.compile(r"[ \t\n\r]*")


class _PositionedJson:
    """A JSON parser that keeps where each value starts (the text is known to be valid JSON)."""

    def __init__(self, text: str, file: str):
        self.text, self.file = text, file
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, index: int) -> Position:
        line = bisect.bisect_right(self.line_starts, index)
        return Position(self.file, line, index - self.line_starts[line - 1] + 1)

    def parse(self) -> _Node:
        node, _ = self._value(_WS.match(self.text, 0).end())  # type: ignore[union-attr]
        return node

    def _skip(self, i: int) -> int:
        return _WS.match(self.text, i).end()  # type: ignore[union-attr]

    def _value(self, i: int) -> Tuple[_Node, int]:
        c, start = self.text[i], i
        if c == "{":
            items: Dict[str, Tuple[_Node, _Node]] = {}
            i = self._skip(i + 1)
            if self.text[i] == "}":
                return _Node(items, start), i + 1
            while True:
                key_at = i
                key, i = json.decoder.scanstring(self.text, i + 1)  # type: ignore[attr-defined]
                i = self._skip(self._skip(i) + 1)  # past ':'
                value, i = self._value(i)
                items[key] = (_Node(key, key_at), value)
                i = self._skip(i)
                if self.text[i] == "}":
                    return _Node(items, start), i + 1
                i = self._skip(i + 1)
        if c == "[":
            elements: List[_Node] = []
            i = self._skip(i + 1)
            if self.text[i] == "]":
                return _Node(elements, start), i + 1
            while True:
                value, i = self._value(i)
                elements.append(value)
                i = self._skip(i)
                if self.text[i] == "]":
                    return _Node(elements, start), i + 1
                i = self._skip(i + 1)
        if c == '"':
            s, end = json.decoder.scanstring(self.text, i + 1)  # type: ignore[attr-defined]
            return _Node(s, i), end
        for word, literal in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, i):
                return _Node(literal, i), i + len(word)
        m = _NUMBER.match(self.text, i)
        assert m, f"not JSON at {i}"
        number = float(m.group(0)) if (m.group(1) or m.group(2)) else int(m.group(0))
        return _Node(number, i), m.end()


def read_json(path: Path, file: str) -> Sheet:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(file, f"cannot read the file ({exc.strerror})") from None
    text, encoding = decode(data, file)
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise _unreadable(file, f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    doc = _PositionedJson(text, file)
    root = doc.parse()
    items = root.value
    if isinstance(items, dict) and JSON_ITEMS in items and isinstance(items[JSON_ITEMS][1].value, list):
        items = items[JSON_ITEMS][1].value
    if not isinstance(items, list):
        raise _unreadable(file, f"JSON must be a list of 事项 (or an object with the list under “{JSON_ITEMS}”)", 1, 1)
    sheet = Sheet(file, "json", [], [], encoding=encoding)
    seen: Dict[str, Position] = {}
    for item in items:
        if not isinstance(item.value, dict):
            sheet.notes.append(Problem.at(doc.position(item.at), "a 事项 must be a JSON object: skipped"))
            continue
        sheet.rows += _item_rows(doc, item, seen, sheet.notes)
    sheet.headers = list(seen.items())
    return sheet


def _scalars(doc: _PositionedJson, obj: _Node, seen: Dict[str, Position]) -> List[Cell]:
    cells = []
    assert isinstance(obj.value, dict)
    for key, (key_node, value) in obj.value.items():
        if isinstance(value.value, (dict, list)):
            continue
        seen.setdefault(key, doc.position(key_node.at))
        cells.append(Cell(key, value.value, doc.position(value.at)))
    return cells


def _lists(obj: _Node) -> Iterable[Tuple[str, _Node, _Node]]:
    assert isinstance(obj.value, dict)
    for key, (key_node, value) in obj.value.items():
        if isinstance(value.value, (dict, list)):
            yield key, key_node, value


def _material_rows(
    doc: _PositionedJson, materials: _Node, above: List[Cell], seen: Dict[str, Position], notes: List[Problem]
) -> List[Row]:
    rows = []
    assert isinstance(materials.value, list)
    for material in materials.value:
        if not isinstance(material.value, dict):
            notes.append(Problem.at(doc.position(material.at), "a material must be a JSON object: skipped"))
            continue
        for key, key_node, _ in _lists(material):
            notes.append(Problem.at(doc.position(key_node.at), f"{key} holds a list or an object: ignored"))
        rows.append(Row(doc.position(material.at), above + _scalars(doc, material, seen)))
    return rows


def _item_rows(doc: _PositionedJson, item: _Node, seen: Dict[str, Position], notes: List[Problem]) -> List[Row]:
    own = _scalars(doc, item, seen)
    rows: List[Row] = []
    for key, key_node, value in _lists(item):
        if key in JSON_MATERIALS and isinstance(value.value, list):
            rows += _material_rows(doc, value, own, seen, notes)
        elif key == JSON_SITUATIONS and isinstance(value.value, list):
            for situation in value.value:
                if not isinstance(situation.value, dict):
                    notes.append(Problem.at(doc.position(situation.at), "a 情形 must be a JSON object: skipped"))
                    continue
                above = own + _scalars(doc, situation, seen)
                found = False
                for skey, skey_node, svalue in _lists(situation):
                    if skey in JSON_MATERIALS and isinstance(svalue.value, list):
                        rows += _material_rows(doc, svalue, above, seen, notes)
                        found = True
                    else:
                        notes.append(
                            Problem.at(doc.position(skey_node.at), f"{skey} holds a list or an object: ignored")
                        )
                if not found:
                    rows.append(Row(doc.position(situation.at), above))
        else:
            notes.append(Problem.at(doc.position(key_node.at), f"{key} holds a list or an object: ignored"))
    if not rows:
        rows.append(Row(doc.position(item.at), own))
    return rows
