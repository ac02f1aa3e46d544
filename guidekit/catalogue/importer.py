"""One import, start to end: read the export, clean and group its rows, build the guides, store them as drafts
and say what happened (`ImportReport.summary()`, the problems as `file:row:column: message`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Dict, List, Optional

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from guidekit.catalogue.build import SITUATION_QUESTION, BuiltGuide, build_guides
from guidekit.catalogue.columns import header_elements, load_mapping
from guidekit.catalogue.drafts import KEPT, NEW, NOT_MADE, PUBLISHED, UNCHANGED, UPDATED, Outcome, store_drafts
from guidekit.catalogue.group import Grouped, group
from guidekit.catalogue.papers import PAPER_NAMES, load_paper_names
from guidekit.catalogue.plain_texts import load_plain_texts, with_plain_texts
from guidekit.catalogue.problems import Problem
from guidekit.catalogue.read import Sheet, read_export
from guidekit.catalogue.sayings import load_sayings


@dataclasses.dataclass
class ImportReport:
    sheet: Sheet
    grouped: Grouped
    built: List[BuiltGuide]
    outcomes: List[Outcome]
    problems: List[Problem]
    papers_file: str
    dry_run: bool = False

    def with_status(self, status: str) -> List[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def changed_published(self) -> List[Outcome]:
        return [o for o in self.with_status(PUBLISHED) if o.changes]

    def summary(self) -> str:
        g = self.grouped
        encoding = f", {self.sheet.encoding}" if self.sheet.encoding else ""
        lines = [
            f"{self.sheet.file} ({self.sheet.kind}{encoding}): {len(self.sheet.rows)} rows → {len(g.items)} 事项, "
            f"{g.situations} 情形, {g.materials} materials; {len(self.problems)} problems; "
            f"{g.cleaned_cells} cells cleaned (HTML, spacing, full-width)",
        ]
        would = "would be " if self.dry_run else ""
        lines.append(
            ("drafts (dry run, nothing written): " if self.dry_run else "drafts: ")
            + ", ".join(
                f"{len(self.with_status(s))} {would}{label}"
                for s, label in ((NEW, "new"), (UPDATED, "updated"), (UNCHANGED, "unchanged"))
            )
            + f", {len(self.with_status(KEPT))} kept (not overwritten); nothing published"
        )
        for o in self.outcomes:
            if o.status in (NEW, UPDATED):
                lines.append(f"  {would}{o.status} draft {o.guide_id}: {o.name}")
            elif o.status == KEPT:
                lines.append(f"  kept {o.guide_id}: {o.detail}")
            elif o.status == NOT_MADE:
                lines.append(f"  no guide for {o.name}: see the problems")
        published = self.with_status(PUBLISHED)
        lines.append(
            f"published guides: {len(published)} in the export, "
            f"{len(self.changed_published)} with changed official text (recheck their plain text)"
        )
        for o in self.changed_published:
            lines.append(f"  {o.guide_id} {o.name}:" + (f" ({o.detail})" if o.detail else ""))
            lines += [f"    {c.describe()}" for c in o.changes]
        several = [b.guide for b in self.built if b.guide and len(b.guide.locations) > 1]
        if several:
            lines.append(
                f"services handled alike in several 区划: {len(several)}, one guide each with an office per 区划; "
                f"{sum(1 for g in several if g.ask_district)} ask the person's district first (its office first, the city's own hall beside it)"
            )
        with_situations = [b for b in self.built if b.item.named_situations]
        if with_situations:
            lines.append(
                "情形 (as situations where 2–4 each need papers of their own: write the question that tells them "
                f"apart instead of {SITUATION_QUESTION}; else the draft has the materials named):"
            )
            for b in with_situations:
                named = b.item.named_situations
                listing = "、".join(f"{s.name} ({len(s.materials)} materials)" for s in named)
                common = len(b.item.situations[""].materials) if "" in b.item.situations else 0
                extra = f", {common} for every 情形" if common else ""
                gid = b.guide.id if b.guide else "(no guide)"
                asked = (
                    " (asked as situations: " + "、".join(o.name for o in b.guide.situations.options) + ")"
                    if b.guide and b.guide.situations
                    else ""
                )
                lines.append(
                    f"  {gid} {b.item.name}: {len(named)} 情形: {listing}{extra}; the draft has those "
                    f"{b.materials_taken}{asked}"
                )
        if g.unknown_papers:
            papers = "、".join(f"{name} ×{n}" if n > 1 else name for name, n in sorted(g.unknown_papers.items()))
            lines.append(f"papers not in {self.papers_file} (add them to give them one name): {papers}")
        return "\n".join(lines)


def import_export(
    path: Path,
    engine: Engine,
    mapping: Optional[Path] = None,
    papers: Path = PAPER_NAMES,
    dry_run: bool = False,
    today: Optional[dt.date] = None,
    sayings: Optional[Path] = None,
    plain: Optional[Path] = None,
) -> ImportReport:
    """Import one export. ExportUnreadable when the file, the mapping, the paper names, the sayings (what
    people say about each service, sayings.py) or the editors' plain texts (plain_texts.py) cannot be used at
    all; every other problem is in the report."""
    column_map = load_mapping(mapping)
    paper_names = load_paper_names(papers)

    def known(header: str) -> bool:
        return bool(column_map.resolve(header))

    sheet = read_export(path, known)
    elements, problems = header_elements(sheet.headers, column_map, sheet.file)
    grouped = group(sheet, elements, paper_names)
    said = load_sayings(sayings) if sayings is not None else {}
    codes = {item.text("基本编码") for item in grouped.items}
    problems += [
        Problem(str(sayings), s.line, 1, f"{code}: no service with this 基本编码 in the export: not used")
        for code, s in said.items()
        if code not in codes
    ]
    written = load_plain_texts(plain) if plain is not None else {}
    problems += [
        Problem(str(plain), min(w.lines.values(), default=1), 1, f"{code}: no service with this 基本编码 in the export")
        for code, w in written.items()
        if code not in codes
    ]
    built = build_guides(grouped.items, today, said)
    for b in built:
        code = b.item.text("基本编码") or ""
        if b.guide is not None and code in written:
            b.guide, kept_out = with_plain_texts(b.guide, written[code], str(plain), code)
            b.problems += kept_out
    problems = sheet.notes + problems + grouped.problems + [p for b in built for p in b.problems]
    with Session(engine) as session:
        outcomes = store_drafts(session, built, dry_run)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    unique: Dict[str, Problem] = {str(p): p for p in problems}
    ordered = sorted(unique.values(), key=Problem.sort_key)
    return ImportReport(sheet, grouped, built, outcomes, ordered, str(papers), dry_run)
