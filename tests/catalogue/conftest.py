"""A fresh guides database per test (real SQLite, migrated like production) and the committed sample exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guidekit.db.engine import get_engine
from guidekit.guides.store import GuideRow

DATA = Path(__file__).resolve().parents[1] / "data" / "catalogue"
MESSY = DATA / "messy.csv"
PLATFORM_CSV = DATA / "platform-gbk.csv"
PLATFORM_MAPPING = DATA / "platform-mapping.yml"
NESTED = DATA / "nested.json"
IMPORT_DAY = dt.date(2026, 11, 30)


@pytest.fixture()
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'guides.db'}"


@pytest.fixture()
def engine(db_url):
    return get_engine(db_url)


def published_count(engine) -> int:
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(GuideRow)).scalar_one()
