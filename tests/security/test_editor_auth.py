"""Editor accounts under attack (issue 12, items 10 and 12): sign-out, deactivation and a password change
end every session (a copied cookie stops working); guessing one account's password from many addresses
is paused with back-off; forwarded headers count only from configured proxies; usernames and passwords
follow a policy, and any account listed can be deactivated."""

from __future__ import annotations

import json
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
from guidekit.db.base import utc_now
from guidekit.db.engine import get_engine
from guidekit.guides.store import load_guides
from tests.api.conftest import LiveApi, ScriptedAssistant
from tests.api.test_editor import PASSWORD, Editor, signed_in

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def db_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'guides.db'}"
    load_guides(get_engine(url), ROOT / "guides")
    with Session(get_engine(url)) as session, session.begin():
        for name, role in (("editor1", "editor"), ("editor2", "editor"), ("boss", "admin")):
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


def _copy_of(person: Editor) -> httpx.Client:
    """Someone else's browser holding a copy of the session cookie."""
    return httpx.Client(
        base_url=str(person.http.base_url),
        headers={"Accept": "text/html"},
        cookies=dict(person.http.cookies),
        timeout=30,
    )


def _signed_out(client: httpx.Client) -> bool:
    page = client.get("/editor")
    return page.status_code == 303 and page.headers["location"].startswith("/editor/login")


# -- sessions end -------------------------------------------------------------------------------------


def test_a_copied_cookie_stops_working_after_sign_out(api):
    person = signed_in(api, "editor1")
    thief = _copy_of(person)
    assert thief.get("/editor").status_code == 200
    assert person.post("/editor/logout", {}).status_code == 303
    assert _signed_out(thief)
    # Signing in again gives a new, working session.
    assert signed_in(api, "editor1").get("/editor").status_code == 200
    assert _signed_out(thief)


def test_deactivating_an_account_ends_its_sessions_for_good(api):
    person = signed_in(api, "editor1")
    thief = _copy_of(person)
    admin = signed_in(api, "boss")
    admin.get("/editor/users")
    assert admin.post("/editor/users/editor1/active", {"active": "false"}).status_code == 303
    assert admin.post("/editor/users/editor1/active", {"active": "true"}).status_code == 303
    # Reactivated: the account signs in afresh, but no cookie from before works again.
    assert _signed_out(thief) and _signed_out(person.http)
    assert signed_in(api, "editor1").get("/editor").status_code == 200


def test_a_password_change_ends_every_session_of_the_account(api, db_url):
    person = signed_in(api, "editor1")
    other = signed_in(api, "editor2")
    new_password = "another-long-passphrase"
    done = subprocess.run(
        [sys.executable, "-m", "guidekit.cli", "set-password", "editor1", "--password-stdin"],
        input=new_password + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "BANSHI_DATABASE_URL": db_url},
    )
    assert done.returncode == 0, done.stderr
    assert _signed_out(person.http)
    assert other.get("/editor").status_code == 200  # only that account's sessions end
    assert Editor(api.url).login("editor1", PASSWORD).status_code == 401
    assert Editor(api.url).login("editor1", new_password).status_code == 303
    with Session(get_engine(db_url)) as session:
        assert any(e.action == "set_password" for e in ed.audit_entries(session))


def test_a_weak_new_password_is_refused(db_url):
    with Session(get_engine(db_url)) as session, session.begin():
        with pytest.raises(ValueError):
            ed.set_password(session, "editor1", "1234567890", by="test")


# -- guessing -----------------------------------------------------------------------------------------


def test_guessing_one_account_from_many_addresses_is_paused(db_url, monkeypatch):
    """The per-(user, address) limit alone lets a guesser with many addresses go on for ever; the account
    itself is paused after BANSHI_LOGIN_ACCOUNT_ATTEMPTS failures, even for the right password."""
    monkeypatch.setenv("BANSHI_LOGIN_ACCOUNT_ATTEMPTS", "6")
    reset_settings()
    from api.main import create_app

    with LiveApi(create_app(assistant=ScriptedAssistant())) as live:
        # The test server trusts X-Forwarded-For from loopback (uvicorn's default), as a proxy's would be:
        # each guess comes from another address, so the per-address limit (5) is never reached.
        guesser = Editor(live.url)
        for i in range(6):
            guesser.http.headers["X-Forwarded-For"] = f"198.51.100.{i + 1}"
            assert guesser.login("editor1", f"guess-number-{i}").status_code == 401
        guesser.http.headers["X-Forwarded-For"] = "198.51.100.99"
        paused = guesser.login("editor1", PASSWORD)
        assert paused.status_code == 429 and "分钟后再试" in paused.text
        # Other accounts are not affected.
        assert guesser.login("editor2", PASSWORD).status_code == 303


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _backoff_steps(throttle, clock: Clock) -> list:
    """Fail six times from six addresses, then once more after each pause ends: the pauses in seconds."""
    for i in range(6):
        assert throttle.blocked("editor1", f"10.0.0.{i}") is None
        throttle.failed("editor1", f"10.0.0.{i}")
    pauses = []
    for i in range(4):
        wait = throttle.blocked("editor1", f"10.0.1.{i}")
        assert wait is not None
        pauses.append(wait)
        clock.now += wait
        assert throttle.blocked("editor1", f"10.0.1.{i}") is None
        throttle.failed("editor1", f"10.0.1.{i}")
    return pauses


def test_the_account_pause_doubles_with_each_further_failure_up_to_a_limit():
    from api.editor.throttle import LoginThrottle

    clock = Clock()
    throttle = LoginThrottle(
        5,
        900,
        account_attempts=6,
        account_window_seconds=3600,
        backoff_seconds=60,
        backoff_max_seconds=300,
        clock=clock,
    )
    pauses = _backoff_steps(throttle, clock)
    assert pauses[0] <= 61 and pauses[1] >= 2 * pauses[0] - 2 and pauses[-1] <= 301
    assert pauses == sorted(pauses)
    throttle.succeeded("editor1", "10.0.9.9")
    assert throttle.blocked("editor1", "10.0.9.9") is None


def test_the_account_pause_is_shared_through_redis(monkeypatch):
    import os

    url = os.environ.get("BANSHI_TEST_REDIS_URL")
    if not url:
        pytest.skip("BANSHI_TEST_REDIS_URL is not set (see tests/prod/conftest.py)")
    from api.editor.throttle import RedisLoginThrottle

    clock = Clock()
    clock.now = time.time()
    prefix = f"banshi:test:{time.monotonic_ns()}:"
    throttle = RedisLoginThrottle(
        url,
        5,
        900,
        account_attempts=6,
        account_window_seconds=3600,
        backoff_seconds=60,
        backoff_max_seconds=300,
        clock=clock,
        prefix=prefix,
    )
    other_process = RedisLoginThrottle(
        url,
        5,
        900,
        account_attempts=6,
        account_window_seconds=3600,
        backoff_seconds=60,
        backoff_max_seconds=300,
        clock=clock,
        prefix=prefix,
    )
    try:
        for i in range(6):
            throttle.failed("editor1", f"10.0.0.{i}")
        assert other_process.blocked("editor1", "10.0.5.5") is not None
        assert other_process.blocked("editor2", "10.0.5.5") is None
    finally:
        throttle.succeeded("editor1", "x")


def test_an_overlong_username_is_refused_without_work_or_a_log_line(api, db_url):
    long_name = "a" * 5000
    response = Editor(api.url).login(long_name, "whatever-password")
    assert response.status_code in (401, 422)
    with Session(get_engine(db_url)) as session:
        assert all(len(e.username) <= 80 for e in ed.audit_entries(session))


# -- forwarded headers ----------------------------------------------------------------------------------


def _failed_sign_in_address(tmp_path, db_url: str, trusted: str) -> str:
    """Start the API the way `make run` does, fail one sign-in with a forged X-Forwarded-For, and return the
    address the audit log recorded."""
    from ops.stack import Stack, StackConfig, free_port

    cfg = StackConfig(
        database_url=db_url,
        model=Path(),
        var_dir=tmp_path / f"var-{trusted or 'none'}",
        api_port=free_port(),
        trusted_proxies=trusted,
    )
    stack = Stack(cfg)
    stack.start_api()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{cfg.api_url}/editor/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, (cfg.var_dir / "api.log").read_text()[-2000:]
            time.sleep(0.2)
        person = Editor(cfg.api_url)
        person.http.headers["X-Forwarded-For"] = "203.0.113.7"
        assert person.login("editor1", "wrong-password-here").status_code == 401
    finally:
        stack.stop()
    with Session(get_engine(db_url)) as session:
        entry = session.execute(
            select(ed.AuditRow).where(ed.AuditRow.action == "login_failed").order_by(ed.AuditRow.id.desc()).limit(1)
        ).scalar_one()
    return json.loads(entry.detail)["address"]


def test_forwarded_headers_count_only_from_configured_proxies(tmp_path, db_url):
    # Nothing configured: a local client cannot make itself look like another address.
    assert _failed_sign_in_address(tmp_path, db_url, "") == "127.0.0.1"
    # The proxy on loopback configured (BANSHI_TRUSTED_PROXIES): its X-Forwarded-For is the client.
    assert _failed_sign_in_address(tmp_path, db_url, "127.0.0.1") == "203.0.113.7"


def test_the_trusted_proxies_setting_reaches_make_run():
    from ops import run

    source = Path(run.__file__).read_text(encoding="utf-8")
    assert "trusted_proxies=settings.trusted_proxies" in source


# -- username and password policy ----------------------------------------------------------------------

BAD_PASSWORDS = [
    "1234567890",
    " " * 10,
    "\t" * 12,
    "aaaaaaaaaaaa",
    "abababababab",
    "password123",
    "qwertyuiop",
    "13800138000",
    "20261130!!",
    "editor-new-1",
]
BAD_NAMES = ["", "   ", "a/b", "x" * 308, "a b", "../admin", "name\x00", "<script>"]


@pytest.mark.parametrize("password", BAD_PASSWORDS, ids=lambda v: repr(v)[:16])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValueError):
        ed.check_password(password, username="editor-new")


@pytest.mark.parametrize("name", BAD_NAMES, ids=lambda v: repr(v)[:16])
def test_bad_usernames_are_refused(name):
    with pytest.raises(ValueError):
        ed.check_username(name)


def test_good_names_and_passwords_pass():
    for name in ("editor1", "wang.fang", "王芳", "li_si-2"):
        assert ed.check_username(name) == name
    for password in (PASSWORD, "bench-password-123", "我家住在安康市幸福路十号"):
        ed.check_password(password, username="editor1")


def test_the_admin_page_refuses_weak_passwords_and_bad_names(api, db_url):
    admin = signed_in(api, "boss")
    admin.get("/editor/users")
    for password in ("1234567890", " " * 10):
        response = admin.post("/editor/users", {"username": "newbie", "password": password, "role": "editor"})
        assert response.status_code == 422, password
    for name in ("", "   ", "a/b", "x" * 308):
        response = admin.post("/editor/users", {"username": name, "password": PASSWORD, "role": "editor"})
        assert response.status_code == 422, name
    with Session(get_engine(db_url)) as session:
        names = set(session.execute(select(ed.UserRow.username)).scalars())
    assert names == {"editor1", "editor2", "boss"}


def test_the_cli_refuses_a_weak_first_password(db_url):
    done = subprocess.run(
        [sys.executable, "-m", "guidekit.cli", "create-user", "root2", "--password-stdin"],
        input="1234567890\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "BANSHI_DATABASE_URL": db_url},
    )
    assert done.returncode == 1 and "not created" in done.stderr


@pytest.mark.parametrize("legacy_name", ["a/b", "", " spaced "])
def test_an_account_with_an_old_bad_name_can_still_be_deactivated(api, db_url, legacy_name):
    """Accounts created before the policy (names with "/", empty, spaces) are listed with a button that works."""
    with Session(get_engine(db_url)) as session, session.begin():
        session.add(
            ed.UserRow(username=legacy_name, password_hash="x", role="editor", active=True, created_at=utc_now())
        )
    with Session(get_engine(db_url)) as session:
        legacy_id = session.execute(select(ed.UserRow.id).where(ed.UserRow.username == legacy_name)).scalar_one()
    admin = signed_in(api, "boss")
    page = admin.get("/editor/users").text
    # The button addresses the account by its number, whatever characters its name holds.
    row = f"/editor/accounts/{legacy_id}/active"
    assert f'action="{row}"' in page
    response = admin.post(row, {"active": "false"})
    assert response.status_code == 303
    with Session(get_engine(db_url)) as session:
        assert (
            session.execute(select(ed.UserRow.active).where(ed.UserRow.username == legacy_name)).scalar_one() is False
        )


def test_an_older_database_gets_the_new_column_when_opened(tmp_path):
    """An editor table from before the session version (and before the migrations) gets the column once when
    the database is first opened (guidekit/db/migrate.py), and its accounts still sign in."""
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE editor_users (id INTEGER PRIMARY KEY, username VARCHAR(80) NOT NULL UNIQUE, "
            "password_hash VARCHAR(200) NOT NULL, role VARCHAR(20) NOT NULL, active BOOLEAN NOT NULL, "
            "created_at DATETIME NOT NULL)"
        )
        conn.execute(
            "INSERT INTO editor_users VALUES (1, 'old', ?, 'editor', 1, '2026-01-01 00:00:00')",
            (ed._hasher.hash(PASSWORD),),
        )
    engine = get_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        user = ed.authenticate(session, "old", PASSWORD)
        assert user is not None and user.session_version == 0
