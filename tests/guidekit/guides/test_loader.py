from pathlib import Path

import pytest
import yaml

from guidekit.guides.loader import GuideFileError, parse_guide
from guidekit.db.engine import get_engine
from guidekit.guides.store import get_guide, guides_revision, load_guides
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "guides" / "social-security-card-replacement.yml"
REQUIRED_IDS = {
    "id-card-renewal",
    "id-card-reissue",
    "pension-qualification",
    "senior-preferential-card",
    "old-age-allowance",
    "social-security-card-replacement",
    "medical-offsite-filing",
    "retirement-pension-claim",
    "funeral-allowance",
    "disability-certificate",
    "household-transfer-to-children",
    "housing-fund-retirement-withdrawal",
    "minimum-living-allowance",
    "senior-driving-license-health",
    "chronic-disease-outpatient",
}


def _example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def test_all_fifteen_required_guides_ship_and_are_valid(all_guides):
    assert REQUIRED_IDS <= {g.id for g in all_guides}
    for guide in all_guides:
        assert guide.source.sample is True
        assert "示例" in guide.source.plain


def test_missing_field_names_file_field_and_line():
    text = _example_text().replace("fee:\n", "fees:\n", 1)
    with pytest.raises(GuideFileError) as err:
        parse_guide(text, "guides/social-security-card-replacement.yml")
    fields = {p.field for p in err.value.problems}
    assert "fee" in fields and "fees" in fields
    extra = next(p for p in err.value.problems if p.field == "fees")
    assert extra.line == text.splitlines().index("fees:") + 1
    assert "social-security-card-replacement.yml" in str(err.value)


def test_wrong_material_form_points_at_the_material_line():
    text = _example_text().replace(
        "form: 原件\n    originals: 1\n    copies: 0\n    necessity: 必要\n    where_to_get: 申请人自备\n    notes",
        "form: 复印件\n    originals: 1\n    copies: 0\n    necessity: 必要\n    where_to_get: 申请人自备\n    notes",
        1,
    )
    with pytest.raises(GuideFileError) as err:
        parse_guide(text, "x/social-security-card-replacement.yml")
    problem = err.value.problems[0]
    assert problem.field == "materials[0]"
    assert "复印件" in problem.message
    assert problem.line == text.splitlines().index("  - name: 身份证") + 1


def test_bad_opening_time_is_reported_with_its_path():
    text = _example_text().replace('open: "13:30"', 'open: "25:30"')
    with pytest.raises(GuideFileError) as err:
        parse_guide(text, "g/social-security-card-replacement.yml")
    assert err.value.problems[0].field == "locations[0].schedule[1].open"
    assert "HH:MM" in err.value.problems[0].message


def test_bad_related_word_is_reported_with_its_field_and_line():
    text = _example_text().replace("  - 换…卡\n", "  - 换…\n", 1)
    with pytest.raises(GuideFileError) as err:
        parse_guide(text, "guides/social-security-card-replacement.yml")
    problem = err.value.problems[0]
    assert problem.field.startswith("related_words")
    assert "换…" in problem.message
    assert problem.line == text.splitlines().index("related_words:") + 1


@pytest.mark.parametrize("short_name, said", [("补换社保卡(新)", "punctuation"), ("社会保障卡补领换领业务", "8")])
def test_a_short_name_too_long_to_hear_or_with_brackets_is_refused_with_its_line(short_name, said):
    text = _example_text().replace("short_name: 补换社保卡\n", f"short_name: {short_name}\n", 1)
    assert f"short_name: {short_name}" in text
    with pytest.raises(GuideFileError) as err:
        parse_guide(text, "guides/social-security-card-replacement.yml")
    problem = err.value.problems[0]
    assert problem.field == "short_name" and said in problem.message
    assert problem.line == text.splitlines().index(f"short_name: {short_name}") + 1


def test_invalid_yaml_gives_the_line():
    with pytest.raises(GuideFileError) as err:
        parse_guide("id: a\nname: [unclosed\n", "g/a.yml")
    assert err.value.problems[0].line is not None
    assert "YAML" in err.value.problems[0].message


def test_id_must_match_file_name():
    with pytest.raises(GuideFileError) as err:
        parse_guide(_example_text(), "guides/other-name.yml")
    assert err.value.problems[0].field == "id"


def test_loading_is_idempotent_and_bad_file_keeps_last_good_version(tmp_path):
    (tmp_path / EXAMPLE.name).write_text(_example_text(), encoding="utf-8")
    engine = get_engine(f"sqlite:///{tmp_path / 'g.db'}")
    first = load_guides(engine, tmp_path)
    assert first.added == ["social-security-card-replacement"]
    with Session(engine) as s:
        revision = guides_revision(s)
    again = load_guides(engine, tmp_path)
    assert again.unchanged == ["social-security-card-replacement"] and not again.changed
    with Session(engine) as s:
        assert guides_revision(s) == revision

    broken = yaml.safe_load(_example_text())
    broken["fee"]["amount"] = -5
    (tmp_path / EXAMPLE.name).write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    report = load_guides(engine, tmp_path)
    assert list(report.refused) == [str(tmp_path / EXAMPLE.name)]
    with Session(engine) as s:
        kept = get_guide(s, "social-security-card-replacement")
    assert kept.fee.amount == 20


def test_changed_guide_bumps_version_and_revision(tmp_path):
    (tmp_path / EXAMPLE.name).write_text(_example_text(), encoding="utf-8")
    engine = get_engine(f"sqlite:///{tmp_path / 'g.db'}")
    load_guides(engine, tmp_path)
    with Session(engine) as s:
        before = guides_revision(s)
    (tmp_path / EXAMPLE.name).write_text(
        _example_text().replace("  - 社保卡补办\n", "  - 社保卡补办\n  - 新社保卡别名\n"), encoding="utf-8"
    )
    report = load_guides(engine, tmp_path)
    assert report.updated == ["social-security-card-replacement"]
    with Session(engine) as s:
        assert guides_revision(s) == before + 1
        assert "新社保卡别名" in get_guide(s, "social-security-card-replacement").aliases
