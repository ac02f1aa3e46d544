"""情形: a guide whose papers depend on the person's situation asks the one question that tells them apart before
reading the list (户口投靠子女: is the child's home bought or rented?), and reads the list of the answer."""

from __future__ import annotations

import pytest

from actions.checklist import ActionWhatsLeft
from actions.materials import ActionListMaterials, ActionMaterials, ActionNextMaterial
from actions.service_info import ActionAnswerTopic
from actions.which_service import ActionChooseOption, ActionInformService
from tests.actions.test_actions import run

ASK = "我要把户口迁到儿子家,要带什么"


@pytest.fixture(autouse=True)
def _db(use_guides_db):
    yield


def asked():
    text, state, slots = run(ActionMaterials(), ASK, "ask_materials")
    return text, state, slots


def test_a_guide_with_situations_asks_which_one_before_reading_the_list():
    text, state, slots = asked()
    assert "子女家住的房子,是买的,还是租的?" in text
    assert "1. 买的房子" in text and "2. 租的房子" in text
    assert "第1样" not in text  # nothing is read before the person says which
    assert state["service_id"] == "household-transfer-to-children" and state["topic"] == "materials"
    assert state["item_index"] is None and state["situation"] is None
    assert slots["situation_asked"] is True


@pytest.mark.parametrize(
    "answer, intent", [("2", "choose_option"), ("第二个", "choose_option"), ("租的", "inform_service")]
)
def test_the_answer_by_number_or_in_words_reads_that_situations_list(answer, intent):
    _, _, slots = asked()
    action = ActionChooseOption() if intent == "choose_option" else ActionInformService()
    text, state, slots = run(action, answer, intent, slots)
    assert "好的,按租的房子说。" in text and "第1样,老人身份证" in text
    assert state["situation"] == "租的房子" and state["item_index"] == 1
    assert state["item_count"] == 6  # the 4 everyone brings, then the rented home's 2
    for _ in range(4):
        text, state, slots = run(ActionNextMaterial(), "下一个", "next_item", slots)
    assert "第5样,租房合同" in text


def test_the_bought_home_reads_the_property_certificate_and_not_the_lease():
    _, _, slots = asked()
    _, state, slots = run(ActionChooseOption(), "1", "choose_option", slots)
    text, _, _ = run(ActionListMaterials(), "全部说一遍", "list_all", slots)
    assert state["situation"] == "买的房子" and state["item_count"] == 5
    assert "房产证" in text and "租房合同" not in text


def test_a_number_beyond_the_options_asks_again_without_reading_anything():
    _, _, slots = asked()
    text, state, slots = run(ActionChooseOption(), "5", "choose_option", slots)
    assert "请您说个数字" in text and "子女家住的房子" in text and "第1样" not in text
    assert state["situation"] is None and slots["situation_asked"] is True


def test_another_question_is_answered_and_the_question_stays_open():
    _, _, slots = asked()
    text, state, slots = run(ActionAnswerTopic(), "在哪里办", "ask_location", slots)
    assert state["topic"] == "location" and "派出所" in text
    assert slots["situation_asked"] is True and state["situation"] is None
    _, state, _ = run(ActionChooseOption(), "2", "choose_option", slots)
    assert state["situation"] == "租的房子" and state["item_index"] == 1


def test_next_instead_of_an_answer_reads_what_every_situation_needs_then_asks_again():
    # "下一个" after the question: asking it again would go nowhere; the 4 items everyone brings come first.
    _, _, slots = asked()
    text, state, slots = run(ActionNextMaterial(), "下一个", "next_item", slots)
    assert "第1样,老人身份证" in text and "不管哪种情况,都要带这4样" in text
    assert state["item_index"] == 1 and state["situation"] is None
    for _ in range(3):
        text, state, slots = run(ActionNextMaterial(), "下一个", "next_item", slots)
    assert "第4样" in text and "都要带的就这些" in text and "最后一样" not in text
    text, state, slots = run(ActionNextMaterial(), "下一个", "next_item", slots)
    assert "是买的,还是租的?" in text and "第5样" not in text and state["item_index"] == 4
    # The answer goes on with that situation's own items, not the 4 again.
    text, state, slots = run(ActionChooseOption(), "2", "choose_option", slots)
    assert "好的,按租的房子说。" in text and "第5样,租房合同" in text
    assert state["situation"] == "租的房子" and state["item_index"] == 5 and state["item_count"] == 6


def test_whole_list_and_whats_left_wait_for_the_situation_too():
    _, _, slots = asked()
    text, _, _ = run(ActionListMaterials(), "全部说一遍", "list_all", slots)
    assert "是买的,还是租的?" in text and "一共要带" not in text
    _, _, slots = run(ActionChooseOption(), "2", "choose_option", slots)
    text, _, _ = run(ActionWhatsLeft(), "还差哪些", "whats_left", slots)
    assert "还差6样" in text and "房东同意书" in text


def test_switching_to_another_service_forgets_the_situation():
    _, _, slots = asked()
    _, _, slots = run(ActionChooseOption(), "2", "choose_option", slots)
    _, state, slots = run(ActionMaterials(), "补社保卡要带什么", "ask_materials", slots)
    assert state["situation"] is None and slots["situation"] is None and slots["situation_asked"] is False
    assert state["service_id"] == "social-security-card-replacement" and state["item_index"] == 1
