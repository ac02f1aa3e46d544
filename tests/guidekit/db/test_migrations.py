"""The schema comes from the migrations: a fresh database, one from before them, and several processes opening
one at once all end at the newest revision, matching the tables the code defines."""

from __future__ import annotations

import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.orm import Session

from guidekit.db import migrate
from guidekit.db.base import utc_now
from guidekit.db.engine import get_engine
from guidekit.guides.store import GuideRow
from tests.conftest import ROOT


def differences(engine) -> list:
    """What autogenerate would still write: empty when the migrations and the models agree."""
    with engine.connect() as connection:
        return compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), migrate.all_tables()
        )


def revision_of(engine):
    with engine.connect() as connection:
        return migrate.current(connection)


def test_a_fresh_database_is_made_by_the_migrations_and_matches_the_models(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert revision_of(engine) == migrate.head()
    assert set(migrate.all_tables().tables) <= set(inspect(engine).get_table_names())
    assert differences(engine) == []


def test_a_database_from_before_the_migrations_is_completed_marked_and_keeps_its_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = create_engine(url, future=True)
    tables = migrate.all_tables()
    # As create_all made it before the migrations, but from a release before the editors' session version.
    tables.create_all(old, tables=[t for t in tables.sorted_tables if t.name not in migrate.ADDED_AFTER_BASELINE])
    with old.begin() as connection:
        connection.execute(text("ALTER TABLE editor_users DROP COLUMN session_version"))
    with Session(old) as session, session.begin():
        session.add(
            GuideRow(id="kept", name="留着的指南", content="{}", content_hash="x", version=3, updated_at=utc_now())
        )
    old.dispose()
    engine = get_engine(url)
    assert revision_of(engine) == migrate.head()
    assert differences(engine) == []
    with Session(engine) as session:
        assert session.get(GuideRow, "kept").version == 3


def open_at_once(url: str, processes: int = 4) -> None:
    """Open one database from several processes started together, as the stack's processes do at start."""
    opening = [
        subprocess.Popen(
            [sys.executable, "-c", f"from guidekit.db.engine import get_engine; get_engine({url!r})"],
            cwd=ROOT,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
            stderr=subprocess.PIPE,
        )
        for _ in range(processes)
    ]
    for process in opening:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()[-2000:]


def test_several_processes_opening_a_new_database_at_once_all_succeed(tmp_path):
    url = f"sqlite:///{tmp_path / 'raced.db'}"
    open_at_once(url)
    assert revision_of(get_engine(url)) == migrate.head()


def test_the_migrate_command_upgrades_and_says_where_the_database_is(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "guidekit.cli", "migrate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "BANSHI_DATABASE_URL": url},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert migrate.head() in done.stdout
    assert revision_of(create_engine(url, future=True)) == migrate.head()
