"""The rating flow in the API layer on a real SQLite database: asked after goodbye, answered in one word,
差评 reason, never nagging, and a chat that still answers when the quality database is down.

The rating logic sits in chat_turn around the Rasa call; here a stand-in for the Rasa server (an
outside process) answers, so that what reaches Rasa can be checked. The real stack is in tests/e2e.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import ratings
from api.conversation import chat_turn
from api.schemas import ChatRequest, ChatResponse, ChatState, Message
from api.settings import get_api_settings
from guidekit.catalog import GuideCatalog
from guidekit.quality.records import RatingRequestRow, RatingRow, TurnRow
from api.settings import ApiSettings
from guidekit.db.engine import get_engine

CARD = "social-security-card-replacement"
ID_NUMBER, PHONE = "110101195001011234", "13812345678"


class StandInRasa:
    """Answers like Rasa's REST channel: a text and the actions' state; remembers what it was sent."""

    TOPICS = {
        "补社保卡要带什么": ("materials", CARD),
        "再见": ("goodbye", None),
        "谢谢": ("goodbye", None),
        "老年证在哪里办": ("location", "senior-preferential-card"),
    }

    def __init__(self):
        self.heard = []

    async def send(self, sender, text, metadata):
        self.heard.append(text)
        topic, service = self.TOPICS.get(text, ("fallback", None))
        return [{"text": f"回答:{text}"}, {"custom": {"state": {"topic": topic, "service_id": service}}}]


@pytest.fixture()
def engine(use_guides_db):
    return get_engine(use_guides_db)


@pytest.fixture()
def rasa():
    return StandInRasa()


@pytest.fixture()
def catalog(use_guides_db):
    return GuideCatalog()


def _req(session_id: str, text: str, channel: str = "test") -> ChatRequest:
    return ChatRequest(session_id=session_id, text=text, channel=channel)


def _sid() -> str:
    return f"r-{uuid.uuid4().hex[:12]}"


def _say(rasa, catalog, session_id: str, text: str, settings: ApiSettings = None) -> ChatResponse:
    status, reply = asyncio.run(chat_turn(rasa, catalog, _req(session_id, text), settings or get_api_settings()))
    assert status == 200
    return reply


def _ratings(engine, session_id: str):
    with Session(engine) as session:
        return [
            (r.level, r.service_id, r.channel, r.reason, r.followup is not None and r.followup.closed_at is None)
            for r in session.execute(
                select(RatingRow).where(RatingRow.session_id == session_id).order_by(RatingRow.id)
            ).scalars()
        ]


def _goodbye_after_card(engine, session_id: str, at: dt.datetime = None) -> bool:
    ratings.remember_turn(
        engine,
        _req(session_id, "补社保卡要带什么"),
        "补社保卡要带什么",
        ChatState(topic="materials", service_id=CARD),
        now=at,
    )
    return ratings.remember_turn(engine, _req(session_id, "再见"), "再见", ChatState(topic="goodbye"), now=at)


def test_a_goodbye_gets_the_rating_question_with_five_numbered_buttons(engine):
    sid = _sid()
    ratings.remember_turn(
        engine, _req(sid, "补社保卡要带什么"), "补社保卡要带什么", ChatState(topic="materials", service_id=CARD)
    )
    goodbye = ChatResponse(
        session_id=sid, messages=[Message(text="不客气。祝您办事顺利,再见!")], state=ChatState(topic="goodbye")
    )
    reply = asyncio.run(ratings.after_answer(get_api_settings(), _req(sid, "再见"), "再见", goodbye))
    assert reply.messages[0].text == "不客气。祝您办事顺利,再见!"
    question = reply.messages[-1]
    assert "打个分" in question.text and "5分非常满意" in question.text and "1分非常不满意" in question.text
    assert question.text.index("5分") < question.text.index("1分") and len(question.text) <= 60
    assert [(b.title, b.payload) for b in question.buttons] == [
        ("1. 非常不满意", "1"),
        ("2. 不满意", "2"),
        ("3. 基本满意", "3"),
        ("4. 满意", "4"),
        ("5. 非常满意", "5"),
    ]
    with Session(engine) as session:
        request = session.get(RatingRequestRow, sid)
        assert (request.service_id, request.awaiting) == (CARD, "rating")  # the guide of the conversation


def test_thanks_right_after_hello_is_not_asked_for_a_rating(engine):
    sid = _sid()
    ratings.remember_turn(engine, _req(sid, "你好"), "你好", ChatState(topic="greeting"))
    assert ratings.remember_turn(engine, _req(sid, "谢谢"), "谢谢", ChatState(topic="goodbye")) is False
    with Session(engine) as session:
        assert session.get(RatingRequestRow, sid) is None


def test_other_replies_are_recorded_masked_and_ask_nothing(engine):
    sid = _sid()
    said = f"身份证{ID_NUMBER},电话{PHONE},老年证在哪里办"
    reply = ChatResponse(
        session_id=sid,
        messages=[Message(text="在…")],
        state=ChatState(topic="location", service_id="senior-preferential-card"),
    )
    out = asyncio.run(ratings.after_answer(get_api_settings(), _req(sid, said, channel="kiosk"), said, reply))
    assert len(out.messages) == 1
    with Session(engine) as session:
        turn = session.execute(select(TurnRow).where(TurnRow.session_id == sid)).scalar_one()
        assert session.get(RatingRequestRow, sid) is None
    assert (turn.channel, turn.service_id, turn.topic) == ("kiosk", "senior-preferential-card", "location")
    assert ID_NUMBER not in turn.text and PHONE not in turn.text and "138****5678" in turn.text


def test_a_bad_rating_is_stored_then_the_next_message_becomes_its_reason(engine):
    sid = _sid()
    assert _goodbye_after_card(engine, sid)
    rated = ratings.answer_pending(engine, _req(sid, "2"), "2", "2")  # 2 of 5: 不满意
    assert [m.text for m in rated.messages] == [ratings.THANKS_FOR_RATING, ratings.REASON_QUESTION]
    assert rated.state.topic == "feedback" and rated.state.service_id == CARD
    assert _ratings(engine, sid) == [(4, CARD, "test", None, True)]
    reason = f"等了太久,我电话{PHONE}"
    thanked = ratings.answer_pending(engine, _req(sid, reason), reason, reason)
    assert [m.text for m in thanked.messages] == [ratings.THANKS_FOR_REASON]
    assert _ratings(engine, sid) == [(4, CARD, "test", "等了太久,我电话138****5678", True)]
    assert ratings.answer_pending(engine, _req(sid, "老年证在哪里办"), "老年证在哪里办", "老年证在哪里办") is None


def test_a_good_rating_in_words_is_thanked_and_asks_no_reason(engine):
    sid = _sid()
    _goodbye_after_card(engine, sid)
    rated = ratings.answer_pending(engine, _req(sid, "非常满意"), "非常满意", "非常满意")
    assert [m.text for m in rated.messages] == [ratings.THANKS_FOR_RATING]
    assert _ratings(engine, sid) == [(1, CARD, "test", None, False)]
    assert ratings.answer_pending(engine, _req(sid, "等了太久"), "等了太久", "等了太久") is None


def test_declining_to_give_a_reason_keeps_the_rating_without_one(engine):
    sid = _sid()
    _goodbye_after_card(engine, sid)
    ratings.answer_pending(engine, _req(sid, "非常不满意"), "非常不满意", "非常不满意")
    declined = ratings.answer_pending(engine, _req(sid, "不想说"), "不想说", "不想说")
    assert [m.text for m in declined.messages] == [ratings.REASON_DECLINED]
    assert _ratings(engine, sid) == [(5, CARD, "test", None, True)]


def test_a_new_question_instead_of_a_rating_clears_the_request(engine):
    sid = _sid()
    _goodbye_after_card(engine, sid)
    assert ratings.answer_pending(engine, _req(sid, "老年证在哪里办"), "老年证在哪里办", "老年证在哪里办") is None
    assert ratings.answer_pending(engine, _req(sid, "1"), "1", "1") is None  # "1" now means something else
    assert _ratings(engine, sid) == []


def test_a_request_expires_after_thirty_minutes(engine):
    sid = _sid()
    asked = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(minutes=31)
    _goodbye_after_card(engine, sid, at=asked)
    assert ratings.answer_pending(engine, _req(sid, "2"), "2", "2") is None
    assert _ratings(engine, sid) == []


def test_a_second_goodbye_soon_after_is_not_asked_again(engine):
    sid = _sid()
    assert _goodbye_after_card(engine, sid) is True
    assert ratings.remember_turn(engine, _req(sid, "谢谢"), "谢谢", ChatState(topic="goodbye")) is False


def test_chat_turn_keeps_the_rating_from_rasa_and_answers_it_as_feedback(rasa, catalog, engine):
    sid = _sid()
    _say(rasa, catalog, sid, "补社保卡要带什么")
    goodbye = _say(rasa, catalog, sid, "再见")
    assert goodbye.state.topic == "goodbye" and len(goodbye.messages[-1].buttons) == 5
    rated = _say(rasa, catalog, sid, "不满意")
    assert rated.state.topic == "feedback" and ratings.REASON_QUESTION in rated.messages[-1].text
    _say(rasa, catalog, sid, "等了太久")
    assert rasa.heard == ["补社保卡要带什么", "再见"]  # neither the rating nor the reason went to Rasa
    assert _ratings(engine, sid) == [(4, CARD, "test", "等了太久", True)]
    with Session(engine) as session:
        topics = session.execute(select(TurnRow.topic).where(TurnRow.session_id == sid).order_by(TurnRow.id)).scalars()
        assert list(topics) == ["materials", "goodbye", "feedback", "feedback"]
    assert _say(rasa, catalog, sid, "老年证在哪里办").state.topic == "location"
    assert rasa.heard[-1] == "老年证在哪里办"


def test_chat_turn_answers_a_new_question_after_the_rating_question_normally(rasa, catalog, engine):
    sid = _sid()
    _say(rasa, catalog, sid, "补社保卡要带什么")
    _say(rasa, catalog, sid, "再见")
    answer = _say(rasa, catalog, sid, "老年证在哪里办")
    assert answer.state.topic == "location" and rasa.heard[-1] == "老年证在哪里办"
    assert _ratings(engine, sid) == []


def test_the_chat_still_answers_when_the_quality_database_is_down(rasa, catalog, tmp_path, caplog):
    # A directory is no SQLite file: every quality write fails, while the guides stay readable.
    broken = get_api_settings().model_copy(update={"database_url": f"sqlite:///{tmp_path}"})
    sid = _sid()
    said = f"我电话{PHONE}"
    with caplog.at_level(logging.INFO):
        first = _say(rasa, catalog, sid, said, settings=broken)
        goodbye = _say(rasa, catalog, sid, "再见", settings=broken)
        rating = _say(rasa, catalog, sid, "1", settings=broken)
    assert first.messages[0].text.startswith("回答:")
    # No rating question: an answer to it could not be kept.
    assert goodbye.state.topic == "goodbye" and all(not m.buttons for m in goodbye.messages)
    assert rasa.heard[-1] == "1" and rating.state.topic == "fallback"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "OperationalError" in logged
    assert PHONE not in logged and "138****5678" not in logged and "再见" not in logged
