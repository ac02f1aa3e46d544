"""A live API (uvicorn on loopback, in a thread) with a scripted assistant, and a fake WeChat server."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Callable, Dict, List, Optional

import httpx
import pytest
import uvicorn

from api.schemas import ChatRequest, ChatResponse, ChatState, Message
from tests.settings_reset import reset_settings
from ops.stack import free_port
from tests.api.fake_wechat import FakeWeChat

TOKEN, APP_ID, SECRET = "banshi-test-token", "wx0123456789abcdef", "s3cret"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as WeChat issues them


class ScriptedAssistant:
    """Stands in for Rasa where a test is about the front end's timing: records each turn, can be slow."""

    def __init__(self):
        self.calls: List[ChatRequest] = []
        self.delay = 0.0
        self.answer: Callable[[ChatRequest], str] = lambda req: f"您问的是:{req.text}"
        self.item_index: Optional[int] = None

    async def __call__(self, req: ChatRequest) -> ChatResponse:
        self.calls.append(req)
        await asyncio.sleep(self.delay)
        return ChatResponse(
            session_id=req.session_id,
            messages=[Message(text=self.answer(req))],
            state=ChatState(topic="materials", item_index=self.item_index),
        )


class LiveApi:
    def __init__(self, app):
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "API did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(30)


@pytest.fixture()
def fake_wechat():
    fake = FakeWeChat(APP_ID, SECRET).start()
    yield fake
    fake.stop()


@pytest.fixture()
def assistant():
    return ScriptedAssistant()


@pytest.fixture()
def wechat_env(monkeypatch, fake_wechat, tmp_path) -> Dict[str, str]:
    # Its own guides database: what one test leaves behind (kept answers, logged turns) stays there.
    from pathlib import Path

    from guidekit.db.engine import get_engine
    from guidekit.guides.store import load_guides

    db_url = f"sqlite:///{tmp_path / 'guides.db'}"
    load_guides(get_engine(db_url), Path(__file__).resolve().parents[2] / "guides")
    env = {
        "BANSHI_DATABASE_URL": db_url,
        "WECHAT_TOKEN": TOKEN,
        "WECHAT_APP_ID": APP_ID,
        "WECHAT_APP_SECRET": SECRET,
        "WECHAT_API_BASE": fake_wechat.base_url,
        "BANSHI_WECHAT_PASSIVE_SECONDS": "0.5",
        "BANSHI_WECHAT_RETRY_BASE_SECONDS": "0.05",
        "BANSHI_TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("WECHAT_AES_KEY", raising=False)
    reset_settings()
    yield env
    reset_settings()


@pytest.fixture()
def wechat_api(wechat_env, assistant):
    from api.main import create_app

    with LiveApi(create_app(assistant=assistant)) as live:
        yield live


@pytest.fixture()
def safe_mode_api(wechat_env, assistant, monkeypatch):
    monkeypatch.setenv("WECHAT_AES_KEY", AES_KEY)
    reset_settings()
    from api.main import create_app

    with LiveApi(create_app(assistant=assistant)) as live:
        yield live


def post(api_url: str, params: Dict[str, str], body, timeout: float = 10) -> httpx.Response:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return httpx.post(
        f"{api_url}/wechat", params=params, content=data, timeout=timeout, headers={"Content-Type": "text/xml"}
    )
