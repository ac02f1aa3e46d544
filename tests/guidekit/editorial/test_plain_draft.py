"""The first plain draft for editors: glossary words replaced, lists one item per line, long sentences split."""

import re

from guidekit.editorial.plain_draft import plain_draft
from guidekit.editorial.readability import THRESHOLDS, GlossaryTerm, check

HAN = re.compile("[\u4e00-\u9fff]")


def _han(text):
    return "".join(HAN.findall(text))


def test_glossary_terms_are_replaced_by_their_plain_wording():
    draft = plain_draft("请携带居民身份证原件,到户籍所在地派出所办理。")
    assert "原件" not in draft and "原本的那份" in draft
    assert "户籍所在地" not in draft and "户口所在的地方" in draft


def test_terms_inside_quotation_marks_are_kept_as_written():
    draft = plain_draft("办好后,手机里显示“已办结”。")
    assert "“已办结”" in draft


def test_caller_glossary_is_used_instead_of_the_default():
    draft = plain_draft("请带原件。", glossary=[GlossaryTerm("原件", "原来那张", "原件就是原来那张。")])
    assert draft == "请带原来那张。"
    assert plain_draft("请带原件。", glossary=[]) == "请带原件。"


def test_enumeration_of_four_items_becomes_numbered_lines():
    draft = plain_draft("需提供居民身份证、户口簿、结婚证、退休证等材料。", glossary=[])
    lines = draft.splitlines()
    assert lines[0] == "需提供:"
    assert lines[1:5] == ["1. 居民身份证", "2. 户口簿", "3. 结婚证", "4. 退休证"]


def test_enumeration_ending_with_he_counts_its_last_item():
    draft = plain_draft("带上户口簿、身份证、结婚证和退休证。", glossary=[])
    assert draft.splitlines()[1:] == ["1. 户口簿", "2. 身份证", "3. 结婚证", "4. 退休证"]


def test_short_enumeration_and_examples_in_brackets_stay_in_the_sentence():
    assert plain_draft("带上户口簿、身份证、结婚证。", glossary=[]) == "带上户口簿、身份证、结婚证。"
    text = "患有慢性病(如高血压、糖尿病、尿毒症、肿瘤等)的人员。"
    assert plain_draft(text, glossary=[]) == text


def test_inline_numbered_lists_become_one_item_per_line():
    assert plain_draft("办理流程:1.提交申请;2.窗口审核;3.领取证件。", glossary=[]).splitlines() == [
        "办理流程:",
        "1. 提交申请",
        "2. 窗口审核",
        "3. 领取证件",
    ]
    assert plain_draft("(一)长期居住人员;(二)常驻工作人员。以上人员要先登记。", glossary=[]).splitlines() == [
        "1. 长期居住人员",
        "2. 常驻工作人员",
        "以上人员要先登记。",
    ]
    assert plain_draft("①申请;②审核;③发证", glossary=[]).splitlines() == ["1. 申请", "2. 审核", "3. 发证"]


def test_long_sentence_is_split_at_sensible_points():
    text = (
        "申请人本人到户口所在地派出所申请补领,现场拍照并按指纹,"
        "急需使用的可以同时申请临时身份证,临时身份证三个月内有效。"
    )
    assert check(text, glossary=[]).longest_sentence > THRESHOLDS.max_sentence_chars
    draft = plain_draft(text, glossary=[])
    lines = draft.splitlines()
    assert len(lines) >= 2
    assert all(len(_han(line)) <= THRESHOLDS.max_sentence_chars for line in lines), lines
    assert "long_sentence" not in [p.kind for p in check(draft, glossary=[]).problems]
    # Nothing is lost: only the connective 并 may become 再.
    assert _han(draft).replace("再", "并") == _han(text)


def test_short_text_is_left_alone():
    assert plain_draft("不收费。") == "不收费。"
