"""No single client or request can stall the service (issue 12, items 3, 7 and 8).

The attacks: twenty clients flooding /api/chat slowed everyone else's turns tenfold; a 1,999-character
low-confidence voice turn ran matching on the event loop and froze every endpoint for seconds; /voice/tts
converted 5,000 characters before refusing them, and 749 × "好。" made a 40 MB, 15-minute WAV.
These run the API with a scripted assistant (no Rasa: the point is what the API does before a turn).
"""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from tests.settings_reset import reset_settings
from tests.api.conftest import LiveApi, ScriptedAssistant

KEY = {"X-Voice-Key": "k1"}


@pytest.fixture()
def api(monkeypatch, use_guides_db):
    monkeypatch.setenv("BANSHI_VOICE_PLATFORM_KEYS", "phone:k1")
    monkeypatch.setenv("BANSHI_TURNS_PER_MINUTE_PER_CLIENT", "60")  # 10 per 10-second window
    monkeypatch.setenv("BANSHI_TURNS_PER_MINUTE_PER_SESSION", "30")  # 5 per window
    monkeypatch.delenv("BANSHI_LOCK_STORE_URL", raising=False)
    reset_settings()
    from api.main import create_app

    assistant = ScriptedAssistant()
    app = create_app(assistant=assistant)
    with LiveApi(app) as live:
        live.assistant, live.app = assistant, app
        yield live
    reset_settings()


def _turn(api, text="补社保卡要带什么", session=None, source="127.0.0.1", confidence=0.9) -> httpx.Response:
    with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=30) as client:
        return client.post(
            f"{api.url}/voice/turn", json={"session_id": session, "text": text, "confidence": confidence}, headers=KEY
        )


def _wait_for_next_window():
    time.sleep(10 - time.time() % 10 + 0.05)


def test_a_flooding_address_is_told_politely_to_wait_and_another_address_is_still_served(api):
    _wait_for_next_window()
    codes = [_turn(api).status_code for _ in range(14)]
    assert codes[:10] == [200] * 10 and set(codes[10:]) == {429}
    limited = _turn(api)
    assert limited.headers["Retry-After"] == "10"
    assert "请您等" in limited.json()["messages"][0]["text"]
    assert _turn(api, source="127.0.0.2").status_code == 200


def test_one_conversation_gets_a_bounded_number_of_turns(api):
    _wait_for_next_window()
    session = _turn(api, source="127.0.0.3").json()["session_id"]
    codes = [_turn(api, "下一个", session, source="127.0.0.3").status_code for _ in range(6)]
    assert codes[:4] == [200] * 4 and codes[-1] == 429


def test_a_second_turn_of_a_conversation_waits_for_the_first_answer(api):
    session = _turn(api, source="127.0.0.4").json()["session_id"]
    api.assistant.delay = 1.5
    slow = threading.Thread(target=_turn, args=(api, "下一个", session, "127.0.0.4"))
    slow.start()
    time.sleep(0.5)
    double_tap = _turn(api, "下一个", session, source="127.0.0.4")
    slow.join()
    assert double_tap.status_code == 429 and "等我回答完" in double_tap.json()["messages"][0]["text"]
    api.assistant.delay = 0
    assert _turn(api, "下一个", session, source="127.0.0.4").status_code == 200


def test_an_over_long_low_confidence_voice_turn_is_refused_before_any_matching(api, monkeypatch):
    snapshot = api.app.state.catalog.current()
    matched = []
    monkeypatch.setattr(type(snapshot.index), "resolve", lambda self, text: matched.append(text))
    reply = _turn(api, "社保卡" * 666, confidence=0.2, source="127.0.0.5")
    assert reply.status_code == 200 and "太长" in reply.json()["reply_text"]
    assert matched == [] and api.assistant.calls == []


def test_matching_for_a_confirmation_runs_off_the_event_loop(api, monkeypatch):
    """While one slow confirmation is being matched, another request is answered."""
    snapshot = api.app.state.catalog.current()
    real = type(snapshot.index).resolve
    finished = []

    def slow_resolve(self, text):
        time.sleep(2)  # stands for heavy CPU work in the resolver
        return real(self, text)

    monkeypatch.setattr(type(snapshot.index), "resolve", slow_resolve)
    slow = threading.Thread(target=lambda: finished.append(("turn", _turn(api, confidence=0.2, source="127.0.0.6"))))
    slow.start()
    time.sleep(0.3)
    health = httpx.get(f"{api.url}/api/guides", timeout=30)
    finished.append(("other", health))
    slow.join()
    assert [name for name, _ in finished] == ["other", "turn"]
    assert health.status_code == 200 and finished[1][1].status_code == 200


def test_tts_refuses_too_long_text_before_converting_it(api, monkeypatch):
    import api.routers.voice as voice_router

    converted = []
    monkeypatch.setattr(voice_router, "to_speech", lambda text: converted.append(text) or text)
    response = httpx.post(f"{api.url}/voice/tts", json={"text": "好" * 5000}, timeout=30)
    assert response.status_code == 413 and converted == []


@pytest.mark.parametrize("text", ["好。" * 290, "、" * 500 + "好", "请带身份证。" + "!" * 550])
def test_tts_never_makes_more_than_two_minutes_of_audio(api, text):
    made = []

    class Recording:
        def synthesize(self, speech, slow=False):
            made.append(speech)
            import numpy as np

            from api.voice.audio import Audio, encode

            return encode(Audio(np.zeros(1600, dtype=np.float32)))  # 0.1 s

    api.app.state.synthesizer = Recording()
    response = httpx.post(f"{api.url}/voice/tts", json={"text": text}, timeout=30)
    from api.voice.tts import estimated_seconds

    if response.status_code == 200:
        assert estimated_seconds(made[0]) <= 120
        assert "。。" not in made[0] and "!!" not in made[0] and "、、" not in made[0]
    else:
        assert response.status_code == 413 and made == []
