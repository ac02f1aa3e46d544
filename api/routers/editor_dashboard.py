"""`/editor/dashboard`: 服务质量监测 — ratings, fall-backs, hand-offs and unanswered questions, per guide
and channel over a chosen period, with charts, CSV export, follow-ups of every 差评, and one click to
turn an unanswered question into an alias (as a draft for review) or a training suggestion."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.deps import db_session, settings_dep
from api.editor.guide_list import list_rows
from api.editor.auth import check_csrf, current_user
from api.routers.editor import committed, page
from guidekit.editorial import workflow as ed
from guidekit.quality import records as quality
from guidekit.editorial.workflow import UserRow
from guidekit.guides.store import list_guides
from api.settings import ApiSettings

router = APIRouter(prefix="/editor", tags=["editor"], dependencies=[Depends(check_csrf)])


def _period(days: int, until: Optional[str]) -> tuple:
    """(since, until) in naive UTC, as the tables store time; a date that is not one is a 422, not a 500."""
    try:
        end = dt.datetime.fromisoformat(until.strip()) if until else quality.utc_now()
        if end.tzinfo is not None:
            end = end.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return end - dt.timedelta(days=max(1, min(days, 3660))), end
    except (ValueError, OverflowError):
        raise HTTPException(
            422, "日期不对,请写成 2026-11-30 这样。(until must be an ISO date, e.g. 2026-11-30)"
        ) from None


@router.get("/dashboard")
def dashboard(
    request: Request,
    days: int = 30,
    guide: str = "",
    channel: str = "",
    until: Optional[str] = None,
    singles: bool = False,
    user: UserRow = Depends(current_user),
    session: Session = Depends(db_session),
    settings: ApiSettings = Depends(settings_dep),
):
    since, end = _period(days, until)
    guide_id, channel_name = guide or None, channel or None
    board = quality.dashboard(session, since=since, until=end, guide_id=guide_id, channel=channel_name)
    # One person's one-off ("测试一下") is noise until someone else asks it too; `singles` shows them.
    every = quality.unanswered(session, since=since, until=end, guide_id=guide_id, channel=channel_name, limit=1000)
    groups = [g for g in every if singles or g.conversations >= 2][:20]
    hidden = sum(1 for g in every if g.conversations < 2) if not singles else 0
    guides = list_guides(session)
    names = {g.id: g.name for g in guides}
    rating_rows = [(label, board.rating_counts.get(level, 0)) for level, label in quality.LEVELS]
    guide_rows = [(names.get(b.key or "", b.key or "没说是哪件事"), b.conversations) for b in board.per_guide]
    channel_rows = [(b.key or "?", round(100 * b.fallback_rate, 1)) for b in board.per_channel]
    return page(
        request,
        "dashboard.html",
        user,
        board=board,
        groups=groups,
        guides=guides,
        days=days,
        rating_rows=rating_rows,
        guide_rows=guide_rows,
        channel_rows=channel_rows,
        guide=guide,
        channel=channel,
        levels=quality.LEVELS,
        followups=quality.open_followups(session),
        singles=singles,
        verify_days=settings.editor_verify_days,
        overdue_count=sum(1 for r in list_rows(session, settings.editor_verify_days) if r.overdue),
        hidden=hidden,
        dismissals=quality.DISMISSALS,
        names=names,
        query=f"days={days}&guide={guide}&channel={channel}",
    )


@router.get("/dashboard/{kind}.csv")
def export_csv(
    kind: str,
    days: int = 30,
    guide: str = "",
    channel: str = "",
    user: UserRow = Depends(current_user),
    session: Session = Depends(db_session),
):
    since, end = _period(days, None)
    makers = {"ratings": quality.ratings_csv, "turns": quality.turns_csv}
    if kind not in makers:
        raise HTTPException(404, "只能导出 ratings 或 turns。")
    body = makers[kind](session, since, end, guide_id=guide or None, channel=channel or None)
    # With a byte-order mark, Excel opens the Chinese text as UTF-8.
    return Response(
        "\ufeff" + body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{kind}-{end.date()}.csv"'},
    )


@router.post("/followups/{followup_id}/close")
def close_followup(
    followup_id: int,
    action_taken: str = Form(""),
    user: UserRow = Depends(current_user),
    session: Session = Depends(db_session),
):
    try:
        with committed(session):
            quality.close_followup(session, followup_id, closed_by=user.username, action_taken=action_taken)
            ed.audit(session, user.username, "close_followup", followup=followup_id)
    except (ValueError, LookupError) as exc:
        raise HTTPException(422, f"没有关闭:请写明做了什么整改。({exc})") from None
    return RedirectResponse("/editor/dashboard#followups", status_code=303)


@router.post("/unanswered/alias")
def add_alias(
    text: str = Form(...),
    guide_id: str = Form(""),  # none chosen: said in plain words below, not as a missing field
    user: UserRow = Depends(current_user),
    session: Session = Depends(db_session),
):
    alias = text.strip()[:40]
    if not alias:
        raise HTTPException(422, "没有要加的说法。")
    if not guide_id.strip():
        raise HTTPException(422, "请先选一个指南,再加为别名。")
    with committed(session):
        before, lock = ed.editing_text(session, guide_id)
        aliases = ed.parse_draft(guide_id, before).aliases
        text_out = ed.apply_plain_edits(before, guide_id, {}, aliases + [a for a in [alias] if a not in aliases])
        ed.save_draft(session, guide_id, text_out, lock, user.username, action="alias_from_unanswered")
    return RedirectResponse(f"/editor/guides/{guide_id}?saved=1", status_code=303)


@router.post("/unanswered/dismiss")
def dismiss(
    text: str = Form(...),
    kind: str = Form(...),
    user: UserRow = Depends(current_user),
    session: Session = Depends(db_session),
):
    """忽略 / 不是办事问题: the question leaves the panel, every way of writing it (audited)."""
    try:
        with committed(session):
            key = quality.dismiss_unanswered(session, text, kind, user.username)
            ed.audit(session, user.username, f"unanswered_{kind}", key=key)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return RedirectResponse("/editor/dashboard?dismissed=1#unanswered", status_code=303)


@router.post("/unanswered/training")
def to_training(text: str = Form(...), user: UserRow = Depends(current_user), session: Session = Depends(db_session)):
    try:
        with committed(session):
            quality.add_training_suggestion(session, text, user.username)
            ed.audit(session, user.username, "training_suggestion")
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return RedirectResponse("/editor/dashboard?sent=1#unanswered", status_code=303)
