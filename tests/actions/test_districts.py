"""Districts: where the office depends on where the person lives (高龄津贴: their own 街道), "在哪办" asks the
district once, numbered; the answer is remembered for the conversation and the district's office comes first."""

from __future__ import annotations

import pytest

from actions.service_info import ActionAnswerTopic
from actions.which_service import ActionChooseOption, ActionInformService
from guidekit.understanding.districts import pick_district
from tests.actions.test_actions import run

ASK = "高龄津贴在哪里办"


@pytest.fixture(autouse=True)
def _db(use_guides_db):
    yield


def test_where_for_a_service_done_in_ones_own_district_asks_the_district_first():
    text, state, slots = run(ActionAnswerTopic(), ASK, "ask_location")
    assert "您住在哪个区?" in text and "1. 青松区" in text and "2. 和平区" in text and "3. 别的区" in text
    assert "街道便民服务中心" not in text  # no address before the person says where they live
    assert state["service_id"] == "old-age-allowance" and state["topic"] == "location"
    assert slots["district_asked"] == "location"


@pytest.mark.parametrize("answer", ["2", "和平区", "我住和平那边"])
def test_the_answer_gives_that_districts_office_only(answer):
    _, _, slots = run(ActionAnswerTopic(), ASK, "ask_location")
    text, state, slots = run(ActionChooseOption(), answer, "choose_option", slots)
    assert "您家在和平区:请到和平区民生街道便民服务中心办理。" in text and "和平区幸福路12号" in text
    assert "青松区" not in text and state["topic"] == "location"
    assert slots["district"] == "和平区" and slots["district_asked"] is None


def test_the_district_is_asked_once_and_kept_for_the_hours_too():
    _, _, slots = run(ActionAnswerTopic(), ASK, "ask_location")
    _, _, slots = run(ActionChooseOption(), "1", "choose_option", slots)
    text, state, _ = run(ActionAnswerTopic(), "几点开门", "ask_hours", slots)
    assert "您住在哪个区" not in text and "青松区松柏街道便民服务中心开门的时间" in text
    assert "和平区" not in text and state["topic"] == "hours"


def test_a_district_without_an_office_says_so_and_lists_where_it_can_be_done():
    _, _, slots = run(ActionAnswerTopic(), ASK, "ask_location")
    text, _, slots = run(ActionInformService(), "东湖区", "inform_service", slots)
    assert "东湖区没有办这件事的地方。" in text and "1. " in text and "2. " in text
    assert slots["district"] == "东湖区"


def test_a_known_district_puts_its_office_first_for_other_services_too():
    _, _, slots = run(ActionAnswerTopic(), ASK, "ask_location")
    _, _, slots = run(ActionChooseOption(), "和平", "choose_option", slots)
    text, state, _ = run(ActionAnswerTopic(), "身份证换领在哪办", "ask_location", slots)
    assert state["service_id"] == "id-card-renewal"
    assert "您家在和平区:请到安康市公安局户政服务大厅办理。" in text
    assert "别的地方也能办:安康市公安局青松分局长青路派出所户籍室。" in text


def test_a_number_beyond_the_districts_asks_again_and_another_question_is_answered():
    _, _, slots = run(ActionAnswerTopic(), ASK, "ask_location")
    text, _, slots = run(ActionChooseOption(), "7", "choose_option", slots)
    assert "请您说个数字,或者说区的名字。" in text and slots["district_asked"] == "location"
    text, state, _ = run(ActionAnswerTopic(), "要花钱吗", "ask_fee", slots)
    assert state["topic"] == "fee" and "您住在哪个区" not in text


@pytest.mark.parametrize(
    "said, picked",
    [
        ("3", "别的区"),
        ("都不是", "别的区"),
        ("东湖", "东湖区"),
        ("和平区青松区都有亲戚", None),
        ("不知道", "别的区"),
        ("嗯", None),
    ],
)
def test_district_answers(said, picked):
    assert pick_district(said, ["青松区", "和平区", "别的区"], ["和平区", "青松区", "东湖区"]) == picked


# -- the kiosk's own hall ------------------------------------------------------------------------------------


def _at_kiosk(action, text: str, intent: str, kiosk, slots=None):
    text, _, slots = run(action, text, intent, slots, metadata={"kiosk": kiosk})
    return text, slots


@pytest.fixture()
def hall(monkeypatch):
    from tests.settings_reset import reset_settings

    monkeypatch.setenv(
        "BANSHI_KIOSK_HALLS",
        '{"east-1": {"安康市社保卡服务中心": "一楼5号窗口", "和平区民生街道便民服务中心": "二楼民政窗口"}}',
    )
    reset_settings()
    yield
    monkeypatch.delenv("BANSHI_KIOSK_HALLS")
    reset_settings()


def test_at_a_kiosk_in_the_hall_where_it_is_done_the_answer_is_this_hall_first(hall):
    text, _ = _at_kiosk(ActionAnswerTopic(), "补社保卡在哪里办", "ask_location", "east-1")
    assert text.startswith("【补换社保卡】\n就在本大厅办:一楼5号窗口。") and "安康市社保卡服务中心" in text
    elsewhere, _ = _at_kiosk(ActionAnswerTopic(), "补社保卡在哪里办", "ask_location", "west-2")
    assert "本大厅" not in elsewhere and "请到安康市社保卡服务中心办理" in elsewhere


def test_where_ones_district_decides_this_hall_counts_only_for_its_own_district(hall):
    text, slots = _at_kiosk(ActionAnswerTopic(), ASK, "ask_location", "east-1")
    assert "您住在哪个区?" in text  # the hall's office is 和平区's: first, where the person lives
    text, _ = _at_kiosk(ActionChooseOption(), "和平区", "choose_option", "east-1", slots)
    assert "就在本大厅办:二楼民政窗口。" in text
    _, slots = _at_kiosk(ActionAnswerTopic(), ASK, "ask_location", "east-1")
    text, _ = _at_kiosk(ActionChooseOption(), "青松区", "choose_option", "east-1", slots)
    assert "本大厅" not in text and "青松区松柏街道便民服务中心" in text
