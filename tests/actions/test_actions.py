"""The actions themselves, run as the action server runs them: rasa_sdk Tracker and CollectingDispatcher."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.which_service import ActionChooseOption, ActionInformService
from actions.fallback import ActionFallback
from actions.checklist import ActionMarkHave, ActionWhatsLeft
from actions.materials import (
    ActionListMaterials,
    ActionMaterials,
    ActionNextMaterial,
    ActionPreviousMaterial,
    ActionRepeatMaterial,
)
from actions.proxy import ActionProxy
from actions.service_info import ActionAnswerTopic


def run(action, text: str, intent: str, slots: Optional[Dict[str, Any]] = None, metadata: Optional[dict] = None):
    """`metadata`: what the API sends along with the words (the kiosk's id)."""
    tracker = Tracker(
        "u1",
        dict(slots or {}),
        {"text": text, "intent": {"name": intent, "confidence": 0.9}, "metadata": metadata or {}},
        [],
        False,
        None,
        {},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    new_slots = dict(slots or {})
    new_slots.update({e["name"]: e["value"] for e in events if e["event"] == "slot"})
    texts = "\n".join(m.get("text") or "" for m in dispatcher.messages)
    state = next(m["custom"]["state"] for m in dispatcher.messages if m.get("custom"))
    return texts, state, new_slots


@pytest.fixture(autouse=True)
def _db(use_guides_db):
    yield


def test_materials_start_at_item_one_and_set_slots():
    text, state, slots = run(ActionMaterials(), "补社保卡要带什么", "ask_materials")
    assert state["item_index"] == 1 and state["topic"] == "materials"
    assert slots["service_id"] == "social-security-card-replacement" and slots["item_index"] == 1
    assert "第1样" in text


def test_next_after_last_material_says_that_was_all():
    _, state, slots = run(ActionMaterials(), "补社保卡要带什么", "ask_materials")
    for _ in range(state["item_count"] - 1):
        _, state, slots = run(ActionNextMaterial(), "下一个", "next_item", slots)
    text, state, slots = run(ActionNextMaterial(), "下一个", "next_item", slots)
    assert "就是这些了" in text and state["item_index"] is None


def test_previous_on_first_item_stays_and_says_so():
    _, _, slots = run(ActionMaterials(), "补社保卡要带什么", "ask_materials")
    text, state, _ = run(ActionPreviousMaterial(), "上一个", "previous_item", slots)
    assert state["item_index"] == 1 and "第一样" in text


def test_mark_have_ticks_the_current_item_and_goes_on_to_the_next():
    _, _, slots = run(ActionMaterials(), "补社保卡要带什么", "ask_materials")
    text, state, slots = run(ActionMarkHave(), "这个我有了", "have_item", slots)
    assert slots["checked"] == ["身份证"]
    assert "身份证记下了。还差2样。" in text and "第2样,旧社保卡" in text and state["item_index"] == 2
    _, _, slots = run(ActionMarkHave(), "有了", "have_item", slots)
    assert slots["checked"] == ["身份证", "旧社保卡"]


def test_mark_have_on_the_last_item_stays_and_points_to_what_is_left():
    _, _, slots = run(ActionMaterials(), "补社保卡要带什么", "ask_materials")
    for _ in range(2):
        _, _, slots = run(ActionNextMaterial(), "下一个", "next_item", slots)
    text, state, slots = run(ActionMarkHave(), "这个我有了", "have_item", slots)
    assert slots["checked"] == ["照片"] and state["item_index"] == 3
    assert "照片记下了。还差2样。" in text and "还差哪些" in text
    text, state, slots = run(ActionMarkHave(), "这个我有了", "have_item", slots)
    assert slots["checked"] == ["照片"] and state["item_index"] == 3  # ticked once only


def test_a_whole_question_heard_as_a_navigation_word_is_answered_by_its_meaning():
    # 还有 made it sound like "还有呢"; it is a question of where else to hand the certificate in.
    for action, intent in ((ActionNextMaterial(), "next_item"), (ActionMarkHave(), "have_item")):
        text, state, slots = run(action, "七十多岁交驾照的体检证明,除了车管所,还有别的地方能交吗", intent)
        assert state["service_id"] == "senior-driving-license-health" and state["topic"] == "location"
        assert not slots.get("checked") and "没听明白" not in text


def test_a_long_navigation_phrase_still_walks_the_list():
    _, _, slots = run(ActionMaterials(), "补社保卡要带什么", "ask_materials")
    text, state, _ = run(ActionNextMaterial(), "好的那你接着往下说下一样东西吧", "next_item", slots)
    assert state["topic"] == "materials" and state["item_index"] == 2


def test_a_move_in_words_the_classifier_could_not_place_still_walks_the_list():
    # "后头还有没" is neither a training sentence nor a misheard navigation word: its meaning is the next item.
    _, _, slots = run(ActionMaterials(), "补社保卡要带什么", "ask_materials")
    text, state, slots = run(ActionFallback(), "后头还有没", "nlu_fallback", slots)
    assert state["topic"] == "materials" and state["item_index"] == 2 and "没听明白" not in text
    text, state, slots = run(ActionFallback(), "倒回去一个", "nlu_fallback", slots)
    assert state["item_index"] == 1 and "没听明白" not in text
    text, state, _ = run(ActionFallback(), "还有啥没讲的", "nlu_fallback", slots)
    assert state["topic"] == "materials" and state["item_index"] == 2 and "后面还有2样" in text


def test_what_else_in_the_middle_of_the_list_is_the_next_item_not_every_item_again():
    # "还要啥" after 第1样: the person listens one at a time and has ticked nothing; "还差3样: 1. 身份证 …"
    # read out the item just heard again, and the place was lost.
    _, _, slots = run(ActionMaterials(), "补社保卡要带什么", "ask_materials")
    text, state, slots = run(ActionWhatsLeft(), "还要啥", "whats_left", slots)
    assert state["item_index"] == 2 and "后面还有2样" in text and "第2样" in text and "第1样" not in text
    text, state, slots = run(ActionRepeatMaterial(), "再说一遍", "repeat_item", slots)
    assert state["item_index"] == 2 and "第2样" in text
    # "还差哪些" (said, or its button) asks what is still lacking: the checklist, every item not ticked.
    for said in ("还差哪些", "/whats_left"):
        text, state, _ = run(ActionWhatsLeft(), said, "whats_left", slots)
        assert "还差3样" in text and "身份证" in text and state["item_index"] is None
    # … and so does anything once items are ticked.
    _, _, slots = run(ActionMarkHave(), "这个我有了", "have_item", slots)
    text, state, _ = run(ActionWhatsLeft(), "还要啥", "whats_left", slots)
    assert "还差2样" in text and "身份证" in text and state["item_index"] is None


def test_a_short_question_the_classifier_could_not_place_does_not_move_the_list():
    _, _, slots = run(ActionMaterials(), "补社保卡要带什么", "ask_materials")
    _, state, _ = run(ActionFallback(), "要钱吗", "nlu_fallback", slots)
    assert state["item_index"] != 2


def test_a_service_named_with_a_word_or_two_besides_starts_its_list_and_is_no_complaint():
    # Besides 社保卡 only 我的 … 丢了 is left: too little to read a topic from (it was read as a complaint).
    for text in ("我的社保卡丢了", "门诊慢特病人定"):
        _, state, _ = run(ActionInformService(), text, "inform_service")
        assert state["topic"] == "materials" and state["item_index"] == 1, text


def test_a_second_service_named_in_a_question_heard_as_the_whole_list_is_kept_for_later():
    # "一起办" was heard as "全部说一遍": the whole list of the first, and the second is not forgotten.
    text, state, slots = run(ActionListMaterials(), "办残疾证和申请低保能一起办吗", "list_all")
    assert state["service_id"] == "disability-certificate" and state["topic"] == "materials"
    assert "您还说到了「申请低保」" in text
    assert slots["later"] == ["minimum-living-allowance"]


def test_topic_without_any_service_asks_which_one():
    text, state, slots = run(ActionAnswerTopic(), "在哪办", "ask_location")
    assert state["service_id"] is None and "哪件事" in text and "12345" in text
    assert slots["pending_topic"] == "location"


def test_a_service_heard_as_picking_an_option_when_none_was_offered_is_answered():
    # The intent classifier hears "…那个" as picking; nothing was offered, and it names a service.
    text, state, _ = run(ActionChooseOption(), "补社保卡那个", "choose_option")
    assert state["service_id"] == "social-security-card-replacement" and "没听明白" not in text
    # A number alone, with nothing offered and no list being read, is still not understood.
    text, state, _ = run(ActionChooseOption(), "第二个", "choose_option")
    assert state["service_id"] is None and "没听明白" in text


def test_clarify_then_choose_by_chinese_number_answers_the_pending_topic():
    text, state, slots = run(ActionAnswerTopic(), "身份证在哪办", "ask_location")
    assert state["topic"] == "clarify" and len(state["options"]) == 2
    text, state, _ = run(ActionChooseOption(), "第二个", "choose_option", slots)
    assert state["service_id"] == slots["options"][1] and state["topic"] == "location"


def test_a_numbered_question_is_asked_again_with_its_options_after_another_reply():
    _, state, slots = run(ActionAnswerTopic(), "身份证在哪办", "ask_location")
    options = state["options"]
    # Not an answer to the question: the same options again, not a general "您想办哪件事".
    text, state, slots = run(ActionAnswerTopic(), "要带什么", "ask_materials", slots)
    assert state["topic"] == "clarify" and state["options"] == options
    assert "1. " in text and "2. " in text and "您想办哪件事" not in text
    text, state, slots = run(ActionNextMaterial(), "下一个", "next_item", slots)
    assert state["topic"] == "clarify" and state["options"] == options
    # … and a number then answers the question last asked.
    _, state, _ = run(ActionChooseOption(), "1", "choose_option", slots)
    assert state["service_id"] == options[0] and state["topic"] == "materials"


def test_a_question_after_a_yes_no_suggestion_goes_on_with_the_suggested_service():
    slots = {"options": ["funeral-allowance"], "pending_topic": "materials"}
    # "您是想问「丧葬补助金和抚恤金领取」吗?" answered with a question about it, not with 是.
    text, state, slots = run(ActionAnswerTopic(), "要去社保局吗", "ask_location", slots)
    assert state["service_id"] == "funeral-allowance" and state["topic"] == "location"
    assert state["options"] == [] and "丧葬" in text


def test_something_we_have_no_guide_for_after_a_yes_no_suggestion_gets_no_guide():
    slots = {"options": ["funeral-allowance"], "pending_topic": "materials"}
    text, state, _ = run(ActionAnswerTopic(), "护照在哪办", "ask_location", slots)
    assert state["service_id"] is None and "护照" in text


@pytest.mark.parametrize(
    "action, text, intent",
    [
        (ActionNextMaterial(), "下一个", "next_item"),
        (ActionPreviousMaterial(), "上一个", "previous_item"),
        (ActionRepeatMaterial(), "重复一边", "repeat_item"),
        (ActionMarkHave(), "这个我有了", "have_item"),
    ],
)
def test_a_navigation_word_while_a_yes_no_question_waits_asks_it_again(action, text, intent):
    slots = {"options": ["funeral-allowance"], "pending_topic": "materials", "topic": "clarify"}
    said, state, _ = run(action, text, intent, slots)
    assert state["topic"] == "clarify" and state["options"] == ["funeral-allowance"]
    assert "领丧葬费" in said and "是" in said


def test_a_worried_description_heard_as_a_complaint_is_answered_as_the_question_it_is():
    from actions.handoff import ActionHandoff

    _, state, _ = run(ActionHandoff(), "看病时刷的那张卡芯片坏了,机器读不出来", "handoff")
    assert state["service_id"] == "social-security-card-replacement" and state["topic"] == "materials"
    _, state, _ = run(ActionHandoff(), "上次去换卡等了一个月都没拿到,你们到底怎么回事", "handoff")
    assert state["topic"] == "handoff"


def test_a_wish_to_hear_it_again_repeats_and_is_never_read_as_deafness():
    slots = {"service_id": "id-card-reissue", "item_index": 2, "topic": "materials"}
    text, state, _ = run(ActionRepeatMaterial(), "你说啥 听不见", "repeat_item", slots)
    assert state["service_id"] == "id-card-reissue" and state["item_index"] == 2 and "第2样" in text
    text, state, _ = run(ActionRepeatMaterial(), "你说啥 听不见", "repeat_item")
    assert state["service_id"] is None and "残疾" not in text


def test_questions_about_an_item_are_answered_from_its_fields_whatever_intent_was_heard():
    from actions.smalltalk import ActionGoodbye
    from guidekit.catalog import ROOT
    from guidekit.guides.loader import read_guide_file

    guide = read_guide_file(ROOT / "guides" / "chronic-disease-outpatient.yml")
    items = guide.materials_to_bring(with_proxy=False)
    both = next(n for n, m in enumerate(items, 1) if m.form.value == "原件和复印件")
    only_original = next(
        n for n, m in enumerate(items, 1) if m.form.value == "原件" and m.where_to_get.value != "系统自动获取"
    )
    walk = {"service_id": guide.id, "item_index": both, "topic": "materials"}
    # "复印几份" was heard as a goodbye and ended the conversation.
    text, state, _ = run(ActionGoodbye(), "这些东西复印几份", "goodbye", walk)
    assert state["topic"] == "materials" and state["service_id"] == guide.id and "再见" not in text
    assert text.startswith(items[both - 1].name) and f"复印{items[both - 1].copies}份" in text
    walk["item_index"] = only_original
    text, state, _ = run(ActionMaterials(), "复印几份", "ask_materials", walk)
    assert text.startswith(f"{items[only_original - 1].name}:不用复印") and state["item_index"] == only_original
    # An item named by the question, not the current one.
    named = items[both - 1].name
    walk["item_index"] = 1
    text, state, _ = run(ActionMaterials(), f"{named}要自己带吗", "ask_materials", walk)
    assert text.startswith(named) and state["item_index"] == both


def test_a_material_question_outside_a_walk_is_an_ordinary_question():
    text, state, _ = run(ActionMaterials(), "补社保卡要带原件还是复印件", "ask_materials")
    assert state["service_id"] == "social-security-card-replacement" and state["item_index"] == 1


def test_proxy_not_allowed_keeps_proxy_mode_off():
    _, state, slots = run(ActionProxy(), "身份证到期了让儿子去办", "ask_proxy")
    assert state["service_id"] == "id-card-renewal"
    assert slots.get("proxy_mode") in (None, False)


def test_two_misunderstandings_in_a_row_offer_a_person():
    text1, _, slots = run(ActionFallback(), "呜呜呜", "nlu_fallback")
    assert "转人工" not in text1
    text2, state, slots = run(ActionFallback(), "呜呜呜", "nlu_fallback", slots)
    assert "转人工" in text2 and state["topic"] == "fallback"
    text3, _, slots = run(ActionMaterials(), "补社保卡要带什么", "ask_materials", slots)
    assert "转人工" not in text3 and slots["misunderstandings"] == 0


def test_clarify_answered_with_words_even_when_nlu_says_inform_service():
    from actions.which_service import ActionInformService

    _, state, slots = run(ActionMaterials(), "身份证要带什么", "ask_materials")
    assert state["topic"] == "clarify"
    text, state, _ = run(ActionInformService(), "丢了的那个", "inform_service", slots)
    assert state["service_id"] == "id-card-reissue" and state["item_index"] == 1


def test_vague_word_without_a_service_asks_which_one_with_numbered_options():
    text, state, _ = run(ActionAnswerTopic(), "补领在哪办", "ask_location")
    assert state["topic"] == "clarify"
    assert set(state["options"]) == {"id-card-reissue", "social-security-card-replacement"}
    assert "1. " in text and "2. " in text and "3. " not in text


def test_vague_word_keeps_the_service_already_being_discussed():
    _, _, slots = run(ActionMaterials(), "老年优待证要带什么", "ask_materials")
    assert slots["service_id"] == "senior-preferential-card"
    text, state, _ = run(ActionAnswerTopic(), "补领在哪办", "ask_location", slots)
    assert state["topic"] == "location" and state["service_id"] == "senior-preferential-card"


def test_a_question_left_unanswered_is_restated_in_other_words_twice_then_a_person_is_offered():
    """ "我下个月退休…" was asked which of two; "这个复印几份", "下一个", "上一个" answer nothing: never the same
    words twice in a row, and no fourth round of the same question."""
    slots = {
        "options": ["housing-fund-retirement-withdrawal", "retirement-pension-claim"],
        "pending_topic": "materials",
        "topic": "clarify",
    }
    first, state, slots = run(ActionNextMaterial(), "下一个", "next_item", slots)
    assert state["options"] == ["housing-fund-retirement-withdrawal", "retirement-pension-claim"]
    assert "1. 退休取公积金" in first and "2. 办退休" in first
    second, state, slots = run(ActionPreviousMaterial(), "上一个", "previous_item", slots)
    assert second != first and "1是退休取公积金" in second and state["options"]
    third, state, slots = run(ActionNextMaterial(), "下一个", "next_item", slots)
    assert state["options"] == [] and "转人工" in third and "退休取公积金" not in third
    assert len({first, second, third}) == 3


def test_hint_is_given_again_after_a_misunderstanding():
    _, _, slots = run(ActionMaterials(), "补社保卡要带什么", "ask_materials")
    assert slots["hinted"] is True
    _, _, slots = run(ActionFallback(), "呜呜呜啦啦啦", "nlu_fallback", slots)
    assert not slots["hinted"]
    text, _, _ = run(ActionNextMaterial(), "下一个", "next_item", slots)
    assert "说「下一个」" in text


def test_may_i_claim_with_the_verb_in_the_service_name_asks_who_qualifies():
    # The name matched is 领高龄津贴: with its verb taken out too, "我妈妈八十五岁,可以吗" was read as asking
    # whether someone else may go for her (and the intent classifier heard that as well).
    text, state, _ = run(ActionProxy(), "我妈妈八十五岁,可以领高龄津贴吗", "ask_proxy")
    assert state["service_id"] == "old-age-allowance" and state["topic"] == "eligibility", text


def test_the_one_before_not_heard_is_said_again_not_the_current_one():
    # "上一个没听清" was heard as "say it again" (没听清) and repeated item 2.
    _, _, slots = run(ActionMaterials(), "补社保卡要带什么", "ask_materials")
    _, _, slots = run(ActionNextMaterial(), "下一个", "next_item", slots)
    text, state, _ = run(ActionRepeatMaterial(), "上一个没听清", "repeat_item", slots)
    assert state["item_index"] == 1 and "第1样" in text
    text, state, _ = run(ActionRepeatMaterial(), "没听清", "repeat_item", slots)
    assert state["item_index"] == 2 and "第2样" in text


def test_thanks_and_goodbye_together_is_a_goodbye_even_when_the_classifier_is_torn():
    # "好的谢谢,再见": goodbye 0.51, thank 0.49 — too close for the classifier, which then says nlu_fallback.
    message = {
        "text": "好的谢谢,再见",
        "intent": {"name": "nlu_fallback", "confidence": 0.45},
        "intent_ranking": [
            {"name": "goodbye", "confidence": 0.51},
            {"name": "thank", "confidence": 0.49},
            {"name": "nlu_fallback", "confidence": 0.45},
        ],
        "metadata": {},
    }
    tracker = Tracker("u1", {}, message, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionFallback().run(dispatcher, tracker, {}))
    state = next(m["custom"]["state"] for m in dispatcher.messages if m.get("custom"))
    assert state["topic"] == "goodbye"
    assert "没听明白" not in "\n".join(m.get("text") or "" for m in dispatcher.messages)
    # Torn between other readings, it is still "not understood".
    message["intent_ranking"] = [{"name": "ask_fee", "confidence": 0.5}, {"name": "thank", "confidence": 0.49}]
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionFallback().run(dispatcher, Tracker("u1", {}, message, [], False, None, {}, "action_listen"), {}))
    assert "没听明白" in "\n".join(m.get("text") or "" for m in dispatcher.messages)
