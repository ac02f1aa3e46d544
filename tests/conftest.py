"""Shared fixtures: a real SQLite guides database loaded from guides/, and the settings pointing at it."""
from __future__ import annotations

from pathlib import Path

import pytest

from guidekit.settings import get_settings
from guidekit.store import get_engine, list_guides, load_guides

ROOT = Path(__file__).resolve().parent.parent
VOICE_KEY = "e2e-voice-key"
GUIDES = ROOT / "guides"


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
    get_settings.cache_clear()
    yield guides_db_url
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def stack(guides_db_url, tmp_path_factory):
    """The real stack (action server, Rasa, API on free loopback ports), once for the whole run."""
    from ops.stack import Stack, StackConfig, free_port
    from ops.train import ensure_model
    model = ensure_model(guides_db_url)
    cfg = StackConfig(database_url=guides_db_url, model=model, var_dir=tmp_path_factory.mktemp("stack"),
                      api_port=free_port(), rasa_port=free_port(), actions_port=free_port(),
                      extra_env={"BANSHI_VOICE_PLATFORM_KEYS": f"phone:{VOICE_KEY}",
                                 # Many tests talk from this one address: the limits themselves are
                                 # tested in tests/security/test_turn_limits.py.
                                 "BANSHI_TURNS_PER_MINUTE_PER_CLIENT": "100000",
                                 "BANSHI_TURNS_PER_MINUTE_PER_SESSION": "100000"})
    running = Stack(cfg)
    try:
        running.start(timeout=300)
        yield running
    finally:
        running.stop()
