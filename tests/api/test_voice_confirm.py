"""Asking back before answering words the recogniser was unsure of (api/voice/confirm.py)."""

from __future__ import annotations

import asyncio

import pytest

from api.voice.confirm import NO, YES, Confirming, PendingConfirmations, question_back, say_again, spoken_answer


def run(coroutine):
    return asyncio.run(coroutine)


def test_unsure_words_are_held_and_asked_back_sure_ones_are_not():
    checks = Confirming(PendingConfirmations())
    assert run(checks.hold_if_unsure("kiosk:a", "断残疾证要准备什么东西", 0.41, 0.5)) == "断残疾证要准备什么东西"
    assert run(checks.hold_if_unsure("kiosk:b", "办残疾证要准备什么东西", 0.84, 0.5)) is None
    # An engine that gives no confidence (a platform's own text) is never asked back.
    assert run(checks.hold_if_unsure("kiosk:c", "办残疾证要准备什么东西", None, 0.5)) is None


def test_yes_answers_the_held_words_no_asks_to_say_it_again():
    checks = Confirming(PendingConfirmations())
    run(checks.hold_if_unsure("kiosk:a", "断残疾证要准备什么东西", 0.3, 0.5))
    settled = run(checks.settle("kiosk:a", "是"))
    assert settled.confirmed and settled.text == "断残疾证要准备什么东西" and not settled.again
    run(checks.hold_if_unsure("kiosk:a", "断残疾证要准备什么东西", 0.3, 0.5))
    assert run(checks.settle("kiosk:a", "不是")).again


def test_the_kiosk_buttons_payloads_are_read_as_yes_and_no():
    for (_, payload), expected in ((YES, "confirmed"), (NO, "again")):
        checks = Confirming(PendingConfirmations())
        run(checks.hold_if_unsure("kiosk:a", "补社保卡要带什么", 0.3, 0.5))
        assert getattr(run(checks.settle("kiosk:a", payload)), expected)


def test_a_new_question_instead_of_yes_is_heard_afresh_and_the_held_words_are_dropped():
    checks = Confirming(PendingConfirmations())
    run(checks.hold_if_unsure("kiosk:a", "武士宝卡要带什么", 0.3, 0.5))
    settled = run(checks.settle("kiosk:a", "老年证在哪里办"))
    assert settled.text == "老年证在哪里办" and not settled.confirmed and not settled.again
    assert run(checks.settle("kiosk:a", "是")).text == "是"  # nothing waits any more: 是 is just 是


def test_one_conversations_yes_never_answers_anothers_words():
    checks = Confirming(PendingConfirmations())
    run(checks.hold_if_unsure("kiosk:a", "补社保卡要带什么", 0.3, 0.5))
    assert not run(checks.settle("kiosk:b", "是")).confirmed
    assert run(checks.settle("kiosk:a", "是")).confirmed


def test_personal_numbers_are_masked_before_they_are_kept_and_shown_back():
    checks = Confirming(PendingConfirmations())
    held = run(checks.hold_if_unsure("kiosk:a", "我的身份证号是110101194001011234", 0.3, 0.5))
    assert held is not None and "110101194001011234" not in held


def test_the_question_back_shows_the_words_first_with_two_buttons_and_says_plainly():
    reply = question_back("kiosk:a", "补社保卡要带什么")
    message = reply.messages[0]
    assert message.text == "您说的是「补社保卡要带什么」吗?"
    assert [(b.title, b.payload) for b in message.buttons] == [YES, NO]
    assert reply.state.topic == "clarify"
    again = say_again("kiosk:a").messages[0].text
    assert "您" in again and all(len(s) <= 16 for s in again.split("。") if s)


@pytest.mark.parametrize(
    "heard, answer",
    [("试试", True), ("施登", True), ("是等", True), ("对等", True), ("是是是", True), ("不许", False), ("不", False)],
)
def test_a_short_spoken_answer_is_read_by_its_sound(heard, answer):
    """What Whisper base wrote for a synthesised 是, 是的, 对的 and 不是 (see spoken_answer)."""
    assert spoken_answer(heard) is answer
    checks = Confirming(PendingConfirmations())
    run(checks.hold_if_unsure("kiosk:a", "补社保卡要带什么", 0.3, 0.5))
    settled = run(checks.settle("kiosk:a", heard, spoken=True))
    assert settled.confirmed is answer and settled.again is (not answer)


@pytest.mark.parametrize("said", ["补社保卡", "社保卡在哪补", "十点开门吗", "试试"])
def test_a_new_question_is_not_taken_for_an_answer(said):
    """Longer replies are questions of their own; typed replies are read as written (试试 typed is no 是)."""
    checks = Confirming(PendingConfirmations())
    run(checks.hold_if_unsure("kiosk:a", "补社保卡要带什么", 0.3, 0.5))
    settled = run(checks.settle("kiosk:a", said, spoken=len(said) > 2))
    assert settled.text == said and not settled.confirmed and not settled.again


def test_while_a_question_waits_the_recogniser_is_told_to_expect_the_answers():
    checks = Confirming(PendingConfirmations())
    assert run(checks.expecting("kiosk:a")) == ()
    run(checks.hold_if_unsure("kiosk:a", "补社保卡要带什么", 0.3, 0.5))
    assert "是的" in run(checks.expecting("kiosk:a")) and "不是" in run(checks.expecting("kiosk:a"))
    assert run(checks.expecting("kiosk:b")) == ()
    run(checks.settle("kiosk:a", "是"))
    assert run(checks.expecting("kiosk:a")) == ()
