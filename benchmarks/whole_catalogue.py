"""The whole sample catalogue published at once, for measuring understanding and speed at a city's scale
(issue 17): the 15 hand-written guides and the 147 other services of `catalogue/ankang-export.csv` as the importer
makes them — official names and 事项名称 as aliases, suggested plain texts nobody reviewed — with what people say
about each (`catalogue/ankang-sayings.yml`: purpose and 40 example messages; `sayings=` a missing file to measure
names alone).

`python -m benchmarks.understanding --catalogue …` and `python -m benchmarks.resolver_speed --catalogue` use it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from guidekit.catalogue.drafts import NEW
from guidekit.catalogue.importer import import_export
from guidekit.db.engine import get_engine
from guidekit.guides.store import LoadReport, bump_revision, upsert_guide
from ops.stack import ROOT

SAMPLE_EXPORT = ROOT / "catalogue" / "ankang-export.csv"
SAMPLE_SAYINGS = ROOT / "catalogue" / "ankang-sayings.yml"
SAMPLE_PLAIN = ROOT / "catalogue" / "ankang-plain.yml"


def imported_names(export: Path = SAMPLE_EXPORT) -> Dict[str, str]:
    """Guide id → the name the assistant says, for every service of the export as the importer makes it."""
    report = import_export(export, get_engine("sqlite://"), dry_run=True)
    return {b.guide.id: b.guide.called for b in report.built if b.guide is not None}


def publish_whole_catalogue(engine: Engine, export: Path = SAMPLE_EXPORT, sayings: Path = SAMPLE_SAYINGS) -> int:
    """Publish every service of `export` not already published (by id or official name) into the guides
    database of `engine`, which holds the hand-written guides; returns how many. Benchmarks only: in service,
    guides are published by editors after review."""
    plain = SAMPLE_PLAIN if export == SAMPLE_EXPORT and SAMPLE_PLAIN.exists() else None
    report = import_export(export, engine, dry_run=True, sayings=sayings if sayings.exists() else None, plain=plain)
    fresh = {o.guide_id for o in report.with_status(NEW)}
    loaded = LoadReport()
    with Session(engine) as session, session.begin():
        for built in report.built:
            if built.guide is not None and built.guide.id in fresh:
                upsert_guide(session, built.guide, f"{export.name} (imported, unreviewed)", loaded)
        if loaded.changed:
            bump_revision(session)
    return len(fresh)
