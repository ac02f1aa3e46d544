"""Alembic's entry point. `guidekit.db.migrate.upgrade` passes the connection to run on (config.attributes);
`alembic -c guidekit/db/alembic.ini revision --autogenerate -m "…"` (a developer's new migration) connects to
BANSHI_DATABASE_URL and compares with every table the code defines."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from guidekit.db.migrate import all_tables

config = context.config
# The models are compared only for a developer's autogenerate (no connection handed in); an upgrade at start-up
# runs the revisions alone, so a process that only reads guides does not load every table's module.
target_metadata = None if config.attributes.get("connection") is not None else all_tables()


def run_on(connection) -> None:
    # render_as_batch: SQLite changes a column by copying the table; PostgreSQL alters it in place.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_on(connection)
else:
    from guidekit.settings import get_settings

    with create_engine(get_settings().database_url, future=True).connect() as own:
        run_on(own)
