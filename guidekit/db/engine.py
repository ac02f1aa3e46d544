"""The engine of a database URL, upgraded to the newest migration when a process first opens it.

The schema comes from the migrations (guidekit/db/migrate.py), never from create_all.

Written in SQLAlchemy 2.0 style; runs on the 1.4 release that Rasa 3.6 needs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        if str(path) not in ("", ":memory:"):
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False, "timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # readers never block the loader
            dbapi_conn.execute("PRAGMA journal_mode=WAL")
    else:
        engine = create_engine(url, future=True, pool_pre_ping=True)
    from guidekit.db.migrate import upgrade  # (alembic, loaded once per process)

    upgrade(engine)
    return engine


def ping(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
