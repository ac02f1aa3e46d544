"""The database schema, by Alembic migrations (guidekit/db/migrations/versions), never by create_all.

Why: create_all makes missing tables but never changes an existing one, so a column added in a release was
silently missing on a PostgreSQL database made by the release before (the editor's session_version had to be
patched in by hand). Every process upgrades the database to the newest revision when it first opens it
(`guidekit.db.engine.get_engine`); `python -m guidekit.cli migrate` does the same for an operator before a
deployment. A database made before the migrations existed (tables, no alembic_version) is completed the old way
once and marked as the baseline, then upgraded like any other.

Several processes open the same database at start (API, action server, WeChat worker): the upgrade is
serialised, by an advisory lock on PostgreSQL and a lock file beside an SQLite file.
"""

from __future__ import annotations

import contextlib
import fcntl
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001_baseline"
# Any number, the same in every process: pg_advisory_xact_lock's key for "schema upgrade".
_PG_LOCK_KEY = 7_734_220_001
# Every module that declares tables on guidekit.db.Base. They are imported only here (for autogenerate, the
# models-match-migrations test and completing a database from before the migrations), so that a process
# opening the database loads only the tables it uses.
TABLE_MODULES = (
    "guidekit.guides.store",
    "guidekit.editorial.workflow",
    "guidekit.quality.records",
    "api.wechat.outbox",
)


def all_tables() -> MetaData:
    """The metadata of every table the code defines."""
    import importlib

    from guidekit.db.base import Base

    for name in TABLE_MODULES:
        importlib.import_module(name)
    return Base.metadata


def config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head() -> str:
    newest = ScriptDirectory.from_config(config()).get_current_head()
    assert newest is not None, f"no migrations in {MIGRATIONS}"
    return newest


def current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


@contextlib.contextmanager
def _one_at_a_time(engine: Engine) -> Iterator[None]:
    database = engine.url.database or ""
    if engine.dialect.name == "sqlite" and database not in ("", ":memory:"):
        with open(f"{database}.migrate-lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    else:
        yield


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest revision (nothing to do when it is there already)."""
    with _one_at_a_time(engine), engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        at = current(connection)
        if at == head():
            return
        cfg = config()
        cfg.attributes["connection"] = connection
        if at is None and _made_before_migrations(connection):
            _complete_the_old_way(connection)
            command.stamp(cfg, BASELINE)
        command.upgrade(cfg, "head")


def _made_before_migrations(connection: Connection) -> bool:
    """Tables of ours and no alembic_version: made by create_all, as every database was before the migrations.
    (An empty database needs no look at the models: a process that only reads guides loads none of the others.)"""
    present = set(inspect(connection).get_table_names())
    return bool(present) and bool(present & set(all_tables().tables))


# Tables added by migrations after the baseline: a database from before the migrations never had them, and
# their migrations make them.
ADDED_AFTER_BASELINE = frozenset({"unanswered_dismissals", "guide_assignments"})
# Columns added to existing tables before there were migrations, as the old start-up added them.
_ADDED_BEFORE_MIGRATIONS = (("editor_users", "session_version", "INTEGER NOT NULL DEFAULT 0"),)


def _complete_the_old_way(connection: Connection) -> None:
    """A database from before the migrations: the tables and columns the baseline has, as create_all and the
    old start-up made them, so that marking it as the baseline is true."""
    metadata = all_tables()
    metadata.create_all(connection, tables=[t for t in metadata.sorted_tables if t.name not in ADDED_AFTER_BASELINE])
    inspector = inspect(connection)
    for table, column, ddl in _ADDED_BEFORE_MIGRATIONS:
        if column not in {c["name"] for c in inspector.get_columns(table)}:
            connection.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {ddl}"))
