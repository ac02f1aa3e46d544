"""The migrations on PostgreSQL: a new database is made by them and matches the models, and several processes
opening it at once (API, action server, WeChat worker at start) serialise on the advisory lock."""

from __future__ import annotations

from guidekit.db import migrate
from guidekit.db.engine import get_engine
from tests.guidekit.db.test_migrations import differences, open_at_once, revision_of


def test_a_new_postgres_database_is_made_by_the_migrations_and_matches_the_models(postgres):
    url = postgres.create("banshi_migrate").replace("postgresql://", "postgresql+psycopg2://", 1)
    engine = get_engine(url)
    assert revision_of(engine) == migrate.head()
    assert differences(engine) == []


def test_processes_opening_a_new_postgres_database_at_once_all_succeed(postgres):
    url = postgres.create("banshi_raced").replace("postgresql://", "postgresql+psycopg2://", 1)
    open_at_once(url)
    engine = get_engine(url)
    assert revision_of(engine) == migrate.head() and differences(engine) == []
