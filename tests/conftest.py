"""Shared fixtures: a real SQLite guides database loaded from guides/, and the settings pointing at it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.settings_reset import reset_settings
from guidekit.db.engine import get_engine
from guidekit.guides.store import list_guides, load_guides

ROOT = Path(__file__).resolve().parent.parent
VOICE_KEY = "e2e-voice-key"
GUIDES = ROOT / "guides"
# Where a developer's machine usually has them; the production-profile tests use them when they answer.
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"


def _postgres_answers(url: str) -> bool:
    try:
        import psycopg2

        psycopg2.connect(url, connect_timeout=2).close()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


def _redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping())
    except Exception:  # noqa: BLE001
        return False


def pytest_configure(config):
    """A plain `make test` runs the production-profile tests (tests/prod and a few others) whenever PostgreSQL and
    Redis answer at their usual local addresses; BANSHI_TEST_POSTGRES_URL / BANSHI_TEST_REDIS_URL name others.
    What is skipped, and why, is listed at the end of the run (pytest -ra)."""
    import os

    for name, default, answers in (
        ("BANSHI_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL, _postgres_answers),
        ("BANSHI_TEST_REDIS_URL", DEFAULT_REDIS_URL, _redis_answers),
    ):
        if not os.environ.get(name) and answers(default):
            os.environ[name] = default


@pytest.fixture(scope="session")
def guides_db_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'guides.db'}"
    report = load_guides(get_engine(url), GUIDES)
    assert not report.refused, report.summary()
    return url


@pytest.fixture(scope="session")
def all_guides(guides_db_url):
    from sqlalchemy.orm import Session

    with Session(get_engine(guides_db_url)) as session:
        return list_guides(session)


@pytest.fixture()
def use_guides_db(guides_db_url, monkeypatch):
    monkeypatch.setenv("BANSHI_DATABASE_URL", guides_db_url)
    reset_settings()
    yield guides_db_url
    reset_settings()


class StaffCalls:
    """A hall's staff call system on a loopback port: it records each call the kiosk makes (a JSON POST) and
    answers with `status` after `delay` seconds."""

    def __init__(self, status: int = 204, delay: float = 0.0):
        import json
        import threading
        import time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        calls = self.calls = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the standard library's name
                length = int(self.headers.get("Content-Length") or 0)
                calls.append(json.loads(self.rfile.read(length) or b"null"))
                time.sleep(delay)
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/staff-call"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def staff_calls():
    calls = StaffCalls()
    yield calls
    calls.close()


# The kiosk the browser tests call "hall-east" has a help desk of its own; any other uses the default.
HALL_EAST_DESK = "东门进来右手边的咨询台"
# … and the social security card office is in its hall.
HALL_EAST_OFFICES = {"安康市社保卡服务中心": "一楼5号窗口"}


@pytest.fixture(scope="session")
def stack(guides_db_url, tmp_path_factory, staff_calls):
    """The real stack (action server, Rasa, API on free loopback ports), once for the whole run."""
    import json
    from ops.stack import Stack, StackConfig, free_port
    from ops.train import ensure_model

    model = ensure_model(guides_db_url)
    cfg = StackConfig(
        database_url=guides_db_url,
        model=model,
        var_dir=tmp_path_factory.mktemp("stack"),
        api_port=free_port(),
        rasa_port=free_port(),
        actions_port=free_port(),
        extra_env={
            "BANSHI_VOICE_PLATFORM_KEYS": f"phone:{VOICE_KEY}",
            "BANSHI_KIOSK_STAFF_CALL_URL": staff_calls.url,
            "BANSHI_KIOSK_HELP_DESKS": json.dumps({"hall-east": HALL_EAST_DESK}, ensure_ascii=False),
            "BANSHI_KIOSK_HALLS": json.dumps({"hall-east": HALL_EAST_OFFICES}, ensure_ascii=False),
            # Many tests talk from this one address: the limits themselves are
            # tested in tests/security/test_turn_limits.py.
            "BANSHI_TURNS_PER_MINUTE_PER_CLIENT": "100000",
            "BANSHI_TURNS_PER_MINUTE_PER_SESSION": "100000",
        },
    )
    running = Stack(cfg)
    try:
        running.start(timeout=300)
        yield running
    finally:
        running.stop()
