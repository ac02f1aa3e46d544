"""The walkthrough of issue 14 ("talk like a patient clerk") replayed through the real stack, one test per
problem found: what a hard-of-hearing person, a question about the current material, a polite 谢谢, a star-minded
rating, a phone number read aloud and a number typed after the WeChat welcome used to get wrong."""

from __future__ import annotations

import pytest

from tests.api.conftest import TOKEN, post
from tests.api.wechat_protocol import event_xml, reply_content, signed_params, text_xml
from tests.e2e.test_ratings import _asks_for_a_rating, _ratings
from tests.e2e.test_voice import Caller
from tests.e2e.test_wechat import wechat, fake_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.e2e
CARD = "social-security-card-replacement"
ID_CARD = "id-card-reissue"


# -- 2. wrong turns on ordinary sentences ------------------------------------------------------------------


def test_a_person_who_did_not_hear_gets_the_item_again_not_another_service(chat):
    first = chat.say("补社保卡要带什么")
    again = chat.say("你说啥 听不见")
    assert again["state"]["service_id"] == CARD and again["state"]["item_index"] == 1
    assert again["all_text"].startswith("第1样") and "残疾" not in again["all_text"]
    assert first["messages"][0]["text"].split("。")[0] == again["messages"][0]["text"].split("。")[0]


def test_how_many_copies_is_answered_and_is_no_goodbye(chat):
    chat.say("补社保卡要带什么")
    answer = chat.say("这些东西复印几份")
    assert answer["state"]["topic"] != "goodbye" and answer["state"]["service_id"] == CARD
    assert "再见" not in answer["all_text"] and "打个分" not in answer["all_text"]
    assert "复印" in answer["all_text"] or "原件" in answer["all_text"]


def test_whether_to_bring_the_photo_oneself_is_answered_about_the_photo(chat):
    first = chat.say("补社保卡要带什么")
    answer = chat.say("照片要自己带吗")
    assert answer["state"]["service_id"] == CARD
    assert "照片" in answer["all_text"] and answer["all_text"] != first["all_text"]
    assert not answer["all_text"].startswith("第1样")


@pytest.mark.parametrize("question", ["啥时候能拿到", "什么时候能拿到新证"])
def test_when_it_is_ready_in_an_id_card_walk_is_the_id_cards_duration(chat, question):
    chat.say("补办身份证要带什么")
    answer = chat.say(question)
    assert answer["state"]["service_id"] == ID_CARD and answer["state"]["topic"] == "duration"
    assert "退休" not in answer["all_text"] and "没有办事指南" not in answer["all_text"]


def test_doing_it_on_the_phone_is_the_online_answer_not_an_unknown_service(chat):
    chat.say("补社保卡要带什么")
    answer = chat.say("手机上能弄吗")
    assert answer["state"]["topic"] == "online" and answer["state"]["service_id"] == CARD
    assert "还没有办事指南" not in answer["all_text"]


# -- 5. rating --------------------------------------------------------------------------------------------


def test_five_means_the_best_as_with_stars(chat, guides_db_url):
    chat.say("补社保卡要带什么")
    assert _asks_for_a_rating(chat.say("再见"))
    rated = chat.say("5")
    assert "谢谢您的评价" in rated["all_text"] and "哪里不满意" not in rated["all_text"]
    assert _ratings(guides_db_url, chat.session_id) == [(1, CARD, "api", None, False)]  # national 1 = 非常满意


def test_full_marks_in_words_is_the_best_rating(chat, guides_db_url):
    chat.say("补社保卡要带什么")
    assert _asks_for_a_rating(chat.say("再见"))
    chat.say("给你打满分")
    assert _ratings(guides_db_url, chat.session_id) == [(1, CARD, "api", None, False)]


def test_thanks_right_after_hello_is_no_goodbye_and_asks_no_rating(chat):
    chat.say("你好")
    thanks = chat.say("谢谢")
    assert "不客气" in thanks["all_text"] and "还有别的要问" in thanks["all_text"]
    assert "打个分" not in thanks["all_text"] and not thanks["messages"][-1]["buttons"]


# -- 7. speech and WeChat slips ---------------------------------------------------------------------------


def test_a_phone_number_is_read_digit_by_digit_without_a_range_word(stack):
    caller = Caller(stack.cfg.api_url)
    caller.say("补社保卡要带什么")
    body = caller.say("找人工")
    assert "0000-12333" in body["reply_text"]
    assert "零零零零,幺二三三三" in body["speech_text"] and "到幺" not in body["speech_text"]


def test_a_number_after_the_wechat_welcome_asks_that_example(wechat):  # noqa: F811
    url = wechat.cfg.api_url
    welcome = reply_content(post(url, signed_params(TOKEN), event_xml("oE2E-welcome", "subscribe")).text)
    assert "1. " in welcome and "语音" in welcome
    answer = reply_content(post(url, signed_params(TOKEN), text_xml("oE2E-welcome", "1", 9501), timeout=10).text)
    assert "没听明白" not in answer and "第1样" in answer
