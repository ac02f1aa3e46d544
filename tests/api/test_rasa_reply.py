"""Rasa's REST output read into the chat contract (api/rasa_client.py parse_reply)."""

from __future__ import annotations

import logging

from api.rasa_client import parse_reply


def _events(state):
    return [
        {"recipient_id": "api:x", "text": "第1样,身份证。", "buttons": [{"title": "下一个", "payload": "/next_item"}]},
        {"recipient_id": "api:x", "custom": {"state": state}},
    ]


def test_the_actions_state_and_messages_are_read():
    messages, state = parse_reply(_events({"service_id": "id-card-reissue", "topic": "materials", "item_index": 1}))
    assert [m.text for m in messages] == ["第1样,身份证。"] and messages[0].buttons[0].payload == "/next_item"
    assert state.service_id == "id-card-reissue" and state.topic == "materials" and state.item_index == 1


def test_a_topic_the_api_does_not_know_still_answers_the_person_and_is_logged(caplog):
    caplog.set_level(logging.ERROR, logger="banshi.rasa")
    messages, state = parse_reply(_events({"service_id": "id-card-reissue", "topic": "weather", "item_index": 2}))
    assert [m.text for m in messages] == ["第1样,身份证。"]
    assert state.topic == "fallback" and state.service_id == "id-card-reissue" and state.item_index == 2
    assert "topic" in caplog.text and "does not accept" in caplog.text


def test_a_state_that_is_no_object_at_all_is_the_default():
    _, state = parse_reply(_events(["not", "a", "state"]))
    assert state is not None and state.topic == "fallback" and state.service_id is None
