"""The rating flow of every channel (好差评), around the chat turn in api/conversation.py.

- Every turn Rasa answered is recorded (masked) in the quality tables.
- A goodbye reply gets one more message: "请您给这次服务打个分", five numbered levels with buttons.
  That the session was asked is kept in the database (rating_requests), because several API
  processes may serve one session.
- The next message: a rating (parse_rating) is stored and thanked for, without going to Rasa; after a
  差评 we ask once, optionally, why, and take the message after that as the reason. Anything else
  clears the request and is answered as a normal question: people are never asked twice.
- Requests expire after REQUEST_MINUTES. A session asked within that time is not asked again.
- The database is a side matter here: when it fails, the person still gets their answer (and is not
  asked for a rating we could not keep). The user's text is never logged.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from typing import Callable, Optional, TypeVar

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from api.schemas import Button, ChatRequest, ChatResponse, ChatState, Message
from guidekit.quality.records import (
    SCORES,
    RatingRequestRow,
    TurnRow,
    is_bad,
    parse_rating,
    record_rating,
    recorded_topic,
    record_turn,
    set_rating_reason,
    utc_now,
)
from api.settings import ApiSettings
from guidekit.db.engine import get_engine

log = logging.getLogger("banshi.ratings")
T = TypeVar("T")

REQUEST_MINUTES = 30
FEEDBACK = "feedback"
AWAITING_RATING, AWAITING_REASON = "rating", "reason"

# Written to work when read out and when typed: WeChat turns "请说" into "请回复" (api/wechat/format.py).
# One line of scores with their words, best first, as it is heard: a numbered list of five is long to listen to
# (the buttons show the five as a list).
RATING_QUESTION = (
    "请您给这次服务打个分:\n" + ",".join(f"{score}分{label}" for score, label in reversed(SCORES)) + "。\n请说数字。"
)
THANKS_FOR_RATING = "谢谢您的评价!"
REASON_QUESTION = "能说说哪里不满意吗?您说的话会交给工作人员改进。不想说也没关系。"
THANKS_FOR_REASON = "谢谢您,我们会认真改进。"
REASON_DECLINED = "好的,谢谢您。"
# Answers to "哪里不满意" that say "no, thanks" or only take leave: not a reason worth storing.
_DECLINES = re.compile(
    r"^(不想说|不说了|不用了|不用|没有|没有了|没什么|没啥|算了|没事|没事了|不了|不|"
    r"再见|拜拜|谢谢|谢谢你|谢谢您|好的|好|行)[了啊吧呀,,。.!!]*$"
)


def rating_message() -> Message:
    return Message(
        text=RATING_QUESTION, buttons=[Button(title=f"{score}. {label}", payload=str(score)) for score, label in SCORES]
    )


async def _in_thread(settings: ApiSettings, work: Callable[..., T], *args) -> T:
    """Database work off the event loop; opening the engine too, as it may connect (and upgrade the schema)."""
    return await asyncio.to_thread(lambda: work(get_engine(settings.database_url), *args))


def _storable(text: str) -> str:
    """The text without NUL characters, which PostgreSQL cannot store in a text column (psycopg2 raises
    ValueError — not a database error — and the turn would fail); nothing a person means is lost."""
    return text.replace("\x00", "")


def _expired_before(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(minutes=REQUEST_MINUTES)


# -- after Rasa answered -----------------------------------------------------------------------------


def conversation_service(session: Session, session_id: str) -> Optional[str]:
    """The guide the conversation was about: the last one recorded for the session."""
    return session.execute(
        select(TurnRow.service_id)
        .where(TurnRow.session_id == session_id, TurnRow.service_id.is_not(None))
        .order_by(TurnRow.at.desc(), TurnRow.id.desc())
        .limit(1)
    ).scalar()


def remember_turn(
    engine: Engine, req: ChatRequest, said: str, state: ChatState, now: Optional[dt.datetime] = None
) -> bool:
    """Record the turn; after a goodbye, also note that the session is asked for a rating.

    Returns whether to ask (False when the session was already asked within REQUEST_MINUTES).
    """
    now, said = now or utc_now(), _storable(said)
    with Session(engine) as session, session.begin():
        record_turn(
            session,
            session_id=req.session_id,
            channel=req.channel,
            text=said,
            service_id=state.service_id,
            topic=recorded_topic(state.topic, state.service_id, state.options),
            at=now,
        )
        if state.topic != "goodbye":
            return False
        session.execute(delete(RatingRequestRow).where(RatingRequestRow.asked_at < _expired_before(now)))
        if session.get(RatingRequestRow, req.session_id) is not None:
            return False  # asked a moment ago (a second 再见, or a 谢谢 then a 再见): never nag
        about = conversation_service(session, req.session_id)
        if about is None:
            return False  # "你好" then "谢谢": no matter was answered, so there is nothing to rate
        session.add(
            RatingRequestRow(
                session_id=req.session_id,
                service_id=about,
                asked_at=now,
                awaiting=AWAITING_RATING,
                slow_speech=state.slow_speech,
            )
        )
        return True


async def after_answer(settings: ApiSettings, req: ChatRequest, said: str, reply: ChatResponse) -> ChatResponse:
    """Record the answered turn (in a thread) and add the rating question to a goodbye."""
    try:
        ask = await _in_thread(settings, remember_turn, req, said, reply.state)
    except SQLAlchemyError as exc:
        log.error("a %s turn was not recorded (quality database): %s", req.channel, exc.__class__.__name__)
        return reply
    if ask:
        reply.messages.append(rating_message())
    return reply


# -- the message after the question ------------------------------------------------------------------


def _feedback(req: ChatRequest, request: RatingRequestRow, *texts: str) -> ChatResponse:
    return ChatResponse(
        session_id=req.session_id,
        messages=[Message(text=t) for t in texts],
        state=ChatState(topic=FEEDBACK, service_id=request.service_id, slow_speech=bool(request.slow_speech)),
    )


def _claim(session: Session, request: RatingRequestRow, **changes) -> bool:
    """Move the request on only if no other process did it first (one rating per question)."""
    result = session.execute(
        update(RatingRequestRow)
        .where(
            RatingRequestRow.session_id == request.session_id,
            RatingRequestRow.awaiting == request.awaiting,
            RatingRequestRow.asked_at == request.asked_at,
        )
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def answer_pending(
    engine: Engine, req: ChatRequest, said: str, prepared: str, now: Optional[dt.datetime] = None
) -> Optional[ChatResponse]:
    """The reply to a rating or a reason, or None: the message is a normal question for Rasa.

    `said` is the masked text as the person wrote it (stored as the reason); `prepared` the same
    after pinyin/dialect conversion, tried too when reading a rating.
    """
    now, said, prepared = now or utc_now(), _storable(said), _storable(prepared)
    with Session(engine) as session, session.begin():
        request = session.get(RatingRequestRow, req.session_id)
        if request is None or request.awaiting is None or request.asked_at < _expired_before(now):
            return None
        if request.awaiting == AWAITING_REASON:
            return _take_reason(session, req, request, said, now)
        level = parse_rating(said) or parse_rating(prepared)
        if level is None:
            _claim(session, request, awaiting=None)  # the person moved on
            return None
        return _take_rating(session, req, request, level, said, now)


def _take_rating(
    session: Session, req: ChatRequest, request: RatingRequestRow, level: int, said: str, now: dt.datetime
) -> Optional[ChatResponse]:
    bad = is_bad(level)
    if not _claim(session, request, awaiting=AWAITING_REASON if bad else None, asked_at=now):
        return None
    rating = record_rating(
        session, session_id=req.session_id, channel=req.channel, service_id=request.service_id, level=level, at=now
    )
    if bad:
        session.execute(
            update(RatingRequestRow)
            .where(RatingRequestRow.session_id == req.session_id)
            .values(rating_id=rating.id)
            .execution_options(synchronize_session=False)
        )
    record_turn(
        session,
        session_id=req.session_id,
        channel=req.channel,
        text=said,
        service_id=request.service_id,
        topic=FEEDBACK,
        at=now,
    )
    if bad:
        return _feedback(req, request, THANKS_FOR_RATING, REASON_QUESTION)
    return _feedback(req, request, THANKS_FOR_RATING)


def _take_reason(
    session: Session, req: ChatRequest, request: RatingRequestRow, said: str, now: dt.datetime
) -> Optional[ChatResponse]:
    rating_id = request.rating_id
    if not _claim(session, request, awaiting=None):
        return None
    record_turn(
        session,
        session_id=req.session_id,
        channel=req.channel,
        text=said,
        service_id=request.service_id,
        topic=FEEDBACK,
        at=now,
    )
    if _DECLINES.match(said.strip()) or rating_id is None:
        return _feedback(req, request, REASON_DECLINED)
    set_rating_reason(session, rating_id, said)
    return _feedback(req, request, THANKS_FOR_REASON)


async def take_rating_turn(settings: ApiSettings, req: ChatRequest, said: str, prepared: str) -> Optional[ChatResponse]:
    """Before Rasa: the answer to a pending rating question, or None to go on as usual."""
    try:
        return await _in_thread(settings, answer_pending, req, said, prepared)
    except SQLAlchemyError as exc:
        log.error("rating check skipped for a %s turn (quality database): %s", req.channel, exc.__class__.__name__)
        return None
