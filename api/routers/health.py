"""`GET /healthz`: 200 only when Rasa, the action server and the databases all answer — the guides
database always; Rasa's tracker database and Redis when production settings name them (a turn needs both)."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from api.deps import rasa_client, settings_dep
from api.rasa_client import RasaClient
from api.redis_clients import async_redis
from api.sessions import tracker_store_up
from guidekit.db.engine import get_engine, ping
from api.settings import ApiSettings

router = APIRouter(tags=["health"])


async def _action_server_up(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=3.0) as client:
            return (await client.get(f"{url.rstrip('/')}/health")).status_code == 200
    except httpx.HTTPError:
        return False


def _database_up(url: str) -> bool:
    try:
        ping(get_engine(url))
        return True
    except SQLAlchemyError:
        return False


async def _redis_up(url: str) -> bool:
    from redis.exceptions import RedisError

    client = async_redis(url, text=False)
    try:
        return bool(await client.ping())
    except (RedisError, OSError):
        return False
    finally:
        await client.close()


@router.get("/healthz")
async def healthz(client: RasaClient = Depends(rasa_client), settings: ApiSettings = Depends(settings_dep)):
    instances = await client.instances_up()
    checks = {
        "rasa": any(instances.values()),
        "action_server": await _action_server_up(settings.action_server_url),
        "database": _database_up(settings.database_url),
    }
    if not settings.tracker_store_url.startswith("sqlite"):  # a SQLite file is on this machine, not a server
        checks["tracker_store"] = tracker_store_up(settings.tracker_store_url)
    if settings.lock_store_url:
        checks["redis"] = await _redis_up(settings.lock_store_url)
    down = [name for name, ok in checks.items() if not ok]
    # With several Rasa instances, one down is "degraded": turns go to the others.
    degraded = [url for url, ok in instances.items() if not ok] if not down else []
    # Instances by number only: /healthz is public, and internal addresses are nobody's business there.
    body = {
        "status": "down" if down else ("degraded" if degraded else "ok"),
        "checks": checks,
        "down": down,
        "rasa_instances": {f"rasa-{i}": ok for i, ok in enumerate(instances.values(), start=1)},
    }
    return JSONResponse(status_code=503 if down else 200, content=body)
