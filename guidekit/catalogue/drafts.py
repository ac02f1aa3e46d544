"""Imported guides as drafts of the editorial workflow (guide_drafts rows, status draft, by "importer"): never
published, and never written over someone's work.

- no draft, no published guide: a new draft;
- a draft the importer saved and nobody touched since (still by "importer", still status draft): replaced by
  the new import, or left alone when it is the same;
- any other draft (an editor saved it, it was submitted or sent back): kept, and reported;
- a published guide (the same id, or the same official name: a hand-written guide of the service): no draft is
  written; what changed in its official text is reported (changes.py), so the
  editors know which plain texts to recheck.
"""

from __future__ import annotations

import dataclasses
from typing import List, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from guidekit.catalogue.build import BuiltGuide
from guidekit.catalogue.changes import Change, official_changes
from guidekit.editorial.workflow import DraftRow, get_draft, guide_to_yaml, parse_draft, published, save_draft
from guidekit.guides.loader import GuideFileError
from guidekit.guides.schema import Guide
from guidekit.guides.store import GuideRow

IMPORTER = "importer"
NEW, UPDATED, UNCHANGED, KEPT, PUBLISHED, NOT_MADE = "new", "updated", "unchanged", "kept", "published", "not made"


@dataclasses.dataclass
class Outcome:
    guide_id: Optional[str]
    name: str
    status: str  # NEW | UPDATED | UNCHANGED | KEPT | PUBLISHED | NOT_MADE
    detail: str = ""
    changes: List[Change] = dataclasses.field(default_factory=list)


def published_named(session: Session, name: str) -> Optional[GuideRow]:
    """The published guide with this official name under another id (a hand-written guide of the same service,
    户口投靠子女 as household-transfer-to-children): the service is that guide, compared, never drafted twice."""
    return session.execute(select(GuideRow).where(GuideRow.name == name).limit(1)).scalar_one_or_none()


def importer_owns(draft: DraftRow) -> bool:
    """A draft the importer saved and nobody has saved, submitted or sent back since."""
    return draft.updated_by == IMPORTER and draft.status == "draft"


def _same_apart_from_date(yaml_text: str, guide: Guide) -> bool:
    """The draft says what the import says (the day of the import aside)."""
    try:
        before = parse_draft(guide.id, yaml_text)
    except GuideFileError:
        return False
    return before.model_copy(update={"last_verified": guide.last_verified}) == guide


def store_drafts(session: Session, built: Sequence[BuiltGuide], dry_run: bool = False) -> List[Outcome]:
    outcomes: List[Outcome] = []
    for b in built:
        if b.guide is None:
            outcomes.append(Outcome(None, b.item.name, NOT_MADE))
            continue
        guide = b.guide
        text = guide_to_yaml(guide)
        live = published(session, guide.id) or published_named(session, guide.name)
        draft = get_draft(session, live.id if live is not None else guide.id)
        if live is not None:
            changes = official_changes(Guide.model_validate_json(live.content), guide, b.provided)
            detail = f"a draft by {draft.updated_by} ({draft.status}) is in progress" if draft is not None else ""
            outcomes.append(Outcome(live.id, guide.name, PUBLISHED, detail, changes))
            continue
        if draft is None:
            if not dry_run:
                save_draft(session, guide.id, text, lock=0, by=IMPORTER, action="import")
            outcomes.append(Outcome(guide.id, guide.name, NEW))
        elif not importer_owns(draft):
            outcomes.append(
                Outcome(
                    guide.id, guide.name, KEPT, f"a draft by {draft.updated_by} ({draft.status}) is not overwritten"
                )
            )
        elif _same_apart_from_date(draft.yaml_text, guide):
            outcomes.append(Outcome(guide.id, guide.name, UNCHANGED))
        else:
            if not dry_run:
                save_draft(session, guide.id, text, lock=draft.lock, by=IMPORTER, action="import")
            outcomes.append(Outcome(guide.id, guide.name, UPDATED))
    return outcomes
