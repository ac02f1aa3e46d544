"""An editor and a reviewer in a real browser (Playwright, Debian's chromium), then the assistant answers
with the new wording through POST /api/chat — no retraining, no restart."""

from __future__ import annotations

import time

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from guidekit.editorial import workflow as ed
from guidekit.db.engine import get_engine
from guidekit.guides.store import get_guide
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e
GUIDE = "funeral-allowance"
PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="module")
def accounts(guides_db_url):
    with Session(get_engine(guides_db_url)) as session, session.begin():
        for name, role in (("web-editor", "editor"), ("web-reviewer", "reviewer")):
            if session.query(ed.UserRow).filter_by(username=name).first() is None:
                ed.create_user(session, name, PASSWORD, role, by="test")
    return guides_db_url


@pytest.fixture()
def restore_guide(accounts):
    """Put the guide back as it was, so other tests read the shipped wording."""
    with Session(get_engine(accounts)) as session:
        original = get_guide(session, GUIDE)
    yield original
    with Session(get_engine(accounts)) as session, session.begin():
        draft = ed.get_draft(session, GUIDE)
        ed.save_draft(session, GUIDE, ed.guide_to_yaml(original), draft.lock if draft else 0, "test")
        ed.submit(session, GUIDE, ed.get_draft(session, GUIDE).lock, "test")
        ed.publish(session, GUIDE, "test", override_reason="test teardown")


def _login(page, username: str) -> None:
    page.goto("/editor/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/editor")


def _first_material(chat_url: str) -> str:
    reply = httpx.post(chat_url, json={"text": "丧葬费要带什么"}, timeout=30).json()
    return "\n".join(m["text"] for m in reply["messages"])


def test_edit_check_fix_submit_publish_and_the_assistant_says_it(stack, browser, restore_guide):
    original = restore_guide.materials[0].plain
    new_wording = "逝者的居民身份证,就是去世的那位老人的身份证。"
    hard = "申请人应当携带逝者户籍所在地公安机关出具的居民身份证原件及复印件一式两份前往属地受理窗口核验。"
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, base_url=stack.cfg.api_url, locale="zh-CN")
    page = context.new_page()
    _login(page, "web-editor")
    page.goto(f"/editor/guides/{GUIDE}")
    area = page.locator("#plain-material-0")
    area.fill(hard)
    check = page.locator("#check-plain-material-0")
    # Locator assertions: the page's Content-Security-Policy refuses wait_for_function's string predicates.
    expect(check).to_contain_text("没通过", use_inner_text=True, timeout=30000)
    assert "一式两份" in check.inner_text() or "字" in check.inner_text()
    page.screenshot(path=str(ARTIFACTS.parent / "editor-warning.png"))
    area.fill(new_wording)
    expect(check).not_to_contain_text("没通过", use_inner_text=True, timeout=30000)
    expect(check).to_contain_text("通过,", use_inner_text=True, timeout=30000)
    page.click("#save")
    page.wait_for_url("**saved=1")
    page.click("#submit")
    page.wait_for_url("**/editor?submitted=*")
    page.click("header button[type=submit]")  # sign out
    _login(page, "web-reviewer")
    page.goto(f"/editor/guides/{GUIDE}/review")
    assert new_wording in page.locator("#changes").inner_text()  # the field review, old and new side by side
    assert _first_material(f"{stack.cfg.api_url}/api/chat").count(new_wording) == 0
    page.click("#publish")
    published_at = time.monotonic()
    page.wait_for_url("**/history?published=1")
    deadline = published_at + 10
    while new_wording not in _first_material(f"{stack.cfg.api_url}/api/chat"):
        assert time.monotonic() < deadline, "the new wording did not reach /api/chat"
        time.sleep(0.1)
    assert original not in _first_material(f"{stack.cfg.api_url}/api/chat")
    context.close()


def test_a_published_new_guide_is_answered_at_once_without_retraining(stack, accounts):
    from pathlib import Path

    from guidekit.guides.loader import read_guide_file
    from guidekit.guides.store import GuideRow, bump_revision

    base = read_guide_file(Path(__file__).resolve().parents[2] / "guides" / "old-age-allowance.yml")
    new = base.model_copy(
        update={
            "id": "test-silver-bus-pass",
            "name": "老年人免费乘车卡办理",
            "aliases": ["银发乘车卡", "老人坐车卡"],
            "related_words": [],
        }
    )
    with Session(get_engine(accounts)) as session, session.begin():
        ed.save_draft(session, new.id, ed.guide_to_yaml(new), 0, "web-editor", action="create_draft")
        ed.submit(session, new.id, ed.get_draft(session, new.id).lock, "web-editor")
        ed.publish(session, new.id, "web-reviewer")
    try:
        deadline = time.monotonic() + 10
        while True:
            reply = httpx.post(f"{stack.cfg.api_url}/api/chat", json={"text": "银发乘车卡要带什么"}, timeout=30).json()
            if reply["state"]["service_id"] == new.id:
                break
            assert time.monotonic() < deadline, reply
            time.sleep(0.1)
        assert "第1样" in reply["messages"][0]["text"] + reply["messages"][-1]["text"]
    finally:
        with Session(get_engine(accounts)) as session, session.begin():
            session.delete(session.get(GuideRow, new.id))
            bump_revision(session)


EDITOR_ARTIFACTS = ARTIFACTS.parent / "editor"
CONDITION = "去世的人是退休职工的,带这一样"


def _rows(page) -> list:
    return page.locator("#guides tr[data-id]").evaluate_all("rows => rows.map(r => r.dataset.id)")


def _sign_out(page) -> None:
    page.click("header button[type=submit]")
    page.wait_for_url("**/editor/login**")


def test_an_editors_round_search_assign_edit_a_condition_second_person_publishes(
    stack, browser, accounts, restore_guide
):
    """The issue's walk: a reviewer finds the guide and gives it to an editor; the editor finds it under 我负责的,
    opens it (no draft), writes a material's condition in the form and submits; the reviewer reads the field
    review and publishes; a change the reviewer wrote themselves they cannot publish; the overdue filter agrees
    with its count; an unanswered question is ignored and another becomes an alias of the guide chosen."""
    from guidekit.quality import records as quality

    EDITOR_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with Session(get_engine(accounts)) as session, session.begin():
        for i, text in enumerate(["明天会不会下大雨", "明天会不会下大雨", "老伴的丧葬费找谁", "老伴的丧葬费找谁"]):
            quality.record_turn(
                session, session_id=f"walk-{i}", channel="wechat", text=text, service_id=None, topic="fallback"
            )
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, base_url=stack.cfg.api_url, locale="zh-CN")
    page = context.new_page()

    _login(page, "web-reviewer")
    page.goto("/editor?q=丧葬")
    assert _rows(page) == [GUIDE]
    page.select_option(f'tr[data-id="{GUIDE}"] select[name=username]', "web-editor")
    page.click(f'tr[data-id="{GUIDE}"] button')
    page.wait_for_url("**assigned=*")
    page.goto("/editor?overdue=true")
    assert len(_rows(page)) == int(page.locator("#overdue-count").inner_text())
    page.goto("/editor")
    page.screenshot(path=str(EDITOR_ARTIFACTS / "list.png"), full_page=True)
    _sign_out(page)

    _login(page, "web-editor")
    page.goto("/editor?assignee=web-editor")
    assert _rows(page) == [GUIDE]
    page.goto(f"/editor/guides/{GUIDE}")
    expect(page.locator("#status")).to_have_text("已发布")
    with Session(get_engine(accounts)) as session:
        assert ed.get_draft(session, GUIDE) is None  # looking made no draft
    page.fill("#condition-0", CONDITION)
    page.click("#save")
    page.wait_for_url("**saved=1")
    page.click("#submit")
    page.wait_for_url("**/editor?submitted=*")
    _sign_out(page)

    _login(page, "web-reviewer")
    page.goto(f"/editor/guides/{GUIDE}/review")
    changes = page.locator("#changes")
    expect(changes).to_contain_text("材料1")
    assert CONDITION in changes.inner_text() and changes.locator("mark").count() >= 1
    page.screenshot(path=str(EDITOR_ARTIFACTS / "review.png"), full_page=True)
    page.click("#publish")
    page.wait_for_url("**/history?published=1")
    with Session(get_engine(accounts)) as session:
        assert get_guide(session, GUIDE).materials[0].condition == CONDITION

    # The reviewer's own change: they cannot publish it.
    page.goto(f"/editor/guides/{GUIDE}")
    page.fill("#notes-0", "要带原件")
    page.click("#save")
    page.wait_for_url("**saved=1")
    page.click("#submit")
    page.wait_for_url("**/editor?submitted=*")
    page.goto(f"/editor/guides/{GUIDE}/review")
    expect(page.locator("#own-change")).to_be_visible()
    page.click("#publish")
    expect(page.locator("p.error[role=alert]")).to_contain_text("请另一位审核的人来发布")

    page.goto("/editor/dashboard")
    row = page.locator("#unanswered ~ table tr", has_text="明天会不会下大雨")
    row.locator("button", has_text="忽略").click()
    page.wait_for_url("**dismissed=1**")
    expect(page.locator("#unanswered ~ table").first).not_to_contain_text("明天会不会下大雨")
    row = page.locator("#unanswered ~ table tr", has_text="老伴的丧葬费找谁")
    row.locator("select[name=guide_id]").select_option(GUIDE)
    row.locator("button", has_text="加为别名").click()
    page.wait_for_url(f"**/editor/guides/{GUIDE}?saved=1")
    page.goto("/editor/dashboard")
    page.screenshot(path=str(EDITOR_ARTIFACTS / "dashboard.png"), full_page=True)
    with Session(get_engine(accounts)) as session:
        assert "老伴的丧葬费找谁" in ed.parse_draft(GUIDE, ed.get_draft(session, GUIDE).yaml_text).aliases
    context.close()
