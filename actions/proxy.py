"""A family member doing it ("我让儿子去办"): proxy mode adds their materials, or says it is not allowed."""

from __future__ import annotations

from typing import List

from rasa_sdk.events import EventType

from actions.base import GuideAction
from actions.conversation import Turn
from actions.flows.topics import proxy_question


class ActionProxy(GuideAction):
    def name(self) -> str:
        return "action_proxy"

    def respond(self, turn: Turn) -> List[EventType]:
        return proxy_question(turn)
