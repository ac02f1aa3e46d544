"""`POST /api/chat`: the conversation endpoint for programs (and the base of every other front end)."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional, Union

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.conversation import chat_turn
from api.deps import front_door, guide_catalog, rasa_client, settings_dep
from api.front_door import SESSION_ID_DOC, SESSION_ID_PATTERN, FrontDoor
from api.rasa_client import RasaClient
from api.schemas import ChatRequest, ChatResponse
from guidekit.catalog import GuideCatalog
from api.settings import ApiSettings

router = APIRouter(prefix="/api", tags=["chat"])


class ChatTurn(BaseModel):
    """One turn as a client sends it. The channel is not the client's to say: it is set by the endpoint."""

    session_id: Optional[str] = Field(
        None, min_length=1, max_length=128, pattern=SESSION_ID_PATTERN, description=SESSION_ID_DOC
    )
    text: str = Field(max_length=20000)


CONTRACT: Dict[Union[int, str], Dict[str, Any]] = {
    403: {
        "model": ChatResponse,
        "description": "session_id not issued by this server for /api/chat: start again "
        "without one (the reply's text says so plainly)",
    },
    429: {
        "model": ChatResponse,
        "description": "too many turns, or the previous turn of this conversation is still "
        "being answered; retry after the Retry-After seconds",
    },
    503: {"model": ChatResponse, "description": "the assistant is down; the reply says so"},
}


async def answer(
    door: FrontDoor,
    turn: ChatTurn,
    namespace: str,
    channel: str,
    client: RasaClient,
    catalog: GuideCatalog,
    settings: ApiSettings,
    after: Optional[Callable[[ChatResponse], Awaitable[ChatResponse]]] = None,
    before: Optional[Callable[[ChatRequest], Awaitable[Union[ChatRequest, ChatResponse]]]] = None,
):
    """One turn; `before` may answer it itself or change its words (the kiosk's 是 after "您说的是…吗?" asks the
    words held), `after` shapes a front end's own answers (the kiosk's 找人工 names the hall's help desk)."""

    async def ask(req: ChatRequest):
        if before is not None:
            settled = await before(req)
            if isinstance(settled, ChatResponse):
                return settled
            req = settled
        status, reply = await chat_turn(client, catalog, req, settings)
        if status != 200:
            return JSONResponse(status_code=status, content=reply.model_dump())
        return await after(reply) if after is not None else reply

    return await door.turn(turn.session_id, turn.text, namespace, channel, ask)


@router.post("/chat", response_model=ChatResponse, responses=CONTRACT)
async def chat(
    turn: ChatTurn,
    door: FrontDoor = Depends(front_door),
    client: RasaClient = Depends(rasa_client),
    catalog: GuideCatalog = Depends(guide_catalog),
    settings: ApiSettings = Depends(settings_dep),
):
    """One turn. Send no `session_id` to start; then always the `session_id` of the last reply."""
    return await answer(door, turn, "api", "api", client, catalog, settings)
