"""`/editor`: guide editors' pages (server-rendered, Chinese, large and calm).

Editors draft; reviewers publish or send back; admins manage accounts. Every page needs a signed-in
user (anonymous page requests are sent to sign-in, anything else gets 401), every POST a CSRF token,
and every change lands in the audit log. Publishing is live on every channel within a second.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import zipfile
from typing import Callable, Dict, List, Optional

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.deps import db_session, settings_dep
from api.editor import guide_list as guide_list_view
from api.editor import views
from api.editor.auth import check_csrf, csrf_token, current_user, require, session_user, sign_in, throttle
from api.editor.throttle import Throttle
from guidekit.db.base import utc_now
from guidekit.editorial import workflow as ed
from guidekit.editorial.workflow import UserRow
from guidekit.guides.loader import GuideFileError
from guidekit.guides.store import GuideRow, list_guides
from api.settings import ApiSettings

log = logging.getLogger("banshi.editor")
LOGIN_NAME_MAX = 80  # the username column's size: a longer name cannot be an account

router = APIRouter(prefix="/editor", tags=["editor"], dependencies=[Depends(check_csrf)])
templates = Jinja2Templates(directory=str(views.TEMPLATES))
templates.env.globals["role_names"] = {"editor": "编辑", "reviewer": "审核人", "admin": "管理员"}
templates.env.globals["status_names"] = views.STATUS_NAMES


@contextlib.contextmanager
def committed(session: Session):
    """One unit of work: committed if the block succeeds, rolled back (and re-raised) if not."""
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def page(request: Request, name: str, user: Optional[UserRow], status_code: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(
        request, name, {"user": user, "csrf": csrf_token(request), **context}, status_code=status_code
    )


def back_to(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# -- signing in and out ----------------------------------------------------------------------------
@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/editor"):
    return page(request, "login.html", None, next=views.safe_next(next))


@router.post("/login")
def login(
    request: Request,
    username: str = Form(...),
    password: str = Form(...),
    next: str = Form("/editor"),
    session: Session = Depends(db_session),
    settings: ApiSettings = Depends(settings_dep),
    limiter: Throttle = Depends(throttle),
):
    address = request.client.host if request.client else "?"
    if len(username) > LOGIN_NAME_MAX or len(password) > ed.PASSWORD_MAX * 4:
        # No account has such a name (or password): refuse before any hashing, counting or logging.
        return page(
            request,
            "login.html",
            None,
            status_code=401,
            next=views.safe_next(next),
            error="用户名或密码不对,请再试一次。",
        )
    try:
        wait = limiter.blocked(username, address)
    except RedisError:
        # Failures cannot be counted: refuse rather than allow unlimited guessing.
        log.error("sign-in refused: the failed-sign-in count in Redis is unavailable")
        return page(
            request,
            "login.html",
            None,
            status_code=503,
            next=views.safe_next(next),
            username=username,
            error="现在暂时不能登录。请过几分钟再试。",
        )
    if wait:
        return page(
            request,
            "login.html",
            None,
            status_code=429,
            next=views.safe_next(next),
            username=username,
            error=f"登录失败次数太多。请{(wait + 59) // 60}分钟后再试。",
        )
    with committed(session):
        user = ed.authenticate(session, username, password)
        if user is None:
            limiter.failed(username, address)
            ed.audit(session, username, "login_failed", address=address)
        else:
            limiter.succeeded(username, address)
            ed.audit(session, username, "login")
            sign_in(request, user, settings)
    if user is None:
        return page(
            request,
            "login.html",
            None,
            status_code=401,
            next=views.safe_next(next),
            username=username,
            error="用户名或密码不对,请再试一次。",
        )
    return back_to(views.safe_next(next))


@router.post("/logout")
def logout(request: Request, session: Session = Depends(db_session)):
    """Ends the account's sessions everywhere: a copy of this cookie stops working too."""
    user = session_user(request, session)
    if user is not None:
        with committed(session):
            ed.bump_sessions(user)
            ed.audit(session, user.username, "logout")
    request.session.clear()
    return back_to("/editor/login")


# -- guides ------------------------------------------------------------------------------------------
@router.get("", response_class=HTMLResponse)
def guide_list(
    request: Request,
    filters: guide_list_view.Filters = Depends(),
    user: UserRow = Depends(current_user),
    session: Session = Depends(db_session),
    settings: ApiSettings = Depends(settings_dep),
):
    """Search (name, short name, alias, id — an imported guide's id holds its 基本编码), filters, sort."""
    every = guide_list_view.list_rows(session, settings.editor_verify_days)
    shown = guide_list_view.choose(every, filters)
    editors = list(session.execute(select(UserRow.username).where(UserRow.active).order_by(UserRow.username)).scalars())
    return page(
        request,
        "list.html",
        user,
        rows=shown,
        total=len(every),
        overdue_count=sum(1 for r in every if r.overdue),
        verify_days=settings.editor_verify_days,
        chosen=filters,
        sorts=guide_list_view.SORTS,
        statuses=guide_list_view.STATUSES,
        editors=editors,
        filter_values=guide_list_view.options(every),
    )


@router.post("/guides/{guide_id}/assign")
def assign(
    guide_id: str,
    username: str = Form(""),
    user: UserRow = Depends(require("reviewer")),
    session: Session = Depends(db_session),
):
    """Who looks after the guide (reviewers and admins hand guides out); empty: nobody."""
    try:
        with committed(session):
            ed.assign(session, guide_id, username.strip() or None, user.username)
    except ed.WorkflowError as exc:
        raise HTTPException(422, str(exc)) from None
    return back_to("/editor?assigned=" + guide_id)


@router.post("/guides/{guide_id}/verified")
def verified(
    guide_id: str,
    request: Request,
    lock: int = Form(...),
    user: UserRow = Depends(current_user),
    session: Session = Depends(db_session),
):
    """Checked against the official guide today: the draft's last-verified date becomes today (then it is
    submitted and published like any change, so a second person sees it)."""

    def work():
        before, _ = ed.editing_text(session, guide_id)
        checked = ed.apply_plain_edits(before, guide_id, {}, last_verified=utc_now().date().isoformat())
        ed.save_draft(session, guide_id, checked, lock, user.username, "verified")

    return _on_draft(request, user, session, guide_id, work, f"/editor/guides/{guide_id}?verified=1")


@router.get("/guides/new", response_class=HTMLResponse)
def new_guide_form(request: Request, user: UserRow = Depends(current_user), session: Session = Depends(db_session)):
    example = list_guides(session)[0]
    return page(
        request, "new.html", user, yaml_text=ed.guide_to_yaml(example.model_copy(update={"id": "new-guide-id"}))
    )


@router.post("/guides/new")
def create_guide(
    request: Request,
    guide_id: str = Form(...),
    yaml_text: str = Form(...),
    user: UserRow = Depends(current_user),
    session: Session = Depends(db_session),
):
    try:
        with committed(session):
            if session.get(GuideRow, guide_id) or ed.get_draft(session, guide_id):
                raise ed.WorkflowError(f"已经有「{guide_id}」这个指南了。")
            ed.save_draft(session, guide_id, yaml_text, 0, user.username, action="create_draft")
    except (GuideFileError, ed.WorkflowError, ed.DraftConflict) as exc:
        return page(
            request,
            "new.html",
            user,
            status_code=422,
            yaml_text=yaml_text,
            guide_id=guide_id,
            problems=views.problems_of(exc),
        )
    return back_to(f"/editor/guides/{guide_id}")


def _draft_view(session: Session, guide_id: str) -> Dict:
    """The draft, or with none the published guide at lock 0: looking makes no draft (the first save does)."""
    draft = ed.get_draft(session, guide_id)
    live = session.get(GuideRow, guide_id)
    if draft is not None:
        view = views.DraftView.of(draft)
    elif live is not None:
        yaml_text, lock = ed.editing_text(session, guide_id)
        view = views.DraftView(guide_id, yaml_text, "published", lock, "", live.updated_at, None)
    else:
        raise HTTPException(404, f"没有这个办事指南:{guide_id}")
    return {"draft": view, "guide": ed.parse_draft(guide_id, view.yaml_text), "published": live}


@router.get("/guides/{guide_id}", response_class=HTMLResponse)
def edit_page(
    guide_id: str, request: Request, user: UserRow = Depends(current_user), session: Session = Depends(db_session)
):
    view = _draft_view(session, guide_id)
    return page(request, "edit.html", user, fields=ed.plain_fields(view["guide"]), **view)


@router.post("/guides/{guide_id}/save")
async def save_plain(
    guide_id: str, request: Request, user: UserRow = Depends(current_user), session: Session = Depends(db_session)
):
    form = await request.form()
    try:
        lock = int(str(form.get("lock", "0")))
    except ValueError:
        raise HTTPException(422, "表单内容不对,请刷新页面再试。(lock must be a number)") from None
    edits = {k[len("plain:") :]: str(v) for k, v in form.items() if k.startswith("plain:")}
    aliases = str(form.get("aliases", "")).splitlines() if "aliases" in form else None
    # What people say about the service: the meaning matcher compares messages with these (live on publish).
    purpose = str(form.get("purpose", "")) if "purpose" in form else None
    examples = str(form.get("examples", "")).splitlines() if "examples" in form else None
    # What people call it (options, tiles, menus, titles): checked like every field on save.
    short_name = str(form.get("short_name", "")) if "short_name" in form else None
    situations = _situation_edits(form)
    districts = _district_edits(form)
    material_edits = _material_edits(form)
    last_verified = str(form.get("last_verified", "")) if "last_verified" in form else None
    typed = dict(
        edits=edits,
        aliases=aliases,
        purpose=purpose,
        examples=examples,
        short_name=short_name,
        situations=situations,
        districts=districts,
        material_edits=material_edits,
        last_verified=last_verified,
    )
    try:
        with committed(session):
            before, _ = ed.editing_text(session, guide_id)
            text = ed.apply_plain_edits(
                before,
                guide_id,
                edits,
                aliases,
                purpose,
                examples,
                short_name,
                situations,
                districts,
                material_edits,
                last_verified,
            )
            ed.save_draft(session, guide_id, text, lock, user.username)
    except ed.DraftConflict as exc:
        return _conflict(request, user, session, guide_id, exc, **typed)
    except (GuideFileError, ed.WorkflowError) as exc:
        return _edit_again(request, user, session, guide_id, views.problems_of(exc), **typed)
    return back_to(f"/editor/guides/{guide_id}?saved=1")


def _numbered(form, prefix: str, suffix: str = "") -> List[str]:
    """Form values named prefix0suffix, prefix1suffix, … in order, up to the first missing one."""
    values: List[str] = []
    while f"{prefix}{len(values)}{suffix}" in form:
        values.append(str(form.get(f"{prefix}{len(values)}{suffix}", "")))
    return values


def _situation_edits(form) -> Optional[ed.SituationEdits]:
    """The 情形 question and answers as typed, when the page showed them (a guide with situations)."""
    if "situation_question" not in form:
        return None
    names = _numbered(form, "situation-", "-name")
    words = _numbered(form, "situation-", "-words")
    return ed.SituationEdits(
        question=str(form.get("situation_question", "")),
        options=[(name, ed.split_words(said)) for name, said in zip(names, words)],
    )


def _material_edits(form) -> Optional[List[Dict[str, str]]]:
    """Each material's name, form, counts, condition and reminder as typed, when the page showed them."""
    if "material_fields" not in form:
        return None
    fields = ed.MATERIAL_TEXTS + ed.MATERIAL_COUNTS + ed.MATERIAL_OPTIONAL
    edits: List[Dict[str, str]] = []
    while any(f"{key}-{len(edits)}" in form for key in fields):
        i = len(edits)
        edits.append({key: str(form[f"{key}-{i}"]) for key in fields if f"{key}-{i}" in form})
    return edits


def _district_edits(form) -> Optional[ed.DistrictEdits]:
    """Whether to ask the district, and each location's district, when the page showed them (an unticked box
    sends nothing, so the page says it showed them with `district_fields`)."""
    if "district_fields" not in form:
        return None
    return ed.DistrictEdits(ask="ask_district" in form, per_location=_numbered(form, "district-"))


@router.post("/guides/{guide_id}/yaml")
def save_yaml(
    guide_id: str,
    request: Request,
    yaml_text: str = Form(...),
    lock: int = Form(...),
    user: UserRow = Depends(current_user),
    session: Session = Depends(db_session),
):
    try:
        with committed(session):
            ed.save_draft(session, guide_id, yaml_text, lock, user.username)
    except ed.DraftConflict as exc:
        return _conflict(request, user, session, guide_id, exc, yaml_text=yaml_text)
    except GuideFileError as exc:
        return _edit_again(request, user, session, guide_id, views.problems_of(exc), yaml_text=yaml_text)
    return back_to(f"/editor/guides/{guide_id}?saved=1")


@router.post("/guides/{guide_id}/materials")
def change_materials(
    guide_id: str,
    request: Request,
    action: str = Form(...),
    index: int = Form(...),
    lock: int = Form(...),
    where: str = Form("materials"),
    user: UserRow = Depends(current_user),
    session: Session = Depends(db_session),
):
    """Add, remove or move a paper of everybody's list, a family member's, or a situation's (`where`)."""

    def work():
        before, _ = ed.editing_text(session, guide_id)
        text = ed.edit_materials(before, guide_id, action, index, where)
        ed.save_draft(session, guide_id, text, lock, user.username, action=f"materials_{action}")

    return _on_draft(request, user, session, guide_id, work, f"/editor/guides/{guide_id}#materials-{where}")


def _edit_again(request, user, session, guide_id, problems, status_code=422, **kept) -> HTMLResponse:
    """The edit page with what the user typed kept, and what was wrong."""
    session.rollback()
    view = _draft_view(session, guide_id)
    return page(
        request,
        "edit.html",
        user,
        status_code=status_code,
        fields=ed.plain_fields(view["guide"]),
        problems=problems,
        kept=kept,
        **view,
    )


def _conflict(request, user, session, guide_id, exc: ed.DraftConflict, **kept) -> HTMLResponse:
    message = (
        f"没有保存:{exc.updated_by} 在您打开之后改过这份草稿。"
        "您写的内容还在下面,请复制下来,刷新页面看最新的草稿,再把您的修改加进去。"
    )
    return _edit_again(request, user, session, guide_id, [message], status_code=409, **kept)


def _on_draft(request, user, session, guide_id: str, work: Callable[[], object], done: str):
    """One change to a draft in one unit of work, then `done`; a stale lock or a refused change shows the edit
    page again with why."""
    try:
        with committed(session):
            work()
    except ed.DraftConflict as exc:
        return _conflict(request, user, session, guide_id, exc)
    except (GuideFileError, ed.WorkflowError) as exc:
        return _edit_again(request, user, session, guide_id, views.problems_of(exc))
    return back_to(done)


@router.post("/guides/{guide_id}/submit")
def submit(
    guide_id: str,
    request: Request,
    lock: int = Form(...),
    user: UserRow = Depends(current_user),
    session: Session = Depends(db_session),
):
    def work():
        ed.submit(session, guide_id, lock, user.username)

    return _on_draft(request, user, session, guide_id, work, "/editor?submitted=" + guide_id)


@router.post("/guides/{guide_id}/discard")
def discard(
    guide_id: str,
    request: Request,
    lock: int = Form(...),
    user: UserRow = Depends(current_user),
    session: Session = Depends(db_session),
):
    """The draft thrown away: the page shows the published guide again."""

    def work():
        ed.discard_draft(session, guide_id, lock, user.username)

    return _on_draft(request, user, session, guide_id, work, f"/editor/guides/{guide_id}?discarded=1")


@router.get("/guides/{guide_id}/preview", response_class=HTMLResponse)
def preview(
    guide_id: str, request: Request, user: UserRow = Depends(current_user), session: Session = Depends(db_session)
):
    view = _draft_view(session, guide_id)
    return page(request, "preview.html", user, guide=view["guide"], channels=views.channel_previews(view["guide"]))


# -- review and publish ---------------------------------------------------------------------------------
@router.get("/review", response_class=HTMLResponse)
def review_list(request: Request, user: UserRow = Depends(require("reviewer")), session: Session = Depends(db_session)):
    waiting = list(session.execute(select(ed.DraftRow).where(ed.DraftRow.status == "submitted")).scalars())
    return page(request, "review_list.html", user, waiting=waiting)


@router.get("/guides/{guide_id}/review", response_class=HTMLResponse)
def review_page(
    guide_id: str,
    request: Request,
    user: UserRow = Depends(require("reviewer")),
    session: Session = Depends(db_session),
    settings: ApiSettings = Depends(settings_dep),
):
    draft = ed.get_draft(session, guide_id)
    if draft is None or draft.status != "submitted":
        raise HTTPException(404, "这个指南没有等待审核的草稿。")
    own = _own_change(settings, user, session, guide_id)
    return page(request, "review.html", user, own_change=own, **views.review_context(session, draft))


def _own_change(settings: ApiSettings, user: UserRow, session: Session, guide_id: str) -> bool:
    """Four eyes: whether this reviewer wrote part of the change (then another person publishes it)."""
    return settings.editor_four_eyes and user.username in ed.authors(session, guide_id)


@router.post("/guides/{guide_id}/publish")
def publish(
    guide_id: str,
    request: Request,
    override_reason: str = Form(""),
    own_change_reason: str = Form(""),
    user: UserRow = Depends(require("reviewer")),
    session: Session = Depends(db_session),
    settings: ApiSettings = Depends(settings_dep),
):
    draft = ed.get_draft(session, guide_id)
    if draft is None or draft.status != "submitted":
        raise HTTPException(409, "只有已提交审核的草稿才能发布。")
    context = views.review_context(session, draft)
    reason, own_reason = override_reason.strip(), own_change_reason.strip()
    # Four eyes: the writer of a change is not its reviewer. An admin may publish their own, saying why.
    own = _own_change(settings, user, session, guide_id)
    if own and not (user.role == "admin" and own_reason):
        return page(
            request,
            "review.html",
            user,
            status_code=403,
            **context,
            own_change=own,
            error="这份草稿有您改的地方。请另一位审核的人来发布。"
            + ("管理员确实要自己发布,请写明理由。" if user.role == "admin" else ""),
        )
    if context["failing"] and not reason:
        return page(
            request,
            "review.html",
            user,
            status_code=422,
            **context,
            own_change=own,
            error="有的大白话没有通过易读检查。请先退回修改;如果确实要发布,请写明理由。",
        )
    with committed(session):
        if own:
            ed.audit(session, user.username, "four_eyes_override", guide_id, reason=own_reason)
        ed.publish(session, guide_id, user.username, override_reason=reason if context["failing"] else None)
    return back_to(f"/editor/guides/{guide_id}/history?published=1")


@router.post("/guides/{guide_id}/send-back")
def send_back(
    guide_id: str,
    request: Request,
    comment: str = Form(""),
    user: UserRow = Depends(require("reviewer")),
    session: Session = Depends(db_session),
):
    try:
        with committed(session):
            ed.send_back(session, guide_id, comment, user.username)
    except ed.WorkflowError as exc:
        draft = ed.get_draft(session, guide_id)
        if draft is None:
            raise HTTPException(404, str(exc)) from None
        return page(
            request,
            "review.html",
            user,
            status_code=422,
            **views.review_context(session, draft),
            error="请写明要改什么,再退回。",
        )
    return back_to("/editor/review")


@router.get("/guides/{guide_id}/history", response_class=HTMLResponse)
def history(
    guide_id: str, request: Request, user: UserRow = Depends(current_user), session: Session = Depends(db_session)
):
    with committed(session):
        ed.record_loaded_versions(session)
    versions = ed.history(session, guide_id)
    if not versions:
        raise HTTPException(404, f"没有这个办事指南:{guide_id}")
    draft = ed.get_draft(session, guide_id)
    return page(request, "history.html", user, guide_id=guide_id, versions=versions, lock=draft.lock if draft else 0)


@router.post("/guides/{guide_id}/restore/{number}")
def restore(
    guide_id: str,
    number: int,
    request: Request,
    lock: int = Form(...),
    user: UserRow = Depends(current_user),
    session: Session = Depends(db_session),
):
    try:
        with committed(session):
            ed.restore_as_draft(session, guide_id, number, lock, user.username)
    except ed.DraftConflict as exc:
        return _conflict(request, user, session, guide_id, exc)
    except ed.WorkflowError as exc:
        raise HTTPException(404, str(exc)) from None
    return back_to(f"/editor/guides/{guide_id}?restored={number}")


@router.get("/export.zip")
def export_zip(user: UserRow = Depends(require("reviewer")), session: Session = Depends(db_session)):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for guide in list_guides(session):
            archive.writestr(f"guides/{guide.id}.yml", ed.guide_to_yaml(guide))
    stamp = dt.date.today().isoformat()
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="guides-{stamp}.zip"'},
    )


# -- live helpers for the edit page ----------------------------------------------------------------------
class TextIn(BaseModel):
    text: str = Field(max_length=5000)
    official: Optional[str] = Field(default=None, max_length=5000)


@router.post("/api/readability")
def readability(body: TextIn, user: UserRow = Depends(current_user), session: Session = Depends(db_session)):
    return JSONResponse(views.readability_json(session, body.text, body.official))


@router.post("/api/plain-draft")
def plain_draft(body: TextIn, user: UserRow = Depends(current_user), session: Session = Depends(db_session)):
    from guidekit.editorial.plain_draft import plain_draft as draft_of

    return {"draft": draft_of(body.text, views.glossary(session)), "note": "这只是建议稿,请您逐句改好再保存。"}


# -- glossary, accounts, audit --------------------------------------------------------------------------
@router.get("/glossary", response_class=HTMLResponse)
def glossary_page(request: Request, user: UserRow = Depends(current_user), session: Session = Depends(db_session)):
    return page(request, "glossary.html", user, terms=views.glossary(session))


@router.post("/glossary")
def add_term(
    request: Request,
    term: str = Form(...),
    plain: str = Form(...),
    explain: str = Form(...),
    user: UserRow = Depends(current_user),
    session: Session = Depends(db_session),
):
    term, plain, explain = term.strip(), plain.strip(), explain.strip()
    if not (term and plain and explain) or len(term) > 40:
        return page(
            request,
            "glossary.html",
            user,
            status_code=422,
            terms=views.glossary(session),
            error="词、大白话说法和解释都要填。",
        )
    with committed(session):
        row = session.get(ed.GlossaryRow, term)
        if row is None:
            session.add(
                ed.GlossaryRow(term=term, plain=plain, explain=explain, added_by=user.username, added_at=utc_now())
            )
        else:
            row.plain, row.explain = plain, explain
        ed.audit(session, user.username, "glossary", term=term)
    return back_to("/editor/glossary")


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, user: UserRow = Depends(require("admin")), session: Session = Depends(db_session)):
    return page(
        request, "users.html", user, users=list(session.execute(select(UserRow).order_by(UserRow.username)).scalars())
    )


@router.post("/users")
def add_user(
    request: Request,
    username: str = Form(...),
    password: str = Form(...),
    role: str = Form(...),
    user: UserRow = Depends(require("admin")),
    session: Session = Depends(db_session),
):
    try:
        with committed(session):
            ed.create_user(session, username.strip(), password, role, user.username)
    except ValueError as exc:
        users = list(session.execute(select(UserRow).order_by(UserRow.username)).scalars())
        return page(request, "users.html", user, status_code=422, users=users, error=str(exc))
    return back_to("/editor/users")


def _set_active(session: Session, username: str, active: bool, by: str) -> RedirectResponse:
    try:
        with committed(session):
            ed.set_active(session, username, active, by)
    except LookupError:
        raise HTTPException(404, "没有这个账号。") from None
    return back_to("/editor/users")


@router.post("/accounts/{user_id}/active")
def account_active(
    user_id: int,
    active: bool = Form(...),
    user: UserRow = Depends(require("admin")),
    session: Session = Depends(db_session),
):
    """What the accounts page's buttons post: by number, so any name (even one from before the username
    rules, with "/" or empty) can be deactivated."""
    account = session.get(UserRow, user_id)
    if account is None:
        raise HTTPException(404, "没有这个账号。")
    return _set_active(session, account.username, active, user.username)


@router.post("/users/{username}/active")
def user_active(
    username: str,
    active: bool = Form(...),
    user: UserRow = Depends(require("admin")),
    session: Session = Depends(db_session),
):
    return _set_active(session, username, active, user.username)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, user: UserRow = Depends(require("admin")), session: Session = Depends(db_session)):
    return page(request, "audit.html", user, entries=ed.audit_entries(session))
