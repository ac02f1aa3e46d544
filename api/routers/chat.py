"""`POST /api/chat`: the one conversation endpoint every front end uses."""
from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from api.conversation import chat_turn
from api.deps import guide_catalog, rasa_client, settings_dep
from api.rasa_client import RasaClient
from api.schemas import ChatRequest, ChatResponse
from guidekit.catalog import GuideCatalog
from guidekit.settings import Settings

router = APIRouter(prefix="/api", tags=["chat"])


@router.post("/chat", response_model=ChatResponse,
             responses={503: {"model": ChatResponse, "description": "the assistant is down; the reply says so"}})
async def chat(req: ChatRequest, client: RasaClient = Depends(rasa_client),
               catalog: GuideCatalog = Depends(guide_catalog), settings: Settings = Depends(settings_dep)):
    status, reply = await chat_turn(client, catalog, req, settings)
    if status != 200:
        return JSONResponse(status_code=status, content=reply.model_dump())
    return reply
