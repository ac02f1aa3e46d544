"""What the TTS engine is asked to say: guidekit.answers.speech turns screen text into spoken Chinese and SSML."""

import re
import xml.etree.ElementTree as ET

import pytest

from guidekit.answers import speech
from guidekit.answers.speech import split_sentences, to_speech, to_ssml

SPOKEN = [
    # times: 上午/中午/下午/晚上, 半, 零五分
    ("9:00", "上午九点"),
    ("13:30", "下午一点半"),
    ("12:00", "中午十二点"),
    ("8:05", "上午八点零五分"),
    ("17:45", "下午五点四十五分"),
    ("18:30", "晚上六点半"),
    ("14:00", "下午两点"),
    ("9:00-17:00", "上午九点到下午五点"),
    ("9:00–17:00", "上午九点到下午五点"),
    ("9:00至17:00", "上午九点到下午五点"),
    ("9:00~17:00", "上午九点到下午五点"),
    ("办公时间:周一至周五 9:00-12:00,13:30-17:00。", "办公时间:周一至周五,上午九点到中午十二点,下午一点半到下午五点。"),
    # dates: years digit by digit with 〇, months and days as numbers
    ("2025年3月1日", "二〇二五年三月一日"),
    ("12月31日", "十二月三十一日"),
    ("2025-03-01", "二〇二五年三月一日"),
    ("2025年", "二〇二五年"),
    ("2024年", "二〇二四年"),
    # money: plain and consistent, trailing decimal zeros dropped
    ("20元", "二十元"),
    ("0.5元", "零点五元"),
    ("1,200元", "一千二百元"),
    ("¥30", "三十元"),
    ("3.50元", "三点五元"),
    ("不要钱。工本费20元,由政府承担。", "不要钱。工本费二十元,由政府承担。"),
    # hotline, mobiles, landlines: digit by digit, 1 as 幺, pauses between groups
    ("12345", "幺二三四五"),
    ("您也可以打12345政务服务热线。", "您也可以打幺二三四五政务服务热线。"),
    ("拨打110报警", "拨打幺幺零报警"),
    ("13912345678", "幺三九,幺二三四,五六七八"),
    ("139 1234 5678", "幺三九,幺二三四,五六七八"),
    ("0915-3212345", "零九幺五,三二幺,二三四五"),
    ("(0915)1234567", "零九幺五,幺二三,四五六七"),
    ("（0915）1234567", "零九幺五,幺二三,四五六七"),
    # an 8-digit local number in two breaths, as people say it
    ("0571-87654321", "零五七幺,八七六五,四三二幺"),
    ("咨询电话:87654321", "咨询电话:八七六五,四三二幺"),
    # ID cards and bank cards: only the last four, plain digits, X as 叉
    ("110101195001011234", "身份证号码(尾号一二三四)"),
    ("11010119500101123X", "身份证号码(尾号一二三叉)"),
    ("110101********1234", "身份证号码(尾号一二三四)"),
    ("110101***********4", "身份证号码(尾号四)"),
    ("我的身份证号是110101195001011234", "我的身份证号是身份证号码(尾号一二三四)"),
    ("6222021234565678", "银行卡号(尾号五六七八)"),
    ("6222 0212 3456 5678", "银行卡号(尾号五六七八)"),
    ("6222********5678", "银行卡号(尾号五六七八)"),
    # percentages
    ("50%", "百分之五十"),
    ("2.5%", "百分之二点五"),
    # number ranges
    ("3-5个工作日", "三到五个工作日"),
    ("3~5个工作日", "三到五个工作日"),
    ("3至5个工作日", "三到五个工作日"),
    ("60-70岁", "六十到七十岁"),
    ("一般3-5个工作日办好。", "一般三到五个工作日办好。"),
    # counts: 两 only for exactly 2 before a measure word, never after 第
    ("第2样", "第二样"),
    ("共5样", "共五样"),
    ("1份", "一份"),
    ("2张", "两张"),
    ("12张", "十二张"),
    ("第2个", "第二个"),
    ("70周岁", "七十周岁"),
    ("第2样,共5样:户口本。", "第二样,共五样:户口本。"),
    ("身份证原件1份,复印件2张。", "身份证原件一份,复印件两张。"),
    # list numbering at the start of a line
    ("1. 身份证", "第一,身份证"),
    ("1、身份证", "第一,身份证"),
    ("材料:\n1. 身份证\n2. 一寸照片2张", "材料。第一,身份证。第二,一寸照片两张"),
    # brackets, quotes and other symbols
    ("身份证(原件)", "身份证,原件,"),
    ("身份证（原件）", "身份证,原件,"),
    ("【重要】带上户口本", "重要,带上户口本"),
    ("「原件」和《居民身份证法》", "原件,和,居民身份证法,"),
    ("地址:安康市汉滨区兴安路6号(市民中心二楼)", "地址:安康市汉滨区兴安路六号,市民中心二楼,"),
    ("“原件”", "原件"),
    ("身份证/户口本", "身份证或户口本"),
    ("周一~周五", "周一到周五"),
    ("身份证+户口本", "身份证加户口本"),
    ("号码***", "号码"),
    ("王·小明", "王小明"),
    ("好的👍😊", "好的"),
    ("第一行\n第二行", "第一行。第二行"),
    ("好的,,,谢谢!!", "好的,谢谢!"),
    # long sentences get a pause between words, at a phrase boundary
    (
        "请您带上本人的身份证原件和户口本原件到市民中心二楼的综合受理窗口办理相关手续",
        "请您带上本人的身份证原件和户口本原件,到市民中心二楼的综合受理窗口办理相关手续",
    ),
]

LONG_SENTENCES = [
    "请您带上本人的身份证原件和户口本原件到市民中心二楼的综合受理窗口办理相关手续",
    "请您带上本人身份证原件户口本原件到市民中心二楼综合受理窗口办理相关手续并领取回执",
    "综合受理窗口办理相关手续领取回执综合受理窗口办理相关手续领取回执综合受理窗口",
]

FULL_ID = "110101195001011234"


def test_the_table_covers_at_least_forty_cases():
    assert len(SPOKEN) >= 40


@pytest.mark.parametrize("text, expected", SPOKEN)
def test_reply_text_is_rewritten_into_spoken_chinese(text, expected):
    assert to_speech(text) == expected


@pytest.mark.parametrize("text", [text for text, _ in SPOKEN] + LONG_SENTENCES)
def test_no_ascii_digit_is_ever_left_for_the_engine_to_guess(text):
    assert not re.search(r"[0-9]", to_speech(text))


@pytest.mark.parametrize(
    "text",
    [
        FULL_ID,
        f"我的身份证号是{FULL_ID}",
        f"身份证号:{FULL_ID},电话13912345678",
        f"证件({FULL_ID})",
        "110101 19500101 1234",
    ],
)
def test_a_full_id_number_is_never_spoken(text):
    spoken = to_speech(text)
    assert FULL_ID not in spoken
    # nor its digits spelled out: the region and birth date would identify the person
    assert "一一零一零一" not in spoken and "幺幺零幺零幺" not in spoken
    assert "一九五零" not in spoken and "幺九五零" not in spoken
    assert "尾号一二三四" in spoken


def test_a_bank_card_keeps_only_its_last_four_digits():
    spoken = to_speech("卡号:6222 0212 3456 5678")
    assert "尾号五六七八" in spoken
    assert "六二二二" not in spoken


@pytest.mark.parametrize("text", LONG_SENTENCES)
def test_long_sentences_are_broken_into_pieces_of_at_most_thirty_characters(text):
    spoken = to_speech(text)
    pieces = re.split(r"[,。:;?!、]", spoken)
    assert max(len(piece) for piece in pieces) <= 30
    assert spoken.replace(",", "") == text  # only pauses added, no words lost


def test_a_short_sentence_gets_no_extra_pause():
    assert to_speech("请带上身份证原件和户口本。") == "请带上身份证原件和户口本。"


def test_split_sentences_keeps_end_marks_and_drops_empty_pieces():
    assert split_sentences("第一,身份证。第二,户口本!好了吗?") == ["第一,身份证。", "第二,户口本!", "好了吗?"]
    assert split_sentences("没有句号") == ["没有句号"]
    assert split_sentences("。。") == []
    assert split_sentences("") == []


def _ssml_root(ssml: str) -> ET.Element:
    root = ET.fromstring(ssml)
    assert root.tag == "speak"
    return root


def test_ssml_parses_and_breaks_between_sentences_and_at_commas():
    ssml = to_ssml("办公时间:周一至周五 9:00-12:00,13:30-17:00。\n地址:兴安路6号(市民中心)")
    root = _ssml_root(ssml)
    breaks = [element.get("time") for element in root.iter("break")]
    assert breaks.count("600ms") == 1
    assert breaks.count("300ms") == 3
    assert (
        "".join(root.itertext())
        == "办公时间:周一至周五,上午九点到中午十二点,下午一点半到下午五点。地址:兴安路六号,市民中心"
    )


def test_ssml_pauses_between_list_items():
    root = _ssml_root(to_ssml("1. 身份证\n2. 户口本\n3. 照片"))
    assert [element.get("time") for element in root.iter("break")].count("600ms") == 2


def test_ssml_is_slow_only_when_asked():
    slow = to_ssml("您也可以打12345政务服务热线。", slow=True)
    normal = to_ssml("您也可以打12345政务服务热线。")
    prosody = _ssml_root(slow).find("prosody")
    assert prosody is not None and prosody.get("rate") == "slow"
    assert "幺二三四五" in "".join(prosody.itertext())
    assert 'rate="slow"' not in normal
    _ssml_root(normal)


def test_ssml_escapes_markup_characters_in_the_spoken_text(monkeypatch):
    monkeypatch.setattr(speech, "to_speech", lambda text: "A&B<C>,D。E")
    ssml = to_ssml("ignored")
    assert "&amp;" in ssml and "&lt;C&gt;" in ssml
    assert "".join(_ssml_root(ssml).itertext()) == "A&B<C>,D。E"


def test_ampersand_in_a_reply_is_said_as_he_and_the_ssml_still_parses():
    ssml = to_ssml("身份证&户口本 <必带>")
    assert "".join(_ssml_root(ssml).itertext()) == "身份证和户口本,必带"


def test_empty_text_gives_empty_speech_and_an_empty_speak_element():
    assert to_speech("") == ""
    assert to_ssml("") == "<speak></speak>"


def test_an_area_code_and_a_service_line_are_read_as_one_number_not_as_a_range():
    # The hyphen of "0571-12345" is no "到": an older listener would dial the wrong thing.
    assert to_speech("咨询电话 0571-12345") == "咨询电话,零五七幺,幺二三四五"
    assert "到" not in to_speech("您可以打0000-12333问一问。")
    assert to_speech("办理时限 3-5 个工作日").count("到") == 1
