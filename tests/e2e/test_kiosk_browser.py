"""The kiosk page in a real browser (Playwright driving Debian's chromium, headless, 1080 × 1920 portrait).

Artefacts (screenshots, the axe-core report, the printed checklist) go to var/test-artifacts/kiosk/.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from guidekit.answers.buttons import KIOSK_BAR
from tests.conftest import HALL_EAST_DESK
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

PORTRAIT = {"width": 1080, "height": 1920}
# Waits are locator assertions, not page.wait_for_function: a string predicate is evaluated in the page, which
# the pages' Content-Security-Policy (no 'unsafe-eval', api/security_headers.py) refuses — as it should.
WAIT = 30000

# Measures every visible text, target and colour pair on the page, the way WCAG defines them.
MEASURE = """
() => {
  const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && s.opacity !== '0'; };
  const rgba = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return [0,0,0,0];
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = ([r,g,b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v/12.92 : Math.pow((v+0.055)/1.055, 2.4); };
    return 0.2126*f(r) + 0.7152*f(g) + 0.0722*f(b); };
  const background = el => { for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor);
    if (c[3] > 0.99) return c; } return [255,255,255,1]; };
  const texts = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!visible(el)) continue;
    const own = [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim()).map(n => n.textContent.trim()).join('');
    if (!own) continue;
    const s = getComputedStyle(el); const fg = rgba(s.color); const bg = background(el);
    const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    texts.push({text: own.slice(0, 20), size: parseFloat(s.fontSize), contrast: (l1 + 0.05) / (l2 + 0.05)});
  }
  const targets = [...document.querySelectorAll('button, a, [role=button], input[type=submit]')].filter(visible)
    .map(el => { const r = el.getBoundingClientRect();
      return {label: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 12),
              left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height}; });
  return {texts, targets, scrollHeight: document.documentElement.scrollHeight, innerHeight: innerHeight};
}
"""


@pytest.fixture()
def page(browser, stack):
    context = browser.new_context(viewport=PORTRAIT, locale="zh-CN", base_url=stack.cfg.api_url)
    context.grant_permissions(["microphone"], origin=stack.cfg.api_url)
    pg = context.new_page()
    yield pg
    context.close()


def _start_with_tile(page, name: str) -> None:
    page.goto("/kiosk")
    page.get_by_role("button", name=name).click()
    page.locator("#material-card").wait_for(state="visible", timeout=30000)


def _check_measurements(page, label: str) -> None:
    m = page.evaluate(MEASURE)
    small = [t for t in m["texts"] if t["size"] < 24]
    assert not small, f"{label}: text under 24 px: {small[:5]}"
    low = [t for t in m["texts"] if t["contrast"] < 7]
    assert not low, f"{label}: contrast under 7:1: {low[:5]}"
    tiny = [t for t in m["targets"] if t["width"] < 64 or t["height"] < 64]
    assert not tiny, f"{label}: targets under 64 × 64 px: {tiny[:5]}"
    targets = m["targets"]
    for i, a in enumerate(targets):
        for b in targets[i + 1 :]:
            dx = max(b["left"] - a["right"], a["left"] - b["right"])
            dy = max(b["top"] - a["bottom"], a["top"] - b["bottom"])
            assert max(dx, dy) >= 8, f"{label}: {a['label']!r} and {b['label']!r} are {max(dx, dy):.0f} px apart"
    assert m["scrollHeight"] <= m["innerHeight"], f"{label}: the page scrolls ({m['scrollHeight']} px)"


def test_start_screen_shows_every_service_as_a_big_tile(page, all_guides):
    page.goto("/kiosk")
    for guide in all_guides:
        # The tiles come from GET /api/guides after the page loads: wait for each to appear.
        page.get_by_role("button", name=guide.called).wait_for(state="visible", timeout=10000)
    page.screenshot(path=str(ARTIFACTS / "start.png"))
    _check_measurements(page, "start screen")


def test_conversation_by_taps_walks_the_materials(page, all_guides):
    guide = next(g for g in all_guides if g.id == "social-security-card-replacement")
    count = len(guide.materials_to_bring())
    _start_with_tile(page, guide.called)
    assert page.locator("#material-count").inner_text().strip() == f"第1样 / 共{count}样"
    items = guide.materials_to_bring()
    assert page.locator("#material-name").inner_text().strip() == items[0].name  # the name, large
    assert page.locator("#btn-next").inner_text().strip() == "下一个"  # one name per action, as in the answers
    page.click("#btn-next")
    expect(page.locator("#material-count")).to_contain_text("第2样", use_inner_text=True, timeout=WAIT)
    assert page.locator("#material-name").inner_text().strip() == items[1].name
    # Said once: the log keeps the item's one line, the card has the whole answer.
    assert page.locator(".msg-bot .bubble").last.inner_text().strip() == f"第2样,{items[1].name}"
    rest = page.locator("#material-text").inner_text().strip()
    assert rest and items[1].name not in rest.split("。")[0] and rest not in page.locator("[role=log]").inner_text()
    # One name per action: the walk's buttons are the bar's, each once (上一个 and 这个我有了 join it).
    assert page.locator(".msg-buttons:not(.stale)").count() == 0
    bar = [b.inner_text().strip() for b in page.locator("#actions button:visible").all()]
    assert len(bar) == len(set(bar)) and {"下一个", "上一个", "再说一遍", "这个我有了", "全部说一遍"} <= set(bar), bar
    with page.expect_response(lambda r: r.url.endswith("/kiosk/chat")):
        page.click("#btn-repeat")
    expect(page.locator("#btn-next")).to_be_enabled(timeout=WAIT)  # the answer is shown
    assert page.locator("#material-count").inner_text().strip() == f"第2样 / 共{count}样"
    assert page.locator("#material-card").is_visible() and page.locator("#btn-next").is_visible()
    page.screenshot(path=str(ARTIFACTS / "conversation.png"))
    _check_measurements(page, "conversation")
    page.click("#btn-all")
    expect(page.locator("[role=log]")).to_contain_text(
        guide.materials_to_bring()[-1].name, use_inner_text=True, timeout=WAIT
    )
    assert page.evaluate("window.kiosk.lastState().service_id") == guide.id


def test_axe_core_finds_no_serious_or_critical_violations(page, all_guides):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    reports = {}
    page.goto("/kiosk")
    page.get_by_role("button", name=all_guides[-1].called).wait_for(state="visible", timeout=10000)  # tiles loaded
    reports["start"] = axe.run(page).response
    _start_with_tile(page, all_guides[0].called)
    reports["conversation"] = axe.run(page).response
    (ARTIFACTS / "axe-report.json").write_text(json.dumps(reports, ensure_ascii=False, indent=1), encoding="utf-8")
    bad = {
        screen: [
            (v["id"], v["impact"], len(v["nodes"])) for v in r["violations"] if v["impact"] in ("serious", "critical")
        ]
        for screen, r in reports.items()
    }
    assert bad == {"start": [], "conversation": []}, bad


def test_read_aloud_plays_the_current_answer(page, all_guides):
    _start_with_tile(page, all_guides[1].called)
    with page.expect_response(lambda r: r.url.endswith("/voice/tts")) as spoken:
        page.click("#btn-read")
    response = spoken.value
    assert response.status == 200 and response.headers["content-type"] == "audio/wav"


def test_microphone_recording_is_answered_inside_the_conversation(page, all_guides):
    """Chromium's fake microphone beeps: whatever the recogniser makes of it (words or "请您再说一遍"), the answer
    comes inside the same conversation and is shown — no 501 any more."""
    _start_with_tile(page, all_guides[2].called)
    session = page.evaluate("window.kiosk.sessionId()")
    page.click("#btn-mic")
    page.wait_for_timeout(1200)
    with page.expect_response(lambda r: "/kiosk/audio" in r.url) as heard:
        page.click("#btn-mic")
    assert heard.value.status == 200
    body = heard.value.json()
    assert body["session_id"] == session
    if body["transcript"]:  # what was heard, as the person's own bubble
        expect(page.locator(".msg-user .bubble").last).to_have_text(body["transcript"], timeout=WAIT)
    # The answer (its first line: a material answer shows only 第N样,名字 in the log, the rest in the card).
    first = body["messages"][0]["text"].split("\n")[0].split("。")[0][:10]
    expect(page.locator(".msg-bot").last).to_contain_text(first, use_inner_text=True, timeout=WAIT)


def test_idle_kiosk_clears_the_conversation_and_returns_to_start(page, all_guides):
    page.goto("/kiosk?idle=2")
    page.get_by_role("button", name=all_guides[0].called).click()
    page.locator("#material-card").wait_for(state="visible", timeout=30000)
    first_session = page.evaluate("window.kiosk.sessionId()")
    page.wait_for_timeout(3500)
    page.get_by_role("button", name=all_guides[0].called).wait_for(state="visible", timeout=5000)
    assert page.locator("[role=log]").inner_text().strip() == "" or not page.locator("[role=log]").is_visible()
    assert page.evaluate("window.kiosk.sessionId()") != first_session


def test_the_kiosk_asks_whether_the_person_is_still_there_before_clearing(page, all_guides):
    page.goto("/kiosk?idle=6")  # asked 3 s before the reset (15 s with the hall's 90 s)
    page.get_by_role("button", name=all_guides[0].called).click()
    page.locator("#material-card").wait_for(state="visible", timeout=30000)
    first_session = page.evaluate("window.kiosk.sessionId()")
    asked = page.locator("#still-there")
    expect(asked).to_be_visible(timeout=8000)
    assert "您还在吗" in asked.inner_text() and "3秒后回到首页" in asked.inner_text()
    page.click("#btn-still-here")
    expect(asked).to_be_hidden(timeout=WAIT)
    assert page.evaluate("window.kiosk.sessionId()") == first_session  # the conversation goes on
    assert page.locator("#material-card").is_visible()


def test_a_question_back_shows_its_options_by_their_short_names_and_a_tap_answers_it(page):
    page.goto("/kiosk")
    page.get_by_role("button", name="补换社保卡").wait_for(state="visible", timeout=10000)
    page.get_by_role("button", name="说话").wait_for(state="visible")
    page.get_by_role("button", name="补换社保卡").click()  # into a conversation, where the typing box is
    page.locator("#material-card").wait_for(state="visible", timeout=30000)
    page.fill("#ask-input", "身份证要带什么")  # lost, or expired?
    with page.expect_response(lambda r: r.url.endswith("/kiosk/chat")):
        page.click("#btn-send")
    # The bar follows the state: the question's options are what it offers now (and only there).
    option = page.locator("#bar-options button", has_text="补办身份证")
    option.wait_for(state="visible", timeout=WAIT)
    assert page.locator(".msg-buttons:not(.stale) button", has_text="补办身份证").count() == 0
    page.screenshot(path=str(ARTIFACTS / "options.png"))
    assert not page.locator("#btn-next").is_visible() and not page.locator("#btn-all").is_visible()  # nothing to walk
    with page.expect_response(lambda r: r.url.endswith("/kiosk/chat")):
        option.click()
    expect(page.locator("#material-name")).to_have_text("户口本", timeout=WAIT)
    assert page.locator("#btn-next").is_visible() and page.locator("#bar-options button", has_text="补办").count() == 0
    assert page.evaluate("window.kiosk.lastState().service_id") == "id-card-reissue"


def test_the_checklist_opens_inside_the_kiosk_prints_and_goes_back(page, all_guides):
    guide = next(g for g in all_guides if g.id == "social-security-card-replacement")
    _start_with_tile(page, guide.called)
    page.click("#btn-next")
    expect(page.locator("#material-count")).to_contain_text("第2样", use_inner_text=True, timeout=WAIT)
    page.click("#btn-checklist")
    frame = page.frame_locator("#checklist-frame")
    expect(frame.locator("h1")).to_be_visible(timeout=WAIT)
    assert frame.locator("input[type=checkbox]").count() == len(guide.materials_to_bring())
    expect(frame.locator("li.here")).to_contain_text(guide.materials_to_bring()[1].name)  # where the kiosk was
    assert page.locator("#btn-print").is_visible() and page.locator("#btn-back").is_visible()
    assert not page.locator("#btn-restart").is_visible()  # only 打印 and 返回 while the list is open
    page.screenshot(path=str(ARTIFACTS / "checklist.png"))
    _check_measurements(page, "checklist in the kiosk")
    # 打印 prints the list itself (the browser's print is counted here instead of opening a dialog).
    page.evaluate("""() => { const w = document.getElementById('checklist-frame').contentWindow;
                             w.print = () => { window.printedFrom = w.location.pathname; }; }""")
    page.click("#btn-print")
    assert page.evaluate("window.printedFrom") == f"/kiosk/checklist/{guide.id}"
    page.click("#btn-back")
    expect(page.locator("#checklist-view")).to_be_hidden(timeout=WAIT)
    assert page.locator("#material-card").is_visible() and page.locator("#btn-next").is_visible()
    assert page.locator("#checklist-frame").get_attribute("src") == "about:blank"


def test_an_open_checklist_is_cleared_with_the_kiosk(page, all_guides):
    page.goto("/kiosk?idle=4")
    page.get_by_role("button", name=all_guides[0].called).click()
    page.locator("#material-card").wait_for(state="visible", timeout=30000)
    page.click("#btn-checklist")
    expect(page.frame_locator("#checklist-frame").locator("h1")).to_be_visible(timeout=WAIT)
    # Nobody touches it: the next visitor finds the start screen, not the last person's list.
    expect(page.locator("#start-view")).to_be_visible(timeout=10000)
    assert page.locator("#checklist-view").is_hidden()
    assert page.locator("#checklist-frame").get_attribute("src") == "about:blank"


def test_asking_for_a_person_at_the_kiosk_names_its_help_desk_and_calls_the_staff(page, all_guides, staff_calls):
    guide = next(g for g in all_guides if g.id == "id-card-reissue")
    page.goto("/kiosk?kiosk=hall-east")
    page.get_by_role("button", name=guide.called).click()
    page.locator("#material-card").wait_for(state="visible", timeout=30000)
    before = len(staff_calls.calls)
    with page.expect_response(lambda r: "/kiosk/chat?kiosk=hall-east" in r.url):
        page.click("#btn-human")
    reply = page.locator(".msg-bot .bubble").last
    expect(reply).to_contain_text("工作人员马上过来", use_inner_text=True, timeout=WAIT)
    assert HALL_EAST_DESK in reply.inner_text() and "12345" not in reply.inner_text()
    assert len(staff_calls.calls) == before + 1
    call = staff_calls.calls[-1]
    assert call["kiosk"] == "hall-east" and call["desk"] == HALL_EAST_DESK and call["service_id"] == guide.id
    assert set(call) == {"kiosk", "desk", "service_id", "asked_at"}  # nothing about the person
    # Said in words too, and tapped again: not rung a second time.
    page.fill("#ask-input", "我要找工作人员")
    with page.expect_response(lambda r: "/kiosk/chat" in r.url):
        page.click("#btn-send")
    expect(page.locator(".msg-bot .bubble").last).to_contain_text("已经在来的路上", use_inner_text=True, timeout=WAIT)
    assert len(staff_calls.calls) == before + 1


def test_buttons_of_an_earlier_answer_are_hidden_and_disabled(page, all_guides):
    guide = next(g for g in all_guides if g.id == "social-security-card-replacement")
    _start_with_tile(page, guide.called)
    page.fill("#ask-input", "我让儿子去办")  # the family-member answer offers 要带什么 under it
    with page.expect_response(lambda r: r.url.endswith("/kiosk/chat")):
        page.click("#btn-send")
    offered = page.locator(".msg-buttons:not(.stale) button", has_text="要带什么")
    offered.wait_for(state="visible", timeout=WAIT)
    with page.expect_response(lambda r: r.url.endswith("/kiosk/chat")):
        page.click("#btn-next")
    expect(page.locator(".msg-buttons:not(.stale)")).to_have_count(0, timeout=WAIT)
    stale = page.locator(".msg-buttons.stale button", has_text="要带什么")
    assert stale.count() == 1 and stale.is_disabled() and not stale.is_visible()


def test_checklist_prints_to_an_a4_pdf(page, all_guides):
    guide = next(g for g in all_guides if g.id == "id-card-reissue")
    page.goto(f"/kiosk/checklist/{guide.id}")
    assert page.locator("input[type=checkbox]").count() == len(guide.materials_to_bring())
    page.screenshot(path=str(ARTIFACTS / "checklist-page.png"), full_page=True)
    pdf = ARTIFACTS / "checklist.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000


def test_script_typed_into_the_kiosk_is_shown_as_text(page):
    page.goto("/kiosk")
    page.get_by_role("button", name="补换社保卡").click()
    page.locator("#material-card").wait_for(state="visible", timeout=30000)
    page.fill("#ask-input", "<script>window.pwned=1</script><img src=x onerror=window.pwned=2>")
    with page.expect_response(lambda r: r.url.endswith("/kiosk/chat")):
        page.click("#btn-send")
    expect(page.locator("[role=log]")).to_contain_text(
        "<script>window.pwned=1</script>", use_inner_text=True, timeout=WAIT
    )
    assert page.evaluate("window.pwned") is None


def test_the_bar_carries_the_assistants_own_titles_and_payloads(page, all_guides):
    page.goto("/kiosk")
    for element_id, (title, payload) in KIOSK_BAR:
        button = page.locator(f"#{element_id}")
        assert button.get_attribute("data-payload") == payload
        assert (button.text_content() or "").strip() == title
    _start_with_tile(page, all_guides[0].called)
    with page.expect_request(lambda r: "/kiosk/chat" in r.url) as sent:
        page.click("#btn-next")
    assert json.loads(sent.value.post_data)["text"] == dict(KIOSK_BAR)["btn-next"][1]


def test_a_guide_with_situations_asks_first_and_a_tap_walks_that_situations_list(page, all_guides):
    guide = next(g for g in all_guides if g.id == "household-transfer-to-children")
    assert guide.situations is not None
    page.goto("/kiosk")
    with page.expect_response(lambda r: r.url.endswith("/kiosk/chat")):
        page.get_by_role("button", name=guide.called).click()
    expect(page.locator(".msg-bot .bubble").last).to_contain_text(guide.situations.question, timeout=WAIT)
    assert not page.locator("#material-card").is_visible()  # nothing read before the person says which
    rented = page.locator(".msg-buttons:not(.stale) button", has_text="2. 租的房子")
    rented.wait_for(state="visible", timeout=WAIT)
    page.screenshot(path=str(ARTIFACTS / "situation-question.png"))
    _check_measurements(page, "situation question")
    with page.expect_response(lambda r: r.url.endswith("/kiosk/chat")):
        rented.click()
    items = guide.materials_to_bring(situation="租的房子")
    expect(page.locator("#material-name")).to_have_text(items[0].name, timeout=WAIT)
    assert page.locator("#material-count").inner_text().strip() == f"第1样 / 共{len(items)}样"
    assert page.evaluate("window.kiosk.lastState().situation") == "租的房子"
    page.click("#btn-checklist")
    frame = page.frame_locator("#checklist-frame")
    expect(frame.locator("h1")).to_be_visible(timeout=WAIT)
    expect(frame.locator("main")).to_contain_text("您的情况:租的房子", use_inner_text=True)
    assert frame.locator("input[type=checkbox]").count() == len(items)
