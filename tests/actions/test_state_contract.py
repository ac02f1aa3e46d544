"""One state contract and one topic list (guidekit/answers/state.py) for the actions, the API and the front ends."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from api.schemas import ChatResponse
from guidekit.answers.state import ANSWER_TOPICS, INFO_TOPICS, TOPICS, ChatState
from guidekit.understanding.topics import TOPIC_MARKERS, TOPIC_OF_INTENT
from guidekit.understanding.topics_by_meaning import OTHER
from guidekit.understanding.topics_by_meaning import TOPIC_OF_INTENT as TAUGHT

ROOT = Path(__file__).resolve().parents[2]


def test_every_topic_with_marker_words_is_a_question_about_a_service():
    assert set(TOPIC_MARKERS) == set(INFO_TOPICS)


def test_each_topic_intent_is_in_the_domain_and_answers_a_state_topic():
    intents = set(yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))["intents"])
    assert set(TOPIC_OF_INTENT) <= intents
    assert set(TOPIC_OF_INTENT.values()) <= set(TOPICS)
    assert set(ANSWER_TOPICS) <= set(TOPIC_OF_INTENT.values())


def test_the_topic_classifier_learns_every_asked_topic_and_no_other_state_topic():
    learnt = set(TAUGHT.values()) - {OTHER}
    assert learnt == set(TOPIC_OF_INTENT.values())
    assert set(TAUGHT).issuperset(TOPIC_OF_INTENT)


def test_a_state_with_a_topic_nobody_knows_is_refused_where_it_is_made():
    with pytest.raises(ValidationError):
        ChatState(topic="weather")


def test_the_api_answers_with_the_same_state_the_actions_send():
    sent = ChatState(service_id="id-card-renewal", topic="materials", item_index=1, item_count=3).model_dump()
    answered = ChatResponse(session_id="s", messages=[], state=sent)
    assert answered.state.model_dump() == sent
