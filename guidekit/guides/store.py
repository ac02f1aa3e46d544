"""The published guides in the database: their tables and the few functions every channel uses to read or
load guides."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from sqlalchemy import Column, DateTime, Integer, String, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from guidekit.db.base import Base, utc_now
from guidekit.guides.loader import GuideFileError, GuideProblem, guide_files, read_guide_file
from guidekit.guides.schema import Guide


class GuideRow(Base):
    """The published version of one guide, as validated JSON."""

    __tablename__ = "guides"

    id = Column(String(80), primary_key=True)
    name = Column(String(200), nullable=False)
    content = Column(Text, nullable=False)
    content_hash = Column(String(64), nullable=False)
    version = Column(Integer, nullable=False, default=1)
    source_file = Column(String(500), nullable=True)
    updated_at = Column(DateTime, nullable=False)


class MetaRow(Base):
    """Small counters; `guides_revision` goes up whenever any published guide changes."""

    __tablename__ = "meta"

    key = Column(String(80), primary_key=True)
    value = Column(Integer, nullable=False, default=0)


def guides_revision(session: Session) -> int:
    row = session.get(MetaRow, "guides_revision")
    return row.value if row else 0


def bump_revision(session: Session) -> None:
    row = session.get(MetaRow, "guides_revision")
    if row is None:
        session.add(MetaRow(key="guides_revision", value=1))
    else:
        row.value += 1


def list_guides(session: Session) -> List[Guide]:
    rows = session.execute(select(GuideRow).order_by(GuideRow.id)).scalars().all()
    return [Guide.model_validate_json(r.content) for r in rows]


def get_guide(session: Session, guide_id: str) -> Optional[Guide]:
    row = session.get(GuideRow, guide_id)
    return Guide.model_validate_json(row.content) if row else None


@dataclasses.dataclass
class LoadReport:
    added: List[str] = dataclasses.field(default_factory=list)
    updated: List[str] = dataclasses.field(default_factory=list)
    unchanged: List[str] = dataclasses.field(default_factory=list)
    refused: Dict[str, List[GuideProblem]] = dataclasses.field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    def summary(self) -> str:
        lines = [
            f"guides: {len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.refused)} refused"
        ]
        for file, problems in self.refused.items():
            lines.append(f"refused {file} (the database keeps its last good version):")
            lines += [f"  {p}" for p in problems]
        return "\n".join(lines)


def upsert_guide(session: Session, guide: Guide, source_file: Optional[str], report: LoadReport) -> None:
    content = guide.model_dump_json()
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    now = utc_now()
    row = session.get(GuideRow, guide.id)
    if row is None:
        session.add(
            GuideRow(
                id=guide.id,
                name=guide.name,
                content=content,
                content_hash=digest,
                version=1,
                source_file=source_file,
                updated_at=now,
            )
        )
        report.added.append(guide.id)
    elif row.content_hash != digest:
        row.name, row.content, row.content_hash = guide.name, content, digest
        row.version += 1
        row.source_file, row.updated_at = source_file, now
        report.updated.append(guide.id)
    else:
        report.unchanged.append(guide.id)


def load_guides(engine: Engine, directory: Path) -> LoadReport:
    """Load every valid guide file; a file with errors is refused and its old version kept.

    Idempotent: loading the same files twice changes nothing and keeps the revision.
    """
    report = LoadReport()
    guides: List[Tuple[Guide, str]] = []
    for path in guide_files(directory):
        try:
            guides.append((read_guide_file(path), str(path)))
        except GuideFileError as exc:
            report.refused[str(path)] = exc.problems
    with Session(engine) as session, session.begin():
        for guide, source in guides:
            upsert_guide(session, guide, source, report)
        if report.changed:
            bump_revision(session)
    return report


def guides_as_json(guide: Guide) -> dict:
    return json.loads(guide.model_dump_json())
