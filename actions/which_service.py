"""Which service: one named on its own, and answers to a numbered question (the flows:
actions/flows/choosing.py)."""

from __future__ import annotations

from typing import List

from rasa_sdk.events import EventType

from actions.base import GuideAction
from actions.conversation import Turn
from actions.flows.choosing import choose_option, inform_service


class ActionChooseOption(GuideAction):
    def name(self) -> str:
        return "action_choose_option"

    def respond(self, turn: Turn) -> List[EventType]:
        return choose_option(turn)


class ActionInformService(GuideAction):
    """A service named on its own: keep the topic the user was on, else start its materials."""

    def name(self) -> str:
        return "action_inform_service"

    def respond(self, turn: Turn) -> List[EventType]:
        return inform_service(turn)
