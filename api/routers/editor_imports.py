"""`/editor/imports`: uploading an official export (api/editor/import_upload.py: tried first, then imported as
drafts) and the review queue of imported guides (guidekit/editorial/import_queue.py) — each draft the importer
made with how many of its plain texts pass the readability check, 20 to a page; "接受全部通过检查的" submits
those that pass everywhere for review at once; the rest are opened one by one."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.deps import db_session, settings_dep
from api.editor import import_upload, views
from api.editor.auth import check_csrf, current_user
from api.routers.editor import committed, page
from api.settings import ApiSettings
from guidekit.catalogue.importer import import_export
from guidekit.catalogue.problems import ExportUnreadable
from guidekit.db.engine import get_engine
from guidekit.editorial import import_queue
from guidekit.editorial import workflow as ed
from guidekit.editorial.workflow import UserRow

router = APIRouter(prefix="/editor", tags=["editor"], dependencies=[Depends(check_csrf)])
# The upload's size is checked before check_csrf parses the form (router dependencies run in order).
upload_router = APIRouter(
    prefix="/editor", tags=["editor"], dependencies=[Depends(import_upload.within_limit), Depends(check_csrf)]
)
PER_PAGE = 20


@router.get("/imports")
def imports_page(
    request: Request, p: int = 1, user: UserRow = Depends(current_user), session: Session = Depends(db_session)
):
    return _queue_page(request, p, user, session)


def _queue_page(request: Request, p: int, user: UserRow, session: Session, status_code: int = 200, **context):
    drafts = import_queue.imported_drafts(session)
    pages = max(1, -(-len(drafts) // PER_PAGE))
    p = min(max(1, p), pages)
    terms = views.glossary(session)
    shown = [import_queue.queued(d, terms) for d in drafts[(p - 1) * PER_PAGE : p * PER_PAGE]]
    return page(
        request,
        "imports.html",
        user,
        status_code=status_code,
        queue=shown,
        total=len(drafts),
        p=p,
        pages=pages,
        max_mb=f"{request.app.state.settings.editor_import_max_mb:g}",
        **context,
    )


@router.post("/imports/accept")
def accept(user: UserRow = Depends(current_user), session: Session = Depends(db_session)):
    with committed(session):
        accepted, left = import_queue.accept_passing(session, user.username, views.glossary(session))
    return RedirectResponse(f"/editor/imports?accepted={len(accepted)}&left={len(left)}", status_code=303)


@upload_router.post("/imports/upload")
async def upload(
    request: Request,
    user: UserRow = Depends(current_user),
    session: Session = Depends(db_session),
    settings: ApiSettings = Depends(settings_dep),
):
    """Try (nothing written) or import an uploaded export; the report on the page, problems as file:row:column."""
    form = await request.form()
    tried = form.get("try") is not None
    with tempfile.TemporaryDirectory(prefix="banshi-import-") as kept:
        folder = Path(kept)
        try:
            export = await import_upload.save_upload(form.get("export"), folder, import_upload.EXPORT_KINDS, "导出文件")
            mapping = await import_upload.save_upload(
                form.get("mapping"), folder, import_upload.MAPPING_KINDS, "列名对照表"
            )
            if export is None:
                raise import_upload.UploadRefused("请先选一个导出文件(xlsx、csv 或 json)。")
            result = await run_in_threadpool(_import_one, export, mapping, tried, settings.database_url, folder)
        except import_upload.UploadRefused as refused:
            return _queue_page(request, 1, user, session, status_code=400, upload_errors=[str(refused)])
        except ExportUnreadable as unreadable:
            errors = [str(p).replace(f"{folder}/", "") for p in unreadable.problems]
            return _queue_page(request, 1, user, session, status_code=400, upload_errors=errors)
    if not tried:
        with committed(session):
            ed.audit(
                session,
                user.username,
                "import_export",
                file=result.file,
                **{k.replace(" ", "_"): v for k, v in result.counts.items()},
            )
    return _queue_page(request, 1, user, session, result=result)


def _import_one(
    export: Path, mapping: Optional[Path], tried: bool, database_url: str, folder: Path
) -> import_upload.ImportResult:
    if not import_upload.ONE_AT_A_TIME.acquire(blocking=False):
        raise import_upload.UploadRefused("另一份文件正在导入。请过一两分钟再试。")
    try:
        report = import_export(export, get_engine(database_url), mapping=mapping, dry_run=tried)
    finally:
        import_upload.ONE_AT_A_TIME.release()
    return import_upload.result_of(report, folder)
