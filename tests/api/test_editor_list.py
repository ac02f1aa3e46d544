"""The editors' guide list at scale: search, filters, sort by how often people ask, assignment, overdue, verified."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

from sqlalchemy.orm import Session

from guidekit.db.engine import get_engine
from guidekit.editorial import workflow as ed
from guidekit.guides.store import get_guide
from guidekit.quality import records as quality
from tests.api.test_editor import GUIDE, api, db_url, signed_in  # noqa: F401  (fixtures)


def _listed(page: str) -> list:
    return re.findall(r'<tr data-id="([^"]+)">', page)


def test_search_finds_a_guide_by_name_short_name_alias_or_id(api):
    person = signed_in(api, "editor1")
    assert _listed(person.get("/editor?q=丧葬").text) == [GUIDE]
    assert GUIDE in _listed(person.get("/editor?q=领丧葬费").text)  # its short name
    assert "id-card-reissue" in _listed(person.get("/editor?q=身份证").text)
    assert _listed(person.get("/editor?q=funeral").text) == [GUIDE]
    assert "没有找到这样的指南" in person.get("/editor?q=火星移民").text


def test_filters_by_status_department_and_district(api):
    writer = signed_in(api, "editor1")
    writer.post(f"/editor/guides/{GUIDE}/save", {"lock": writer.lock_of(GUIDE), "plain:fee": "这件事不收钱。"})
    assert _listed(writer.get("/editor?status=draft").text) == [GUIDE]
    with_district = _listed(writer.get("/editor?district=和平区").text)
    assert "old-age-allowance" in with_district and GUIDE not in with_district
    page = writer.get("/editor").text
    department = re.search(r"<option ?>(安康市社会保险[^<]*)</option>", page).group(1)
    assert _listed(writer.get(f"/editor?department={quote(department)}").text) == [GUIDE]


def test_sorted_by_how_often_people_ask_most_asked_first(api, db_url):
    with Session(get_engine(db_url)) as session, session.begin():
        for i in range(3):
            quality.record_turn(
                session,
                session_id=f"a{i}",
                channel="wechat",
                text="补社保卡",
                service_id="social-security-card-replacement",
                topic="materials",
            )
        quality.record_turn(
            session, session_id="b", channel="wechat", text="丧葬费", service_id=GUIDE, topic="materials"
        )
    listed = _listed(signed_in(api, "editor1").get("/editor?sort=asks").text)
    assert listed[:2] == ["social-security-card-replacement", GUIDE]


def test_a_reviewer_assigns_a_guide_and_the_editor_finds_it_under_mine(api, db_url):
    rev, writer = signed_in(api, "rev"), signed_in(api, "editor1")
    rev.get("/editor")
    assert rev.post(f"/editor/guides/{GUIDE}/assign", {"username": "editor1"}).status_code == 303
    assert _listed(writer.get("/editor?assignee=editor1").text) == [GUIDE]
    assert GUIDE not in _listed(writer.get("/editor?assignee=-").text)
    assert writer.post(f"/editor/guides/{GUIDE}/assign", {"username": "editor1"}).status_code == 403  # editors don't
    assert rev.post(f"/editor/guides/{GUIDE}/assign", {"username": "nobody"}).status_code == 422


def test_overdue_guides_are_counted_and_filtered_and_one_click_records_a_check(api, db_url):
    writer, rev = signed_in(api, "editor1"), signed_in(api, "rev")
    with Session(get_engine(db_url)) as session:
        ages = {g: (dt.date.today() - get_guide(session, g).last_verified).days for g in ("funeral-allowance",)}
    page = writer.get("/editor").text
    count = int(re.search(r'id="overdue-count">(\d+)<', page).group(1))
    assert count == len(_listed(writer.get("/editor?overdue=true").text))
    assert (GUIDE in _listed(writer.get("/editor?overdue=true").text)) == (ages[GUIDE] > 365)
    assert writer.post(f"/editor/guides/{GUIDE}/verified", {"lock": writer.lock_of(GUIDE)}).status_code == 303
    writer.post(f"/editor/guides/{GUIDE}/submit", {"lock": writer.lock_of(GUIDE)})
    assert rev.post(f"/editor/guides/{GUIDE}/publish", {}).status_code == 303
    with Session(get_engine(db_url)) as session:
        assert get_guide(session, GUIDE).last_verified == dt.date.today()
        assert "verified" in [a.action for a in ed.audit_entries(session)]
    assert GUIDE not in _listed(writer.get("/editor?overdue=true").text)


def test_the_dashboard_counts_the_guides_overdue_for_a_check(api):
    person = signed_in(api, "editor1")
    listed = int(re.search(r'id="overdue-count">(\d+)<', person.get("/editor").text).group(1))
    assert int(re.search(r'id="overdue-count">(\d+)<', person.get("/editor/dashboard").text).group(1)) == listed
