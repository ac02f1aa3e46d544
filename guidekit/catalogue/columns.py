"""The GB/T 39046-2020 element names an export's columns (or JSON keys) are read as, and a platform's mapping file.

An export whose columns are already named by the standard (事项名称, 受理条件, 材料名称 …) needs no mapping. A
platform with its own names (主项名称, 业务办理项名称 …) gets a mapping file, YAML:

    # 某市政务服务网 export → GB/T 39046 element names
    columns:
      主项名称: 事项名称
      业务办理项名称: 业务办理项名称
      材料: 材料名称
      办件类型: null        # known, not used: not reported as unknown

A column that is neither an element nor in the mapping is reported once (at its header) and ignored.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

from guidekit.catalogue.problems import compose_yaml, ExportUnreadable, Position, Problem

ITEM, SITUATION, MATERIAL = "事项", "情形", "材料"


@dataclasses.dataclass(frozen=True)
class Element:
    name: str
    level: str  # 事项 | 情形 | 材料
    fills: str  # what it becomes in the guide (guides/SCHEMA.md)


ELEMENTS: Tuple[Element, ...] = (
    Element("区划名称", ITEM, "the district: part of the 事项 and its guide id; the location's name"),
    Element("基本编码", ITEM, "the guide id (stable across exports)"),
    Element("事项名称", ITEM, "name (the 主项 when 业务办理项名称 is given too)"),
    Element("业务办理项名称", ITEM, "name; one guide per 业务办理项"),
    Element("实施主体", ITEM, "department"),
    Element("受理条件", ITEM, "eligibility"),
    Element("办理流程", ITEM, "process, one step per numbered item or line"),
    Element("法定办结时限", ITEM, "duration"),
    Element("承诺办结时限", ITEM, "duration"),
    Element("是否收费", ITEM, "fee (是/否)"),
    Element("收费标准", ITEM, "fee and its amount in 元"),
    Element("收费依据", ITEM, "fee"),
    Element("办理地点", ITEM, "locations[0].address"),
    Element("办理时间", ITEM, "locations[0].hours and schedule"),
    Element("咨询方式", ITEM, "locations[0].phone (the first telephone number)"),
    Element("是否网办", ITEM, "online.available (是/否)"),
    Element("网办地址", ITEM, "online"),
    Element("设定依据", ITEM, "source"),
    Element("情形", SITUATION, "which 情形 (situation) the material belongs to; empty: every situation"),
    Element("材料名称", MATERIAL, "materials[].official_name; name from paper_names.yml"),
    Element("材料形式", MATERIAL, "materials[].form (原件 / 复印件 / 原件和复印件)"),
    Element("出具机构", MATERIAL, "materials[].plain (who issues it)"),
    Element("原件份数", MATERIAL, "materials[].originals"),
    Element("复印件份数", MATERIAL, "materials[].copies"),
    Element("是否必备材料", MATERIAL, "materials[].necessity (是 必要 / 否 非必要 / 容缺后补)"),
    Element("来源渠道", MATERIAL, "materials[].where_to_get"),
    Element("填报须知", MATERIAL, "materials[].plain (suggested from it)"),
)
BY_NAME: Dict[str, Element] = {e.name: e for e in ELEMENTS}
# Other names the standard or common exports use for the same element.
SYNONYMS: Dict[str, str] = {
    "情形名称": "情形",
    "材料必要性": "是否必备材料",
    "申请材料名称": "材料名称",
    "事项编码": "基本编码",
    "实施机构": "实施主体",
}
# What identifies a 事项: a row with all of these empty continues the 事项 above (merged cells in a spreadsheet).
ITEM_KEYS = ("区划名称", "基本编码", "事项名称", "业务办理项名称")
IGNORED = ""  # a mapping's `null`: a known column that is not used


def element_of(name: str) -> Optional[str]:
    name = "".join(name.split())
    if name in BY_NAME:
        return name
    return SYNONYMS.get(name)


@dataclasses.dataclass
class Mapping:
    """A platform's column names → element names ('' = ignore the column)."""

    columns: Dict[str, str] = dataclasses.field(default_factory=dict)
    file: Optional[str] = None

    def resolve(self, header: str) -> Optional[str]:
        """The element a column holds, IGNORED for a column the mapping ignores, None when unknown."""
        key = "".join(str(header).split())
        if key in self.columns:
            return self.columns[key]
        return element_of(key)


def load_mapping(path: Optional[Path]) -> Mapping:
    """The mapping file (or none); ExportUnreadable naming file and line when it cannot be used."""
    if path is None:
        return Mapping()
    file = str(path)
    root = compose_yaml(path, "the mapping file")
    columns_node = None
    if isinstance(root, yaml.MappingNode):
        columns_node = next((v for k, v in root.value if k.value == "columns"), None)
    if not isinstance(columns_node, yaml.MappingNode):
        raise ExportUnreadable(Problem(file, 1, None, "the mapping needs `columns:`, a mapping of column → element"))
    mapping = Mapping(file=file)
    problems: List[Problem] = []
    for key, value in columns_node.value:
        where = (key.start_mark.line + 1, key.start_mark.column + 1)
        header = "".join(str(key.value).split())
        if not isinstance(value, yaml.ScalarNode):
            problems.append(Problem(file, *where, f"{header}: the element must be a name or null"))
            continue
        if value.tag.endswith(":null") or value.value in ("", "~"):
            mapping.columns[header] = IGNORED
            continue
        element = element_of(value.value)
        if element is None:
            known = "、".join(e.name for e in ELEMENTS)
            problems.append(
                Problem(
                    file,
                    value.start_mark.line + 1,
                    value.start_mark.column + 1,
                    f"{header}: {value.value!r} is not a GB/T 39046 element the importer knows ({known})",
                )
            )
            continue
        if header in mapping.columns:
            problems.append(Problem(file, *where, f"{header} is mapped twice"))
            continue
        mapping.columns[header] = element
    if problems:
        raise ExportUnreadable(*problems)
    return mapping


def described(header: str, element: str) -> str:
    """How a message names a column: its own header, and the element when the mapping renamed it."""
    header = "".join(str(header).split())
    return header if header == element else f"{header} ({element})"


def header_elements(
    headers: Sequence[Tuple[str, Position]], mapping: Mapping, file: str
) -> Tuple[Dict[str, str], List[Problem]]:
    """{header: element} for the headers the importer uses, and a problem for each it does not know or that
    repeats an element (the first column of an element is used). ExportUnreadable without 事项名称 or 材料名称."""
    used: Dict[str, str] = {}
    taken: Dict[str, str] = {}
    problems: List[Problem] = []
    for header, where in headers:
        element = mapping.resolve(header)
        if element is None:
            problems.append(
                Problem.at(where, f"column {header} is neither a GB/T 39046 element nor in the mapping: ignored")
            )
            continue
        if element == IGNORED:
            continue
        if element in taken:
            problems.append(Problem.at(where, f"column {header} is {element} again (as {taken[element]}): ignored"))
            continue
        taken[element] = header
        used[header] = element
    missing = [e for e in ("材料名称",) if e not in taken]
    if not any(e in taken for e in ("事项名称", "业务办理项名称", "基本编码")):
        missing.insert(0, "事项名称")
    if missing:
        raise ExportUnreadable(
            Problem(
                file,
                None,
                None,
                f"no {' and no '.join(missing)} column"
                + (" (is a --mapping needed for this platform's column names?)" if not mapping.columns else ""),
            ),
            *problems,
        )
    return used, problems
