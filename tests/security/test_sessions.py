"""Nobody can drive someone else's conversation (issue 12, item 1), through the real stack.

The attack: /api/chat used to accept any client-chosen session_id, including a WeChat user's
`wechat:<openid>`, so "还差哪些" read that person's service and "/restart" wiped it.
"""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import VOICE_KEY

pytestmark = pytest.mark.e2e


def _chat(stack, body: dict, path: str = "/api/chat") -> httpx.Response:
    return httpx.post(f"{stack.cfg.api_url}{path}", json=body, timeout=30)


def test_a_first_turn_without_an_id_starts_a_conversation_and_the_reply_carries_its_id(stack):
    first = _chat(stack, {"text": "补社保卡要带什么"})
    assert first.status_code == 200
    session = first.json()["session_id"]
    assert session.startswith("api:")
    after = _chat(stack, {"session_id": session, "text": "下一个"}).json()
    assert after["session_id"] == session and after["state"]["item_index"] == 2


@pytest.mark.parametrize(
    "foreign",
    [
        "wechat:oAbCdEfGhIjKlMnOpQrStUvWxYz0",
        "wechat:oAbCdEfG.x",
        "t-123456",
        "api:madeup.0000000000000000000000",
        "kiosk:x",
        "voice:phone:x",
    ],
)
def test_an_id_the_server_did_not_issue_is_refused_with_a_plain_message(stack, foreign):
    response = _chat(stack, {"session_id": foreign, "text": "还差哪些"})
    assert response.status_code == 403
    body = response.json()
    assert "重新问" in body["messages"][0]["text"] and body["state"]["service_id"] is None


def test_a_real_conversation_id_cannot_be_edited_into_another(stack):
    session = _chat(stack, {"text": "补社保卡要带什么"}).json()["session_id"]
    body, sig = session.rsplit(".", 1)
    tampered = f"{body[:-1]}{'A' if body[-1] != 'A' else 'B'}.{sig}"
    assert _chat(stack, {"session_id": tampered, "text": "还差哪些"}).status_code == 403
    assert (
        _chat(stack, {"session_id": "wechat:" + body.split(":", 1)[1] + "." + sig, "text": "还差哪些"}).status_code
        == 403
    )


def test_kiosk_ids_and_api_ids_do_not_cross(stack):
    kiosk = _chat(stack, {"text": "老年证要带什么"}, "/kiosk/chat").json()["session_id"]
    api = _chat(stack, {"text": "老年证要带什么"}).json()["session_id"]
    assert kiosk.startswith("kiosk:") and api.startswith("api:")
    assert _chat(stack, {"session_id": kiosk, "text": "下一个"}).status_code == 403
    assert _chat(stack, {"session_id": api, "text": "下一个"}, "/kiosk/chat").status_code == 403


def test_the_channel_is_set_by_the_server_not_the_client(stack):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from guidekit.quality.records import TurnRow
    from guidekit.db.engine import get_engine

    session = _chat(stack, {"text": "补社保卡要带什么", "channel": "wechat"}).json()["session_id"]
    with Session(get_engine(stack.cfg.database_url)) as db:
        channels = set(db.execute(select(TurnRow.channel).where(TurnRow.session_id == session)).scalars())
    assert channels == {"api"}


def test_voice_turns_need_the_platforms_key_and_stay_in_its_namespace(stack):
    url = f"{stack.cfg.api_url}/voice/turn"
    assert httpx.post(url, json={"text": "补社保卡要带什么"}, timeout=30).status_code == 401
    assert (
        httpx.post(url, json={"text": "补社保卡要带什么"}, headers={"X-Voice-Key": "guess"}, timeout=30).status_code
        == 401
    )
    reply = httpx.post(url, json={"text": "补社保卡要带什么"}, headers={"X-Voice-Key": VOICE_KEY}, timeout=30).json()
    assert reply["session_id"].startswith("voice:phone:")
    api = _chat(stack, {"text": "补社保卡要带什么"}).json()["session_id"]
    assert (
        httpx.post(
            url, json={"session_id": api, "text": "下一个"}, headers={"X-Voice-Key": VOICE_KEY}, timeout=30
        ).status_code
        == 403
    )
    assert _chat(stack, {"session_id": reply["session_id"], "text": "下一个"}).status_code == 403


@pytest.mark.parametrize("command", ["/restart", "/session_start", "/back", '/inform_service{"x":1}', "//restart"])
def test_rasa_commands_typed_by_a_person_do_not_wipe_the_conversation(stack, command):
    session = _chat(stack, {"text": "补社保卡要带什么"}).json()["session_id"]
    assert _chat(stack, {"session_id": session, "text": "下一个"}).json()["state"]["item_index"] == 2
    typed = _chat(stack, {"session_id": session, "text": command})
    assert typed.status_code == 200
    after = _chat(stack, {"session_id": session, "text": "再说一遍"}).json()
    assert after["state"]["service_id"] == "social-security-card-replacement"
    assert after["state"]["item_index"] == 2


def test_a_button_payload_still_works(stack):
    session = _chat(stack, {"text": "补社保卡要带什么"}).json()["session_id"]
    assert _chat(stack, {"session_id": session, "text": "/next_item"}).json()["state"]["item_index"] == 2
