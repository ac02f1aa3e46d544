"""WeChat messages through the whole stack: an API process configured for WeChat, the real Rasa and
action server, and the fake WeChat API server on loopback for the customer-service path."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from ops.stack import Stack, free_port
from tests.api.conftest import APP_ID, SECRET, TOKEN, post
from tests.api.fake_wechat import FakeWeChat
from tests.api.wechat_protocol import event_xml, reply_content, signed_params, text_xml

pytestmark = pytest.mark.e2e
ID_NUMBER, PHONE = "110101195001011234", "13912345678"


@pytest.fixture(scope="module")
def fake_server():
    fake = FakeWeChat(APP_ID, SECRET).start()
    yield fake
    fake.stop()


def _wechat_api(stack, fake, tmp_path_factory, passive_seconds: str):
    cfg = dataclasses.replace(
        stack.cfg,
        api_port=free_port(),
        var_dir=tmp_path_factory.mktemp("wechat-api"),
        tracker_db=stack.cfg.tracker_path,
        extra_env={
            "WECHAT_TOKEN": TOKEN,
            "WECHAT_APP_ID": APP_ID,
            "WECHAT_APP_SECRET": SECRET,
            "WECHAT_API_BASE": fake.base_url,
            "BANSHI_WECHAT_PASSIVE_SECONDS": passive_seconds,
        },
    )
    api = Stack(cfg)
    api.start_api()
    api.wait_api()
    return api


@pytest.fixture(scope="module")
def wechat(stack, fake_server, tmp_path_factory):
    api = _wechat_api(stack, fake_server, tmp_path_factory, "4")
    yield api
    api.stop()


@pytest.fixture(scope="module")
def slow_wechat(stack, fake_server, tmp_path_factory):
    """Passive window 0 s: every answer goes through the customer-service API."""
    api = _wechat_api(stack, fake_server, tmp_path_factory, "0")
    yield api
    api.stop()


def _say(api, openid: str, text: str, msg_id: int) -> str:
    response = post(api.cfg.api_url, signed_params(TOKEN), text_xml(openid, text, msg_id), timeout=10)
    assert response.status_code == 200, response.text
    return reply_content(response.text)


def test_materials_one_at_a_time_with_reply_hints(wechat):
    first = _say(wechat, "oE2E-materials", "补社保卡要带什么", 9001)
    assert "第1样" in first and "回复「下一个」" in first and "**" not in first
    second = _say(wechat, "oE2E-materials", "下一个", 9002)
    assert "第2样" in second


def test_personal_numbers_never_reach_the_tracker_store_or_logs(wechat, stack):
    _say(wechat, "oE2E-privacy", f"我身份证号{ID_NUMBER},电话{PHONE},补社保卡要带什么", 9003)
    with sqlite3.connect(stack.cfg.tracker_path) as db:
        stored = "\n".join(
            row[0] for row in db.execute("SELECT data FROM events WHERE sender_id = 'wechat:oE2E-privacy'")
        )
    assert "1101" in stored and ID_NUMBER not in stored and PHONE not in stored
    for log in [*stack.cfg.var_dir.glob("*.log"), *wechat.cfg.var_dir.glob("*.log")]:
        text = log.read_text(encoding="utf-8", errors="replace")
        assert ID_NUMBER not in text and PHONE not in text, log


def test_unsubscribe_forgets_the_conversation(wechat, stack):
    _say(wechat, "oE2E-leaving", "补社保卡要带什么", 9004)
    response = post(wechat.cfg.api_url, signed_params(TOKEN), event_xml("oE2E-leaving", "unsubscribe"))
    assert response.text == "success"
    with sqlite3.connect(stack.cfg.tracker_path) as db:
        left = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = 'wechat:oE2E-leaving'").fetchone()[0]
    assert left == 0
    assert "第2样" not in _say(wechat, "oE2E-leaving", "下一个", 9005)


def _hours_pass(stack, sender_id: str, hours: float) -> None:
    """As if the conversation had been quiet for `hours`: every stored event moved back in time (Rasa starts a new
    session after session_expiration_time, bot/domain.yml, by the events' own timestamps)."""
    with sqlite3.connect(stack.cfg.tracker_path) as db:
        db.execute(
            "UPDATE events SET timestamp = timestamp - ?, "
            "data = json_set(data, '$.timestamp', json_extract(data, '$.timestamp') - ?) WHERE sender_id = ?",
            (hours * 3600, hours * 3600, sender_id),
        )


def _sessions(stack, sender_id: str) -> int:
    with sqlite3.connect(stack.cfg.tracker_path) as db:
        return db.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = ? AND type_name = 'session_started'", (sender_id,)
        ).fetchone()[0]


def test_a_wechat_users_district_is_kept_in_later_sessions_until_they_unfollow(wechat, stack):
    user, sender = "oE2E-district", "wechat:oE2E-district"
    assert "您住在哪个区?" in _say(wechat, user, "高龄津贴去哪里申请", 9101)
    assert "您家在和平区" in _say(wechat, user, "和平区", 9102)
    _hours_pass(stack, sender, 3)
    sessions = _sessions(stack, sender)
    later = _say(wechat, user, "高龄津贴去哪里申请", 9103)
    assert _sessions(stack, sender) == sessions + 1  # a new session began, and the district came with it
    assert "您家在和平区" in later and "您住在哪个区" not in later
    assert post(wechat.cfg.api_url, signed_params(TOKEN), event_xml(user, "unsubscribe")).text == "success"
    post(wechat.cfg.api_url, signed_params(TOKEN), event_xml(user, "subscribe"))
    assert "您住在哪个区?" in _say(wechat, user, "高龄津贴去哪里申请", 9104)


def test_answer_after_the_passive_window_arrives_through_customer_service(slow_wechat, fake_server):
    response = post(slow_wechat.cfg.api_url, signed_params(TOKEN), text_xml("oE2E-slow", "低保怎么申请要带什么", 9006))
    assert response.text == "success"
    (text,) = fake_server.wait_for_texts("oE2E-slow", 1)
    assert "第1样" in text and "回复「下一个」" in text
