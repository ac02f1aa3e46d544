"""The plain texts the editors wrote for an export's services (guidekit/catalogue/plain_texts.py): put into the
drafts in place of the suggested rewrite at every import; a slip is named by file and line, and a text for a
field the service does not have is reported without losing the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidekit.catalogue.importer import import_export
from guidekit.catalogue.problems import ExportUnreadable
from guidekit.editorial.readability import check
from guidekit.editorial.workflow import plain_fields
from tests.catalogue.conftest import IMPORT_DAY

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "catalogue" / "ankang-export.csv"
BIRTH, BIRTH_ID = "610901-001-01", "sx61090100101"  # 出生登记
ELIGIBILITY = "孩子在本市出生。\n爸爸妈妈或者户主来报。\n孩子出生一个月内来报。\n晚了也能报,不罚款。"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plain.yml"
    path.write_text(text, encoding="utf-8")
    return path


def _birth(report):
    return next(b for b in report.built if b.guide is not None and b.guide.id == BIRTH_ID)


def test_the_editors_plain_text_replaces_the_suggested_one_and_the_rest_stays(engine, tmp_path):
    before = _birth(import_export(SAMPLE, engine, today=IMPORT_DAY, dry_run=True)).guide
    plain = _write(
        tmp_path, f'"{BIRTH}":\n  eligibility: |-\n' + "".join(f"    {s}\n" for s in ELIGIBILITY.split("\n"))
    )
    after = _birth(import_export(SAMPLE, engine, today=IMPORT_DAY, dry_run=True, plain=plain)).guide
    assert after.eligibility.plain == ELIGIBILITY and before.eligibility.plain != ELIGIBILITY
    assert after.eligibility.official == before.eligibility.official  # the official text is the export's
    assert [f[4] for f in plain_fields(after) if f[0] != "eligibility"] == [
        f[4] for f in plain_fields(before) if f[0] != "eligibility"
    ]


def test_a_field_the_service_does_not_have_or_an_unknown_service_is_reported_by_line(engine, tmp_path):
    plain = _write(
        tmp_path,
        f'"{BIRTH}":\n  eligibility: 孩子在本市出生。\n  material-99: 没有这一样。\n"610999-999-99":\n  fee: 不要钱。\n',
    )
    report = import_export(SAMPLE, engine, today=IMPORT_DAY, dry_run=True, plain=plain)
    said = [str(p) for p in report.problems if str(p).startswith(str(plain))]
    assert f"{plain}:3:1: {BIRTH}: material-99: the guide of this service has no such plain text" in said
    assert any(p.startswith(f"{plain}:5:1: 610999-999-99: no service") for p in said)
    assert _birth(report).guide.eligibility.plain == "孩子在本市出生。"  # the rest is used


def test_a_file_that_cannot_be_used_names_its_line(engine, tmp_path):
    plain = _write(tmp_path, f'"{BIRTH}":\n  eligibility: ""\n')
    with pytest.raises(ExportUnreadable) as caught:
        import_export(SAMPLE, engine, today=IMPORT_DAY, dry_run=True, plain=plain)
    assert str(caught.value).startswith(f"{plain}:2:16: {BIRTH}: eligibility: a text of 1 to 600")


def test_with_the_sample_cities_plain_texts_every_imported_service_passes_the_readability_check(engine):
    report = import_export(
        SAMPLE, engine, today=IMPORT_DAY, dry_run=True, plain=ROOT / "catalogue" / "ankang-plain.yml"
    )
    assert not [str(p) for p in report.problems if "ankang-plain.yml" in str(p)]
    failing = [
        f"{b.guide.id} {label}"
        for b in report.built
        for _, label, _, _, text in plain_fields(b.guide)
        if not check(text).passed
    ]
    assert len(report.built) == 162 and failing == []
