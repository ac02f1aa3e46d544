"""The real stack for end-to-end tests: action server, Rasa server and API on free loopback ports.

The model is trained once and cached by the hash of its inputs (models/banshi-<hash>.tar.gz).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from tests.conftest import VOICE_KEY  # noqa: F401  (the voice tests import it from here)

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "kiosk"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


class Chat:
    """One user's conversation through POST /api/chat."""

    def __init__(self, api_url: str, path: str = "/api/chat"):
        self.url = f"{api_url}{path}"
        self.session_id = None  # issued by the server with the first reply

    def say(self, text: str) -> dict:
        response = httpx.post(self.url, json={"session_id": self.session_id, "text": text}, timeout=30)
        assert response.status_code == 200, response.text
        body = response.json()
        assert self.session_id in (None, body["session_id"])
        self.session_id = body["session_id"]
        body["all_text"] = "\n".join(m["text"] for m in body["messages"])
        return body


@pytest.fixture()
def chat(stack):
    return Chat(stack.cfg.api_url)


@pytest.fixture(scope="module")
def browser():
    # Per module, not per session: Playwright's sync API keeps an event loop running in the main thread
    # while it is open, and later tests that call asyncio.run would then fail.
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        yield b
        b.close()
