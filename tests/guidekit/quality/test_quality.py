"""Quality monitoring's data side on a real SQLite database: ratings, follow-ups, dashboard, unanswered, CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from guidekit.quality.records import (
    LEVELS,
    FollowUpRow,
    RatingRow,
    TrainingSuggestionRow,
    TurnRow,
    add_training_suggestion,
    close_followup,
    dashboard,
    forget_session,
    open_followups,
    parse_rating,
    ratings_csv,
    record_rating,
    record_turn,
    set_rating_reason,
    turns_csv,
    unanswered,
)
from guidekit.db.engine import get_engine

ID_NUMBER, PHONE = "110101195001011234", "13812345678"
DAY = dt.datetime(2026, 3, 2)  # a Monday, UTC
SINCE, UNTIL = DAY, DAY + dt.timedelta(days=7)


@pytest.fixture()
def engine(tmp_path):
    return get_engine(f"sqlite:///{tmp_path / 'quality.db'}")


@pytest.fixture()
def db(engine):
    with Session(engine) as session:
        yield session


def _at(hours: float) -> dt.datetime:
    return DAY + dt.timedelta(hours=hours)


@pytest.mark.parametrize(
    "text, level",
    [
        # Asked as a score, 5 the best; stored as the national level, 1 非常满意.
        ("1", 5),
        ("2", 4),
        ("3", 3),
        ("4", 2),
        ("5", 1),
        ("５", 1),
        ("一", 5),
        ("三", 3),
        ("五", 1),
        ("两", 4),
        ("第一个", 5),
        ("第4个", 2),
        ("选三", 3),
        ("最后一个", 1),
        ("5分", 1),
        ("五星", 1),
        ("满分", 1),
        ("给你打满分", 1),
        ("一颗星", 5),
        ("四分", 2),
        ("非常满意", 1),
        ("满意", 2),
        ("基本满意", 3),
        ("不满意", 4),
        ("非常不满意", 5),
        ("非常不滿意", 5),
        ("很不满意", 5),
        ("不太满意", 4),
        ("不是很满意", 4),
        ("我很满意!", 1),
        ("很满意", 1),
        ("非常好", 1),
        ("挺好的", 2),
        ("不错哦", 2),
        ("嗯,满意", 2),
        ("还行吧", 3),
        ("一般", 3),
        ("我觉得还可以吧", 3),
        ("不好", 4),
        ("差", 4),
        ("太差了", 5),
        ("很差", 5),
        ("5. 非常满意", 1),
        ("2. 不满意", 4),
    ],
)
def test_parse_rating_understands_numbers_labels_and_common_words(text, level):
    assert parse_rating(text) == level


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "6",
        "0",
        "十",
        "好的",
        "好",
        "可以",
        "谢谢",
        "再见",
        "不好意思",
        "满意满意",
        "2. 非常满意",
        "1. 非常满意",
        "补社保卡要带什么",
        "老年证在哪里办",
        "呜呜呜",
    ],
)
def test_parse_rating_refuses_what_is_not_a_rating(text):
    assert parse_rating(text) is None


def test_levels_are_the_national_scale_in_order():
    assert LEVELS == [(1, "非常满意"), (2, "满意"), (3, "基本满意"), (4, "不满意"), (5, "非常不满意")]


def test_people_are_asked_for_a_score_where_5_is_the_best():
    from guidekit.quality.records import SCORES, level_of_score

    assert SCORES == [(1, "非常不满意"), (2, "不满意"), (3, "基本满意"), (4, "满意"), (5, "非常满意")]
    assert [level_of_score(score) for score, _ in SCORES] == [5, 4, 3, 2, 1]


def test_bad_ratings_open_a_follow_up_and_good_ones_do_not(engine):
    with Session(engine) as session, session.begin():
        for level in (1, 2, 3, 4, 5):
            record_rating(session, session_id=f"s-{level}", channel="kiosk", service_id="id-card-renewal", level=level)
    with Session(engine) as session:
        opened = open_followups(session)
        assert sorted(f.rating.level for f in opened) == [4, 5]
        assert all(f.closed_at is None and f.opened_at == f.rating.at for f in opened)


def test_a_rating_and_its_follow_up_are_one_transaction(engine):
    with Session(engine) as session:
        record_rating(session, session_id="s-rollback", channel="api", service_id=None, level=5)
        session.rollback()
    with Session(engine) as session:
        assert session.execute(select(RatingRow)).first() is None
        assert session.execute(select(FollowUpRow)).first() is None


def test_a_level_outside_the_scale_is_refused(db):
    with pytest.raises(ValueError):
        record_rating(db, session_id="s", channel="api", service_id=None, level=6)


def test_closing_a_follow_up_needs_what_was_done_and_happens_once(engine):
    with Session(engine) as session, session.begin():
        rating = record_rating(session, session_id="s-close", channel="wechat", service_id=None, level=4)
        followup_id = rating.followup.id
    with Session(engine) as session, session.begin():
        with pytest.raises(ValueError):
            close_followup(session, followup_id, closed_by="王老师", action_taken="   ")
        closed = close_followup(session, followup_id, closed_by="王老师", action_taken="已电话回访,窗口增加叫号提醒")
        assert closed.closed_at is not None
    with Session(engine) as session:
        with pytest.raises(ValueError, match="already closed"):
            close_followup(session, followup_id, closed_by="李老师", action_taken="再次处理")
        assert open_followups(session) == []
        kept = session.execute(select(RatingRow)).scalar_one()  # closing never removes the rating
        assert kept.level == 4 and kept.followup.action_taken == "已电话回访,窗口增加叫号提醒"


def _turn(session, sid, channel, service, topic, hours, text="补社保卡要带什么"):
    record_turn(session, session_id=sid, channel=channel, text=text, service_id=service, topic=topic, at=_at(hours))


def _seed_week(engine):
    """Three conversations on two guides and two channels, plus activity outside the period."""
    with Session(engine) as s, s.begin():
        _turn(s, "a", "wechat", "social-security-card-replacement", "materials", 1)
        _turn(s, "a", "wechat", None, "fallback", 2, text="护照怎么办")
        _turn(s, "a", "wechat", "social-security-card-replacement", "goodbye", 3, text="再见")
        _turn(s, "b", "kiosk", "senior-preferential-card", "materials", 4, text="老年证要带什么")
        _turn(s, "b", "kiosk", "senior-preferential-card", "handoff", 5, text="转人工")
        _turn(s, "c", "kiosk", None, "fallback", 6, text="呜呜呜")
        _turn(s, "old", "kiosk", None, "fallback", -1, text="上周的问题")  # before the period
        _turn(s, "late", "voice", None, "materials", 24 * 7, text="下周的问题")  # at `until`: outside
        record_rating(
            s, session_id="a", channel="wechat", service_id="social-security-card-replacement", level=1, at=_at(3.1)
        )
        record_rating(s, session_id="b", channel="kiosk", service_id="senior-preferential-card", level=4, at=_at(5.1))
        record_rating(s, session_id="old", channel="kiosk", service_id=None, level=5, at=_at(-1))


def test_dashboard_counts_a_period_overall_per_guide_and_per_channel(engine):
    _seed_week(engine)
    with Session(engine) as session:
        board = dashboard(session, since=SINCE, until=UNTIL)
    assert board.conversations == 3 and board.turns == 6
    assert board.rating_counts == {1: 1, 2: 0, 3: 0, 4: 1, 5: 0}
    assert board.fallback_rate == pytest.approx(2 / 6)
    assert board.handoffs == 1 and board.bad_ratings == 1 and board.ratings == 2
    guides = {row.key: row for row in board.per_guide}
    card = guides["social-security-card-replacement"]
    assert (card.conversations, card.turns, card.fallback_rate, card.handoffs) == (1, 2, 0.0, 0)
    assert card.rating_counts == {1: 1, 2: 0, 3: 0, 4: 0, 5: 0}
    senior = guides["senior-preferential-card"]
    assert (senior.turns, senior.handoffs, senior.rating_counts[4]) == (2, 1, 1)
    assert guides[None].turns == 2 and guides[None].fallback_rate == 1.0
    assert board.per_guide[-1].key is None  # turns about no guide come last
    channels = {row.key: row for row in board.per_channel}
    assert set(channels) == {"wechat", "kiosk"}
    assert (channels["kiosk"].conversations, channels["kiosk"].turns) == (2, 3)
    assert channels["kiosk"].fallback_rate == pytest.approx(1 / 3)
    assert channels["wechat"].rating_counts[1] == 1


def test_dashboard_filters_by_guide_and_by_channel(engine):
    _seed_week(engine)
    with Session(engine) as session:
        senior = dashboard(session, since=SINCE, until=UNTIL, guide_id="senior-preferential-card")
        kiosk = dashboard(session, since=SINCE, until=UNTIL, channel="kiosk")
    assert (senior.conversations, senior.turns, senior.handoffs) == (1, 2, 1)
    assert senior.rating_counts == {1: 0, 2: 0, 3: 0, 4: 1, 5: 0}
    assert [row.key for row in senior.per_guide] == ["senior-preferential-card"]
    assert (kiosk.conversations, kiosk.turns) == (2, 3)
    assert [row.key for row in kiosk.per_channel] == ["kiosk"]


def test_an_empty_period_has_every_level_at_zero_and_no_division_by_zero(engine):
    with Session(engine) as session:
        board = dashboard(session, since=SINCE, until=UNTIL)
    assert board.rating_counts == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    assert (board.conversations, board.turns, board.fallback_rate, board.per_guide) == (0, 0, 0.0, [])


def test_unanswered_questions_are_grouped_by_their_cleaned_form_and_counted(engine):
    with Session(engine) as s, s.begin():
        _turn(s, "p1", "wechat", None, "fallback", 1, text="护照怎么办?")
        _turn(s, "p2", "kiosk", None, "fallback", 2, text="护照怎么办")
        _turn(s, "p2", "kiosk", None, "fallback", 3, text="请问護照怎麼辦呢")
        _turn(s, "p3", "api", None, "fallback", 4, text="公积金能取吗")
        _turn(s, "p3", "api", None, "fallback", 5, text="嗯")  # nothing left: not a question
        _turn(s, "p4", "api", None, "clarify", 6, text="身份证")  # offered choices: understood
        _turn(s, "p5", "api", None, "fallback", -2, text="护照怎么办")  # before the period
    with Session(engine) as session:
        groups = unanswered(session, since=SINCE, until=UNTIL)
        only_kiosk = unanswered(session, since=SINCE, until=UNTIL, channel="kiosk")
    assert [(g.key, g.count) for g in groups] == [("护照怎么办", 3), ("公积金能取", 1)]
    passport = groups[0]
    assert passport.conversations == 2 and passport.last_seen == _at(3)
    assert passport.examples == ["请问護照怎麼辦呢", "护照怎么办", "护照怎么办?"]
    assert [(g.key, g.count) for g in only_kiosk] == [("护照怎么办", 2)]


def test_unanswered_keeps_to_the_limit(engine):
    with Session(engine) as s, s.begin():
        for n in range(5):
            _turn(s, f"q{n}", "api", None, "fallback", n, text=f"第{n}种没听过的事情怎么办")
    with Session(engine) as session:
        assert len(unanswered(session, since=SINCE, until=UNTIL, limit=3)) == 3


def test_ratings_csv_has_a_header_and_one_line_per_rating(engine):
    _seed_week(engine)
    with Session(engine) as session:
        rows = list(csv.reader(io.StringIO(ratings_csv(session, SINCE, UNTIL))))
    assert rows[0][:8] == ["id", "at_utc", "session_id", "channel", "service_id", "level", "label", "reason"]
    assert len(rows) == 1 + 2  # the rating before the period is not in it
    by_level = {row[5]: row for row in rows[1:]}
    assert by_level["4"][6] == "不满意" and by_level["4"][8] == "open"
    assert by_level["1"][8] == ""  # no follow-up for a good rating


def test_turns_csv_has_a_header_one_line_per_turn_and_defuses_formulas(engine):
    with Session(engine) as s, s.begin():
        _turn(s, "f", "api", None, "fallback", 1, text='=HYPERLINK("http://x")')
        _turn(s, "f", "api", None, "fallback", 2, text="老年证")
    with Session(engine) as session:
        rows = list(csv.reader(io.StringIO(turns_csv(session, SINCE, UNTIL))))
    assert rows[0] == ["id", "at_utc", "session_id", "channel", "service_id", "topic", "text"]
    assert [row[6] for row in rows[1:]] == ['\'=HYPERLINK("http://x")', "老年证"]


def test_personal_numbers_are_masked_in_stored_turns_reasons_and_suggestions(engine):
    said = f"我的身份证号是{ID_NUMBER},电话{PHONE}"
    with Session(engine) as s, s.begin():
        record_turn(s, session_id="m", channel="api", text=said, service_id=None, topic="fallback")
        rating = record_rating(s, session_id="m", channel="api", service_id=None, level=5, reason=said)
        second = record_rating(s, session_id="m", channel="api", service_id=None, level=4)
        set_rating_reason(s, second.id, f"打{PHONE}没人接")
        add_training_suggestion(s, said, added_by="编辑甲")
        rating_id, second_id = rating.id, second.id
    with Session(engine) as session:
        stored = [
            session.execute(select(TurnRow.text)).scalar_one(),
            session.get(RatingRow, rating_id).reason,
            session.get(RatingRow, second_id).reason,
            session.execute(select(TrainingSuggestionRow.text)).scalar_one(),
        ]
    for text in stored:
        assert ID_NUMBER not in text and PHONE not in text
    assert "138****5678" in stored[0] and "138****5678" in stored[2]


def test_a_training_suggestion_needs_text(db):
    with pytest.raises(ValueError):
        add_training_suggestion(db, "  ", added_by="编辑甲")
    row = add_training_suggestion(db, "护照怎么办", added_by="编辑甲", intent_hint="out_of_scope")
    assert (row.text, row.intent_hint, row.added_by) == ("护照怎么办", "out_of_scope", "编辑甲")


def test_forgetting_a_session_removes_its_turns_but_keeps_its_ratings(engine):
    with Session(engine) as s, s.begin():
        _turn(s, "wechat:leaver", "wechat", None, "fallback", 1)
        record_rating(s, session_id="wechat:leaver", channel="wechat", service_id=None, level=5)
    with Session(engine) as s, s.begin():
        assert forget_session(s, "wechat:leaver") == 1
    with Session(engine) as session:
        assert session.execute(select(TurnRow)).first() is None
        kept = session.execute(select(RatingRow)).scalar_one()
        assert kept.session_id == "forgotten" and kept.level == 5 and kept.followup is not None


def test_the_general_question_back_counts_as_unanswered_but_numbered_options_do_not(engine):
    from guidekit.quality.records import recorded_topic

    asked = recorded_topic("clarify", None, [])  # "您想办哪件事?比如…"
    offered = recorded_topic("clarify", None, ["id-card-reissue", "id-card-renewal"])
    with Session(engine) as s, s.begin():
        _turn(s, "p1", "kiosk", None, asked, 1, text="这个我有了")
        _turn(s, "p2", "kiosk", None, offered, 2, text="身份证")
        _turn(s, "p3", "kiosk", "id-card-reissue", "materials", 3, text="身份证丢了")
    with Session(engine) as session:
        groups = unanswered(session, since=SINCE, until=UNTIL)
        board = dashboard(session, since=SINCE, until=UNTIL)
    assert [g.examples for g in groups] == [["这个我有了"]]
    assert offered == "clarify" and board.fallback_rate == pytest.approx(1 / 3)
