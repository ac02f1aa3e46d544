"""`GET /api/guides` and `GET /api/guides/{id}`: the published guides, as every channel sees them."""

from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.deps import db_session, guide_catalog
from guidekit.catalog import GuideCatalog
from guidekit.guides.store import get_guide, guides_as_json

router = APIRouter(prefix="/api/guides", tags=["guides"])


class GuideSummary(BaseModel):
    id: str
    name: str
    # What people call it ("补办身份证"): what a tile or a menu shows; null where editors set none.
    short_name: Optional[str] = None
    aliases: List[str]


@router.get("", response_model=List[GuideSummary])
def all_guides(catalog: GuideCatalog = Depends(guide_catalog)):
    """The published guides, the most asked about first (the kiosk shows them in this order)."""
    return [
        GuideSummary(id=g.id, name=g.name, short_name=g.short_name, aliases=g.aliases)
        for g in catalog.most_asked_first()
    ]


@router.get("/{guide_id}")
def one_guide(guide_id: str, session: Session = Depends(db_session)) -> dict:
    guide = get_guide(session, guide_id)
    if guide is None:
        raise HTTPException(status_code=404, detail=f"没有这个办事指南:{guide_id}")
    return guides_as_json(guide)
