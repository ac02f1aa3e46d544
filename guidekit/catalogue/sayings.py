"""What people say about each service, written beside an export by the editors: its purpose in everyday words and
example messages, keyed by 基本编码. The importer puts them into the drafts, so that meaning matching finds an
imported service by what people say ("老伴走了,他的户口要去销掉吗"), not only by its official name
(死亡人员户口注销) — with names alone, the sample catalogue's 147 new services were found for 18 % of the
messages about them (benchmarks/understanding blind/catalogue, 2026-12-02).

`catalogue/ankang-sayings.yml` is the sample city's. The rules are the guide schema's (purpose ≤ 400 characters,
examples ≤ 120, no repeats), checked here so that a slip names its line instead of losing the service's draft.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from guidekit.catalogue.problems import NodeProblems, compose_mapping

PURPOSE_MAX = 400
EXAMPLE_MAX = 120


@dataclasses.dataclass(frozen=True)
class Sayings:
    purpose: Optional[str]
    examples: List[str]
    line: int  # where the service's entry starts in the file


def load_sayings(path: Path) -> Dict[str, Sayings]:
    """基本编码 → what people say; ExportUnreadable naming file, line and column for every entry that cannot be
    used."""
    root = compose_mapping(path, "the sayings", "each 基本编码 to {purpose, examples}")
    if root is None:
        return {}
    problems = NodeProblems(str(path))
    bad = problems.bad
    out: Dict[str, Sayings] = {}

    for key, entry in root.value:
        code = str(key.value).strip()
        fields = {k.value: v for k, v in entry.value} if isinstance(entry, yaml.MappingNode) else {}
        purpose_node, examples_node = fields.get("purpose"), fields.get("examples")
        if not isinstance(examples_node, yaml.SequenceNode) or (
            purpose_node is not None and not isinstance(purpose_node, yaml.ScalarNode)
        ):
            bad(entry, f"{code}: needs `examples:` (a list) and may have `purpose:` (a text)")
            continue
        purpose = " ".join(str(purpose_node.value).split()) if purpose_node is not None else None
        if purpose_node is not None and purpose is not None and not 1 <= len(purpose) <= PURPOSE_MAX:
            bad(purpose_node, f"{code}: purpose: 1 to {PURPOSE_MAX} characters")
            continue
        examples: List[str] = []
        for node in examples_node.value:
            text = str(getattr(node, "value", "")).strip()
            if not text or len(text) > EXAMPLE_MAX:
                bad(node, f"{code}: example {text[:20]!r}: 1 to {EXAMPLE_MAX} characters")
            elif text in examples:
                bad(node, f"{code}: example {text!r} is there twice")
            else:
                examples.append(text)
        if code in out:
            bad(key, f"{code} is there twice")
        out[code] = Sayings(purpose, examples, key.start_mark.line + 1)
    problems.raise_any()
    return out
