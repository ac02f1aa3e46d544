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
