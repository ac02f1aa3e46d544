"""The chat API's edges with the real stack: bad input, guides, health, privacy, Rasa down."""

from __future__ import annotations

import sqlite3

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.settings_reset import reset_settings
from ops.stack import free_port
from tests.e2e.conftest import Chat

pytestmark = pytest.mark.e2e


def _post(stack, body, raw=None):
    url = f"{stack.cfg.api_url}/api/chat"
    if raw is not None:
        return httpx.post(url, content=raw, headers={"content-type": "application/json"}, timeout=30)
    return httpx.post(url, json=body, timeout=30)


@pytest.mark.parametrize("text", ["", "   \n ", "😀😀👍"])
def test_empty_or_emoji_only_text_gets_a_kind_prompt(stack, text):
    response = _post(stack, {"text": text})
    assert response.status_code == 200
    body = response.json()
    assert "补社保卡要带什么" in body["messages"][0]["text"]
    assert body["state"]["topic"] == "fallback"


def test_very_long_text_is_refused_politely(stack):
    response = _post(stack, {"text": "社保卡" * 1700})
    assert response.status_code == 200
    assert "太长" in response.json()["messages"][0]["text"]


def test_invalid_json_is_400(stack):
    response = _post(stack, None, raw=b"{not json")
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]


def test_missing_field_is_422_naming_it(stack):
    response = _post(stack, {})
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "text"


def test_conversation_still_works_after_bad_input(stack):
    _post(stack, None, raw=b"{bad")
    session = _post(stack, {"text": ""}).json()["session_id"]
    response = _post(stack, {"session_id": session, "text": "补社保卡要带什么"})
    assert response.json()["state"]["item_index"] == 1


def test_guides_list_and_one_guide_and_404(stack):
    listing = httpx.get(f"{stack.cfg.api_url}/api/guides").json()
    assert len(listing) >= 15
    assert {"id", "name", "short_name", "aliases"} <= set(listing[0])
    assert all(len(g["short_name"]) <= 8 for g in listing)  # what a tile shows
    one = httpx.get(f"{stack.cfg.api_url}/api/guides/senior-preferential-card").json()
    assert one["id"] == "senior-preferential-card"
    assert all(m["name"] for m in one["materials"])
    missing = httpx.get(f"{stack.cfg.api_url}/api/guides/no-such-guide")
    assert missing.status_code == 404


def test_id_and_phone_numbers_never_reach_the_tracker_store(stack):
    chat = Chat(stack.cfg.api_url)
    chat.say("我的身份证号是110101195001011234,电话13812345678,社保卡丢了")
    with sqlite3.connect(stack.cfg.var_dir / "tracker.db") as db:
        dump = "\n".join(str(row) for row in db.execute("SELECT data FROM events"))
    assert "13812345678" not in dump and "110101195001011234" not in dump
    assert "138****5678" in dump


def test_rasa_unreachable_gives_a_polite_message_with_the_hotline(monkeypatch, guides_db_url):
    monkeypatch.setenv("BANSHI_RASA_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("BANSHI_DATABASE_URL", guides_db_url)
    reset_settings()
    from api.main import create_app

    try:
        with TestClient(create_app()) as client:
            response = client.post("/api/chat", json={"text": "社保卡丢了"})
            health = client.get("/healthz")
    finally:
        reset_settings()
    assert response.status_code == 503
    text = response.json()["messages"][0]["text"]
    assert "12345" in text and "Traceback" not in text
    assert health.status_code == 503 and "rasa" in health.json()["down"]


def test_healthz_is_200_when_all_up_and_503_naming_the_action_server_when_it_stops(stack):
    assert httpx.get(f"{stack.cfg.api_url}/healthz").status_code == 200
    stack.stop_one("actions")
    try:
        response = httpx.get(f"{stack.cfg.api_url}/healthz")
        assert response.status_code == 503
        assert response.json()["down"] == ["action_server"]
    finally:
        stack.start_actions()
        stack.wait_ready(60)
    assert httpx.get(f"{stack.cfg.api_url}/healthz").status_code == 200
