"""Questions about the current service: where, opening hours, fee, time, online, who, steps (the answers:
actions/flows/topics.py)."""

from __future__ import annotations

from typing import List

from rasa_sdk.events import EventType

from actions.base import GuideAction
from actions.conversation import Turn
from actions.flows.topics import topic_question


class ActionAnswerTopic(GuideAction):
    def name(self) -> str:
        return "action_answer_topic"

    def respond(self, turn: Turn) -> List[EventType]:
        return topic_question(turn)
