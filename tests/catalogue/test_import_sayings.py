"""What people say about each service (guidekit/catalogue/sayings.py), written beside the export: the drafts get
the purpose and the example messages, so meaning matching can find an imported service by them; a slip in the
file is named by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidekit.catalogue.importer import import_export
from guidekit.catalogue.problems import ExportUnreadable
from tests.catalogue.conftest import IMPORT_DAY

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "catalogue" / "ankang-export.csv"
DEATH = "610901-002-01"  # 死亡人员户口注销


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sayings.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_drafts_get_the_purpose_and_example_messages_people_say(engine, tmp_path):
    sayings = _write(
        tmp_path,
        f'"{DEATH}":\n  purpose: 家里有人去世了,去把他的户口销掉。\n  examples:\n    - 老伴走了户口咋销\n    - 人没了户口本要改吗\n',
    )
    report = import_export(SAMPLE, engine, today=IMPORT_DAY, dry_run=True, sayings=sayings)
    death = next(b.guide for b in report.built if b.guide.id == "sx61090100201")
    assert death.purpose == "家里有人去世了,去把他的户口销掉。"
    assert death.examples == ["老伴走了户口咋销", "人没了户口本要改吗"]
    others = [b.guide for b in report.built if b.guide.id != "sx61090100201"]
    assert not any(g.examples for g in others)


def test_sayings_for_a_service_the_export_does_not_have_are_reported_by_line(engine, tmp_path):
    sayings = _write(tmp_path, '"610999-999-99":\n  examples:\n    - 随便问问\n')
    report = import_export(SAMPLE, engine, today=IMPORT_DAY, dry_run=True, sayings=sayings)
    assert f"{sayings}:1:1: 610999-999-99: no service with this 基本编码 in the export: not used" in [
        str(p) for p in report.problems
    ]


def test_an_example_too_long_or_twice_stops_the_import_naming_its_line(engine, tmp_path):
    sayings = _write(
        tmp_path, f'"{DEATH}":\n  examples:\n    - 老伴走了户口咋销\n    - 老伴走了户口咋销\n    - {"长" * 121}\n'
    )
    with pytest.raises(ExportUnreadable) as refused:
        import_export(SAMPLE, engine, today=IMPORT_DAY, sayings=sayings)
    assert [str(p) for p in refused.value.problems] == [
        f"{sayings}:4:7: {DEATH}: example '老伴走了户口咋销' is there twice",
        f"{sayings}:5:7: {DEATH}: example '{'长' * 20}': 1 to 120 characters",
    ]
