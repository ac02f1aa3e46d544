"""xlsx, csv in GBK with a platform's own column names and a mapping, nested JSON; files that cannot be read."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook

from guidekit import cli
from guidekit.catalogue.importer import import_export
from guidekit.catalogue.problems import ExportUnreadable
from tests.catalogue.conftest import IMPORT_DAY, NESTED, PLATFORM_CSV, PLATFORM_MAPPING, published_count
from tests.settings_reset import reset_settings

HEADER = ["事项名称", "实施主体", "受理条件", "承诺办结时限", "是否收费", "办理地点", "办理时间", "咨询方式"]
HEADER += ["材料名称", "原件份数", "复印件份数", "是否必备材料", "来源渠道"]
SERVICE = ["老年人优待证申领", "安康市老龄工作委员会办公室", "年满60周岁的老年人", "即时办结", "否"]
SERVICE += ["安康市政务服务中心二楼老龄窗口", "周一至周五 9:00-12:00,14:00-17:00", "0000-86032000"]


def _workbook(path, materials, title=True):
    book = Workbook()
    sheet = book.active
    sheet.title = "办事指南"
    if title:
        sheet.append(["安康市政务服务事项办事指南(导出)"])
    sheet.append(HEADER)
    for material in materials:
        sheet.append(SERVICE + material)
    book.create_sheet("说明").append(["导出说明"])
    book.save(path)
    return path


def test_a_clean_xlsx_becomes_a_guide_below_its_title_row(engine, tmp_path):
    path = _workbook(
        tmp_path / "clean.xlsx", [["居民身份证", 1, 1.0, "是", "申请人自备"], ["户口本", 1, 0, "否", "申请人自备"]]
    )
    report = import_export(path, engine, today=IMPORT_DAY)
    assert [str(p) for p in report.problems] == [f"{path}: only the first sheet (办事指南) is read; not read: 说明"]
    (built,) = report.built
    guide = built.guide
    assert (guide.id, guide.name, guide.department.official) == (
        "laonianrenyoudaizhengshenling",
        "老年人优待证申领",
        "安康市老龄工作委员会办公室",
    )
    assert [(m.name, m.form.value, m.originals, m.copies, m.necessity.value) for m in guide.materials] == [
        ("身份证", "原件和复印件", 1, 1, "必要"),
        ("户口本", "原件", 1, 0, "非必要"),
    ]
    assert [(p.open, p.close) for p in guide.locations[0].schedule] == [("09:00", "12:00"), ("14:00", "17:00")]
    assert (guide.fee.official, guide.fee.amount) == ("不收费", 0)
    assert published_count(engine) == 0


def test_an_xlsx_cell_is_named_by_its_spreadsheet_row_and_column(engine, tmp_path):
    path = _workbook(
        tmp_path / "odd.xlsx", [["居民身份证", 1, 0, "是", "申请人自备"], ["户口本", "一份", 0, "也许", "申请人自备"]]
    )
    report = import_export(path, engine, today=IMPORT_DAY)
    assert [str(p) for p in report.problems][1:] == [
        f"{path}:4:10: 原件份数: “一份” is not a number of copies",
        f"{path}:4:12: 是否必备材料: “也许” is neither 是 nor 否: read as 必要",
    ]


def test_a_gbk_csv_with_the_platforms_own_column_names_is_read_through_its_mapping(engine):
    report = import_export(PLATFORM_CSV, engine, mapping=PLATFORM_MAPPING, today=IMPORT_DAY)
    assert report.sheet.encoding == "gbk"
    assert [str(p) for p in report.problems] == [
        f"{PLATFORM_CSV}:1:13: column 备用字段 is neither a GB/T 39046 element nor in the mapping: ignored"
    ]
    # The same 主项 in two 区划: two 事项, two guides, each with its own place.
    guides = {b.guide.id: b.guide for b in report.built}
    assert list(guides) == ["donghuqu-laonianrenyoudaizhengshenling", "qingsongqu-laonianrenyoudaizhengshenling"]
    east, green = guides.values()
    assert east.aliases == ["老年人优待证申领", "老年人优待证办理"]
    assert east.locations[0].address.official == "东湖区政务服务中心二楼老龄窗口"
    assert green.locations[0].phone == "0000-86045000"
    assert [(p.days, p.open, p.close) for p in green.locations[0].schedule] == [([1, 2, 3, 4, 5], "08:30", "17:30")]
    # 居民身份证/身份证 and 户口簿/居民户口簿: one name each, in both guides.
    assert [m.name for m in east.materials] == ["身份证", "户口本", "照片"]
    assert [(m.name, m.official_name) for m in green.materials] == [("身份证", "身份证"), ("户口本", "居民户口簿")]


def test_without_a_mapping_a_platforms_own_column_names_cannot_be_read(engine, tmp_path):
    path = tmp_path / "own-names.csv"
    path.write_bytes("主项名称,材料\n高龄津贴申领,居民身份证\n".encode("gbk"))
    with pytest.raises(ExportUnreadable) as err:
        import_export(path, engine)
    assert [str(p) for p in err.value.problems] == [
        f"{path}: no 事项名称 and no 材料名称 column (is a --mapping needed for this platform's column names?)",
        f"{path}:1:1: column 主项名称 is neither a GB/T 39046 element nor in the mapping: ignored",
        f"{path}:1:2: column 材料 is neither a GB/T 39046 element nor in the mapping: ignored",
    ]


def test_nested_json_gives_each_material_its_line_and_column(engine):
    report = import_export(NESTED, engine, today=IMPORT_DAY)
    assert report.problems == []
    elder, low_income = report.built
    assert elder.guide.id == "sx000105001000"
    assert [s.name for s in elder.item.named_situations] == ["本人申请", "委托他人代为申请"]
    # 居民户口簿 and 户口本 in the two 情形 are one paper: common to both, like 居民身份证.
    assert [m.name for m in elder.guide.materials] == ["身份证", "户口本"]
    assert [s.official for s in elder.guide.process] == [
        "申请人向社区提出申请",
        "街道审核",
        "区民政局审批",
        "按月发放。",
    ]
    assert elder.guide.online.available is True
    first = elder.item.situations["本人申请"].materials[0]
    assert str(first.where) == f"{NESTED}:20:13"
    assert str(first.values["材料名称"].where) == f"{NESTED}:20:22"
    assert [(m.name, m.where_to_get.value) for m in low_income.guide.materials] == [
        ("最低生活保障申请书", "申请人自备"),
        ("家庭财产信息", "系统自动获取"),  # paper_names.yml: the name the hand-written 低保 guide gives it
    ]
    assert report.grouped.unknown_papers == {"最低生活保障申请书": 1}


def test_a_json_problem_is_named_by_line_and_column(engine, tmp_path):
    data = [
        {"事项名称": "高龄津贴申领", "受理条件": "详见附件", "申请材料": [{"材料名称": "居民身份证"}, {"材料名称": ""}]}
    ]
    path = tmp_path / "flat.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    report = import_export(path, engine, today=IMPORT_DAY)
    assert [str(p) for p in report.problems] == [
        f"{path}:4:11: 受理条件: “详见附件” only points to an attachment the export does not include: no text taken from it",
        f"{path}:10:13: 材料名称 is empty: no material read from this row",
    ]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.csv", None, "{path}: no such file"),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0",
            "{path}: an old .xls workbook: save it as .xlsx (Excel or WPS: 另存为 .xlsx) and import that",
        ),
        (
            "broken.json",
            '[{"事项名称": "x",\n  "材料名称" "y"}]',
            "{path}:2:10: not valid JSON: Expecting ':' delimiter",
        ),
        ("broken.xlsx", b"not a zip file", "{path}: not an xlsx workbook (BadZipFile: File is not a zip file)"),
        (
            "latin.csv",
            "事项名称,材料名称\n".encode("utf-8") + b"\xff\xfe\xfa\n",
            "{path}:2: neither UTF-8 nor GBK text (byte 26)",
        ),
    ],
)
def test_a_file_that_cannot_be_read_at_all_stops_the_cli_with_its_reason(
    tmp_path, db_url, monkeypatch, capsys, name, content, message
):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif content is not None:
        path.write_bytes(content)
    monkeypatch.setenv("BANSHI_DATABASE_URL", db_url)
    reset_settings()
    try:
        assert cli.main(["import", str(path)]) == 1
    finally:
        reset_settings()
    err = capsys.readouterr().err.splitlines()
    assert err == [message.format(path=path), f"{path}: not imported"]


def test_a_mapping_to_an_unknown_element_is_refused_with_its_line(engine, tmp_path):
    mapping = tmp_path / "mapping.yml"
    mapping.write_text("columns:\n  主项名称: 事项名称\n  材料: 材料名字\n", encoding="utf-8")
    with pytest.raises(ExportUnreadable) as err:
        import_export(PLATFORM_CSV, engine, mapping=mapping)
    assert str(err.value.problems[0]).startswith(f"{mapping}:3:7: 材料: '材料名字' is not a GB/T 39046 element")


def test_the_cli_prints_the_summary_and_the_problems(db_url, monkeypatch, capsys):
    monkeypatch.setenv("BANSHI_DATABASE_URL", db_url)
    reset_settings()
    try:
        code = cli.main(["import", str(PLATFORM_CSV), "--mapping", str(PLATFORM_MAPPING)])
    finally:
        reset_settings()
    out, err = capsys.readouterr()
    assert code == 0
    assert out.splitlines()[:4] == [
        f"{PLATFORM_CSV} (csv, gbk): 5 rows → 2 事项, 0 情形, 5 materials; 1 problems; 0 cells cleaned (HTML, spacing, full-width)",
        "drafts: 2 new, 0 updated, 0 unchanged, 0 kept (not overwritten); nothing published",
        "  new draft donghuqu-laonianrenyoudaizhengshenling: 老年人优待证申领",
        "  new draft qingsongqu-laonianrenyoudaizhengshenling: 老年人优待证申领",
    ]
    assert err.splitlines() == [
        f"{PLATFORM_CSV}:1:13: column 备用字段 is neither a GB/T 39046 element nor in the mapping: ignored"
    ]


def test_rows_below_merged_item_cells_belong_to_the_item_above(engine, tmp_path):
    # A spreadsheet with the 事项 cells merged down: only the first row of the 事项 has them.
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(SERVICE + ["居民身份证", 1, 0, "是", "申请人自备"])
    sheet.append([None] * len(SERVICE) + ["户口簿", 1, 0, "是", "申请人自备"])
    sheet.append([None] * len(SERVICE) + ["近期一寸免冠彩色照片", 2, 0, "是", "申请人自备"])
    sheet.merge_cells(start_row=2, end_row=4, start_column=1, end_column=1)
    path = tmp_path / "merged.xlsx"
    book.save(path)
    report = import_export(path, engine, today=IMPORT_DAY)
    assert report.problems == []
    (item,) = report.grouped.items
    assert item.rows == 3
    assert [(m.name, m.originals) for m in report.built[0].guide.materials] == [
        ("身份证", 1),
        ("户口本", 1),
        ("照片", 2),
    ]
