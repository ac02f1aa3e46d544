"""`/kiosk`: the hall-kiosk page (static, no build step) and the printable checklist with its QR code."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Optional

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from api.deps import db_session, settings_dep
from guidekit import replies
from guidekit.settings import Settings
from guidekit.store import get_guide

KIOSK = Path(__file__).resolve().parent.parent / "kiosk"
router = APIRouter(prefix="/kiosk", tags=["kiosk"])
templates = Jinja2Templates(directory=str(KIOSK / "templates"))


def mount_static(app: FastAPI) -> None:
    app.mount("/kiosk/static", StaticFiles(directory=str(KIOSK / "static")), name="kiosk-static")


@router.get("", include_in_schema=False)
def kiosk_page():
    return FileResponse(KIOSK / "static" / "index.html", media_type="text/html")


def qr_svg(url: str) -> str:
    """The QR code as inline SVG (no image files, prints sharp)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    return svg[svg.index("<svg"):]


@router.get("/checklist/{guide_id}", response_class=HTMLResponse)
def checklist(guide_id: str, request: Request, at: Optional[int] = Query(None, ge=1, le=50),
              proxy: bool = False, session: Session = Depends(db_session),
              settings: Settings = Depends(settings_dep)):
    guide = get_guide(session, guide_id)
    if guide is None:
        raise HTTPException(404, f"没有这个办事指南:{guide_id}")
    items = guide.materials_to_bring(with_proxy=proxy and guide.proxy.allowed)
    base = (settings.public_base_url or str(request.base_url)).rstrip("/")
    query = "&".join(p for p in (f"at={at}" if at else "", "proxy=true" if proxy else "") if p)
    url = f"{base}/kiosk/checklist/{guide.id}" + (f"?{query}" if query else "")
    return templates.TemplateResponse(request, "checklist.html", {
        "guide": guide, "doing": replies.doing(guide), "items": items, "at": at,
        "details": [" ".join(replies.material_detail(m)) for m in items],
        "locations": guide.locations, "url": url, "qr": qr_svg(url), "hotline": settings.hotline,
    })
