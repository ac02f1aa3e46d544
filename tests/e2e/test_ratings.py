"""好差评 through the real stack (POST /api/chat → API → Rasa → action server), checked in the database."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from guidekit.quality.records import RatingRow, TurnRow
from guidekit.db.engine import get_engine

pytestmark = pytest.mark.e2e
CARD = "social-security-card-replacement"
ID_NUMBER, PHONE = "110101195001011234", "13812345678"


def _ratings(guides_db_url: str, session_id: str):
    with Session(get_engine(guides_db_url)) as session:
        rows = session.execute(select(RatingRow).where(RatingRow.session_id == session_id)).scalars().all()
        return [
            (r.level, r.service_id, r.channel, r.reason, r.followup is not None and r.followup.closed_at is None)
            for r in rows
        ]


def _turn_texts(guides_db_url: str, session_id: str):
    with Session(get_engine(guides_db_url)) as session:
        return list(
            session.execute(select(TurnRow.text).where(TurnRow.session_id == session_id).order_by(TurnRow.id)).scalars()
        )


def _asks_for_a_rating(body: dict) -> bool:
    last = body["messages"][-1]
    return "打个分" in last["text"] and [b["payload"] for b in last["buttons"]] == ["1", "2", "3", "4", "5"]


def test_a_bad_rating_after_goodbye_is_stored_with_its_reason_and_opens_a_follow_up(chat, guides_db_url):
    assert chat.say("补社保卡要带什么")["state"]["service_id"] == CARD
    goodbye = chat.say("再见")
    assert goodbye["state"]["topic"] == "goodbye" and _asks_for_a_rating(goodbye)
    assert [b["title"] for b in goodbye["messages"][-1]["buttons"]] == [
        "1. 非常不满意",
        "2. 不满意",
        "3. 基本满意",
        "4. 满意",
        "5. 非常满意",
    ]
    rated = chat.say("2")  # 不满意, stored as the national level 4
    assert rated["state"]["topic"] == "feedback"
    assert "谢谢您的评价" in rated["all_text"] and "哪里不满意" in rated["all_text"]
    thanked = chat.say("等了太久")
    assert "认真改进" in thanked["all_text"] and thanked["state"]["topic"] == "feedback"
    assert _ratings(guides_db_url, chat.session_id) == [(4, CARD, "api", "等了太久", True)]


def test_a_rating_given_in_words_is_stored_and_asks_no_reason(chat, guides_db_url):
    chat.say("补社保卡要带什么")
    assert _asks_for_a_rating(chat.say("再见"))
    rated = chat.say("非常满意")
    assert "谢谢您的评价" in rated["all_text"] and "哪里不满意" not in rated["all_text"]
    assert _ratings(guides_db_url, chat.session_id) == [(1, CARD, "api", None, False)]


def test_a_new_question_instead_of_a_rating_is_answered_and_stores_no_rating(chat, guides_db_url):
    chat.say("补社保卡要带什么")
    assert _asks_for_a_rating(chat.say("再见"))
    answer = chat.say("老年证在哪里办")
    assert answer["state"]["service_id"] == "senior-preferential-card" and answer["state"]["topic"] == "location"
    assert "打个分" not in answer["all_text"]
    assert _ratings(guides_db_url, chat.session_id) == []


def test_turns_are_recorded_with_personal_numbers_masked(chat, guides_db_url):
    chat.say(f"我的身份证号是{ID_NUMBER},电话{PHONE},社保卡丢了")
    (stored,) = _turn_texts(guides_db_url, chat.session_id)
    assert ID_NUMBER not in stored and PHONE not in stored
    assert "138****5678" in stored and "社保卡丢了" in stored
