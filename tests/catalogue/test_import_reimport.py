"""Importing again: the importer's own untouched drafts follow the newer export, anybody else's work is kept, and
a published guide is never touched: what changed in its official text is reported, field by field."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from guidekit.catalogue.drafts import IMPORTER, KEPT, PUBLISHED, UNCHANGED, UPDATED
from guidekit.catalogue.importer import import_export
from guidekit.editorial import workflow as ed
from guidekit.guides.schema import Guide
from guidekit.guides.store import GuideRow
from tests.catalogue.conftest import IMPORT_DAY, MESSY, NESTED, published_count

ELDER = "gaolingjintieshenling"
REISSUE = "juminshenfenzhengbuling"
ALLOWANCE, LOW_INCOME = "sx000105001000", "sx000105002000"


def _newer_messy(tmp_path):
    path = tmp_path / "messy.csv"
    path.write_text(MESSY.read_text(encoding="utf-8").replace("２０个工作日", "１５个工作日"), encoding="utf-8")
    return path


def _statuses(report):
    return [(o.guide_id, o.status) for o in report.outcomes]


def test_importing_the_same_export_again_changes_nothing(engine):
    import_export(MESSY, engine, today=IMPORT_DAY)
    report = import_export(MESSY, engine, today=IMPORT_DAY.replace(day=1))
    assert _statuses(report) == [(ELDER, UNCHANGED), (REISSUE, UNCHANGED)]
    with Session(engine) as session:
        assert ed.get_draft(session, ELDER).lock == 1


def test_the_importers_untouched_draft_follows_a_newer_export(engine, tmp_path):
    import_export(MESSY, engine, today=IMPORT_DAY)
    report = import_export(_newer_messy(tmp_path), engine, today=IMPORT_DAY)
    assert _statuses(report) == [(ELDER, UPDATED), (REISSUE, UNCHANGED)]
    with Session(engine) as session:
        draft = ed.get_draft(session, ELDER)
        assert (draft.updated_by, draft.lock, draft.status) == (IMPORTER, 2, "draft")
        assert ed.parse_draft(ELDER, draft.yaml_text).duration.official == "承诺办结时限:15个工作日"


def test_a_draft_an_editor_saved_or_submitted_is_never_overwritten(engine, tmp_path):
    import_export(MESSY, engine, today=IMPORT_DAY)
    with Session(engine) as session, session.begin():
        draft = ed.get_draft(session, ELDER)
        edited = draft.yaml_text.replace("plain: 东湖区民政局。", "plain: 区里的民政局。")
        ed.save_draft(session, ELDER, edited, draft.lock, by="editor1")
        ed.submit(session, REISSUE, ed.get_draft(session, REISSUE).lock, by="editor2")
    report = import_export(_newer_messy(tmp_path), engine, today=IMPORT_DAY)
    assert _statuses(report) == [(ELDER, KEPT), (REISSUE, KEPT)]
    assert "  kept gaolingjintieshenling: a draft by editor1 (draft) is not overwritten" in report.summary()
    assert "  kept juminshenfenzhengbuling: a draft by importer (submitted) is not overwritten" in report.summary()
    with Session(engine) as session:
        assert ed.get_draft(session, ELDER).yaml_text == edited
        assert "20个工作日" in ed.get_draft(session, ELDER).yaml_text


def _publish(engine, guide_id):
    with Session(engine) as session, session.begin():
        ed.submit(session, guide_id, ed.get_draft(session, guide_id).lock, by="editor1")
        ed.publish(session, guide_id, by="reviewer1")


def _newer_nested(tmp_path):
    data = json.loads(NESTED.read_text(encoding="utf-8"))
    allowance = data["事项"][0]
    allowance["受理条件"] = "年满80周岁、具有本市户籍且在本市居住的老年人。"
    allowance["办理地点"] = "安宁街道便民服务中心一楼综合窗口"
    for situation in allowance["情形"]:
        for material in situation["申请材料"]:
            if material["材料名称"] in ("居民户口簿", "户口本"):
                material["材料名称"] = "常住人口登记卡"
    path = tmp_path / "nested-2026-12.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_a_newer_export_shows_what_changed_in_a_published_guides_official_text(engine, tmp_path):
    import_export(NESTED, engine, today=IMPORT_DAY)
    _publish(engine, ALLOWANCE)
    with Session(engine) as session:
        before = session.get(GuideRow, ALLOWANCE).content
    report = import_export(_newer_nested(tmp_path), engine, today=IMPORT_DAY)
    assert _statuses(report) == [(ALLOWANCE, PUBLISHED), (LOW_INCOME, UNCHANGED)]
    (outcome,) = report.changed_published
    assert [(c.field, c.old, c.new) for c in outcome.changes] == [
        ("eligibility", "年满80周岁、具有本市户籍的老年人。", "年满80周岁、具有本市户籍且在本市居住的老年人。"),
        ("locations.address", "安宁街道便民服务中心社会救助窗口", "安宁街道便民服务中心一楼综合窗口"),
        ("materials[户口本]", "居民户口簿", "常住人口登记卡"),
    ]
    # Each change carries the published plain text to recheck.
    live = Guide.model_validate_json(before)
    assert [c.plain for c in outcome.changes] == [
        live.eligibility.plain,
        live.locations[0].address.plain,
        live.materials[1].plain,
    ]
    summary = report.summary()
    assert "published guides: 1 in the export, 1 with changed official text (recheck their plain text)" in summary
    assert (
        "    受理条件 (eligibility): 年满80周岁、具有本市户籍的老年人。 → 年满80周岁、具有本市户籍且在本市居住的老年人。"
        in summary
    )
    # Nothing published, nothing drafted over the published guide.
    with Session(engine) as session:
        row = session.get(GuideRow, ALLOWANCE)
        assert (row.content, row.version) == (before, 1)
        assert ed.get_draft(session, ALLOWANCE) is None
    assert published_count(engine) == 1


def test_a_published_guide_the_export_still_agrees_with_has_no_changes(engine):
    import_export(NESTED, engine, today=IMPORT_DAY)
    _publish(engine, ALLOWANCE)
    report = import_export(NESTED, engine, today=IMPORT_DAY)
    assert _statuses(report) == [(ALLOWANCE, PUBLISHED), (LOW_INCOME, UNCHANGED)]
    assert report.changed_published == []
    assert "published guides: 1 in the export, 0 with changed official text" in report.summary()


def test_fields_the_export_does_not_have_are_not_compared(engine):
    # An editor writes the process the export lacks and publishes; the next export, still without 办理流程, does
    # not report the process as changed.
    import_export(NESTED, engine, today=IMPORT_DAY)
    with Session(engine) as session, session.begin():
        draft = ed.get_draft(session, LOW_INCOME)
        written = draft.yaml_text.replace("(待补充:导出文件没有“办理流程”)", "向街道提出申请,街道入户调查后审批。", 1)
        assert written != draft.yaml_text
        ed.save_draft(session, LOW_INCOME, written, draft.lock, by="editor1")
    _publish(engine, LOW_INCOME)
    report = import_export(NESTED, engine, today=IMPORT_DAY)
    low = next(o for o in report.outcomes if o.guide_id == LOW_INCOME)
    assert (low.status, low.changes) == (PUBLISHED, [])
    assert "process" not in next(b for b in report.built if b.guide.id == LOW_INCOME).provided
