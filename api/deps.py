"""Dependencies injected into the routers: settings, a database session, the Rasa client."""

from __future__ import annotations

from typing import Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.kiosk.help_desk import HelpDesk
from api.rasa_client import RasaClient
from guidekit.catalog import GuideCatalog
from guidekit.settings import Settings, get_settings
from guidekit.db.engine import get_engine


def settings_dep() -> Settings:
    return get_settings()


def db_session(settings: Settings = Depends(settings_dep)) -> Iterator[Session]:
    with Session(get_engine(settings.database_url)) as session:
        yield session


def rasa_client(request: Request) -> RasaClient:
    return request.app.state.rasa


def guide_catalog(request: Request) -> GuideCatalog:
    return request.app.state.catalog


def help_desk(request: Request) -> HelpDesk:
    return request.app.state.help_desk
