"""Answers WeChat did not accept even after retries wait here and are sent again later, so none is lost.

Kept in the guides database (table `wechat_outbox`). Each API process looks every
`wechat_outbox_seconds`; a row is claimed before sending (so two processes never send it twice) and
removed once WeChat accepts it. WeChat takes customer-service messages for 48 hours after the user's
last message: after 47 hours a row is given up and logged.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import List, Sequence

from sqlalchemy import Column, DateTime, Integer, String, Text, select, update
from sqlalchemy.orm import Session

from guidekit.db.base import Base, utc_now as _now
from guidekit.db.engine import get_engine

log = logging.getLogger("banshi.wechat.outbox")
LEASE = dt.timedelta(seconds=60)
GIVE_UP = dt.timedelta(hours=47)


class OutboxRow(Base):
    __tablename__ = "wechat_outbox"
    id = Column(Integer, primary_key=True)
    openid = Column(String(100), nullable=False, index=True)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False)
    next_try_at = Column(DateTime, nullable=False, index=True)
    attempts = Column(Integer, nullable=False, default=0)


class Outbox:
    def __init__(self, database_url: str, retry_seconds: float):
        self.engine = get_engine(database_url)
        self.retry = dt.timedelta(seconds=retry_seconds)  # (the table comes from the migrations)

    def add(self, openid: str, texts: Sequence[str]) -> None:
        now = _now()
        with Session(self.engine) as session, session.begin():
            session.add_all(
                [
                    OutboxRow(openid=openid, text=t, created_at=now, next_try_at=now + self.retry, attempts=0)
                    for t in texts
                ]
            )
        log.warning("%d message part(s) kept to send again later", len(texts))

    def claim_due(self, limit: int = 50) -> List[OutboxRow]:
        """Rows due now, in the order they were written, each leased to this process."""
        now = _now()
        claimed = []
        with Session(self.engine, expire_on_commit=False) as session:
            for row in (
                session.execute(
                    select(OutboxRow).where(OutboxRow.next_try_at <= now).order_by(OutboxRow.id).limit(limit)
                )
                .scalars()
                .all()
            ):
                taken = session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.id == row.id, OutboxRow.next_try_at == row.next_try_at)
                    .values(next_try_at=now + LEASE)
                )
                session.commit()
                if taken.rowcount == 1:
                    claimed.append(row)
        return claimed

    def delivered(self, row_id: int) -> None:
        with Session(self.engine) as session, session.begin():
            row = session.get(OutboxRow, row_id)
            if row is not None:
                session.delete(row)

    def failed(self, row_id: int) -> None:
        with Session(self.engine) as session, session.begin():
            row = session.get(OutboxRow, row_id)
            if row is None:
                return
            if _now() - row.created_at > GIVE_UP:
                log.error(
                    "message part to %s… given up after %d tries: WeChat's 48-hour window closed",
                    row.openid[:6],
                    row.attempts + 1,
                )
                session.delete(row)
                return
            row.attempts += 1
            row.next_try_at = _now() + self.retry * min(2**row.attempts, 64)

    def pending(self) -> int:
        with Session(self.engine) as session:
            return len(session.execute(select(OutboxRow.id)).all())
