"""An official export uploaded on `/editor/imports`: its size checked before it is read, saved under its own name
in a folder of its own, imported as drafts (guidekit/catalogue/importer.py, as `python -m guidekit.cli import`
does), and the report put in the words the page shows.

Why a page as well as the command: the person who receives the platform's new export each quarter is a guide
editor, not an operator with a shell ("新的实施清单导出来了,我传上去看看哪些指南的官方说法变了"). They upload it,
first as a try that writes nothing, read what would change, and import it; problems name the file, row and column
so that they can be fixed in the spreadsheet they know. One import runs at a time: a second upload is told to
wait instead of writing drafts beside the first.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from pathlib import Path
from typing import List, Optional

from fastapi import Depends, HTTPException, Request
from starlette.datastructures import UploadFile

from api.deps import settings_dep
from api.settings import ApiSettings
from guidekit.catalogue.drafts import KEPT, NEW, NOT_MADE, UNCHANGED, UPDATED
from guidekit.catalogue.importer import ImportReport

EXPORT_KINDS = (".xlsx", ".csv", ".json")
MAPPING_KINDS = (".yml", ".yaml")
# Problems listed on the page; the rest are counted (a messy export can have thousands).
PROBLEMS_SHOWN = 200
# Room for the form's other fields and the multipart framing beside the files.
FORM_OVERHEAD = 64 * 1024

ONE_AT_A_TIME = threading.Lock()


class UploadRefused(Exception):
    """An upload that is not imported, with the reason in plain words for the page."""


def within_limit(request: Request, settings: ApiSettings = Depends(settings_dep)) -> None:
    """Refuse an upload over the limit before any of it is read (this runs before the form is parsed): a
    missing length is refused too, since every browser sends one with a file."""
    limit = int(settings.editor_import_max_mb * 1024 * 1024) + FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if not declared.isdigit():
        raise HTTPException(411, "上传没有写明大小,请用浏览器的「选择文件」上传。")
    if int(declared) > limit:
        raise HTTPException(
            413, f"文件太大了:最多 {settings.editor_import_max_mb:g} MB。请只导出本市的事项,或者分几次上传。"
        )


def safe_name(filename: str) -> str:
    """The uploaded file's own name without folders or odd characters (problems are reported under it)."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = re.sub(r"[^\w.\-()\u4e00-\u9fff]", "_", base).lstrip(".")
    return base[:120] or "upload"


async def save_upload(upload: object, folder: Path, kinds: tuple, what: str) -> Optional[Path]:
    """Save one uploaded file into `folder` under its own name; None when no file was chosen."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    name = safe_name(upload.filename)
    if not name.lower().endswith(kinds):
        raise UploadRefused(f"{what}要是 {'、'.join(kinds)} 文件,「{name}」不是。")
    path = folder / name
    path.write_bytes(await upload.read())
    if path.stat().st_size == 0:
        raise UploadRefused(f"{what}「{name}」是空的。")
    return path


@dataclasses.dataclass
class ImportResult:
    """What the page says about one import (or one try)."""

    file: str
    tried: bool  # a try: nothing was written
    rows: int
    items: int
    counts: dict  # "new", "updated", "unchanged", "kept", "not made" → how many
    drafts: List[tuple]  # (status, guide id, name) of new and updated drafts
    changed_published: List[tuple]  # (guide id, name, [what changed]) of published guides to recheck
    problems: List[str]
    problems_more: int
    unknown_papers: List[str]


def result_of(report: ImportReport, folder: Path) -> ImportResult:
    """The report in the page's terms; file names are the uploaded ones (the folder it was saved in dropped)."""

    def shown(text: str) -> str:
        return text.replace(f"{folder}/", "")

    problems = [shown(str(p)) for p in report.problems]
    return ImportResult(
        file=shown(report.sheet.file),
        tried=report.dry_run,
        rows=len(report.sheet.rows),
        items=len(report.grouped.items),
        counts={s: len(report.with_status(s)) for s in (NEW, UPDATED, UNCHANGED, KEPT, NOT_MADE)},
        drafts=[(o.status, o.guide_id, o.name) for o in report.outcomes if o.status in (NEW, UPDATED)],
        changed_published=[
            (o.guide_id, o.name, [shown(c.describe()) for c in o.changes]) for o in report.changed_published
        ],
        problems=problems[:PROBLEMS_SHOWN],
        problems_more=max(0, len(problems) - PROBLEMS_SHOWN),
        unknown_papers=sorted(report.grouped.unknown_papers),
    )
