"""The production profile for real: PostgreSQL for guides and Rasa's tracker store, Redis for Rasa's lock
store, two Rasa instances behind the API.

The server addresses come from BANSHI_TEST_POSTGRES_URL (an account that may create databases, e.g.
postgresql://postgres@127.0.0.1:5432/postgres) and BANSHI_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/5).
Unset, these tests are skipped and say why — except in CI (CI=true), where that is a failure: .ci/run sets them.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

import psycopg2
import pytest
from sqlalchemy.engine import make_url

from guidekit.db.engine import get_engine
from guidekit.guides.store import load_guides
from ops.stack import Stack, StackConfig, free_port
from ops.train import ensure_model

ROOT = Path(__file__).resolve().parents[2]


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        reason = f"{name} is not set: the production-profile tests need a real server (see tests/prod/conftest.py)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run these tests: {reason}")
        pytest.skip(reason)
    return value


class Postgres:
    """Throwaway databases on the test server, dropped afterwards."""

    def __init__(self, admin_url: str):
        self.admin = make_url(admin_url)
        self.created = []

    def _connect(self):
        conn = psycopg2.connect(
            host=self.admin.host,
            port=self.admin.port or 5432,
            user=self.admin.username,
            password=self.admin.password or None,
            dbname=self.admin.database or "postgres",
        )
        conn.autocommit = True
        return conn

    def create(self, prefix: str) -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        self.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return str(self.admin.set(database=name))

    def execute(self, sql: str, *args) -> None:
        conn = self._connect()
        try:
            with conn.cursor() as cur:
                cur.execute(sql, args)
        finally:
            conn.close()

    def drop_all(self) -> None:
        for name in self.created:
            self.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", name)
            self.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="session")
def postgres():
    pg = Postgres(_required("BANSHI_TEST_POSTGRES_URL"))
    yield pg
    pg.drop_all()


@pytest.fixture(scope="session")
def redis_url():
    return _required("BANSHI_TEST_REDIS_URL")


@contextlib.contextmanager
def two_rasa_stack(postgres: Postgres, lock_store_url: str, var_dir: Path):
    """The production profile, started: fresh guides and tracker databases, two Rasa instances on the given Redis."""
    guides_url = postgres.create("banshi_guides").replace("postgresql://", "postgresql+psycopg2://", 1)
    report = load_guides(get_engine(guides_url), ROOT / "guides")
    assert not report.refused
    cfg = StackConfig(
        database_url=guides_url,
        model=ensure_model(guides_url),
        var_dir=var_dir,
        api_port=free_port(),
        rasa_port=free_port(),
        actions_port=free_port(),
        tracker_store_url=postgres.create("banshi_tracker"),
        lock_store_url=lock_store_url,
        more_rasa_ports=[free_port()],
    )
    stack = Stack(cfg)
    try:
        stack.start(timeout=300)
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def prod_stack(postgres, redis_url, tmp_path_factory):
    with two_rasa_stack(postgres, redis_url, tmp_path_factory.mktemp("prod")) as stack:
        yield stack
