"""The editor pages over HTTP (a live app on loopback, a fresh guides database per test)."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from guidekit.editorial import workflow as ed
from tests.settings_reset import reset_settings
from guidekit.db.engine import get_engine
from guidekit.guides.store import GuideRow, get_guide, guides_revision, list_guides, load_guides
from tests.api.conftest import LiveApi, ScriptedAssistant

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"
GUIDE = "funeral-allowance"


@pytest.fixture()
def db_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'guides.db'}"
    load_guides(get_engine(url), ROOT / "guides")
    with Session(get_engine(url)) as session, session.begin():
        for name, role in (("editor1", "editor"), ("editor2", "editor"), ("rev", "reviewer"), ("boss", "admin")):
            ed.create_user(session, name, PASSWORD, role, by="test")
    monkeypatch.setenv("BANSHI_DATABASE_URL", url)
    monkeypatch.setenv("BANSHI_EDITOR_SECRET_KEY", "test-secret-key")
    monkeypatch.delenv("WECHAT_TOKEN", raising=False)
    reset_settings()
    yield url
    reset_settings()


@pytest.fixture()
def api(db_url):
    from api.main import create_app

    with LiveApi(create_app(assistant=ScriptedAssistant())) as live:
        yield live


class Editor:
    """One person's browser: cookies, and the CSRF token of the last page seen."""

    def __init__(self, base_url: str):
        self.http = httpx.Client(base_url=base_url, headers={"Accept": "text/html"}, timeout=30)
        self.csrf = ""

    def get(self, path: str) -> httpx.Response:
        response = self.http.get(path)
        found = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, data: dict, csrf: bool = True) -> httpx.Response:
        return self.http.post(path, data={**data, **({"csrf_token": self.csrf} if csrf else {})})

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        self.get("/editor/login")
        response = self.post("/editor/login", {"username": username, "password": password, "next": "/editor"})
        self.get("/editor")
        return response

    def lock_of(self, guide_id: str) -> int:
        page = self.get(f"/editor/guides/{guide_id}").text
        return int(re.search(r'name="lock" value="(\d+)"', page).group(1))


def signed_in(api, username: str) -> Editor:
    person = Editor(api.url)
    assert person.login(username).status_code == 303
    return person


def _save_fee(person: Editor, text: str, lock=None) -> httpx.Response:
    return person.post(
        f"/editor/guides/{GUIDE}/save", {"lock": lock if lock is not None else person.lock_of(GUIDE), "plain:fee": text}
    )


def test_every_editor_route_refuses_an_anonymous_request(api):
    from api.main import create_app

    paths = {r.path for r in create_app().routes if getattr(r, "path", "").startswith("/editor")}
    paths -= {"/editor/login"}
    assert len(paths) >= 20
    anonymous = httpx.Client(base_url=api.url, headers={"Accept": "text/html"})
    for path in sorted(paths):
        concrete = re.sub(r"\{[^}]+\}", "x", path)
        got = anonymous.get(concrete)
        assert got.status_code in (303, 401, 403, 405), (path, got.status_code)
        if got.status_code == 303:
            assert got.headers["location"].startswith("/editor/login")
        posted = anonymous.post(concrete, data={"lock": 1})
        assert posted.status_code in (401, 403, 405), (path, posted.status_code)


def test_wrong_password_is_refused_and_repeated_failures_pause_sign_in(api):
    person = Editor(api.url)
    failed = person.login("editor1", "wrong-password-1")
    assert failed.status_code == 401 and "用户名或密码不对" in failed.text
    for _ in range(4):
        person.login("editor1", "wrong-password-1")
    paused = person.login("editor1", PASSWORD)
    assert paused.status_code == 429 and "分钟后再试" in paused.text


def test_session_cookie_is_httponly_and_samesite(api):
    person = Editor(api.url)
    person.get("/editor/login")
    response = person.post("/editor/login", {"username": "editor1", "password": PASSWORD, "next": "/editor"})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_post_without_csrf_token_is_refused_and_changes_nothing(api, db_url):
    person = signed_in(api, "editor1")
    _save_fee(person, "这件事不收钱。")
    lock = person.lock_of(GUIDE)
    response = person.post(f"/editor/guides/{GUIDE}/save", {"lock": lock, "plain:fee": "不要钱。"}, csrf=False)
    assert response.status_code == 403
    with Session(get_engine(db_url)) as session:
        draft = ed.get_draft(session, GUIDE)
        assert draft.lock == lock and "这件事不收钱。" in draft.yaml_text


def test_editor_cannot_publish_or_manage_accounts(api):
    person = signed_in(api, "editor1")
    assert _save_fee(person, "不收钱。").status_code == 303
    person.post(f"/editor/guides/{GUIDE}/submit", {"lock": person.lock_of(GUIDE)})
    assert person.post(f"/editor/guides/{GUIDE}/publish", {}).status_code == 403
    assert person.get("/editor/users").status_code == 403


def test_edit_submit_review_publish_goes_live_with_history_and_audit(api, db_url):
    writer = signed_in(api, "editor1")
    with Session(get_engine(db_url)) as session:
        before = guides_revision(session)
    assert _save_fee(writer, "办这件事一分钱都不用交。").status_code == 303
    assert writer.post(f"/editor/guides/{GUIDE}/submit", {"lock": writer.lock_of(GUIDE)}).status_code == 303
    reviewer = signed_in(api, "rev")
    review = reviewer.get(f"/editor/guides/{GUIDE}/review")
    assert review.status_code == 200 and "办这件事一分钱都不用交。" in review.text and "+" in review.text
    assert reviewer.post(f"/editor/guides/{GUIDE}/publish", {}).status_code == 303
    with Session(get_engine(db_url)) as session:
        assert get_guide(session, GUIDE).fee.plain == "办这件事一分钱都不用交。"
        assert guides_revision(session) == before + 1
        assert ed.get_draft(session, GUIDE) is None
        actions = [(a.username, a.action) for a in ed.audit_entries(session)]
    assert ("editor1", "save_draft") in actions and ("editor1", "submit") in actions and ("rev", "publish") in actions
    assert httpx.get(f"{api.url}/api/guides/{GUIDE}").json()["fee"]["plain"] == "办这件事一分钱都不用交。"
    history = reviewer.get(f"/editor/guides/{GUIDE}/history").text
    assert history.count("用这个版本做新草稿") == 2  # the loaded version and the published one


def test_publishing_a_draft_saved_back_unchanged_closes_it_and_keeps_one_history_row(api, db_url):
    with Session(get_engine(db_url)) as session:
        before = get_guide(session, GUIDE)
        revision = guides_revision(session)
    with Session(get_engine(db_url)) as session, session.begin():
        ed.save_draft(session, GUIDE, ed.guide_to_yaml(before), 0, "editor1")
        ed.submit(session, GUIDE, ed.get_draft(session, GUIDE).lock, "editor1")
        ed.publish(session, GUIDE, "rev")
    with Session(get_engine(db_url)) as session:
        assert ed.get_draft(session, GUIDE) is None
        assert [v.number for v in ed.history(session, GUIDE)] == [1]
        assert guides_revision(session) == revision
        assert get_guide(session, GUIDE) == before


def test_second_save_over_a_newer_draft_is_refused_and_keeps_the_text(api, db_url):
    first, second = signed_in(api, "editor1"), signed_in(api, "editor2")
    lock = first.lock_of(GUIDE)
    assert second.lock_of(GUIDE) == lock
    assert _save_fee(first, "第一个人写的。", lock).status_code == 303
    refused = _save_fee(second, "第二个人写的。", lock)
    assert refused.status_code == 409 and "没有保存" in refused.text and "editor1" in refused.text
    assert "第二个人写的。" in refused.text  # nothing lost: the text is still in the form
    with Session(get_engine(db_url)) as session:
        assert "第一个人写的。" in ed.get_draft(session, GUIDE).yaml_text


def test_plain_text_failing_readability_needs_a_written_reason_to_publish(api, db_url):
    writer = signed_in(api, "editor1")
    hard = "申请人应当携带户籍所在地公安机关出具的证明材料原件及复印件一式两份前往属地受理窗口办理核验手续。"
    _save_fee(writer, hard)
    writer.post(f"/editor/guides/{GUIDE}/submit", {"lock": writer.lock_of(GUIDE)})
    reviewer = signed_in(api, "rev")
    assert "没有通过易读检查" in reviewer.get(f"/editor/guides/{GUIDE}/review").text
    refused = reviewer.post(f"/editor/guides/{GUIDE}/publish", {})
    assert refused.status_code == 422 and "写明理由" in refused.text
    with Session(get_engine(db_url)) as session:
        assert get_guide(session, GUIDE).fee.plain != hard
    assert (
        reviewer.post(f"/editor/guides/{GUIDE}/publish", {"override_reason": "上级要求今天先上线"}).status_code == 303
    )
    with Session(get_engine(db_url)) as session:
        latest = ed.history(session, GUIDE)[0]
        assert latest.override_reason == "上级要求今天先上线" and get_guide(session, GUIDE).fee.plain == hard


def test_sent_back_draft_shows_the_reviewers_comment(api):
    writer = signed_in(api, "editor1")
    _save_fee(writer, "不收钱。")
    writer.post(f"/editor/guides/{GUIDE}/submit", {"lock": writer.lock_of(GUIDE)})
    reviewer = signed_in(api, "rev")
    assert reviewer.post(f"/editor/guides/{GUIDE}/send-back", {"comment": ""}).status_code == 422
    assert reviewer.post(f"/editor/guides/{GUIDE}/send-back", {"comment": "请写清楚谁来付钱"}).status_code == 303
    page = writer.get(f"/editor/guides/{GUIDE}").text
    assert "请写清楚谁来付钱" in page and "退回修改" in page


def test_any_version_can_be_restored_as_a_new_draft(api, db_url):
    with Session(get_engine(db_url)) as session:
        original = get_guide(session, GUIDE).fee.plain
    writer, reviewer = signed_in(api, "editor1"), signed_in(api, "rev")
    _save_fee(writer, "不收钱。")
    writer.post(f"/editor/guides/{GUIDE}/submit", {"lock": writer.lock_of(GUIDE)})
    reviewer.post(f"/editor/guides/{GUIDE}/publish", {})
    writer.get(f"/editor/guides/{GUIDE}/history")
    assert writer.post(f"/editor/guides/{GUIDE}/restore/1", {"lock": 0}).status_code == 303
    with Session(get_engine(db_url)) as session:
        draft = ed.get_draft(session, GUIDE)
        assert ed.parse_draft(GUIDE, draft.yaml_text).fee.plain == original


def test_materials_can_be_added_moved_and_removed(api, db_url):
    writer = signed_in(api, "editor1")
    with Session(get_engine(db_url)) as session:
        names = [m.name for m in get_guide(session, GUIDE).materials]
    writer.post(f"/editor/guides/{GUIDE}/materials", {"action": "down", "index": 0, "lock": writer.lock_of(GUIDE)})
    writer.post(f"/editor/guides/{GUIDE}/materials", {"action": "add", "index": 0, "lock": writer.lock_of(GUIDE)})
    writer.post(f"/editor/guides/{GUIDE}/materials", {"action": "remove", "index": 2, "lock": writer.lock_of(GUIDE)})
    with Session(get_engine(db_url)) as session:
        after = [m.name for m in ed.parse_draft(GUIDE, ed.get_draft(session, GUIDE).yaml_text).materials]
    assert after == [names[1], "新材料"] + names[2:]


def test_bad_yaml_is_refused_with_field_and_line_and_the_text_is_kept(api):
    writer = signed_in(api, "editor1")
    bad = "id: funeral-allowance\nname: x\naliases: []\n"
    response = writer.post(f"/editor/guides/{GUIDE}/yaml", {"yaml_text": bad, "lock": writer.lock_of(GUIDE)})
    assert response.status_code == 422 and "aliases" in response.text and f"{GUIDE}.yml:" in response.text
    assert "name: x" in response.text


def test_script_in_plain_text_is_shown_as_text(api):
    writer = signed_in(api, "editor1")
    _save_fee(writer, "<script>alert(1)</script>不收钱。")
    page = writer.get(f"/editor/guides/{GUIDE}").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_sql_looking_input_is_stored_as_text(api, db_url):
    writer, reviewer = signed_in(api, "editor1"), signed_in(api, "rev")
    page = writer.get(f"/editor/guides/{GUIDE}").text
    aliases = re.search(r'<textarea name="aliases"[^>]*>([^<]*)</textarea>', page).group(1)
    evil = "'; DROP TABLE guides; --"
    writer.post(f"/editor/guides/{GUIDE}/save", {"lock": writer.lock_of(GUIDE), "aliases": aliases + "\n" + evil})
    writer.post(f"/editor/guides/{GUIDE}/submit", {"lock": writer.lock_of(GUIDE)})
    reviewer.post(f"/editor/guides/{GUIDE}/publish", {})
    with Session(get_engine(db_url)) as session:
        assert evil in get_guide(session, GUIDE).aliases
        assert len(list_guides(session)) == 15


def test_purpose_and_example_messages_are_edited_on_the_page_and_published(api, db_url):
    writer, reviewer = signed_in(api, "editor1"), signed_in(api, "rev")
    page = writer.get(f"/editor/guides/{GUIDE}").text
    examples = html.unescape(re.search(r'<textarea name="examples"[^>]*>([^<]*)</textarea>', page).group(1))
    assert len(examples.splitlines()) >= 40
    new_example = "老伴走了单位给的那笔安葬钱去哪领"
    saved = writer.post(
        f"/editor/guides/{GUIDE}/save",
        {
            "lock": writer.lock_of(GUIDE),
            "purpose": "家里退休的老人去世了,家属领丧葬补助和抚恤金。",
            "examples": examples + "\n" + new_example,
        },
    )
    assert saved.status_code == 303
    writer.post(f"/editor/guides/{GUIDE}/submit", {"lock": writer.lock_of(GUIDE)})
    reviewer.post(f"/editor/guides/{GUIDE}/publish", {"override_reason": "测试"})
    with Session(get_engine(db_url)) as session:
        published = get_guide(session, GUIDE)
    assert published.purpose == "家里退休的老人去世了,家属领丧葬补助和抚恤金。"
    assert published.examples[-1] == new_example and len(published.examples) == len(examples.splitlines()) + 1


def test_the_short_name_is_edited_on_the_page_and_published_after_the_official_name(api, db_url):
    writer, reviewer = signed_in(api, "editor1"), signed_in(api, "rev")
    page = writer.get(f"/editor/guides/{GUIDE}").text
    assert re.search(r'<input type="text" name="short_name" id="short_name" maxlength="8" value="领丧葬费">', page)
    saved = writer.post(f"/editor/guides/{GUIDE}/save", {"lock": writer.lock_of(GUIDE), "short_name": "领丧葬补助"})
    assert saved.status_code == 303
    writer.post(f"/editor/guides/{GUIDE}/submit", {"lock": writer.lock_of(GUIDE)})
    reviewer.post(f"/editor/guides/{GUIDE}/publish", {"override_reason": "测试"})
    with Session(get_engine(db_url)) as session:
        published = get_guide(session, GUIDE)
    assert published.short_name == "领丧葬补助" and published.called == "领丧葬补助"
    # The API sees a publish at its next catalogue check (BANSHI_CATALOG_REFRESH_SECONDS, 0.5 s): ask until then.
    deadline, listed = time.monotonic() + 3, None
    while listed != "领丧葬补助" and time.monotonic() < deadline:
        listing = httpx.get(f"{api.url}/api/guides").json()
        listed = next(g for g in listing if g["id"] == GUIDE)["short_name"]
        time.sleep(0.1)
    assert listed == "领丧葬补助"


def test_a_short_name_too_long_to_hear_is_refused_and_what_was_typed_is_kept(api):
    writer = signed_in(api, "editor1")
    refused = writer.post(
        f"/editor/guides/{GUIDE}/save", {"lock": writer.lock_of(GUIDE), "short_name": "丧葬补助金和抚恤金领取"}
    )
    assert refused.status_code == 422 and "short_name" in refused.text and "丧葬补助金和抚恤金领取" in refused.text


def test_a_repeated_example_is_refused_naming_the_field_and_the_text_is_kept(api):
    writer = signed_in(api, "editor1")
    refused = writer.post(
        f"/editor/guides/{GUIDE}/save", {"lock": writer.lock_of(GUIDE), "examples": "丧事的钱怎么领\n丧事的钱怎么领"}
    )
    assert refused.status_code == 422 and "examples" in refused.text and "丧事的钱怎么领" in refused.text


def _publish(writer: Editor, reviewer: Editor, guide_id: str) -> None:
    writer.post(f"/editor/guides/{guide_id}/submit", {"lock": writer.lock_of(guide_id)})
    assert reviewer.post(f"/editor/guides/{guide_id}/publish", {"override_reason": "测试"}).status_code == 303


def test_the_situation_question_and_answers_are_edited_on_the_page_and_published(api, db_url):
    writer, reviewer = signed_in(api, "editor1"), signed_in(api, "rev")
    guide = "household-transfer-to-children"
    page = html.unescape(writer.get(f"/editor/guides/{guide}").text)
    assert 'name="situation_question"' in page and 'value="子女家住的房子,是买的,还是租的?"' in page
    assert 'value="租的、租房、租住、租赁、房租"' in page
    saved = writer.post(
        f"/editor/guides/{guide}/save",
        {
            "lock": writer.lock_of(guide),
            "situation_question": "孩子住的房子,是自己买的,还是租的?",
            "situation-0-name": "自己买的房",
            "situation-0-words": "买的、有房产证, 商品房",
            "situation-1-name": "租的房子",
            "situation-1-words": "租的、租房",
        },
    )
    assert saved.status_code == 303, saved.text
    _publish(writer, reviewer, guide)
    with Session(get_engine(db_url)) as session:
        situations = get_guide(session, guide).situations
    assert situations.question == "孩子住的房子,是自己买的,还是租的?"
    assert [(o.name, o.words) for o in situations.options] == [
        ("自己买的房", ["买的", "有房产证", "商品房"]),
        ("租的房子", ["租的", "租房"]),
    ]
    assert [m.name for m in situations.options[1].materials] == ["租房合同", "房东同意书"]  # papers untouched


def test_one_word_given_to_two_situations_is_refused_and_what_was_typed_is_kept(api):
    writer = signed_in(api, "editor1")
    guide = "household-transfer-to-children"
    refused = writer.post(
        f"/editor/guides/{guide}/save",
        {
            "lock": writer.lock_of(guide),
            "situation_question": "子女家住的房子,是买的,还是租的?",
            "situation-0-name": "买的房子",
            "situation-0-words": "买的、房子",
            "situation-1-name": "租的房子",
            "situation-1-words": "租的、房子",
        },
    )
    text = html.unescape(refused.text)
    assert refused.status_code == 422 and "situations" in text and "房子" in text
    assert 'value="租的、房子"' in text  # what was typed is shown again, not the saved draft


def test_districts_and_asking_for_them_are_edited_on_the_page(api, db_url):
    writer, reviewer = signed_in(api, "editor1"), signed_in(api, "rev")
    guide = "old-age-allowance"
    page = writer.get(f"/editor/guides/{guide}").text
    assert re.search(r'name="ask_district" id="ask_district" checked', page)
    assert 'name="district-0" id="district-0" maxlength="10" value="青松区"' in page
    saved = writer.post(
        f"/editor/guides/{guide}/save",
        {"lock": writer.lock_of(guide), "district_fields": "1", "district-0": "青松区", "district-1": ""},
    )  # box unticked: not sent
    assert saved.status_code == 303, saved.text
    _publish(writer, reviewer, guide)
    with Session(get_engine(db_url)) as session:
        published = get_guide(session, guide)
    assert published.ask_district is False
    assert [loc.district for loc in published.locations][:2] == ["青松区", None]


def test_asking_the_district_where_locations_have_none_is_refused(api):
    writer = signed_in(api, "editor1")
    refused = writer.post(
        f"/editor/guides/{GUIDE}/save",
        {"lock": writer.lock_of(GUIDE), "district_fields": "1", "ask_district": "on", "district-0": ""},
    )
    assert refused.status_code == 422 and "ask_district" in html.unescape(refused.text)


def _drafts(db_url: str) -> list:
    with Session(get_engine(db_url)) as session:
        return list(session.execute(select(ed.DraftRow.guide_id)).scalars())


def test_opening_a_guide_to_look_at_it_makes_no_draft(api, db_url):
    writer = signed_in(api, "editor1")
    page = writer.get(f"/editor/guides/{GUIDE}").text
    assert "还没有草稿" in page and 'name="lock" value="0"' in page and 'id="discard"' not in page
    writer.get(f"/editor/guides/{GUIDE}/preview")
    assert _drafts(db_url) == []
    assert _save_fee(writer, "不收钱。").status_code == 303  # the first save makes the draft
    assert _drafts(db_url) == [GUIDE] and "草稿第 1 次保存" in writer.get(f"/editor/guides/{GUIDE}").text


def test_a_draft_can_be_discarded_and_the_published_guide_is_shown_again(api, db_url):
    writer = signed_in(api, "editor1")
    _save_fee(writer, "这件事不收钱,一分钱也不用交。")
    page = writer.get(f"/editor/guides/{GUIDE}").text
    assert 'id="discard"' in page and "一分钱也不用交" in page
    discarded = writer.post(f"/editor/guides/{GUIDE}/discard", {"lock": writer.lock_of(GUIDE)})
    assert discarded.status_code == 303 and _drafts(db_url) == []
    page = writer.get(f"/editor/guides/{GUIDE}?discarded=1").text
    assert "已放弃草稿" in page and "一分钱也不用交" not in page
    with Session(get_engine(db_url)) as session:
        actions = [a.action for a in ed.audit_entries(session)]
    assert actions[0] == "discard_draft"


def test_a_draft_waiting_for_review_or_changed_since_cannot_be_discarded(api, db_url):
    writer, other = signed_in(api, "editor1"), signed_in(api, "editor2")
    _save_fee(writer, "不收钱。")
    stale = writer.lock_of(GUIDE)
    _save_fee(other, "不要钱。")
    assert writer.post(f"/editor/guides/{GUIDE}/discard", {"lock": stale}).status_code == 409
    writer.post(f"/editor/guides/{GUIDE}/submit", {"lock": writer.lock_of(GUIDE)})
    refused = writer.post(f"/editor/guides/{GUIDE}/discard", {"lock": writer.lock_of(GUIDE)})
    assert refused.status_code == 422 and "等待审核" in refused.text and _drafts(db_url) == [GUIDE]


def test_a_new_guide_can_be_drafted_and_published(api, db_url):
    writer, reviewer = signed_in(api, "editor1"), signed_in(api, "rev")
    form = writer.get("/editor/guides/new").text
    text = re.search(r'<textarea id="yaml_text" name="yaml_text" rows="30">(.*?)</textarea>', form, re.S).group(1)
    import html

    text = (
        html.unescape(text)
        .replace("id: new-guide-id", "id: test-new-service")
        .replace("aliases:\n", "aliases:\n- 夕阳红测试事项\n", 1)
    )
    assert writer.post("/editor/guides/new", {"guide_id": "test-new-service", "yaml_text": text}).status_code == 303
    writer.post("/editor/guides/test-new-service/submit", {"lock": writer.lock_of("test-new-service")})
    assert reviewer.post("/editor/guides/test-new-service/publish", {"override_reason": "测试"}).status_code == 303
    with Session(get_engine(db_url)) as session:
        assert "夕阳红测试事项" in get_guide(session, "test-new-service").aliases


def test_glossary_terms_added_by_editors_are_checked(api):
    writer = signed_in(api, "editor1")
    before = writer.http.post(
        "/editor/api/readability", json={"text": "请带好社会保障卡。"}, headers={"X-CSRF-Token": writer.csrf}
    ).json()
    assert all(p["kind"] != "jargon" for p in before["problems"])
    writer.post("/editor/glossary", {"term": "社会保障卡", "plain": "社保卡", "explain": "社会保障卡就是社保卡"})
    after = writer.http.post(
        "/editor/api/readability", json={"text": "请带好社会保障卡。"}, headers={"X-CSRF-Token": writer.csrf}
    ).json()
    assert any(p["kind"] == "jargon" and "社会保障卡" in p["excerpt"] for p in after["problems"])


def test_admin_creates_accounts_and_the_first_admin_comes_from_the_cli(api, db_url):
    done = subprocess.run(
        [sys.executable, "-m", "guidekit.cli", "create-user", "root2", "--password-stdin"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "BANSHI_DATABASE_URL": db_url},
    )
    assert done.returncode == 0, done.stderr
    admin = signed_in(api, "root2")
    assert admin.post("/editor/users", {"username": "newbie", "password": "short", "role": "editor"}).status_code == 422
    assert (
        admin.post("/editor/users", {"username": "newbie", "password": PASSWORD, "role": "editor"}).status_code == 303
    )
    assert signed_in(api, "newbie").get("/editor").status_code == 200


def test_export_and_import_round_trip_without_difference(tmp_path, db_url):
    out = tmp_path / "export"
    done = subprocess.run(
        [sys.executable, "-m", "guidekit.cli", "export", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "BANSHI_DATABASE_URL": db_url},
    )
    assert done.returncode == 0, done.stderr
    again = f"sqlite:///{tmp_path / 'again.db'}"
    report = load_guides(get_engine(again), out)
    assert not report.refused and len(report.added) == 15
    with Session(get_engine(db_url)) as a, Session(get_engine(again)) as b:
        assert list_guides(a) == list_guides(b)
        assert [r.content for r in a.execute(select(GuideRow).order_by(GuideRow.id)).scalars()] == [
            r.content for r in b.execute(select(GuideRow).order_by(GuideRow.id)).scalars()
        ]


def test_the_writer_of_a_change_cannot_publish_it_a_second_reviewer_can(api, db_url):
    boss, rev = signed_in(api, "boss"), signed_in(api, "rev")
    _save_fee(boss, "这件事不收钱。")
    boss.post(f"/editor/guides/{GUIDE}/submit", {"lock": boss.lock_of(GUIDE)})
    assert 'id="own-change"' in boss.get(f"/editor/guides/{GUIDE}/review").text
    refused = boss.post(f"/editor/guides/{GUIDE}/publish", {})
    assert refused.status_code == 403 and "请另一位审核的人来发布" in html.unescape(refused.text)
    assert 'id="own-change"' not in rev.get(f"/editor/guides/{GUIDE}/review").text
    assert rev.post(f"/editor/guides/{GUIDE}/publish", {}).status_code == 303
    with Session(get_engine(db_url)) as session:
        assert get_guide(session, GUIDE).fee.plain == "这件事不收钱。"


def test_a_reviewer_who_edited_the_draft_cannot_publish_even_after_someone_else_submitted(api, db_url):
    writer, rev = signed_in(api, "editor1"), signed_in(api, "rev")
    _save_fee(writer, "这件事不收钱。")
    _save_fee(rev, "这件事不收钱,一分也不用交。")
    writer.post(f"/editor/guides/{GUIDE}/submit", {"lock": writer.lock_of(GUIDE)})
    assert rev.post(f"/editor/guides/{GUIDE}/publish", {}).status_code == 403


def test_an_admin_may_publish_their_own_change_with_a_reason_that_is_audited(api, db_url):
    boss = signed_in(api, "boss")
    _save_fee(boss, "这件事不收钱。")
    boss.post(f"/editor/guides/{GUIDE}/submit", {"lock": boss.lock_of(GUIDE)})
    page = boss.get(f"/editor/guides/{GUIDE}/review").text
    assert 'name="own_change_reason"' in page
    published = boss.post(f"/editor/guides/{GUIDE}/publish", {"own_change_reason": "周末只有我一人值班,政策今天生效"})
    assert published.status_code == 303
    with Session(get_engine(db_url)) as session:
        entries = ed.audit_entries(session)
    assert [e.action for e in entries[:2]] == ["publish", "four_eyes_override"]
    assert "周末只有我一人值班" in entries[1].detail


def test_the_review_shows_each_changed_field_old_and_new_with_the_change_marked_and_its_check(api, db_url):
    writer, rev = signed_in(api, "editor1"), signed_in(api, "rev")
    with Session(get_engine(db_url)) as session:
        old_fee = get_guide(session, GUIDE).fee.plain
    _save_fee(writer, old_fee + "钱会打到您的卡上。")
    writer.post(f"/editor/guides/{GUIDE}/submit", {"lock": writer.lock_of(GUIDE)})
    page = rev.get(f"/editor/guides/{GUIDE}/review").text
    table = page[page.index('<table id="changes">') : page.index("</table>", page.index('<table id="changes">'))]
    assert table.count("<tr>") == 2  # the header and the one changed field
    assert "收费(大白话)" in table and "<mark>钱会打到您的卡上。</mark>" in table
    assert "易读检查" in table and ("通过," in table or "没通过," in table)


def test_a_materials_condition_and_reminder_are_edited_on_the_page_and_published(api, db_url):
    writer, reviewer = signed_in(api, "editor1"), signed_in(api, "rev")
    page = html.unescape(writer.get(f"/editor/guides/{GUIDE}").text)
    with Session(get_engine(db_url)) as session:
        materials = get_guide(session, GUIDE).materials
    assert 'name="condition-0"' in page and f'name="condition-{len(materials)}"' not in page
    form = {"lock": writer.lock_of(GUIDE), "material_fields": "1"}
    for i, m in enumerate(materials):
        form[f"condition-{i}"], form[f"notes-{i}"] = m.condition or "", m.notes or ""
    form["condition-0"], form["notes-0"] = "去世的人是退休职工的,带这一样", "要在有效期内"
    assert writer.post(f"/editor/guides/{GUIDE}/save", form).status_code == 303
    _publish(writer, reviewer, GUIDE)
    with Session(get_engine(db_url)) as session:
        after = get_guide(session, GUIDE).materials
    assert (after[0].condition, after[0].notes) == ("去世的人是退休职工的,带这一样", "要在有效期内")
    assert [(m.condition, m.notes) for m in after[1:]] == [(m.condition, m.notes) for m in materials[1:]]


def test_assigning_a_guide_is_not_writing_its_change(api, db_url):
    writer, rev = signed_in(api, "editor1"), signed_in(api, "rev")
    rev.get("/editor")
    rev.post(f"/editor/guides/{GUIDE}/assign", {"username": "editor1"})
    _save_fee(writer, "这件事不收钱。")
    writer.post(f"/editor/guides/{GUIDE}/submit", {"lock": writer.lock_of(GUIDE)})
    assert rev.post(f"/editor/guides/{GUIDE}/publish", {}).status_code == 303


def test_what_a_family_member_brings_is_edited_on_the_page_and_published(api, db_url):
    writer, reviewer = signed_in(api, "editor1"), signed_in(api, "rev")
    page = writer.get(f"/editor/guides/{GUIDE}").text
    assert 'name="plain:proxy-material-0"' in page
    saved = writer.post(
        f"/editor/guides/{GUIDE}/save",
        {"lock": writer.lock_of(GUIDE), "plain:proxy-material-0": "来办的家人自己的身份证。"},
    )
    assert saved.status_code == 303
    _publish(writer, reviewer, GUIDE)
    with Session(get_engine(db_url)) as session:
        assert get_guide(session, GUIDE).proxy.materials[0].plain == "来办的家人自己的身份证。"


def test_a_materials_name_and_what_to_bring_are_edited_on_the_page_and_a_mismatch_is_refused(api, db_url):
    writer, reviewer = signed_in(api, "editor1"), signed_in(api, "rev")
    page = writer.get(f"/editor/guides/{GUIDE}").text
    assert 'name="form-0"' in page and 'name="copies-0"' in page
    lock = writer.lock_of(GUIDE)
    base = {"lock": lock, "material_fields": "1", "name-0": "家属身份证", "form-0": "原件和复印件"}
    refused = writer.post(f"/editor/guides/{GUIDE}/save", {**base, "originals-0": "1", "copies-0": "0"})
    text = html.unescape(refused.text)
    assert refused.status_code == 422 and "原件和复印件" in text and 'value="家属身份证"' in text
    assert (
        writer.post(f"/editor/guides/{GUIDE}/save", {**base, "originals-0": "1", "copies-0": "一"}).status_code == 422
    )
    saved = writer.post(f"/editor/guides/{GUIDE}/save", {**base, "originals-0": "1", "copies-0": "2"})
    assert saved.status_code == 303
    _publish(writer, reviewer, GUIDE)
    with Session(get_engine(db_url)) as session:
        first = get_guide(session, GUIDE).materials[0]
    assert (first.name, first.form.value, first.originals, first.copies) == ("家属身份证", "原件和复印件", 1, 2)


def test_a_family_members_papers_and_a_situations_papers_are_added_and_removed_on_the_page(api, db_url):
    writer = signed_in(api, "editor1")
    with Session(get_engine(db_url)) as session:
        proxy_before = len(get_guide(session, GUIDE).proxy.materials)
    page = writer.get(f"/editor/guides/{GUIDE}").text
    assert 'id="materials-proxy"' in page
    add = {"action": "add", "index": -1, "where": "proxy"}
    assert writer.post(f"/editor/guides/{GUIDE}/materials", {**add, "lock": writer.lock_of(GUIDE)}).status_code == 303
    with Session(get_engine(db_url)) as session:
        draft = ed.parse_draft(GUIDE, ed.get_draft(session, GUIDE).yaml_text)
    assert len(draft.proxy.materials) == proxy_before + 1 and draft.proxy.materials[0].name == "新材料"
    moving = "household-transfer-to-children"
    cut = {"action": "remove", "index": 1, "where": "situation-1"}
    assert writer.post(f"/editor/guides/{moving}/materials", {**cut, "lock": writer.lock_of(moving)}).status_code == 303
    with Session(get_engine(db_url)) as session:
        rented = ed.parse_draft(moving, ed.get_draft(session, moving).yaml_text).situations.options[1]
    assert [m.name for m in rented.materials] == ["租房合同"]
    last = {"action": "remove", "index": 0, "where": "situation-1", "lock": writer.lock_of(moving)}
    assert writer.post(f"/editor/guides/{moving}/materials", last).status_code == 422  # a situation keeps one paper
    nowhere = {"action": "add", "index": 0, "where": "situation-9", "lock": writer.lock_of(moving)}
    assert writer.post(f"/editor/guides/{moving}/materials", nowhere).status_code == 422


def test_no_family_member_papers_where_a_family_member_cannot_do_it(api):
    writer = signed_in(api, "editor1")
    assert 'id="materials-proxy"' not in writer.get("/editor/guides/id-card-reissue").text
    add = {"action": "add", "index": -1, "where": "proxy", "lock": writer.lock_of("id-card-reissue")}
    refused = writer.post("/editor/guides/id-card-reissue/materials", add)
    assert refused.status_code == 422 and "proxy" in html.unescape(refused.text)


def test_the_last_verified_date_is_edited_on_the_page_and_a_non_date_refused(api, db_url):
    writer, reviewer = signed_in(api, "editor1"), signed_in(api, "rev")
    assert 'type="date" name="last_verified"' in writer.get(f"/editor/guides/{GUIDE}").text
    bad = writer.post(f"/editor/guides/{GUIDE}/save", {"lock": writer.lock_of(GUIDE), "last_verified": "上个月"})
    assert bad.status_code == 422 and "last_verified" in html.unescape(bad.text)
    ok = writer.post(f"/editor/guides/{GUIDE}/save", {"lock": writer.lock_of(GUIDE), "last_verified": "2026-11-28"})
    assert ok.status_code == 303
    _publish(writer, reviewer, GUIDE)
    with Session(get_engine(db_url)) as session:
        assert get_guide(session, GUIDE).last_verified.isoformat() == "2026-11-28"
