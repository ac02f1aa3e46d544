"""The review queue of imported guides: drafts the importer made (official text, a suggested plain rewrite) that
no editor has touched yet, each with how many of its plain texts pass the readability check; those that pass
everywhere can be accepted together, the rest are opened one by one.

Why: 147 services arrive at once from a platform export. An editor should not open 36 drafts whose suggested
plain texts are already fine one by one, and should see at a glance which need their hand.
"""

from __future__ import annotations

import dataclasses
from typing import List, Optional, Sequence, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from guidekit.catalogue.drafts import IMPORTER
from guidekit.editorial import workflow as ed
from guidekit.editorial.readability import GlossaryTerm, check


@dataclasses.dataclass(frozen=True)
class Queued:
    guide_id: str
    name: str
    fields: int
    failing: List[str]  # labels of the plain texts that do not pass

    @property
    def passes(self) -> bool:
        return not self.failing


def imported_drafts(session: Session) -> List[ed.DraftRow]:
    """Drafts as the importer left them (nobody saved, submitted or sent them back since), by id."""
    query = (
        select(ed.DraftRow)
        .where(ed.DraftRow.updated_by == IMPORTER, ed.DraftRow.status == "draft")
        .order_by(ed.DraftRow.guide_id)
    )
    return list(session.execute(query).scalars())


def queued(draft: ed.DraftRow, glossary: Optional[Sequence[GlossaryTerm]] = None) -> Queued:
    guide = ed.parse_draft(draft.guide_id, draft.yaml_text)
    fields = ed.plain_fields(guide)
    failing = [label for _, label, _, _, plain in fields if not check(plain, glossary).passed]
    return Queued(guide.id, guide.name, len(fields), failing)


def accept_passing(
    session: Session, by: str, glossary: Optional[Sequence[GlossaryTerm]] = None
) -> Tuple[List[str], List[str]]:
    """Submit for review every imported draft whose plain texts all pass, as checked and accepted by `by` (who,
    having vouched for the text, is one of its writers: another person publishes it); returns (accepted, left)."""
    accepted, left = [], []
    for draft in imported_drafts(session):
        if queued(draft, glossary).passes:
            saved = ed.save_draft(session, draft.guide_id, draft.yaml_text, draft.lock, by, action="accept_import")
            ed.submit(session, draft.guide_id, saved.lock, by)
            accepted.append(draft.guide_id)
        else:
            left.append(draft.guide_id)
    return accepted, left
