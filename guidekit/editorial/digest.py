"""The editors' daily digest: for each person, what waits for them — drafts sent back to them, drafts waiting
for a reviewer, guides they look after that are overdue for a check — written to the log and, when a webhook is
set (BANSHI_EDITOR_DIGEST_WEBHOOK: a chat group's robot, an e-mail gateway), posted there as JSON.

Run once a day by the operator's scheduler: `python -m guidekit.cli digest`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from guidekit.db.base import utc_now
from guidekit.editorial import workflow as ed
from guidekit.guides.schema import Guide
from guidekit.guides.store import GuideRow

log = logging.getLogger("banshi.digest")


@dataclasses.dataclass
class Waiting:
    username: str
    role: str
    sent_back: List[str] = dataclasses.field(default_factory=list)  # guide ids, returned to them
    to_review: List[str] = dataclasses.field(default_factory=list)  # submitted, not written by them
    overdue: List[str] = dataclasses.field(default_factory=list)  # theirs, not checked for too long

    @property
    def empty(self) -> bool:
        return not (self.sent_back or self.to_review or self.overdue)

    def line(self) -> str:
        return (
            f"{self.username}: {len(self.sent_back)} sent back to you, {len(self.to_review)} waiting for your "
            f"review, {len(self.overdue)} of yours overdue for a check"
        )


def waiting(session: Session, verify_days: int, today: Optional[dt.date] = None) -> List[Waiting]:
    """Each active account with what waits for it (accounts with nothing waiting included, `empty`)."""
    today = today or utc_now().date()
    people: Dict[str, Waiting] = {
        u.username: Waiting(u.username, u.role)
        for u in session.execute(select(ed.UserRow).where(ed.UserRow.active).order_by(ed.UserRow.username)).scalars()
    }
    for draft in session.execute(select(ed.DraftRow)).scalars():
        writers = ed.authors(session, draft.guide_id)
        if draft.status == "returned":
            for name in writers & people.keys():
                people[name].sent_back.append(draft.guide_id)
        elif draft.status == "submitted":
            for person in people.values():
                if person.role in ("reviewer", "admin") and person.username not in writers:
                    person.to_review.append(draft.guide_id)
    verified = {
        r.id: Guide.model_validate_json(r.content).last_verified for r in session.execute(select(GuideRow)).scalars()
    }
    for guide_id, username in ed.assignments(session).items():
        if username in people and ed.overdue(verified.get(guide_id), today, verify_days):
            people[username].overdue.append(guide_id)
    return list(people.values())


def send_digest(session: Session, verify_days: int, webhook: Optional[str] = None) -> List[Waiting]:
    """Log one line per person with something waiting; post them all to `webhook` when set. A webhook that
    fails is logged and does not stop the digest (the log has it all)."""
    digest = [w for w in waiting(session, verify_days) if not w.empty]
    for person in digest:
        log.info("digest %s", person.line())
    if webhook and digest:
        import httpx

        try:
            httpx.post(webhook, json={"digest": [dataclasses.asdict(w) for w in digest]}, timeout=10).raise_for_status()
        except httpx.HTTPError as exc:
            log.error("digest webhook failed: %s", exc.__class__.__name__)
    return digest
