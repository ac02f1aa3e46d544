"""Removing old conversations: Rasa's tracker events and the quality log's turns older than N days.

Ratings stay (they hold no one's words but a masked reason, and the 好差评 record must not lose any);
so do open follow-ups. Run it daily: `python -m guidekit.cli purge` (BANSHI_RETENTION_DAYS, default 180).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from guidekit.db.engine import get_engine
from guidekit.quality import records as quality


@dataclasses.dataclass(frozen=True)
class PurgeReport:
    tracker_events: int
    turns: int
    rating_requests: int

    def __str__(self) -> str:
        return (
            f"removed {self.tracker_events} tracker events, {self.turns} logged turns and "
            f"{self.rating_requests} rating requests"
        )


def purge_tracker_events(tracker_store_url: str, older_than_days: float) -> int:
    """Rasa's SQL tracker store keeps one row per event with a Unix `timestamp`."""
    engine = sa.create_engine(tracker_store_url, future=True)
    try:
        with engine.begin() as conn:
            if not sa.inspect(conn).has_table("events"):
                return 0
            events = sa.table("events", sa.column("timestamp"))
            cutoff = time.time() - older_than_days * 86400
            return conn.execute(sa.delete(events).where(events.c.timestamp < cutoff)).rowcount or 0
    finally:
        engine.dispose()


def purge(database_url: str, tracker_store_url: str, older_than_days: float) -> PurgeReport:
    if older_than_days < 1:
        raise ValueError("keep at least one day")
    cutoff = quality.utc_now() - dt.timedelta(days=older_than_days)
    with Session(get_engine(database_url)) as session, session.begin():
        turns = session.execute(sa.delete(quality.TurnRow).where(quality.TurnRow.at < cutoff)).rowcount or 0
        requests = (
            session.execute(
                sa.delete(quality.RatingRequestRow).where(quality.RatingRequestRow.asked_at < cutoff)
            ).rowcount
            or 0
        )
    return PurgeReport(purge_tracker_events(tracker_store_url, older_than_days), turns, requests)
