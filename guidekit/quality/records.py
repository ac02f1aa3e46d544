"""服务质量监测, the data side: what was asked, how people rated it, and what staff did about 差评.

Tables (on guidekit.db.Base; the migrations create them): every chat turn (`turns`), every rating
on the national 好差评 scale (`ratings`), one follow-up per 差评 (`followups`), the questions an editor
sent to the training data (`training_suggestions`) and the sessions that were just asked for a
rating (`rating_requests`, used by api/ratings.py).

Rules that hold everywhere in this module:
- Texts are masked with mask_personal_numbers before they are stored, whoever calls.
- Ratings are never deleted or filtered out; a 差评 opens its follow-up in the same transaction.
- Functions that take a Session add and flush but do not commit: the caller owns the transaction
  (`with Session(engine) as s, s.begin(): ...`), so a rating and its follow-up commit together.
- Times are UTC without tzinfo, as in guidekit.guides.store; periods are half-open: since <= at < until.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import unicodedata
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    case,
    delete,
    distinct,
    func,
    select,
)
from sqlalchemy.orm import Session, relationship, selectinload

from guidekit.db.base import Base, utc_now
from guidekit.privacy import mask_personal_numbers
from guidekit.understanding.textnorm import normalize, parse_option_number, strip_fillers

# -- the 好差评 scale ------------------------------------------------------------------------------

LEVELS: List[Tuple[int, str]] = [(1, "非常满意"), (2, "满意"), (3, "基本满意"), (4, "不满意"), (5, "非常不满意")]
LABELS: Dict[int, str] = dict(LEVELS)
# What people are asked: a score that reads like stars, 5 the best ("给你打五分"/"满分" mean the best; a user who
# typed "5" on the old 1-best list was recorded as 非常不满意). Stored and reported as the national levels above.
SCORES: List[Tuple[int, str]] = [(6 - level, label) for level, label in reversed(LEVELS)]
SCORE_LABELS: Dict[int, str] = dict(SCORES)


def level_of_score(score: int) -> int:
    """The national level (1 非常满意 … 5 非常不满意) of a score as asked (5 非常满意 … 1 非常不满意)."""
    return 6 - score


BAD_LEVELS = frozenset({4, 5})  # 差评


def is_bad(level: int) -> bool:
    return level in BAD_LEVELS


# -- tables ----------------------------------------------------------------------------------------

# A turn answered only with the general "您想办哪件事?" (no service, no options): it understood nothing of
# what was meant, however politely it asked. Recorded under its own topic, counted as unanswered.
ASKED_WHICH = "asked_which"
# Unanswered: the assistant said it did not understand, that the matter is not one it knows (out of scope),
# or asked the general question above. Numbered options are left out: it understood enough to offer them.
# Handoffs are counted in the dashboard instead.
UNANSWERED_TOPICS = ("fallback", ASKED_WHICH)


def recorded_topic(topic: str, service_id: Optional[str], options: Sequence[str]) -> str:
    """The topic a turn is recorded under: the general question back counts apart from numbered options."""
    return ASKED_WHICH if topic == "clarify" and not service_id and not options else topic


class TurnRow(Base):
    """One message a person sent and the topic the assistant answered it with."""

    __tablename__ = "turns"

    id = Column(Integer, primary_key=True)
    session_id = Column(String(128), nullable=False, index=True)
    channel = Column(String(32), nullable=False, index=True)
    text = Column(Text, nullable=False)  # masked
    service_id = Column(String(80), nullable=True, index=True)
    topic = Column(String(32), nullable=False)
    at = Column(DateTime, nullable=False, index=True)


class RatingRow(Base):
    """One 好差评 rating: 1 非常满意 … 5 非常不满意, about the guide the conversation was about."""

    __tablename__ = "ratings"

    id = Column(Integer, primary_key=True)
    session_id = Column(String(128), nullable=False, index=True)
    channel = Column(String(32), nullable=False, index=True)
    service_id = Column(String(80), nullable=True, index=True)
    level = Column(Integer, nullable=False)
    reason = Column(Text, nullable=True)  # masked
    at = Column(DateTime, nullable=False, index=True)

    followup = relationship("FollowUpRow", back_populates="rating", uselist=False)

    @property
    def label(self) -> str:
        return LABELS[self.level]


class FollowUpRow(Base):
    """What staff did about one 差评 (整改). Open while closed_at is empty."""

    __tablename__ = "followups"

    id = Column(Integer, primary_key=True)
    rating_id = Column(Integer, ForeignKey("ratings.id"), nullable=False, unique=True)
    opened_at = Column(DateTime, nullable=False, index=True)
    closed_at = Column(DateTime, nullable=True)
    closed_by = Column(String(100), nullable=True)
    action_taken = Column(Text, nullable=True)

    rating = relationship("RatingRow", back_populates="followup")


class TrainingSuggestionRow(Base):
    """An unanswered question an editor sent to the training data; a person reviews it, nothing retrains."""

    __tablename__ = "training_suggestions"

    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)  # masked
    intent_hint = Column(String(80), nullable=True)
    added_by = Column(String(100), nullable=False)
    at = Column(DateTime, nullable=False, index=True)


class UnansweredDismissalRow(Base):
    """An unanswered question an editor set aside: "ignored" (seen, nothing to do) or "not_service" (not a
    question about a government service: 明天会不会下大雨). Keyed by question_key, so every way of writing it is hidden."""

    __tablename__ = "unanswered_dismissals"

    key = Column(String(200), primary_key=True)
    kind = Column(String(20), nullable=False)
    by = Column(String(100), nullable=False)
    at = Column(DateTime, nullable=False)


DISMISSALS = {"ignored": "忽略", "not_service": "不是办事问题"}


class RatingRequestRow(Base):
    """A session that was asked for a rating (or, after a 差评, for the reason), shared by all API processes.

    `awaiting` is "rating", "reason" or empty (answered or ignored). An empty row is kept until it
    expires so that a second 再见 in the same visit is not asked again.
    """

    __tablename__ = "rating_requests"

    session_id = Column(String(128), primary_key=True)
    service_id = Column(String(80), nullable=True)
    asked_at = Column(DateTime, nullable=False, index=True)
    awaiting = Column(String(16), nullable=True)
    rating_id = Column(Integer, ForeignKey("ratings.id"), nullable=True)
    # The voice front end keeps speaking slowly through the rating turns if the person asked for it.
    slow_speech = Column(Boolean, nullable=False, default=False)


# -- writing ---------------------------------------------------------------------------------------


def record_turn(
    session: Session,
    *,
    session_id: str,
    channel: str,
    text: str,
    service_id: Optional[str],
    topic: str,
    at: Optional[dt.datetime] = None,
) -> TurnRow:
    row = TurnRow(
        session_id=session_id,
        channel=channel,
        text=mask_personal_numbers(text),
        service_id=service_id,
        topic=topic,
        at=at or utc_now(),
    )
    session.add(row)
    session.flush()
    return row


def asked_counts(session: Session, since: dt.datetime) -> Dict[str, int]:
    """How many conversations asked about each guide since then (a conversation asking twice counts once):
    the order in which kiosk tiles and the WeChat menu offer the guides."""
    rows = session.execute(
        select(TurnRow.service_id, func.count(distinct(TurnRow.session_id)))
        .where(TurnRow.service_id.is_not(None), TurnRow.at >= since)
        .group_by(TurnRow.service_id)
    )
    return {str(service_id): int(count) for service_id, count in rows}


def record_rating(
    session: Session,
    *,
    session_id: str,
    channel: str,
    service_id: Optional[str],
    level: int,
    reason: Optional[str] = None,
    at: Optional[dt.datetime] = None,
) -> RatingRow:
    """Store a rating; a 差评 (4 or 5) opens its follow-up in the same transaction."""
    if level not in LABELS:
        raise ValueError(f"rating level must be 1..5, got {level!r}")
    at = at or utc_now()
    rating = RatingRow(
        session_id=session_id,
        channel=channel,
        service_id=service_id,
        level=level,
        reason=_masked_or_none(reason),
        at=at,
    )
    session.add(rating)
    if is_bad(level):
        session.add(FollowUpRow(rating=rating, opened_at=at))
    session.flush()
    return rating


def set_rating_reason(session: Session, rating_id: int, reason: str) -> RatingRow:
    rating = session.get(RatingRow, rating_id)
    if rating is None:
        raise LookupError(f"no rating {rating_id}")
    rating.reason = _masked_or_none(reason)
    session.flush()
    return rating


def open_followups(session: Session) -> List[FollowUpRow]:
    """Follow-ups still waiting for staff, oldest first, each with its rating loaded."""
    query = (
        select(FollowUpRow)
        .where(FollowUpRow.closed_at.is_(None))
        .options(selectinload(FollowUpRow.rating))
        .order_by(FollowUpRow.opened_at, FollowUpRow.id)
    )
    return list(session.execute(query).scalars())


def close_followup(
    session: Session, followup_id: int, *, closed_by: str, action_taken: str, at: Optional[dt.datetime] = None
) -> FollowUpRow:
    """Close with what was done; a follow-up without an action, or closed twice, is refused."""
    if not (action_taken or "").strip():
        raise ValueError("a follow-up is closed with what was done (action_taken)")
    if not (closed_by or "").strip():
        raise ValueError("a follow-up is closed by someone (closed_by)")
    followup = session.get(FollowUpRow, followup_id)
    if followup is None:
        raise LookupError(f"no follow-up {followup_id}")
    if followup.closed_at is not None:
        raise ValueError(f"follow-up {followup_id} was already closed by {followup.closed_by}")
    followup.closed_at = at or utc_now()
    followup.closed_by = closed_by.strip()
    followup.action_taken = mask_personal_numbers(action_taken.strip())
    session.flush()
    return followup


def add_training_suggestion(
    session: Session, text: str, added_by: str, intent_hint: Optional[str] = None
) -> TrainingSuggestionRow:
    if not (text or "").strip():
        raise ValueError("a training suggestion needs the question's text")
    row = TrainingSuggestionRow(
        text=mask_personal_numbers(text.strip()), intent_hint=intent_hint, added_by=added_by, at=utc_now()
    )
    session.add(row)
    session.flush()
    return row


def forget_session(session: Session, session_id: str) -> int:
    """A user who leaves (WeChat unsubscribe): their turns go; their ratings stay, no longer linked to them.

    Returns how many turns were removed.
    """
    removed = session.execute(delete(TurnRow).where(TurnRow.session_id == session_id)).rowcount or 0
    session.execute(delete(RatingRequestRow).where(RatingRequestRow.session_id == session_id))
    for rating in session.execute(select(RatingRow).where(RatingRow.session_id == session_id)).scalars():
        rating.session_id = "forgotten"
    session.flush()
    return removed


def _masked_or_none(text: Optional[str]) -> Optional[str]:
    text = (text or "").strip()
    return mask_personal_numbers(text) if text else None


# -- understanding a rating ------------------------------------------------------------------------

# Whole answers only (after cleaning), so "不满意" can never be read as "满意" inside it.
# Choices: plain "差" is the milder 差评 (4); "很差/太差了/非常差" are 5. "好/好的/可以/行" are not
# ratings: after "请您打个分" they usually mean "OK", and a wrong rating is worse than none.
_WORDS: Dict[int, Tuple[str, ...]] = {
    1: (
        "非常满意",
        "很满意",
        "特别满意",
        "十分满意",
        "太满意",
        "相当满意",
        "超级满意",
        "非常非常满意",
        "非常好",
        "很好",
        "特别好",
        "十分好",
        "太好",
        "好极",
        "真好",
        "非常棒",
        "很棒",
        "太棒",
        "特别棒",
        "很不错",
        "非常不错",
        "特别不错",
        "五星好评",
        "满分",
        "打满分",
        "五星",
        "五颗星",
        "五分",
    ),
    2: (
        "满意",
        "挺满意",
        "比较满意",
        "蛮满意",
        "还满意",
        "还算满意",
        "都满意",
        "挺好",
        "蛮好",
        "比较好",
        "还挺好",
        "不错",
        "挺不错",
        "蛮不错",
        "还不错",
        "好评",
        "棒",
    ),
    3: (
        "基本满意",
        "还行",
        "还可以",
        "还算可以",
        "一般",
        "一般般",
        "凑合",
        "还凑合",
        "马马虎虎",
        "过得去",
        "还过得去",
        "说得过去",
        "将就",
    ),
    4: (
        "不满意",
        "不太满意",
        "不是很满意",
        "不怎么满意",
        "不大满意",
        "有点不满意",
        "不好",
        "不太好",
        "不怎么样",
        "不咋样",
        "不咋地",
        "不行",
        "差",
        "比较差",
        "有点差",
        "差评",
    ),
    5: (
        "非常不满意",
        "很不满意",
        "特别不满意",
        "十分不满意",
        "太不满意",
        "极不满意",
        "非常非常不满意",
        "很差",
        "非常差",
        "特别差",
        "太差",
        "极差",
        "差劲",
        "太差劲",
        "很不好",
        "非常不好",
        "太不好",
        "糟糕",
        "很糟糕",
        "太糟糕",
        "非常糟糕",
        "太烂",
        "很烂",
    ),
}
_LEVEL_OF_WORD: Dict[str, int] = {word: level for level, words in _WORDS.items() for word in words}
# Said around the rating word; taken off from the front and the end until none is left.
_LEADING = (
    "嗯",
    "我觉得",
    "我感觉",
    "觉得",
    "感觉",
    "总体",
    "总的来说",
    "整体",
    "我选",
    "我",
    "选",
    "给",
    "你们",
    "你",
    "您",
    "打",
    "就",
    "服务",
    "都",
)
_TRAILING = ("了", "的", "啊", "呀", "吧", "哈", "哦", "呢", "啦", "嘛", "哟", "呐")
# "5分", "四颗星": the number is the score.
_SCORE_UNIT = re.compile(r"(分|颗星|星)$")
# The button's title typed out, "5. 非常满意" → "5非常满意".
_NUMBERED_LABEL = re.compile(r"^([1-5])(\D+)$")


def _rating_words(text: str) -> str:
    cleaned = normalize(unicodedata.normalize("NFKC", text))
    changed = True
    while changed and cleaned:
        changed = False
        for lead in _LEADING:
            if cleaned.startswith(lead) and len(cleaned) > len(lead):
                cleaned, changed = cleaned[len(lead) :], True
        for trail in _TRAILING:
            if cleaned.endswith(trail) and len(cleaned) > len(trail):
                cleaned, changed = cleaned[: -len(trail)], True
    return cleaned


def parse_rating(text: str) -> Optional[int]:
    """The 好差评 level (1 非常满意 … 5 非常不满意) a short answer gives, or None if it is not a rating.

    The person is asked for a score, 5 the best (SCORES). Accepted: "1".."5" (also full-width), 一..五/两,
    "第一个", "选3", "最后一个" (= 5, the list's last), "5分", "五星", the five labels, "5. 非常满意" as on the
    buttons, and common words (很满意/非常好/满分 → 非常满意, 挺好/不错 → 满意, 还行/一般 → 基本满意,
    不好/差 → 不满意, 很差/太差了 → 非常不满意), in traditional characters too.
    """
    if not text or not text.strip():
        return None
    text = unicodedata.normalize("NFKC", text)
    words = _rating_words(text)
    if words in _LEVEL_OF_WORD:
        return _LEVEL_OF_WORD[words]
    number = parse_option_number(_SCORE_UNIT.sub("", words) or text, len(SCORES))
    if number is not None:
        return level_of_score(number)
    numbered = _NUMBERED_LABEL.match(words)
    if numbered and SCORE_LABELS.get(int(numbered.group(1))) == numbered.group(2):
        return level_of_score(int(numbered.group(1)))
    return None


# -- reading: the dashboard ------------------------------------------------------------------------


def _zero_counts() -> Dict[int, int]:
    return {level: 0 for level, _ in LEVELS}


class _RatingTotals:
    """For anything with `rating_counts` (level → count)."""

    rating_counts: Dict[int, int]

    @property
    def ratings(self) -> int:
        return sum(self.rating_counts.values())

    @property
    def bad_ratings(self) -> int:
        return sum(n for level, n in self.rating_counts.items() if is_bad(level))


@dataclasses.dataclass
class Breakdown(_RatingTotals):
    """The figures of one guide or one channel (key None: turns not about any guide)."""

    key: Optional[str]
    conversations: int = 0
    turns: int = 0
    rating_counts: Dict[int, int] = dataclasses.field(default_factory=_zero_counts)
    fallback_turns: int = 0
    handoffs: int = 0

    @property
    def fallback_rate(self) -> float:
        return self.fallback_turns / self.turns if self.turns else 0.0


@dataclasses.dataclass
class Dashboard(_RatingTotals):
    since: dt.datetime
    until: dt.datetime
    guide_id: Optional[str]
    channel: Optional[str]
    conversations: int
    turns: int
    rating_counts: Dict[int, int]
    fallback_rate: float
    handoffs: int
    per_guide: List[Breakdown]
    per_channel: List[Breakdown]


def _filters(row, since, until, guide_id, channel) -> list:
    """The period, guide and channel conditions on a table with `at`, `service_id` and `channel` (turns, ratings)."""
    filters = [row.at >= since, row.at < until]
    if guide_id is not None:
        filters.append(row.service_id == guide_id)
    if channel is not None:
        filters.append(row.channel == channel)
    return filters


def _breakdown(session: Session, turn_key, rating_key, since, until, guide_id, channel) -> List[Breakdown]:
    """One Breakdown per value of the key (a turn column and the matching rating column), in one query each."""
    rows: Dict[Optional[str], Breakdown] = {}
    turn_query = (
        select(
            turn_key,
            func.count(distinct(TurnRow.session_id)),
            func.count(TurnRow.id),
            func.sum(case((TurnRow.topic.in_(UNANSWERED_TOPICS), 1), else_=0)),
            func.sum(case((TurnRow.topic == "handoff", 1), else_=0)),
        )
        .where(*_filters(TurnRow, since, until, guide_id, channel))
        .group_by(turn_key)
    )
    for key, conversations, turns, fallbacks, handoffs in session.execute(turn_query):
        rows[key] = Breakdown(
            key, conversations, turns, fallback_turns=int(fallbacks or 0), handoffs=int(handoffs or 0)
        )
    rating_query = (
        select(rating_key, RatingRow.level, func.count(RatingRow.id))
        .where(*_filters(RatingRow, since, until, guide_id, channel))
        .group_by(rating_key, RatingRow.level)
    )
    for key, level, count in session.execute(rating_query):
        rows.setdefault(key, Breakdown(key)).rating_counts[level] = count
    # Guides and channels with activity first; None (no guide) last.
    return sorted(rows.values(), key=lambda b: (b.key is None, -b.turns, -b.ratings, b.key or ""))


def dashboard(
    session: Session,
    *,
    since: dt.datetime,
    until: dt.datetime,
    guide_id: Optional[str] = None,
    channel: Optional[str] = None,
) -> Dashboard:
    """The period's figures, overall, per guide and per channel; every level appears in rating_counts.

    A turn belongs to a guide when the assistant's answer was about it (turns.service_id), a rating
    to the guide the conversation was about. A conversation is a session with a turn in the period.
    """
    filters = _filters(TurnRow, since, until, guide_id, channel)
    conversations, turns, fallbacks, handoffs = session.execute(
        select(
            func.count(distinct(TurnRow.session_id)),
            func.count(TurnRow.id),
            func.sum(case((TurnRow.topic.in_(UNANSWERED_TOPICS), 1), else_=0)),
            func.sum(case((TurnRow.topic == "handoff", 1), else_=0)),
        ).where(*filters)
    ).one()
    counts = _zero_counts()
    for level, count in session.execute(
        select(RatingRow.level, func.count(RatingRow.id))
        .where(*_filters(RatingRow, since, until, guide_id, channel))
        .group_by(RatingRow.level)
    ):
        counts[level] = count
    return Dashboard(
        since=since,
        until=until,
        guide_id=guide_id,
        channel=channel,
        conversations=conversations,
        turns=turns,
        rating_counts=counts,
        fallback_rate=(fallbacks or 0) / turns if turns else 0.0,
        handoffs=int(handoffs or 0),
        per_guide=_breakdown(session, TurnRow.service_id, RatingRow.service_id, since, until, guide_id, channel),
        per_channel=_breakdown(session, TurnRow.channel, RatingRow.channel, since, until, guide_id, channel),
    )


# -- reading: what the assistant could not answer -------------------------------------------------

EXAMPLES_PER_GROUP = 3
_QUESTION_ENDINGS = ("吗", "呢", "啦", "么")


@dataclasses.dataclass
class UnansweredGroup:
    key: str  # the normalised question the texts share
    count: int  # how many times it was asked
    conversations: int  # by how many sessions (one person repeating counts once here)
    examples: List[str]  # distinct texts as people wrote them (masked), most recent first
    last_seen: dt.datetime


def question_key(text: str) -> str:
    """'護照怎麼辦?' and '请问护照怎么办呢' → '护照怎么办': simplified, no punctuation, fillers or 吗/呢."""
    key = strip_fillers(unicodedata.normalize("NFKC", text))
    while key.endswith(_QUESTION_ENDINGS) and len(key) > 1:
        key = key[:-1]
    return key


def dismiss_unanswered(session: Session, text: str, kind: str, by: str) -> str:
    """Set a question aside (DISMISSALS); returns its key. ValueError for an unknown kind or an empty text."""
    if kind not in DISMISSALS:
        raise ValueError(f"kind must be one of {', '.join(DISMISSALS)}")
    key = question_key(mask_personal_numbers(text))[:200]
    if not key:
        raise ValueError("没有要处理的问题。")
    row = session.get(UnansweredDismissalRow, key)
    if row is None:
        session.add(UnansweredDismissalRow(key=key, kind=kind, by=by, at=utc_now()))
    else:
        row.kind, row.by, row.at = kind, by, utc_now()
    session.flush()
    return key


def unanswered(
    session: Session,
    *,
    since: dt.datetime,
    until: dt.datetime,
    guide_id: Optional[str] = None,
    channel: Optional[str] = None,
    limit: int = 20,
    min_conversations: int = 1,
) -> List[UnansweredGroup]:
    """The most frequent questions the assistant could not answer, most asked first.

    Texts with nothing left after cleaning (only "嗯", "啊?") are not questions and are left out, so are the
    questions an editor set aside (dismiss_unanswered) and, with `min_conversations` 2, one person's one-off
    ("测试一下", a stray word): the panel shows what several people got stuck on.
    """
    query = (
        select(TurnRow.text, TurnRow.session_id, TurnRow.at)
        .where(TurnRow.topic.in_(UNANSWERED_TOPICS), *_filters(TurnRow, since, until, guide_id, channel))
        .order_by(TurnRow.at.desc(), TurnRow.id.desc())
    )
    groups: Dict[str, UnansweredGroup] = {}
    sessions: Dict[str, set] = {}
    for text, session_id, at in session.execute(query):
        key = question_key(text)
        if not key:
            continue
        group = groups.get(key)
        if group is None:
            group = groups[key] = UnansweredGroup(key=key, count=0, conversations=0, examples=[], last_seen=at)
            sessions[key] = set()
        group.count += 1
        sessions[key].add(session_id)
        if text not in group.examples and len(group.examples) < EXAMPLES_PER_GROUP:
            group.examples.append(text)
    for key, group in groups.items():
        group.conversations = len(sessions[key])
    dismissed = set(session.execute(select(UnansweredDismissalRow.key)).scalars())
    kept = [g for key, g in groups.items() if key[:200] not in dismissed and g.conversations >= min_conversations]
    return sorted(kept, key=lambda g: (-g.count, -g.last_seen.timestamp(), g.key))[:limit]


# -- CSV export ------------------------------------------------------------------------------------

# A cell starting with these is run as a formula by spreadsheet programs; users' texts must not be.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """Plain UTF-8 text; whoever serves it as a download adds a BOM (utf-8-sig) so that Excel reads Chinese."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


RATINGS_CSV_HEADER = (
    "id",
    "at_utc",
    "session_id",
    "channel",
    "service_id",
    "level",
    "label",
    "reason",
    "followup",
    "followup_closed_by",
    "followup_action",
)
TURNS_CSV_HEADER = ("id", "at_utc", "session_id", "channel", "service_id", "topic", "text")


def _followup_state(followup: Optional[FollowUpRow]) -> str:
    if followup is None:
        return ""
    return "closed" if followup.closed_at is not None else "open"


def ratings_csv(
    session: Session,
    since: dt.datetime,
    until: dt.datetime,
    guide_id: Optional[str] = None,
    channel: Optional[str] = None,
) -> str:
    """Every rating of the period, oldest first, one line each (reasons are stored masked)."""
    query = (
        select(RatingRow)
        .where(*_filters(RatingRow, since, until, guide_id, channel))
        .options(selectinload(RatingRow.followup))
        .order_by(RatingRow.at, RatingRow.id)
    )
    rows = []
    for r in session.execute(query).scalars():
        f = r.followup
        rows.append(
            (
                r.id,
                r.at,
                r.session_id,
                r.channel,
                r.service_id,
                r.level,
                r.label,
                r.reason,
                _followup_state(f),
                f.closed_by if f else None,
                f.action_taken if f else None,
            )
        )
    return _csv(RATINGS_CSV_HEADER, rows)


def turns_csv(
    session: Session,
    since: dt.datetime,
    until: dt.datetime,
    guide_id: Optional[str] = None,
    channel: Optional[str] = None,
) -> str:
    """Every turn of the period, oldest first (texts are stored masked)."""
    query = select(TurnRow).where(*_filters(TurnRow, since, until, guide_id, channel)).order_by(TurnRow.at, TurnRow.id)
    return _csv(
        TURNS_CSV_HEADER,
        (
            (t.id, t.at, t.session_id, t.channel, t.service_id, t.topic, t.text)
            for t in session.execute(query).scalars()
        ),
    )
