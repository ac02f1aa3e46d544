"""Rasa's tracker store as the API sees it: forgetting a user (e.g. on WeChat unsubscribe), and whether it answers."""

from __future__ import annotations

import logging
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("banshi.sessions")


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    return sa.create_engine(url, pool_pre_ping=True)


def forget_conversation(tracker_store_url: str, sender_id: str) -> int:
    """Delete every stored event of `sender_id` from Rasa's SQL tracker store; returns how many."""
    engine = _engine(tracker_store_url)
    try:
        with engine.begin() as conn:
            if not sa.inspect(conn).has_table("events"):
                return 0
            events = sa.table("events", sa.column("sender_id"))
            return conn.execute(sa.delete(events).where(events.c.sender_id == sender_id)).rowcount or 0
    except SQLAlchemyError as exc:
        log.error("could not remove a conversation from the tracker store: %s", exc.__class__.__name__)
        raise


def tracker_store_up(tracker_store_url: str) -> bool:
    try:
        with _engine(tracker_store_url).connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False
