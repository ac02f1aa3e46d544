"""The quality dashboard pages: figures, charts, CSV, follow-ups, and acting on unanswered questions."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from guidekit.editorial import workflow as ed
from guidekit.quality import records as quality
from guidekit.db.engine import get_engine
from tests.api.test_editor import GUIDE, api, db_url, signed_in  # noqa: F401  (fixtures)


def _seed(db_url: str) -> None:
    with Session(get_engine(db_url)) as session, session.begin():
        for i, (channel, text, topic) in enumerate(
            [
                ("wechat", "丧葬费怎么领", "materials"),
                ("wechat", "护照怎么办?", "fallback"),
                ("kiosk", "护照怎么办", "fallback"),
                ("kiosk", "转人工", "handoff"),
            ]
        ):
            quality.record_turn(
                session,
                session_id=f"s{i}",
                channel=channel,
                text=text,
                service_id=GUIDE if topic == "materials" else None,
                topic=topic,
            )
        quality.record_rating(session, session_id="s0", channel="wechat", service_id=GUIDE, level=1)
        bad = quality.record_rating(session, session_id="s3", channel="kiosk", service_id=GUIDE, level=5)
        quality.set_rating_reason(session, bad.id, "等了太久")


def test_dashboard_shows_figures_charts_and_unanswered_groups(api, db_url):
    _seed(db_url)
    page = signed_in(api, "editor1").get("/editor/dashboard?days=7").text
    summary = re.sub(r"<[^>]+>", "", re.search(r'<p id="summary">(.*?)</p>', page, re.S).group(1))
    assert "对话 4 次" in summary and "评价 2 条(差评 1)" in summary and "50.0%" in summary and "转人工 1 次" in summary
    assert page.count("<svg") >= 3 and "<rect" in page
    assert "护照怎么办" in page and "等了太久" in page


def test_csv_export_has_a_header_and_every_rating(api, db_url):
    _seed(db_url)
    csv = signed_in(api, "editor1").get("/editor/dashboard/ratings.csv?days=7")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.content.startswith("\ufeff".encode("utf-8"))
    lines = csv.text.lstrip("\ufeff").strip().splitlines()
    assert lines[0] == ",".join(quality.RATINGS_CSV_HEADER)
    assert len(lines) == 3 and "等了太久" in lines[2]


def test_a_bad_rating_stays_open_until_closed_with_what_was_done(api, db_url):
    _seed(db_url)
    person = signed_in(api, "editor1")
    person.get("/editor/dashboard")
    with Session(get_engine(db_url)) as session:
        (followup,) = quality.open_followups(session)
    assert person.post(f"/editor/followups/{followup.id}/close", {"action_taken": ""}).status_code == 422
    assert person.post(f"/editor/followups/{followup.id}/close", {"action_taken": "窗口加了一个人"}).status_code == 303
    with Session(get_engine(db_url)) as session:
        assert quality.open_followups(session) == []


def test_unanswered_question_becomes_an_alias_draft_or_a_training_suggestion(api, db_url):
    _seed(db_url)
    person = signed_in(api, "editor1")
    person.get("/editor/dashboard")
    assert person.post("/editor/unanswered/alias", {"text": "丧葬补贴咋领", "guide_id": GUIDE}).status_code == 303
    assert person.post("/editor/unanswered/training", {"text": "护照怎么办"}).status_code == 303
    with Session(get_engine(db_url)) as session:
        draft = ed.get_draft(session, GUIDE)
        assert "丧葬补贴咋领" in ed.parse_draft(GUIDE, draft.yaml_text).aliases
        assert [r.text for r in session.query(quality.TrainingSuggestionRow)] == ["护照怎么办"]
