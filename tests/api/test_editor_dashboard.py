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


def _unanswered(db_url: str, *asked) -> None:
    """Each (session, text) recorded as a question the assistant could not answer."""
    with Session(get_engine(db_url)) as session, session.begin():
        for session_id, text in asked:
            quality.record_turn(
                session, session_id=session_id, channel="wechat", text=text, service_id=None, topic="fallback"
            )


def _panel(page: str) -> str:
    return page[page.index('id="unanswered"') : page.index('id="followups"')]


def test_adding_an_alias_needs_a_guide_chosen_there_is_no_default(api, db_url):
    _seed(db_url)
    person = signed_in(api, "editor1")
    panel = _panel(person.get("/editor/dashboard").text)
    assert '<option value="" selected disabled>请选择指南</option>' in panel and "required" in panel
    refused = person.post("/editor/unanswered/alias", {"text": "护照怎么办", "guide_id": ""})
    assert refused.status_code == 422 and "请先选一个指南" in refused.text
    with Session(get_engine(db_url)) as session:
        assert ed.get_draft(session, GUIDE) is None


def test_ignored_and_not_a_service_question_leave_the_panel_in_every_spelling(api, db_url):
    _unanswered(
        db_url, ("a", "明天会不会下大雨"), ("b", "明天会不会下大雨啊?"), ("c", "护照怎么办"), ("d", "护照怎么办")
    )
    person = signed_in(api, "editor1")
    panel = _panel(person.get("/editor/dashboard").text)
    assert "明天会不会下大雨" in panel and "护照怎么办" in panel and "不是办事问题" in panel and "忽略" in panel
    assert (
        person.post("/editor/unanswered/dismiss", {"text": "明天会不会下大雨", "kind": "not_service"}).status_code
        == 303
    )
    panel = _panel(person.get("/editor/dashboard").text)
    assert "明天会不会下大雨" not in panel and "护照怎么办" in panel
    assert person.post("/editor/unanswered/dismiss", {"text": "护照怎么办", "kind": "ignored"}).status_code == 303
    assert "护照怎么办" not in _panel(person.get("/editor/dashboard").text)
    assert person.post("/editor/unanswered/dismiss", {"text": "护照怎么办", "kind": "delete"}).status_code == 422
    with Session(get_engine(db_url)) as session:
        kinds = {r.key: r.kind for r in session.query(quality.UnansweredDismissalRow)}
        actions = [a.action for a in ed.audit_entries(session)][:2]
    assert kinds == {"明天会不会下大雨": "not_service", "护照怎么办": "ignored"}
    assert actions == ["unanswered_ignored", "unanswered_not_service"]


def test_one_persons_one_off_is_hidden_until_asked_for(api, db_url):
    _unanswered(db_url, ("a", "测试一下123"), ("b", "护照怎么办"), ("c", "护照怎么办"))
    person = signed_in(api, "editor1")
    page = person.get("/editor/dashboard").text
    assert "测试一下" not in _panel(page) and "只有一个人问过一次的问题(1 个)没有列出" in page
    assert "测试一下" in _panel(person.get("/editor/dashboard?singles=1").text)
