"""WeChat voice messages without WeChat's own `Recognition`: the AMR file is fetched by its MediaId from the (fake)
WeChat media API, heard by the project's recogniser and answered — passively when that fits in the window,
else `success` and a customer-service message; a retry of the same message is answered once."""

from __future__ import annotations

import time

import pytest

from benchmarks.voice_test_audio import WECHAT_VOICE
from tests.settings_reset import reset_settings
from tests.api.conftest import TOKEN, LiveApi, post
from tests.api.wechat_protocol import reply_content, signed_params, voice_xml

OPENID = "oVoice_user-1"


@pytest.fixture()
def with_voice_file(fake_wechat):
    fake_wechat.media["media2001"] = WECHAT_VOICE.read_bytes()  # 补社保卡要带什么东西, AMR-NB as WeChat keeps it
    return fake_wechat


@pytest.fixture()
def patient_api(wechat_env, assistant, monkeypatch):
    """A passive window long enough for recognition (WeChat's own is 5 s; the tests' default is 0.5 s)."""
    monkeypatch.setenv("BANSHI_WECHAT_PASSIVE_SECONDS", "20")
    reset_settings()
    from api.main import create_app

    with LiveApi(create_app(assistant=assistant)) as live:
        yield live


def test_a_voice_message_is_fetched_heard_and_answered_passively(patient_api, assistant, with_voice_file):
    response = post(patient_api.url, signed_params(TOKEN), voice_xml(OPENID, "", 2001), timeout=60)
    content = reply_content(response.text)
    assert len(assistant.calls) == 1
    heard = assistant.calls[0].text
    assert "保卡要带什么" in heard, heard  # said: 补社保卡要带什么东西 (社 may come out as a homophone)
    assert content == f"您问的是:{heard}"
    assert with_voice_file.media_requests == 1


def test_a_slow_voice_answer_says_success_and_arrives_by_customer_service_once(wechat_api, assistant, with_voice_file):
    xml = voice_xml(OPENID, "", 2001)
    first = post(wechat_api.url, signed_params(TOKEN), xml, timeout=60)
    assert first.text == "success"  # recognition takes longer than the tests' 0.5 s window
    again = post(wechat_api.url, signed_params(TOKEN), xml, timeout=60)  # WeChat's retry
    assert again.text == "success"
    sent = with_voice_file.wait_for_texts(OPENID, 1, timeout=60)
    assert len(sent) == 1 and sent[0].startswith("您问的是:") and "保卡要带什么" in sent[0]
    time.sleep(1.0)
    assert len(with_voice_file.texts_to(OPENID)) == 1 and len(assistant.calls) == 1


def test_a_voice_message_wechat_no_longer_has_asks_kindly_to_type(patient_api, assistant, fake_wechat):
    content = reply_content(post(patient_api.url, signed_params(TOKEN), voice_xml(OPENID, "", 2002), timeout=60).text)
    assert "打字" in content and assistant.calls == [] and fake_wechat.media_requests == 1


def test_a_silent_voice_message_gets_the_kind_answer(patient_api, assistant, fake_wechat):
    import io
    import wave

    silence = io.BytesIO()
    with wave.open(silence, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes(2 * 8000 * 2))
    from api.voice.audio import decode, encode

    fake_wechat.media["media2003"] = encode(decode(silence.getvalue()), "amr")
    content = reply_content(post(patient_api.url, signed_params(TOKEN), voice_xml(OPENID, "", 2003), timeout=60).text)
    assert content == "我没有听到声音。请您离话筒近一点,再说一遍。" and assistant.calls == []
