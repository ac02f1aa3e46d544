"""The migrations on PostgreSQL: a new database is made by them and matches the models, and several processes
opening it at once (API, action server, WeChat worker at start) serialise on the advisory lock."""
from __future__ import annotations

import subprocess
import sys

from guidekit import migrate
from guidekit.store import get_engine
from tests.conftest import ROOT
from tests.guidekit.test_migrations import differences, revision_of


def test_a_new_postgres_database_is_made_by_the_migrations_and_matches_the_models(postgres):
    url = postgres.create("banshi_migrate").replace("postgresql://", "postgresql+psycopg2://", 1)
    engine = get_engine(url)
    assert revision_of(engine) == migrate.head()
    assert differences(engine) == []


def test_processes_opening_a_new_postgres_database_at_once_all_succeed(postgres):
    url = postgres.create("banshi_raced").replace("postgresql://", "postgresql+psycopg2://", 1)
    opening = [subprocess.Popen([sys.executable, "-c", f"from guidekit.store import get_engine; get_engine({url!r})"],
                                cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                                stderr=subprocess.PIPE) for _ in range(4)]
    for process in opening:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()[-2000:]
    engine = get_engine(url)
    assert revision_of(engine) == migrate.head() and differences(engine) == []
