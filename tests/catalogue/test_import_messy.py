"""A messy export: HTML in 受理条件, full-width digits, 详见附件, a missing 材料名称, one 事项 with two 办理地点,
居民身份证 and 身份证 for the same paper. Every problem is named file:row:column; the drafts are made anyway."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from guidekit.catalogue.drafts import IMPORTER, NEW
from guidekit.catalogue.importer import import_export
from guidekit.editorial.workflow import AuditRow, DraftRow, parse_draft
from tests.catalogue.conftest import IMPORT_DAY, MESSY, published_count

ELDER = "gaolingjintieshenling"
REISSUE = "juminshenfenzhengbuling"


def _import(engine, **kw):
    return import_export(MESSY, engine, today=IMPORT_DAY, **kw)


def test_every_problem_is_named_by_file_row_and_column(engine):
    report = _import(engine)
    f = str(MESSY)
    assert [str(p) for p in report.problems] == [
        f"{f}:4:7: 办理地点: “东湖区民政局二楼” differs from “东湖区政务服务中心一楼民政窗口” at row 2 of the same 事项 "
        "(高龄津贴申领): the first is kept",
        f"{f}:4:11: 材料名称: “身份证” is the same paper as “居民身份证” at row 2 (both 身份证): merged, the first kept",
        f"{f}:5:11: 材料名称 is empty: no material read from this row",
        f"{f}:6:4: 受理条件: “详见附件” only points to an attachment the export does not include: no text taken from it",
        f"{f}:6:6: 是否收费: charged, but no amount in 元: amount 0 until an editor sets it",
    ]


def test_rows_are_grouped_into_items_situations_and_materials(engine):
    report = _import(engine)
    items = {i.name: i for i in report.grouped.items}
    assert list(items) == ["高龄津贴申领", "居民身份证补领"]
    elder = items["高龄津贴申领"]
    assert elder.rows == 4
    assert list(elder.situations) == [""]
    assert [m.official for m in elder.situations[""].materials] == ["居民身份证", "户口簿"]
    reissue = items["居民身份证补领"]
    assert [s.name for s in reissue.named_situations] == ["本人在户籍地补领", "在居住地异地补领"]
    assert [m.official for m in reissue.situations["本人在户籍地补领"].materials] == [
        "居民身份证数码相片回执",
        "居民户口簿",
    ]
    assert [m.official for m in reissue.situations["在居住地异地补领"].materials] == ["居住证", "居民户口簿"]
    assert (report.grouped.situations, report.grouped.materials) == (2, 6)


def test_a_guide_with_situations_gets_the_materials_every_situation_needs(engine):
    report = _import(engine)
    reissue = next(b for b in report.built if b.item.name == "居民身份证补领")
    assert [m.name for m in reissue.guide.materials] == ["户口本"]
    assert reissue.materials_taken == "common to all 2 情形"
    # Each 情形's own papers are asked about before the list is read; the question is the editor's to write.
    situations = reissue.guide.situations
    assert situations is not None and situations.question == "您是哪种情况?"
    assert [(o.name, [m.official_name for m in o.materials]) for o in situations.options] == [
        ("本人在户籍地补领", ["居民身份证数码相片回执"]),
        ("在居住地异地补领", ["居住证"]),
    ]
    assert "本人在户籍地补领 (2 materials)、在居住地异地补领 (2 materials)" in report.summary()


def test_html_whitespace_and_full_width_digits_are_cleaned(engine):
    report = _import(engine)
    elder = next(b.guide for b in report.built if b.item.name == "高龄津贴申领")
    assert elder.eligibility.official == "年满80周岁的本市户籍老年人"
    assert elder.duration.official == "承诺办结时限:20个工作日"
    assert elder.locations[0].phone == "0000-86031234"
    assert [(p.days, p.open, p.close) for p in elder.locations[0].schedule] == [
        ([1, 2, 3, 4, 5], "09:00", "12:00"),
        ([1, 2, 3, 4, 5], "13:30", "17:00"),
    ]


def test_see_the_attachment_leaves_a_placeholder_that_says_so(engine):
    report = _import(engine)
    reissue = next(b for b in report.built if b.item.name == "居民身份证补领")
    assert reissue.guide.eligibility.official == "(待补充:导出文件的“受理条件”只写了“详见附件”)"
    assert "eligibility" not in reissue.provided


def test_the_same_paper_gets_one_name_across_guides(engine):
    report = _import(engine)
    names = {b.item.name: [(m.name, m.official_name) for m in b.guide.materials] for b in report.built}
    assert names["高龄津贴申领"] == [("身份证", "居民身份证"), ("户口本", "户口簿")]
    assert names["居民身份证补领"] == [("户口本", "居民户口簿")]


def test_imported_guides_are_drafts_by_the_importer_and_nothing_is_published(engine):
    report = _import(engine)
    assert [(o.guide_id, o.status) for o in report.outcomes] == [(ELDER, NEW), (REISSUE, NEW)]
    with Session(engine) as session:
        drafts = session.execute(select(DraftRow).order_by(DraftRow.guide_id)).scalars().all()
        assert [(d.guide_id, d.status, d.updated_by, d.lock) for d in drafts] == [
            (ELDER, "draft", IMPORTER, 1),
            (REISSUE, "draft", IMPORTER, 1),
        ]
        guide = parse_draft(ELDER, drafts[0].yaml_text)
        actions = session.execute(select(AuditRow.action, AuditRow.username)).all()
    assert published_count(engine) == 0
    assert sorted(actions) == [("import", IMPORTER), ("import", IMPORTER)]
    assert guide.source.sample is False and guide.last_verified == IMPORT_DAY


def test_each_official_text_comes_with_a_suggested_plain_rewrite(engine):
    report = _import(engine)
    elder = next(b.guide for b in report.built if b.item.name == "高龄津贴申领")
    # The glossary's plain words (guidekit/data/glossary.yml) stand in for the office words.
    assert elder.eligibility.plain == "年满80周岁的本市户口老年人。"
    assert "工作日" not in elder.duration.plain and "20" in elder.duration.plain
    assert elder.process[0].official == "(待补充:导出文件没有“办理流程”)"


def test_a_dry_run_writes_no_draft(engine):
    report = _import(engine, dry_run=True)
    assert [o.status for o in report.outcomes] == [NEW, NEW]
    assert "drafts (dry run, nothing written): 2 would be new" in report.summary()
    with Session(engine) as session:
        assert session.execute(select(DraftRow)).scalars().all() == []


def test_a_different_value_repeated_on_many_rows_is_reported_once(engine, tmp_path):
    lines = MESSY.read_text(encoding="utf-8").splitlines()
    # Row 4's second 办理地点 again on a new row 10, and a third one on row 11.
    lines.append(lines[3].replace(",身份证,", ",结婚证,"))
    lines.append(lines[3].replace("东湖区民政局二楼", "东湖区民政局三楼").replace(",身份证,", ",离婚证,"))
    path = tmp_path / "messy.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_export(path, engine, today=IMPORT_DAY)
    places = [str(p).split(": ", 1)[0] for p in report.problems if "办理地点" in str(p)]
    assert places == [f"{path}:4:7", f"{path}:11:7"]
