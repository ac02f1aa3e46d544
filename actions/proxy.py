"""A family member doing it ("我让儿子去办"): proxy mode adds their materials, or says it is not allowed."""
from __future__ import annotations

from typing import List

from rasa_sdk.events import EventType

from actions.conversation import GuideAction, Turn
from actions.service_info import answer


class ActionProxy(GuideAction):
    def name(self) -> str:
        return "action_proxy"

    def respond(self, turn: Turn) -> List[EventType]:
        topic = turn.topic_asked("proxy")
        if turn.resolve_service(topic) is None:
            return turn.finish(turn.unresolved_topic())
        return answer(turn, topic)
