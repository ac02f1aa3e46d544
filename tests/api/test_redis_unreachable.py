"""Redis configured but not answering (nothing listens on its port): every front end still answers the
person politely instead of failing with a server error."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.settings_reset import reset_settings
from ops.stack import free_port
from tests.api.conftest import LiveApi, TOKEN, post
from tests.api.test_editor import PASSWORD, Editor, db_url  # noqa: F401
from tests.api.wechat_protocol import signed_params, text_xml


@pytest.fixture()
def redis_gone(monkeypatch):
    monkeypatch.setenv("BANSHI_LOCK_STORE_URL", f"redis://127.0.0.1:{free_port()}/0")
    reset_settings()
    yield
    reset_settings()


def test_a_wechat_message_gets_the_hotline_reply_and_the_assistant_is_not_asked(wechat_env, assistant, redis_gone):
    from api.main import create_app

    with LiveApi(create_app(assistant=assistant)) as api:
        response = post(
            api.url, signed_params(TOKEN), text_xml("oRedisGone", "老年证在哪里办", int(time.time() * 1000))
        )
    assert response.status_code == 200
    assert "12345" in response.text and "<MsgType><![CDATA[text]]></MsgType>" in response.text
    assert assistant.calls == []


def test_an_unsure_voice_turn_is_answered_directly_instead_of_confirmed(
    db_url,
    assistant,
    redis_gone,  # noqa: F811
    monkeypatch,
):
    from api.main import create_app

    monkeypatch.setenv("BANSHI_VOICE_PLATFORM_KEYS", "phone:k1")
    reset_settings()
    with LiveApi(create_app(assistant=assistant)) as api:
        reply = httpx.post(
            f"{api.url}/voice/turn",
            json={"text": "社保卡丢了要带啥", "confidence": 0.3},
            headers={"X-Voice-Key": "k1"},
            timeout=20,
        )
    assert reply.status_code == 200
    assert reply.json()["reply_text"] == "您问的是:社保卡丢了要带啥"
    assert [call.text for call in assistant.calls] == ["社保卡丢了要带啥"]


def test_sign_in_is_refused_with_a_plain_message_rather_than_counted_nowhere(db_url, assistant, redis_gone):  # noqa: F811
    from api.main import create_app

    with LiveApi(create_app(assistant=assistant)) as api:
        refused = Editor(api.url).login("editor1", PASSWORD)
    assert refused.status_code == 503 and "暂时不能登录" in refused.text
