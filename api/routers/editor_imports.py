"""`/editor/imports`: the review queue of imported guides (guidekit/editorial/import_queue.py) — each draft the
importer made with how many of its plain texts pass the readability check, 20 to a page; "接受全部通过检查的"
submits those that pass everywhere for review at once; the rest are opened one by one."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from api.deps import db_session
from api.editor import views
from api.editor.auth import check_csrf, current_user
from api.routers.editor import committed, page
from guidekit.editorial import import_queue
from guidekit.editorial.workflow import UserRow

router = APIRouter(prefix="/editor", tags=["editor"], dependencies=[Depends(check_csrf)])
PER_PAGE = 20


@router.get("/imports")
def imports_page(
    request: Request, p: int = 1, user: UserRow = Depends(current_user), session: Session = Depends(db_session)
):
    drafts = import_queue.imported_drafts(session)
    pages = max(1, -(-len(drafts) // PER_PAGE))
    p = min(max(1, p), pages)
    terms = views.glossary(session)
    shown = [import_queue.queued(d, terms) for d in drafts[(p - 1) * PER_PAGE : p * PER_PAGE]]
    return page(request, "imports.html", user, queue=shown, total=len(drafts), p=p, pages=pages)


@router.post("/imports/accept")
def accept(user: UserRow = Depends(current_user), session: Session = Depends(db_session)):
    with committed(session):
        accepted, left = import_queue.accept_passing(session, user.username, views.glossary(session))
    return RedirectResponse(f"/editor/imports?accepted={len(accepted)}&left={len(left)}", status_code=303)
