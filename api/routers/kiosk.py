"""`/kiosk`: the hall-kiosk page (static, no build step) and the printable checklist with its QR code."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Optional, Union
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from api.conversation import Assistant
from api.deps import assistant, confirming, db_session, front_door, guide_catalog, help_desk, rasa_client, settings_dep
from api.kiosk.help_desk import KIOSK_ID_PATTERN, HelpDesk
from api.front_door import SESSION_ID_DOC, SESSION_ID_PATTERN, FrontDoor
from api.rasa_client import RasaClient
from api.routers.chat import CONTRACT, ChatTurn, answer
from api.schemas import ChatRequest, ChatResponse, ChatState, Message
from api.voice.asr import Recognizer
from api.voice.confirm import Confirming, question_back, say_again
from api.voice.hearing import hear, read_recording, recognizer_or_501
from guidekit.catalog import GuideCatalog
from guidekit.answers import buttons, replies
from api.settings import ApiSettings
from guidekit.guides.store import get_guide

KIOSK = Path(__file__).resolve().parent.parent / "kiosk"
log = logging.getLogger("banshi.kiosk")
router = APIRouter(prefix="/kiosk", tags=["kiosk"])
templates = Jinja2Templates(directory=str(KIOSK / "templates"))


def mount_static(app: FastAPI) -> None:
    app.mount("/kiosk/static", StaticFiles(directory=str(KIOSK / "static")), name="kiosk-static")


@router.get("", include_in_schema=False, response_class=HTMLResponse)
def kiosk_page(request: Request):
    """The page; its bar's buttons carry the assistant's own titles and payloads (guidekit/answers/buttons.py)."""
    return templates.TemplateResponse(request, "index.html", {"bar": buttons.KIOSK_BAR})


def qr_svg(url: str) -> str:
    """The QR code as inline SVG (no image files, prints sharp)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    return svg[svg.index("<svg") :]


@router.get("/checklist/{guide_id}", response_class=HTMLResponse)
def checklist(
    guide_id: str,
    request: Request,
    at: Optional[int] = Query(None, ge=1, le=50),
    proxy: bool = False,
    situation: Optional[str] = Query(None, max_length=12, description="the 情形 the person chose (租的房子)"),
    session: Session = Depends(db_session),
    settings: ApiSettings = Depends(settings_dep),
):
    guide = get_guide(session, guide_id)
    if guide is None:
        raise HTTPException(404, f"没有这个办事指南:{guide_id}")
    chosen = guide.situations.named(situation) if guide.situations else None
    items = guide.materials_to_bring(with_proxy=proxy and guide.proxy.allowed, situation=situation)
    # Not told which 情形: each situation's own papers under its name, so the printed list is right for anyone.
    others = [
        (o.name, [(m, " ".join(replies.material_detail(m))) for m in o.materials])
        for o in (guide.situations.options if guide.situations and chosen is None else [])
    ]
    parts = (
        f"at={at}" if at else "",
        "proxy=true" if proxy else "",
        f"situation={quote(chosen.name)}" if chosen else "",
    )
    query = "&".join(p for p in parts if p)
    path = f"/kiosk/checklist/{guide.id}" + (f"?{query}" if query else "")
    # Never the request's Host (anyone can send any): the configured public address, or a relative link
    # and no QR code (a phone could not open a relative address).
    base = (settings.public_base_url or "").rstrip("/")
    url = f"{base}{path}" if base else path
    return templates.TemplateResponse(
        request,
        "checklist.html",
        {
            "guide": guide,
            "doing": replies.doing(guide),
            "items": items,
            "at": at,
            "situation": chosen.name if chosen else None,
            "by_situation": others,
            "details": [" ".join(replies.material_detail(m)) for m in items],
            "locations": guide.locations,
            "url": url,
            "qr": qr_svg(url) if base else "",
            "hotline": settings.hotline,
        },
    )


class AudioTurnResponse(ChatResponse):
    transcript: str


KIOSK_ID = Query(
    None,
    pattern=KIOSK_ID_PATTERN,
    description="which kiosk this is (the page's own ?kiosk=): its help desk and staff call",
)


@router.post("/chat", response_model=ChatResponse, responses=CONTRACT)
async def kiosk_chat(
    turn: ChatTurn,
    door: FrontDoor = Depends(front_door),
    kiosk: Optional[str] = KIOSK_ID,
    client: RasaClient = Depends(rasa_client),
    catalog: GuideCatalog = Depends(guide_catalog),
    settings: ApiSettings = Depends(settings_dep),
    desk: HelpDesk = Depends(help_desk),
    checks: Confirming = Depends(confirming),
):
    """A kiosk turn: the same contract as /api/chat; its conversations live under kiosk:. A hand-off names the
    hall's help desk and rings the staff call. After "您说的是…吗?" (`/kiosk/audio`), 是 answers the words heard
    and 不是 asks to say it again."""

    async def settle(req: ChatRequest) -> Union[ChatRequest, ChatResponse]:
        settled = await checks.settle(req.session_id, req.text)
        if settled.again:
            return say_again(req.session_id)
        return req.model_copy(update={"text": settled.text, "kiosk": kiosk})

    return await answer(
        door,
        turn,
        "kiosk",
        "kiosk",
        client,
        catalog,
        settings,
        after=lambda reply: desk.answer_at_kiosk(reply, kiosk),
        before=settle,
    )


@router.post(
    "/audio",
    response_model=AudioTurnResponse,
    responses={
        **CONTRACT,
        501: {"description": "speech recognition is switched off (BANSHI_ASR_ENGINE=off)"},
        503: {"description": "the speech recogniser cannot load; the detail says so plainly"},
    },
)
async def audio_turn(
    request: Request,
    session_id: Optional[str] = Query(
        None, min_length=1, max_length=128, pattern=SESSION_ID_PATTERN, description=SESSION_ID_DOC
    ),
    kiosk: Optional[str] = KIOSK_ID,
    door: FrontDoor = Depends(front_door),
    settings: ApiSettings = Depends(settings_dep),
    desk: HelpDesk = Depends(help_desk),
    recognizer: Recognizer = Depends(recognizer_or_501),
    ask_assistant: Assistant = Depends(assistant),
    checks: Confirming = Depends(confirming),
):
    """What the kiosk's 说话 button recorded, in the body: WAV (any rate, any channels), WebM/Opus, Ogg, AMR … —
    heard, then answered as a kiosk turn. Silence, noise, an unreadable or too long recording is answered
    in the conversation ("请您再说一遍"), with an empty `transcript`. Words the recogniser was unsure of
    (confidence below BANSHI_ASR_CONFIRM_BELOW) are asked back first: "您说的是「…」吗?" with 是 and 不是;
    the answer may be tapped, typed (`/kiosk/chat`) or said (here)."""
    data = await read_recording(request, settings)

    async def ask(req: ChatRequest):
        # After the session and turn limits: recognition is the expensive part.
        heard = await hear(recognizer, data, settings, await checks.expecting(req.session_id))
        if heard.problem:
            return AudioTurnResponse(
                session_id=req.session_id,
                transcript="",
                messages=[Message(text=heard.problem)],
                state=ChatState(topic="fallback"),
            )
        settled = await checks.settle(req.session_id, heard.transcript, spoken=True)  # a spoken 是 or 不是
        if settled.again:
            reply = say_again(req.session_id)
        elif not settled.confirmed and (
            unsure := await checks.hold_if_unsure(
                req.session_id, heard.transcript, heard.confidence, settings.asr_confirm_below
            )
        ):
            log.info("asking back what was heard (confidence %.2f)", heard.confidence or 0.0)
            reply = question_back(req.session_id, unsure)
        else:
            reply = await desk.answer_at_kiosk(
                await ask_assistant(
                    ChatRequest(session_id=req.session_id, text=settled.text, channel=req.channel, kiosk=kiosk)
                ),
                kiosk,
            )
        return AudioTurnResponse(transcript=heard.transcript, **reply.model_dump())

    return await door.turn(session_id, "", "kiosk", "kiosk", ask)
