"""Dependencies injected into the routers: settings, a database session, the Rasa client."""

from __future__ import annotations

from typing import Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.conversation import Assistant
from api.front_door import FrontDoor
from api.kiosk.help_desk import HelpDesk
from api.rasa_client import RasaClient
from api.voice.confirm import Confirming
from api.voice.tts import Synthesizer
from api.voice.turns import VoiceTurns
from guidekit.catalog import GuideCatalog
from api.settings import ApiSettings
from guidekit.db.engine import get_engine


def settings_dep(request: Request) -> ApiSettings:
    """The settings the app was made with (api/main.py create_app)."""
    return request.app.state.settings


def db_session(settings: ApiSettings = Depends(settings_dep)) -> Iterator[Session]:
    with Session(get_engine(settings.database_url)) as session:
        yield session


def rasa_client(request: Request) -> RasaClient:
    return request.app.state.rasa


def guide_catalog(request: Request) -> GuideCatalog:
    return request.app.state.catalog


def help_desk(request: Request) -> HelpDesk:
    return request.app.state.help_desk


def confirming(request: Request) -> Confirming:
    return request.app.state.confirming


def assistant(request: Request) -> Assistant:
    """Who answers a turn: Rasa through the API's conversation rules, or a test's stand-in."""
    return request.app.state.ask


def voice_turns(request: Request) -> VoiceTurns:
    return request.app.state.voice_turns


def speech_synthesizer(request: Request) -> Synthesizer:
    return request.app.state.synthesizer


def front_door(request: Request) -> FrontDoor:
    """Sessions and turn limits, for the address this request came from."""
    return FrontDoor(
        request.app.state.session_ids, request.app.state.turn_limits, request.client.host if request.client else None
    )
