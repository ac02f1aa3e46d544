"""Issue 12 item 4: WeChat requests go stale, and a signed URL carries one message only.

In plaintext mode WeChat's signature covers the token, timestamp and nonce, not the body: whoever copies
one signed URL from a proxy log could send any message from any openid with it — `unsubscribe` deleted the
user's conversation. Now a timestamp more than 300 s off (or not a number) is refused, and each signed
(timestamp, nonce) is remembered with the message it brought, in memory or in Redis (BANSHI_LOCK_STORE_URL).
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import string
import time
import uuid

import httpx
import pytest

from tests.settings_reset import reset_settings
from tests.api.conftest import AES_KEY, APP_ID, TOKEN, LiveApi, post
from tests.api.conftest import assistant, fake_wechat, safe_mode_api, wechat_api, wechat_env  # noqa: F401 (fixtures)
from tests.api.wechat_protocol import SafeMode, event_xml, reply_content, sha1_of, text_xml
from tests.prod.conftest import redis_url  # noqa: F401

VICTIM = "oVictim_42"


def signed_at(timestamp, **extra):
    """Params as WeChat signs them, for any timestamp (also the ones it never sends)."""
    nonce = "".join(random.choices(string.digits, k=9))
    return {"signature": sha1_of(TOKEN, str(timestamp), nonce), "timestamp": str(timestamp), "nonce": nonce, **extra}


def tracker_with_conversation(env, openid=VICTIM):
    path = env["BANSHI_TRACKER_STORE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)")
        db.executemany("INSERT INTO events (sender_id, data) VALUES (?, ?)", [(f"wechat:{openid}", "{}")] * 3)
    return path


def conversation_events(path, openid=VICTIM):
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (f"wechat:{openid}",)).fetchone()[0]


def test_stale_future_and_non_numeric_timestamps_are_refused(wechat_api, assistant):
    now = int(time.time())
    for timestamp in (
        1420070400,
        4102444800,
        now - 330,
        now + 330,
        0,
        "abc",
        "1e9",
        "-5",
        f" {now}",
        f"{now}.0",
        "１" + str(now)[1:],
        "9" * 40,
    ):
        response = post(wechat_api.url, signed_at(timestamp), text_xml("oAnyone", "低保怎么申请", 3001))
        assert response.status_code == 403, (timestamp, response.text)
        verify = httpx.get(f"{wechat_api.url}/wechat", params=signed_at(timestamp, echostr="x"))
        assert verify.status_code == 403, timestamp
    assert assistant.calls == []
    for timestamp in (now - 250, now + 250):  # a clock a few minutes off is still fine
        assert post(wechat_api.url, signed_at(timestamp), text_xml("oAnyone", "低保", timestamp)).status_code == 200
    assert len(assistant.calls) == 2


def test_a_signed_url_from_a_log_cannot_carry_another_message(wechat_api, wechat_env, assistant):
    tracker = tracker_with_conversation(wechat_env)
    logged = signed_at(int(time.time()))  # the URL of someone's ordinary message, as a proxy logs it
    original = text_xml("oSomeone", "老年证在哪里办", 3101)
    assert post(wechat_api.url, logged, original).status_code == 200
    forged = [
        event_xml(VICTIM, "unsubscribe"),
        text_xml(VICTIM, "/restart", 3102),
        text_xml("oSomeone", "还差哪些", 3103),
        event_xml(VICTIM, "CLICK", key="WHATS_LEFT"),
    ]
    for body in forged:
        response = post(wechat_api.url, logged, body)
        assert response.status_code == 403, (body, response.text)
    assert conversation_events(tracker) == 3
    assert [c.text for c in assistant.calls] == ["老年证在哪里办"]
    # WeChat resending the very same request is still a retry: the same answer, not asked again.
    again = post(wechat_api.url, logged, original)
    assert again.status_code == 200 and reply_content(again.text) == "您问的是:老年证在哪里办"
    assert len(assistant.calls) == 1


def test_unsubscribe_deletes_only_on_a_fresh_unreplayed_request(wechat_api, wechat_env):
    tracker = tracker_with_conversation(wechat_env)
    stale = signed_at(int(time.time()) - 600)
    assert post(wechat_api.url, stale, event_xml(VICTIM, "unsubscribe")).status_code == 403
    assert conversation_events(tracker) == 3
    # The user really leaves: forgotten.
    leaving, body = signed_at(int(time.time())), event_xml(VICTIM, "unsubscribe")
    assert post(wechat_api.url, leaving, body).text == "success"
    assert conversation_events(tracker) == 0
    # They come back and talk again; the leaving request, replayed within its window, forgets nothing.
    tracker_with_conversation(wechat_env)
    assert post(wechat_api.url, leaving, body).status_code in (200, 403)
    assert conversation_events(tracker) == 3


def test_a_replay_sent_to_another_api_process_is_refused_through_redis(
    wechat_env,
    assistant,
    redis_url,  # noqa: F811
    monkeypatch,
):
    from api.main import create_app

    monkeypatch.setenv("BANSHI_LOCK_STORE_URL", redis_url)
    reset_settings()
    tracker = tracker_with_conversation(wechat_env)
    logged = signed_at(int(time.time()))
    with LiveApi(create_app(assistant=assistant)) as first, LiveApi(create_app(assistant=assistant)) as second:
        assert post(first.url, logged, text_xml(f"o{uuid.uuid4().hex[:8]}", "低保怎么申请", 3201)).status_code == 200
        assert post(second.url, logged, event_xml(VICTIM, "unsubscribe")).status_code == 403
    assert conversation_events(tracker) == 3 and len(assistant.calls) == 1


def test_safe_mode_refuses_a_stale_request_even_with_a_good_msg_signature(safe_mode_api, assistant):
    safe = SafeMode(TOKEN, AES_KEY, APP_ID)
    encrypted = safe.encrypt(text_xml(VICTIM, "低保", 3301))
    params = signed_at(int(time.time()) - 3600, encrypt_type="aes")
    params["msg_signature"] = sha1_of(TOKEN, params["timestamp"], params["nonce"], encrypted)
    body = f"<xml><ToUserName><![CDATA[gh_banshi]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    assert post(safe_mode_api.url, params, body).status_code == 403
    assert assistant.calls == []


@pytest.mark.parametrize("create_time", [None, "abc", "", "99999999999999999999"])
def test_a_signed_message_without_a_valid_create_time_is_400_not_500(wechat_api, assistant, create_time):
    field = "" if create_time is None else f"<CreateTime>{create_time}</CreateTime>"
    for body in (
        f"<xml><ToUserName>gh</ToUserName><FromUserName>{VICTIM}</FromUserName>{field}"
        "<MsgType>event</MsgType><Event>unsubscribe</Event></xml>",
        f"<xml><ToUserName>gh</ToUserName><FromUserName>{VICTIM}</FromUserName>{field}"
        "<MsgType>text</MsgType><Content>低保</Content></xml>",
    ):
        response = post(wechat_api.url, signed_at(int(time.time())), body)
        assert response.status_code == 400, (body, response.text)
    assert assistant.calls == []


def test_remembered_nonces_expire_with_their_timestamp():
    from api.wechat.replay import NEW, REPLAYED, RESENT, SeenNonces

    async def scenario():
        seen = SeenNonces(window_seconds=0.5)
        now = int(time.time())
        answers = [
            await seen.see(now, "n1", "msg:a:1"),
            await seen.see(now, "n1", "msg:a:1"),
            await seen.see(now, "n1", "event:b:1:unsubscribe"),
        ]
        await asyncio.sleep(2.1)  # past timestamp + window (+1 s): the timestamp itself is stale by now
        await seen.see(now + 2, "n2", "msg:a:2")
        return answers, len(seen)

    assert asyncio.run(scenario()) == ([NEW, RESENT, REPLAYED], 1)
