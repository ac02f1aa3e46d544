"""Shared fixtures: a real SQLite guides database loaded from guides/, and the settings pointing at it."""
from __future__ import annotations

from pathlib import Path

import pytest

from guidekit.settings import get_settings
from guidekit.store import get_engine, list_guides, load_guides

ROOT = Path(__file__).resolve().parent.parent
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
