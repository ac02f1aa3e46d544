"""Two API processes behind one load balancer share what a person's next request needs: failed sign-ins
count on every process, and a voice "是" may reach another process than the question it confirms."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from guidekit.editorial import workflow as ed
from tests.settings_reset import reset_settings
from guidekit.db.engine import get_engine
from guidekit.guides.store import load_guides
from tests.api.conftest import LiveApi, ScriptedAssistant
from tests.api.test_editor import Editor

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"


@pytest.fixture()
def shared_env(tmp_path, monkeypatch, redis_url):
    url = f"sqlite:///{tmp_path / 'guides.db'}"
    load_guides(get_engine(url), ROOT / "guides")
    username = f"ed{uuid.uuid4().hex[:8]}"  # Redis outlives the test: a fresh name starts with no failures
    with Session(get_engine(url)) as session, session.begin():
        ed.create_user(session, username, PASSWORD, "editor", by="test")
    for key, value in {
        "BANSHI_DATABASE_URL": url,
        "BANSHI_EDITOR_SECRET_KEY": "test-secret-key",
        "BANSHI_SESSION_SECRET": "test-session-secret",
        "BANSHI_VOICE_PLATFORM_KEYS": "phone:k1",
        "BANSHI_LOCK_STORE_URL": redis_url,
        "BANSHI_TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("WECHAT_TOKEN", raising=False)
    reset_settings()
    yield username
    reset_settings()


@pytest.fixture()
def two_apis(shared_env):
    from api.main import create_app

    assistant = ScriptedAssistant()
    with LiveApi(create_app(assistant=assistant)) as first, LiveApi(create_app(assistant=assistant)) as second:
        yield first, second, assistant


def test_failed_sign_ins_on_two_api_processes_add_up_to_one_pause(shared_env, two_apis):
    first, second, _ = two_apis
    on_first, on_second = Editor(first.url), Editor(second.url)
    for person in (on_first, on_second, on_first, on_second, on_first):  # 5 = login_attempts, spread over both
        assert person.login(shared_env, "wrong-password").status_code == 401
    paused = on_second.login(shared_env, PASSWORD)
    assert paused.status_code == 429 and "分钟后再试" in paused.text


def test_a_successful_sign_in_clears_the_failures_on_every_process(shared_env, two_apis):
    first, second, _ = two_apis
    for _ in range(4):
        assert Editor(first.url).login(shared_env, "wrong-password").status_code == 401
    assert Editor(second.url).login(shared_env, PASSWORD).status_code == 303
    for _ in range(4):
        assert Editor(second.url).login(shared_env, "wrong-password").status_code == 401
    assert Editor(first.url).login(shared_env, PASSWORD).status_code == 303


def test_a_voice_yes_reaching_another_api_process_answers_the_question_it_confirms(two_apis):
    first, second, assistant = two_apis
    key = {"X-Voice-Key": "k1"}
    asked = httpx.post(
        f"{first.url}/voice/turn", json={"text": "社保卡丢了要带啥", "confidence": 0.3}, headers=key, timeout=10
    ).json()
    session = asked["session_id"]
    assert session.startswith("voice:phone:")
    assert "请说「是」或「不是」" in asked["reply_text"] and assistant.calls == []
    answered = httpx.post(
        f"{second.url}/voice/turn",
        json={"session_id": session, "text": "是", "confidence": 0.9},
        headers=key,
        timeout=10,
    ).json()
    assert [call.text for call in assistant.calls] == ["社保卡丢了要带啥"]
    assert answered["reply_text"] == "您问的是:社保卡丢了要带啥"
    # Confirmed once only: another "是" is an ordinary turn, on either process.
    httpx.post(
        f"{first.url}/voice/turn",
        json={"session_id": session, "text": "是", "confidence": 0.9},
        headers=key,
        timeout=10,
    )
    assert [call.text for call in assistant.calls] == ["社保卡丢了要带啥", "是"]
