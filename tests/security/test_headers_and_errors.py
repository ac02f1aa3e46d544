"""Low-severity findings of issue 12, item 12, outside chat and voice: plain 4xx instead of 500s, security
headers on every response, API docs off in production, no internal addresses in /healthz, a checklist that
never trusts the request's Host, and NUL characters that cannot break the quality tables on PostgreSQL."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from guidekit.editorial import workflow as ed
from api.settings import ApiSettings
from tests.settings_reset import reset_settings
from guidekit.db.engine import get_engine
from guidekit.guides.store import load_guides
from ops.stack import free_port
from tests.api.conftest import LiveApi, ScriptedAssistant
from tests.api.test_editor import PASSWORD, signed_in

ROOT = Path(__file__).resolve().parents[2]
GUIDE = "id-card-reissue"


@pytest.fixture()
def db_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'guides.db'}"
    load_guides(get_engine(url), ROOT / "guides")
    with Session(get_engine(url)) as session, session.begin():
        ed.create_user(session, "boss", PASSWORD, "admin", by="test")
    monkeypatch.setenv("BANSHI_DATABASE_URL", url)
    monkeypatch.setenv("BANSHI_EDITOR_SECRET_KEY", "test-secret-key")
    # Nothing listens here: /healthz answers 503 at once, naming what is down.
    monkeypatch.setenv("BANSHI_RASA_URLS", f"http://127.0.0.1:{free_port()},http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("BANSHI_ACTION_SERVER_URL", f"http://127.0.0.1:{free_port()}")
    for name in ("WECHAT_TOKEN", "BANSHI_PUBLIC_BASE_URL", "BANSHI_API_DOCS"):
        monkeypatch.delenv(name, raising=False)
    reset_settings()
    yield url
    reset_settings()


def _live(monkeypatch=None, **env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    reset_settings()
    from api.main import create_app

    return LiveApi(create_app(assistant=ScriptedAssistant()))


@pytest.fixture()
def api(db_url):
    with _live() as live:
        yield live


# -- 500s that are 4xx -----------------------------------------------------------------------------------


@pytest.mark.parametrize("until", ["garbage", "2026-13-45", "0001-01-01", " "])
def test_a_dashboard_date_that_is_not_one_is_a_plain_4xx(api, until):
    admin = signed_in(api, "boss")
    for accept in ("text/html", "application/json"):
        response = admin.http.get("/editor/dashboard", params={"until": until}, headers={"Accept": accept})
        assert response.status_code in (200, 422), (until, accept, response.status_code)
        if response.status_code == 422 and accept == "text/html":
            assert "日期不对" in response.text


def test_real_dashboard_dates_still_work(api):
    admin = signed_in(api, "boss")
    for until in ("2026-11-30T20:00:00+08:00", "2026-11-30", "9999-12-31", ""):
        assert admin.http.get("/editor/dashboard", params={"until": until}).status_code == 200, until


def test_an_account_that_does_not_exist_is_404_not_500(api):
    admin = signed_in(api, "boss")
    admin.get("/editor/users")
    for path in ("/editor/users/%20/active", "/editor/users/nobody/active", "/editor/accounts/99999/active"):
        assert admin.post(path, {"active": "false"}).status_code == 404, path
    assert admin.post("/editor/accounts/abc/active", {"active": "false"}).status_code == 422


def test_a_lock_that_is_not_a_number_is_422_not_500(api):
    admin = signed_in(api, "boss")
    admin.get(f"/editor/guides/{GUIDE}")
    assert admin.post(f"/editor/guides/{GUIDE}/save", {"lock": "abc", "plain:fee": "不收钱。"}).status_code == 422


# -- security headers -------------------------------------------------------------------------------------


def _policy(response: httpx.Response) -> dict:
    header = response.headers.get("content-security-policy", "")
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _check_headers(response: httpx.Response, what: str, framed_by_self: bool = False) -> None:
    policy = _policy(response)
    assert policy, f"{what}: no Content-Security-Policy"
    assert policy.get("frame-ancestors") == (["'self'"] if framed_by_self else ["'none'"]), what
    assert "'unsafe-inline'" not in policy.get("script-src", []) and policy.get("default-src") == ["'self'"], what
    assert policy.get("object-src") == ["'none'"], what
    assert response.headers.get("x-content-type-options") == "nosniff", what
    assert response.headers.get("referrer-policy") == "no-referrer", what
    assert response.headers.get("x-frame-options") == ("SAMEORIGIN" if framed_by_self else "DENY"), what


def test_every_kind_of_response_carries_the_security_headers(api):
    http = httpx.Client(base_url=api.url, timeout=30)
    responses = {
        "kiosk page": http.get("/kiosk"),
        "kiosk script": http.get("/kiosk/static/kiosk.js"),
        "kiosk script, a byte range": http.get("/kiosk/static/kiosk.js", headers={"Range": "bytes=0-99"}),
        "sign-in page": http.get("/editor/login"),
        "editor redirect": http.get("/editor", headers={"Accept": "text/html"}),
        "guides JSON": http.get("/api/guides"),
        "health, down": http.get("/healthz"),
        "not found": http.get("/no-such-page"),
        "bad JSON": http.post("/api/chat", content=b"{", headers={"Content-Type": "application/json"}),
        "CSRF refusal": http.post("/editor/logout"),
    }
    for what, response in responses.items():
        _check_headers(response, f"{what} ({response.status_code})")
    # The kiosk shows the checklist inside itself: framed by this origin's pages, by no other site's.
    checklist = http.get(f"/kiosk/checklist/{GUIDE}")
    _check_headers(checklist, f"checklist ({checklist.status_code})", framed_by_self=True)
    assert responses["kiosk script, a byte range"].status_code == 206


def test_the_editor_script_runs_under_the_policy_by_its_nonce(api):
    admin = signed_in(api, "boss")
    page = admin.get(f"/editor/guides/{GUIDE}")
    nonces = re.findall(r'<script nonce="([^"]+)">', page.text)
    assert len(nonces) == 1 and "<script>" not in page.text
    assert f"'nonce-{nonces[0]}'" in _policy(page)["script-src"]
    again = admin.get(f"/editor/guides/{GUIDE}")
    assert re.findall(r'<script nonce="([^"]+)">', again.text) != nonces  # a new one every response


# -- API docs ----------------------------------------------------------------------------------------------


def test_api_docs_are_off_in_production(db_url, monkeypatch):
    with _live(monkeypatch, BANSHI_API_DOCS="false") as live:
        for path in ("/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"):
            assert httpx.get(live.url + path).status_code == 404, path


def test_api_docs_are_on_in_development(api):
    for path in ("/docs", "/redoc", "/openapi.json"):
        response = httpx.get(api.url + path)
        assert response.status_code == 200, path
        assert response.headers.get("x-content-type-options") == "nosniff"


# -- /healthz ----------------------------------------------------------------------------------------------


def test_healthz_names_no_internal_address(api):
    response = httpx.get(f"{api.url}/healthz", timeout=30)
    assert response.status_code == 503
    body = response.text
    assert "127.0.0.1" not in body and "http" not in body and ":" + str(api.port) not in body
    instances = response.json()["rasa_instances"]
    assert instances == {"rasa-1": False, "rasa-2": False}
    assert set(response.json()["down"]) >= {"rasa", "action_server"}


# -- the checklist's link and QR code ----------------------------------------------------------------------


def test_the_checklist_never_uses_the_request_host(api):
    response = httpx.get(
        f"{api.url}/kiosk/checklist/{GUIDE}",
        params={"at": 2},
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
        timeout=30,
    )
    assert response.status_code == 200
    page = response.text
    assert "evil.example" not in page and "127.0.0.1" not in page
    assert f'href="/kiosk/checklist/{GUIDE}?at=2"' in page
    assert "<svg" not in page  # no QR code a phone could not open


def test_the_checklist_qr_code_uses_the_configured_public_address(db_url, monkeypatch):
    with _live(monkeypatch, BANSHI_PUBLIC_BASE_URL="https://banshi.example.gov.cn/") as live:
        page = httpx.get(
            f"{live.url}/kiosk/checklist/{GUIDE}", params={"at": 2}, headers={"Host": "evil.example"}, timeout=30
        ).text
    assert "evil.example" not in page and "<svg" in page
    assert f'href="https://banshi.example.gov.cn/kiosk/checklist/{GUIDE}?at=2"' in page


# -- NUL characters and PostgreSQL ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def postgres_url():
    from tests.prod.conftest import Postgres, _required

    pg = Postgres(_required("BANSHI_TEST_POSTGRES_URL"))
    try:
        yield pg.create("banshi_nul")
    finally:
        pg.drop_all()


def test_nul_characters_in_text_do_not_break_the_quality_tables_on_postgresql(postgres_url):
    from api.ratings import after_answer, take_rating_turn
    from api.schemas import ChatRequest, ChatResponse, ChatState, Message
    from guidekit.quality.records import RatingRow, TurnRow

    settings = ApiSettings(database_url=postgres_url)
    sid = "api:nul-test"

    def turn(text: str) -> ChatRequest:
        return ChatRequest(session_id=sid, text=text, channel="api")

    answered = ChatResponse(
        session_id=sid,
        messages=[Message(text="第1样")],
        state=ChatState(topic="materials", service_id="social-security-card-replacement"),
    )
    asyncio.run(after_answer(settings, turn("补社保卡\x00要带什么"), "补社保卡\x00要带什么", answered))
    goodbye = ChatResponse(session_id=sid, messages=[Message(text="再见")], state=ChatState(topic="goodbye"))
    reply = asyncio.run(after_answer(settings, turn("再见\x00"), "再见\x00", goodbye))
    assert len(reply.messages) == 2  # recorded, and the rating question added
    rated = asyncio.run(take_rating_turn(settings, turn("1\x00"), "1\x00", "1\x00"))  # 1 of 5: a 差评, asks why
    assert rated is not None and rated.state.topic == "feedback"
    reason = asyncio.run(take_rating_turn(settings, turn("等\x00太久了"), "等\x00太久了", "等\x00太久了"))
    assert reason is not None
    with Session(get_engine(postgres_url)) as session:
        texts = list(session.execute(select(TurnRow.text).where(TurnRow.session_id == sid)).scalars())
        reasons = list(session.execute(select(RatingRow.reason).where(RatingRow.session_id == sid)).scalars())
    assert "补社保卡要带什么" in texts and all("\x00" not in t for t in texts)
    assert reasons == ["等太久了"]
