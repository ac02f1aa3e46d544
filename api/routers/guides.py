"""`GET /api/guides` and `GET /api/guides/{id}`: the published guides, as every channel sees them."""
from __future__ import annotations

from typing import List

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.deps import db_session
from guidekit.store import get_guide, guides_as_json, list_guides

router = APIRouter(prefix="/api/guides", tags=["guides"])


class GuideSummary(BaseModel):
    id: str
    name: str
    aliases: List[str]


@router.get("", response_model=List[GuideSummary])
def all_guides(session: Session = Depends(db_session)):
    return [GuideSummary(id=g.id, name=g.name, aliases=g.aliases) for g in list_guides(session)]


@router.get("/{guide_id}")
def one_guide(guide_id: str, session: Session = Depends(db_session)) -> dict:
    guide = get_guide(session, guide_id)
    if guide is None:
        raise HTTPException(status_code=404, detail=f"没有这个办事指南:{guide_id}")
    return guides_as_json(guide)
