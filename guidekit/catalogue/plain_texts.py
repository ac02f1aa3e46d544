"""Plain texts the editors wrote for an export's services, kept beside the export and put into the drafts at each
import: keyed by 基本编码, then by the editor's field key (`plain_fields`: eligibility, material-0, address-1,
step-2 …).

Why: the importer's suggested rewrite is a start, not plain language ("由父母、其他照管您的人或者户主在婴儿出生
后一个月内申报出生登记" is one 30-character sentence). The editors' wording must survive the next quarter's export,
and a city starting with the assistant may arrive with plain texts written already. A text for a field the
service's guide does not have names its file and line; the readability check still runs on every text in the
review queue, so a text that fails it is seen there.

`catalogue/ankang-plain.yml` is the sample city's: written for every plain text of its imported services that
failed the readability check as the importer suggested it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from guidekit.catalogue.problems import NodeProblems, Problem, compose_mapping
from guidekit.editorial.workflow import apply_plain_edits, guide_to_yaml, parse_draft, plain_fields
from guidekit.guides.loader import GuideFileError
from guidekit.guides.schema import Guide

TEXT_MAX = 600


@dataclasses.dataclass(frozen=True)
class PlainTexts:
    texts: Dict[str, str]  # field key → plain text
    lines: Dict[str, int]  # field key → its line in the file


def load_plain_texts(path: Path) -> Dict[str, PlainTexts]:
    """基本编码 → the editors' plain texts; ExportUnreadable naming file, line and column for what cannot be used."""
    root = compose_mapping(path, "the plain texts", "each 基本编码 to {field: text}")
    if root is None:
        return {}
    problems = NodeProblems(str(path))
    bad = problems.bad
    out: Dict[str, PlainTexts] = {}

    for key, entry in root.value:
        code = str(key.value).strip()
        if not isinstance(entry, yaml.MappingNode):
            bad(entry, f"{code}: needs a mapping of field (eligibility, material-0 …) to its plain text")
            continue
        if code in out:
            bad(key, f"{code} is there twice")
            continue
        texts: Dict[str, str] = {}
        lines: Dict[str, int] = {}
        for field, value in entry.value:
            text = str(getattr(value, "value", "")).strip() if isinstance(value, yaml.ScalarNode) else ""
            if not 1 <= len(text) <= TEXT_MAX:
                bad(value, f"{code}: {field.value}: a text of 1 to {TEXT_MAX} characters")
            elif field.value in texts:
                bad(field, f"{code}: {field.value} is there twice")
            else:
                texts[field.value] = text
                lines[field.value] = field.start_mark.line + 1
        out[code] = PlainTexts(texts, lines)
    problems.raise_any()
    return out


def with_plain_texts(guide: Guide, written: PlainTexts, file: str, code: str) -> Tuple[Guide, List[Problem]]:
    """The guide with the editors' plain texts in place of the suggested ones; a field it does not have, or a
    text the guide schema refuses, is a problem naming the line (the suggested text then stays)."""
    keys = {key for key, *_ in plain_fields(guide)}
    problems = [
        Problem(file, written.lines[key], 1, f"{code}: {key}: the guide of this service has no such plain text")
        for key in written.texts
        if key not in keys
    ]
    edits = {key: text for key, text in written.texts.items() if key in keys}
    if not edits:
        return guide, problems
    try:
        return parse_draft(guide.id, apply_plain_edits(guide_to_yaml(guide), guide.id, edits)), problems
    except GuideFileError as exc:
        first = min(written.lines[key] for key in edits)
        return guide, problems + [Problem(file, first, 1, f"{code}: not used: {exc}")]
