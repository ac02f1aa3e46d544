"""The pieces: cell cleaning, opening times, stable guide ids, process steps and the editable paper names."""

from __future__ import annotations

import re

import pytest

from guidekit.catalogue.build import ID_MAX, guide_id, schedule, steps
from guidekit.catalogue.clean import clean
from guidekit.catalogue.importer import import_export
from guidekit.catalogue.papers import load_paper_names, short_name, spelling_key
from guidekit.catalogue.problems import ExportUnreadable
from guidekit.guides.schema import GUIDE_ID_PATTERN
from tests.catalogue.conftest import IMPORT_DAY, MESSY


def test_html_tags_become_line_breaks_and_entities_are_decoded():
    cleaned = clean("<p>年满60周岁&nbsp;的老年人</p><p>本市户籍&lt;含集体户&gt;</p>")
    assert cleaned.value == "年满60周岁 的老年人\n本市户籍<含集体户>"
    assert cleaned.had_html


def test_full_width_digits_and_letters_become_half_width_but_chinese_punctuation_stays():
    cleaned = clean("２０个工作日，ＡＢ类；９：００－１２：００")
    assert cleaned.value == "20个工作日，AB类；9:00-12:00"
    assert cleaned.had_full_width


def test_spaces_and_blank_lines_are_tidied():
    assert clean("  东湖区\u3000政务服务中心 \r\n\r\n  一楼  ").value == "东湖区 政务服务中心\n一楼"


@pytest.mark.parametrize(
    "text", ["详见附件", "详见附件《办事指南》。", "（见附件1）", "具体以附件为准", "申请材料详见附件", "参见附表"]
)
def test_a_cell_that_only_points_to_an_attachment_has_no_text(text):
    cleaned = clean(text)
    assert cleaned.value is None and cleaned.refers_elsewhere == text


def test_content_that_mentions_an_attachment_is_kept_and_flagged():
    cleaned = clean("年满60周岁的老年人,具体材料详见附件。")
    assert cleaned.value == "年满60周岁的老年人,具体材料详见附件。"
    assert cleaned.mentions_attachment and cleaned.refers_elsewhere is None


@pytest.mark.parametrize("text", ["", "  ", "-", "/", "——", None])
def test_empty_marks_are_no_text(text):
    assert clean(text).value is None


def test_no_is_content_not_an_empty_mark():
    assert clean("无").value == "无"


@pytest.mark.parametrize(
    "hours, periods",
    [
        ("周一至周五 9:00-12:00,13:30-17:00(法定节假日除外)", [((1, 5), "09:00", "12:00"), ((1, 5), "13:30", "17:00")]),
        ("工作日上午9:00—12:00,下午1:00—5:00", [((1, 5), "09:00", "12:00"), ((1, 5), "13:00", "17:00")]),
        ("星期一至星期六 8:30-17:30", [((1, 6), "08:30", "17:30")]),
        ("周一至周五 8:30-12:00;周六 9:00-11:30", [((1, 5), "08:30", "12:00"), ((6, 6), "09:00", "11:30")]),
        ("每天 8:00-20:00", [((1, 7), "08:00", "20:00")]),
    ],
)
def test_opening_times_are_read_from_the_official_hours(hours, periods):
    found, trouble = schedule(hours)
    assert trouble is None
    assert [((p["days"][0], p["days"][-1]), p["open"], p["close"]) for p in found] == periods


def test_weekdays_listed_one_by_one_all_get_the_time():
    found, trouble = schedule("周二、周四 8:00-11:30;周一至周五、周日 14:00-17:00(法定节假日除外)")
    assert trouble is None
    assert [(p["days"], p["open"], p["close"]) for p in found] == [
        ([2, 4], "08:00", "11:30"),
        ([1, 2, 3, 4, 5, 7], "14:00", "17:00"),
    ]
    # A time in between ends the list: 周六 is not added to 周一至周五.
    assert [p["days"] for p in schedule("周一至周五 9:00-17:00,周六 9:00-12:00")[0]] == [[1, 2, 3, 4, 5], [6]]


def test_hours_without_weekdays_assume_monday_to_friday_and_say_so():
    found, trouble = schedule("9:00-17:00")
    assert [p["days"] for p in found] == [[1, 2, 3, 4, 5]]
    assert trouble == "no weekdays named: 周一至周五 assumed"


def test_hours_without_times_get_a_default_schedule_and_say_so():
    found, trouble = schedule("法定工作日")
    assert found == [{"days": [1, 2, 3, 4, 5], "open": "09:00", "close": "17:00"}]
    assert trouble == "no opening times a machine can read"


def test_guide_ids_are_stable_valid_and_short_enough():
    assert guide_id("居民身份证补领", district="东湖区") == "donghuqu-juminshenfenzhengbuling"
    assert guide_id("随便什么名字", code="000105001000", district="东湖区") == "donghuqu-sx000105001000"
    assert guide_id("12345热线诉求办理") == "sx-12345rexiansuqiubanli"
    long_name = "职工基本养老保险退休申请及基本养老金申领和个人账户一次性待遇申领"
    long_id = guide_id(long_name, district="东湖区")
    assert long_id == guide_id(long_name, district="东湖区")
    assert len(long_id) <= ID_MAX and long_id != guide_id(long_name + "变更", district="东湖区")
    for gid in (long_id, guide_id("（新）老年证·补办", district="青松区")):
        assert re.match(GUIDE_ID_PATTERN, gid), gid


def test_process_text_is_cut_into_numbered_steps():
    assert steps("1.申请人提出申请；2.窗口受理；3.审核办结。") == ["申请人提出申请", "窗口受理", "审核办结。"]
    assert steps("第一步:网上预约\n第二步:到窗口办理") == ["网上预约", "到窗口办理"]
    assert steps("申请人到窗口提交材料,当场办结。") == ["申请人到窗口提交材料,当场办结。"]


def test_paper_spellings_are_compared_without_who_and_which_copy():
    names = load_paper_names()
    for spelling in ("居民身份证", "申请人居民身份证（原件）", "本人身份证复印件", "《居民身份证》"):
        assert names.name_of(spelling) == "身份证", spelling
    assert names.name_of("居民户口簿") == names.name_of("户口本") == "户口本"
    assert names.name_of("被投靠人居民身份证") is None
    assert spelling_key(" 申请人 户口簿 (复印件)") == "户口簿"
    # 申请人 is left where others follow it: not "及共同生活家庭成员居民身份证", and not the applicant's 身份证.
    assert spelling_key("申请人及共同生活家庭成员居民身份证") == "申请人及共同生活家庭成员居民身份证"
    assert names.name_of("申请人及配偶居民身份证") is None


def test_an_unknown_paper_is_named_by_its_official_name_cut_to_twelve_characters():
    assert short_name("其他有效身份证件(社会保障卡、护照、机动车驾驶证等)") == "其他有效身份证件"
    assert short_name("家庭成员收入情况证明及相关佐证材料") == "家庭成员收入情况证明及…"


def test_an_edited_paper_table_gives_its_own_names(engine, tmp_path):
    table = tmp_path / "papers.yml"
    table.write_text(
        "- name: 身份证\n  spellings: [居民身份证, 身份证]\n- name: 户口本\n  spellings: [户口簿, 居民户口簿]\n"
    )
    report = import_export(MESSY, engine, papers=table, today=IMPORT_DAY)
    reissue = next(b.guide for b in report.built if b.item.name == "居民身份证补领")
    assert [m.name for m in reissue.materials] == ["户口本"]
    assert report.grouped.unknown_papers == {"居民身份证数码相片回执": 1, "居住证": 1}
    assert f"papers not in {table} (add them to give them one name): 居住证、居民身份证数码相片回执" in report.summary()


def test_a_spelling_under_two_names_is_refused_with_its_line(tmp_path):
    table = tmp_path / "papers.yml"
    table.write_text("- name: 身份证\n  spellings: [居民身份证]\n- name: 证件\n  spellings:\n    - 居民身份证\n")
    with pytest.raises(ExportUnreadable) as err:
        load_paper_names(table)
    assert [str(p) for p in err.value.problems] == [f"{table}:5:7: 居民身份证 is already a spelling of 身份证"]


@pytest.mark.parametrize(
    "contact, phone",
    [
        ("咨询电话:0000-12333", "0000-12333"),
        ("咨询电话：0000-12393；监督电话：0000-88661111", "0000-12393"),
        ("咨询电话:0000-88660110", "0000-88660110"),
        ("12345政务服务便民热线", "12345"),
    ],
)
def test_the_first_telephone_number_is_the_phone_even_a_service_line_with_area_code(engine, tmp_path, contact, phone):
    path = tmp_path / "phone.csv"
    path.write_text(f"事项名称,咨询方式,材料名称\n高龄津贴申领,{contact},居民身份证\n", encoding="utf-8")
    report = import_export(path, engine, today=IMPORT_DAY)
    assert [str(p) for p in report.problems if "咨询方式" in str(p)] == []
    assert report.built[0].guide.locations[0].phone == phone
