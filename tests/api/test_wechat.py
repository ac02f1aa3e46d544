"""POST/GET /wechat driven like WeChat's server drives it, with a fake WeChat API server on loopback."""

from __future__ import annotations

import concurrent.futures
import logging
import sqlite3
import time

import httpx

from tests.api.conftest import AES_KEY, APP_ID, TOKEN, post
from tests.api.wechat_protocol import (
    SafeMode,
    event_xml,
    image_xml,
    reply_content,
    sha1_of,
    signed_params,
    text_xml,
    voice_xml,
)

OPENID = "oUser_abc-123"


def test_url_check_with_right_signature_echoes_echostr(wechat_api):
    response = httpx.get(f"{wechat_api.url}/wechat", params=signed_params(TOKEN, echostr="4711abc"))
    assert response.status_code == 200 and response.text == "4711abc"


def test_url_check_with_wrong_or_missing_signature_is_403(wechat_api):
    params = signed_params(TOKEN, echostr="4711abc")
    params["signature"] = sha1_of("another-token", params["timestamp"], params["nonce"])
    assert httpx.get(f"{wechat_api.url}/wechat", params=params).status_code == 403
    assert httpx.get(f"{wechat_api.url}/wechat", params={"echostr": "x"}).status_code == 403


def test_text_message_gets_a_passive_reply_to_the_sender(wechat_api, assistant):
    assistant.item_index = 1
    response = post(wechat_api.url, signed_params(TOKEN), text_xml(OPENID, "补社保卡要带什么", 1001))
    assert response.status_code == 200
    assert f"<ToUserName><![CDATA[{OPENID}]]></ToUserName>" in response.text
    assert "<FromUserName><![CDATA[gh_banshi]]></FromUserName>" in response.text
    content = reply_content(response.text)
    assert content.startswith("您问的是:补社保卡要带什么")
    # How to go on is the assistant's to say (once per conversation), not added to every materials step.
    assert "回复「下一个」" not in content
    assert [(c.session_id, c.channel, c.text) for c in assistant.calls] == [
        (f"wechat:{OPENID}", "wechat", "补社保卡要带什么")
    ]


def test_slow_answer_says_success_at_once_and_arrives_by_customer_service(wechat_api, assistant, fake_wechat):
    assistant.delay = 1.5
    started = time.monotonic()
    response = post(wechat_api.url, signed_params(TOKEN), text_xml(OPENID, "低保怎么申请", 1002))
    elapsed = time.monotonic() - started
    assert response.text == "success" and elapsed < 1.2
    assert fake_wechat.wait_for_texts(OPENID, 1) == ["您问的是:低保怎么申请"]
    assert fake_wechat.token_requests == 1


def test_resent_message_while_the_first_is_in_flight_is_answered_once(wechat_api, assistant, fake_wechat):
    assistant.delay = 1.5
    xml = text_xml(OPENID, "老年证在哪里办", 1003)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        bodies = list(pool.map(lambda _: post(wechat_api.url, signed_params(TOKEN), xml).text, range(4)))
    assert bodies == ["success"] * 4
    assert fake_wechat.wait_for_texts(OPENID, 1) == ["您问的是:老年证在哪里办"]
    time.sleep(2.0)  # a duplicate would have been sent by now
    assert fake_wechat.texts_to(OPENID) == ["您问的是:老年证在哪里办"]
    assert len(assistant.calls) == 1


def test_resent_message_after_a_passive_reply_gets_the_same_reply_without_asking_again(wechat_api, assistant):
    xml = text_xml(OPENID, "身份证到期了", 1004)
    first = post(wechat_api.url, signed_params(TOKEN), xml)
    again = post(wechat_api.url, signed_params(TOKEN), xml)
    assert reply_content(first.text) == reply_content(again.text) == "您问的是:身份证到期了"
    assert len(assistant.calls) == 1


def test_resent_event_is_recognised_by_sender_and_create_time(wechat_api, assistant):
    xml = event_xml(OPENID, "CLICK", key="HANDOFF", create_time=1732400000)
    for _ in range(3):
        assert reply_content(post(wechat_api.url, signed_params(TOKEN), xml).text) == "您问的是:转人工"
    assert len(assistant.calls) == 1
    later = event_xml(OPENID, "CLICK", key="HANDOFF", create_time=1732400009)
    post(wechat_api.url, signed_params(TOKEN), later)
    assert len(assistant.calls) == 2


def test_access_token_is_cached_and_refreshed_once_when_refused(wechat_api, assistant, fake_wechat):
    assistant.delay = 0.8
    post(wechat_api.url, signed_params(TOKEN), text_xml(OPENID, "第一问", 1005))
    post(wechat_api.url, signed_params(TOKEN), text_xml(OPENID, "第二问", 1006))
    assert fake_wechat.wait_for_texts(OPENID, 2) == ["您问的是:第一问", "您问的是:第二问"]
    assert fake_wechat.token_requests == 1  # cached between sends
    fake_wechat.revoke_tokens()  # WeChat answers 40001 to the cached token
    post(wechat_api.url, signed_params(TOKEN), text_xml(OPENID, "第三问", 1007))
    assert fake_wechat.wait_for_texts(OPENID, 3)[-1] == "您问的是:第三问"
    assert fake_wechat.token_requests == 2


def test_failed_sends_are_retried_with_backoff_and_logged(wechat_api, assistant, fake_wechat, caplog):
    caplog.set_level(logging.WARNING, logger="banshi.wechat.delivery")
    assistant.delay = 0.8
    fake_wechat.fail_next_sends = ["http500", "busy"]
    post(wechat_api.url, signed_params(TOKEN), text_xml(OPENID, "慢病怎么认定", 1008))
    assert fake_wechat.wait_for_texts(OPENID, 1) == ["您问的是:慢病怎么认定"]
    assert fake_wechat.send_attempts == 3
    retries = [r.getMessage() for r in caplog.records if "retry" in r.getMessage()]
    assert len(retries) == 2 and "慢病" not in " ".join(retries)


def test_delivery_gives_up_after_the_last_attempt_and_says_so_in_the_log(wechat_api, assistant, fake_wechat, caplog):
    caplog.set_level(logging.WARNING, logger="banshi.wechat.delivery")
    assistant.delay = 0.8
    fake_wechat.fail_next_sends = ["busy"] * 10
    post(wechat_api.url, signed_params(TOKEN), text_xml(OPENID, "公积金怎么取", 1009))
    deadline = time.monotonic() + 10
    while not any("not delivered" in r.getMessage() for r in caplog.records):
        assert time.monotonic() < deadline, "no give-up logged"
        time.sleep(0.05)
    assert fake_wechat.send_attempts == 4 and fake_wechat.texts_to(OPENID) == []


def test_an_answer_wechat_would_not_take_is_kept_and_sent_later_once(wechat_env, assistant, fake_wechat, monkeypatch):
    from api.main import create_app
    from tests.settings_reset import reset_settings
    from tests.api.conftest import LiveApi

    monkeypatch.setenv("BANSHI_WECHAT_OUTBOX_SECONDS", "0.3")
    reset_settings()
    assistant.delay = 0.8
    fake_wechat.fail_next_sends = ["busy"] * 6  # more than one round of attempts
    with LiveApi(create_app(assistant=assistant)) as live:
        post(live.url, signed_params(TOKEN), text_xml("oOutbox", "退休手续怎么办", 1021))
        assert fake_wechat.wait_for_texts("oOutbox", 1, timeout=20) == ["您问的是:退休手续怎么办"]
        time.sleep(1.0)  # a second copy would arrive by now
        assert fake_wechat.texts_to("oOutbox") == ["您问的是:退休手续怎么办"]
        assert live.server.config.app.state.wechat.outbox.pending() == 0


def test_long_answer_is_split_into_messages_of_at_most_600_characters(wechat_api, assistant, fake_wechat):
    paragraph = "这一句话是为了测试把很长的回答分成几条消息。" * 10  # 220 characters
    assistant.answer = lambda req: "\n\n".join([paragraph] * 6)
    response = post(wechat_api.url, signed_params(TOKEN), text_xml(OPENID, "全部说一遍", 1010))
    first = reply_content(response.text)
    rest = fake_wechat.wait_for_texts(OPENID, 2)
    parts = [first] + rest
    assert all(len(p) <= 600 for p in parts) and len(parts) >= 3
    assert "".join(parts).replace("\n", "") == paragraph * 6


def test_safe_mode_round_trip(safe_mode_api, assistant):
    safe = SafeMode(TOKEN, AES_KEY, APP_ID)
    params, body = safe.request(text_xml(OPENID, "异地就医备案要啥", 1011))
    response = post(safe_mode_api.url, params, body)
    assert response.status_code == 200
    reply = safe.open_reply(response.text)
    assert reply_content(reply) == "您问的是:异地就医备案要啥"
    assert assistant.calls[0].text == "异地就医备案要啥"


def test_safe_mode_with_a_wrong_msg_signature_is_403(safe_mode_api, assistant):
    params, body = SafeMode(TOKEN, AES_KEY, APP_ID).request(text_xml(OPENID, "低保", 1012), tamper=True)
    assert post(safe_mode_api.url, params, body).status_code == 403
    assert assistant.calls == []


def test_subscribe_welcomes_with_numbered_examples(wechat_api, assistant):
    content = reply_content(post(wechat_api.url, signed_params(TOKEN), event_xml(OPENID, "subscribe")).text)
    assert "欢迎" in content and "1. " in content and "2. " in content
    assert "语音" in content  # voice messages work too
    assert assistant.calls == []


def test_a_number_in_reply_to_the_welcome_asks_that_example(wechat_api, assistant):
    from api.wechat.texts import EXAMPLES

    post(wechat_api.url, signed_params(TOKEN), event_xml(OPENID, "subscribe"))
    post(wechat_api.url, signed_params(TOKEN), text_xml(OPENID, "2", 1031))
    assert assistant.calls[-1].text == EXAMPLES[1]
    post(wechat_api.url, signed_params(TOKEN), text_xml(OPENID, "1", 1032))
    assert assistant.calls[-1].text == "1"  # one reply only, as with the menu


def test_unsubscribe_sends_nothing_and_removes_the_users_conversation(wechat_api, wechat_env):
    path = wechat_env["BANSHI_TRACKER_STORE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)")
        db.executemany(
            "INSERT INTO events (sender_id, data) VALUES (?, ?)",
            [(f"wechat:{OPENID}", "{}"), (f"wechat:{OPENID}", "{}"), ("wechat:someone-else", "{}")],
        )
    response = post(wechat_api.url, signed_params(TOKEN), event_xml(OPENID, "unsubscribe"))
    assert response.text == "success"
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT sender_id FROM events").fetchall() == [("wechat:someone-else",)]


def test_common_services_menu_lists_guides_and_a_number_picks_one(wechat_api, assistant, all_guides):
    menu = reply_content(
        post(wechat_api.url, signed_params(TOKEN), event_xml(OPENID, "CLICK", key="COMMON_SERVICES")).text
    )
    names = [g.called for g in all_guides]  # short names ("补办身份证"); nothing asked yet: the catalogue's order
    assert f"1. {names[0]}" in menu and f"{len(names)}. " in menu and "请回复数字" in menu
    assert all(g.name not in menu for g in all_guides if g.short_name)
    post(wechat_api.url, signed_params(TOKEN), text_xml(OPENID, "第三个", 1013))
    assert assistant.calls[-1].text == f"{names[2]}要带什么"
    post(wechat_api.url, signed_params(TOKEN), text_xml(OPENID, "3", 1014))
    assert assistant.calls[-1].text == "3"  # the menu answers one reply only


def test_voice_uses_wechats_recognition_text(wechat_api, assistant):
    content = reply_content(
        post(wechat_api.url, signed_params(TOKEN), voice_xml(OPENID, "补社保卡要带什么。", 1015)).text
    )
    assert assistant.calls[0].text == "补社保卡要带什么。" and content.startswith("您问的是")


def test_voice_without_recognition_asks_kindly_to_type(wechat_api, assistant):
    content = reply_content(post(wechat_api.url, signed_params(TOKEN), voice_xml(OPENID, "", 1016)).text)
    assert "打字" in content and "12345" in content and assistant.calls == []


def test_pictures_and_faces_get_a_reply_saying_what_is_understood(wechat_api, assistant):
    for xml in (image_xml(OPENID, 1017), text_xml(OPENID, "/::)[微笑]", 1018)):
        content = reply_content(post(wechat_api.url, signed_params(TOKEN), xml).text)
        assert "文字" in content and "补社保卡要带什么" in content
    assert assistant.calls == []


def test_typed_slash_cannot_trigger_an_intent(wechat_api, assistant):
    post(wechat_api.url, signed_params(TOKEN), text_xml(OPENID, "/restart", 1019))
    assert assistant.calls[0].text == "restart"


def test_bad_inputs_are_refused_and_never_reach_the_assistant(wechat_api, assistant, tmp_path):
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("TOP-SECRET-CONTENT")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file://{secret_file}">]>'
        f"<xml><ToUserName>gh</ToUserName><FromUserName>{OPENID}</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>text</MsgType><Content>&x;</Content><MsgId>1</MsgId></xml>"
    )
    bomb = (
        '<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f"<xml><FromUserName>{OPENID}</FromUserName><MsgType>text</MsgType><Content>&b;</Content></xml>"
    )
    wrong = signed_params(TOKEN)
    wrong["signature"] = "f" * 40
    cases = [
        (wrong, text_xml(OPENID, "低保", 2001), 403),
        (signed_params(TOKEN), "<xml><FromUserName>broken", 400),
        (signed_params(TOKEN), "not xml at all", 400),
        (signed_params(TOKEN), "<xml><Content>no type</Content></xml>", 400),
        (signed_params(TOKEN), xxe, 400),
        (signed_params(TOKEN), bomb, 400),
        (signed_params(TOKEN), text_xml(OPENID, "长" * 30000, 2002), 413),
    ]
    for params, body, status in cases:
        response = post(wechat_api.url, params, body)
        assert response.status_code == status, (body[:60], response.text)
        assert "TOP-SECRET" not in response.text
    assert assistant.calls == []


def test_unconfigured_wechat_answers_503_with_what_to_set(use_guides_db, monkeypatch):
    from api.main import create_app
    from tests.settings_reset import reset_settings
    from tests.api.conftest import LiveApi

    monkeypatch.delenv("WECHAT_TOKEN", raising=False)
    reset_settings()
    with LiveApi(create_app()) as live:
        response = httpx.get(f"{live.url}/wechat", params=signed_params(TOKEN, echostr="x"))
    assert response.status_code == 503 and "WECHAT_TOKEN" in response.text


def test_script_in_a_message_comes_back_as_plain_text(wechat_api, assistant):
    response = post(wechat_api.url, signed_params(TOKEN), text_xml(OPENID, "<script>alert(1)</script>", 1020))
    assert reply_content(response.text) == "您问的是:<script>alert(1)</script>"
