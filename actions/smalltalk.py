"""Greeting, thanks and goodbye — unless the same sentence names a service, which is answered."""

from __future__ import annotations

from typing import List

from rasa_sdk.events import EventType

from actions.base import GuideAction
from actions.conversation import Turn
from actions.flows.choosing import inform_service
from guidekit.answers import replies


def names_a_service(turn: Turn) -> bool:
    """ "你好,社保卡丢了" is a question, whatever the greeting around it."""
    return turn.resolution.status == "certain"


class ActionGreet(GuideAction):
    def name(self) -> str:
        return "action_greet"

    def respond(self, turn: Turn) -> List[EventType]:
        if names_a_service(turn):
            return inform_service(turn)
        turn.say(replies.greeting(), [("补社保卡要带什么", "补社保卡要带什么"), ("老年证怎么办", "老年证要带什么")])
        return turn.finish("greeting")


class ActionGoodbye(GuideAction):
    def name(self) -> str:
        return "action_goodbye"

    def respond(self, turn: Turn) -> List[EventType]:
        if names_a_service(turn):
            return inform_service(turn)
        turn.say(replies.goodbye())
        return turn.finish("goodbye")


class ActionThank(GuideAction):
    def name(self) -> str:
        return "action_thank"

    def respond(self, turn: Turn) -> List[EventType]:
        if names_a_service(turn):
            return inform_service(turn)
        turn.say(replies.thanks())
        return turn.finish("goodbye")
