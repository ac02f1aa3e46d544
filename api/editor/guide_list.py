"""The editors' guide list at a city's scale (150+ guides): search, filters, sort by how often people ask, who
looks after each guide, and which have not been checked against the official guide for too long.

Why: sorted by English id with no search, the list stopped working once the catalogue was imported; an editor
asks "which of mine are overdue?" and "what do people ask about most?", not "what comes after sx61090100201".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Dict, List, Optional, Sequence

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guidekit.db.base import utc_now
from guidekit.editorial import workflow as ed
from guidekit.guides.store import GuideRow
from guidekit.quality.records import TurnRow

SORTS = {"asks": "问的人最多", "name": "名称", "verified": "最久没核对"}
STATUSES = {
    "published": "已发布",
    "new": "新指南(没发布过)",
    "draft": "草稿",
    "submitted": "等待审核",
    "returned": "退回修改",
}


@dataclasses.dataclass
class ListRow:
    id: str
    name: str
    short_name: str
    aliases: List[str]
    department: str
    districts: List[str]
    status: str  # a key of STATUSES
    version: Optional[int]
    last_verified: Optional[dt.date]
    overdue: bool
    assignee: Optional[str]
    asks: int  # messages about it in the last 30 days
    draft_by: Optional[str] = None
    draft_at: Optional[dt.datetime] = None

    def matches(self, q: str) -> bool:
        q = q.strip().lower()
        return not q or any(q in text.lower() for text in (self.name, self.short_name, self.id, *self.aliases))


def _from_content(data: dict) -> dict:
    return {
        "name": str(data.get("name") or ""),
        "short_name": str(data.get("short_name") or ""),
        "aliases": [str(a) for a in data.get("aliases") or []],
        "department": str((data.get("department") or {}).get("official") or ""),
        "districts": list(dict.fromkeys(str(x["district"]) for x in data.get("locations") or [] if x.get("district"))),
        "last_verified": _date(data.get("last_verified")),
    }


def _date(value) -> Optional[dt.date]:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def list_rows(session: Session, verify_days: int, today: Optional[dt.date] = None) -> List[ListRow]:
    """Every published guide and every draft of a guide never published (imported ones among them)."""
    today = today or utc_now().date()
    drafts = {d.guide_id: d for d in session.execute(select(ed.DraftRow)).scalars()}
    owners = ed.assignments(session)
    since = utc_now() - dt.timedelta(days=30)
    asks = dict(
        session.execute(
            select(TurnRow.service_id, func.count()).where(TurnRow.at >= since).group_by(TurnRow.service_id)
        ).all()
    )
    out: List[ListRow] = []
    published = set()
    for row in session.execute(select(GuideRow)).scalars():
        published.add(row.id)
        fields = _from_content(json.loads(row.content))
        draft = drafts.get(row.id)
        out.append(_row(row.id, fields, draft.status if draft else "published", row.version, owners, asks, draft))
    for gid, draft in drafts.items():
        if gid not in published:
            fields = _from_content(yaml.safe_load(draft.yaml_text) or {})
            out.append(_row(gid, fields, "new", None, owners, asks, draft))
    for r in out:
        r.overdue = ed.overdue(r.last_verified, today, verify_days)
    return out


def _row(gid, fields, status, version, owners, asks, draft) -> ListRow:
    return ListRow(
        id=gid,
        status=status,
        version=version,
        overdue=False,
        assignee=owners.get(gid),
        asks=int(asks.get(gid, 0)),
        draft_by=draft.updated_by if draft else None,
        draft_at=draft.updated_at if draft else None,
        **fields,
    )


@dataclasses.dataclass
class Filters:
    """What the editor asked the list for (the query string of /editor)."""

    q: str = ""
    status: str = ""
    department: str = ""
    district: str = ""
    assignee: str = ""  # a username, or "-" for nobody
    overdue: bool = False
    sort: str = "asks"


def choose(rows: Sequence[ListRow], f: Filters) -> List[ListRow]:
    """The rows an editor asked for, in the order asked ("asks": most asked first, then by name)."""
    kept = [
        r
        for r in rows
        if r.matches(f.q)
        and (not f.status or r.status == f.status)
        and (not f.department or r.department == f.department)
        and (not f.district or f.district in r.districts)
        and (not f.assignee or (r.assignee or "") == (f.assignee if f.assignee != "-" else ""))
        and (not f.overdue or r.overdue)
    ]
    if f.sort == "name":
        return sorted(kept, key=lambda r: r.name)
    if f.sort == "verified":
        return sorted(kept, key=lambda r: (r.last_verified or dt.date.min, r.name))
    return sorted(kept, key=lambda r: (-r.asks, r.name))


def options(rows: Sequence[ListRow]) -> Dict[str, List[str]]:
    """The values the filters offer: departments and districts that occur."""
    return {
        "departments": sorted({r.department for r in rows if r.department}),
        "districts": sorted({d for r in rows for d in r.districts}),
    }
