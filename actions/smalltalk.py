"""Greeting, thanks and goodbye."""
from __future__ import annotations

from typing import List

from rasa_sdk.events import EventType

from actions.conversation import GuideAction, Turn
from guidekit import replies


class ActionGreet(GuideAction):
    def name(self) -> str:
        return "action_greet"

    def respond(self, turn: Turn) -> List[EventType]:
        turn.say(replies.greeting(), [("补社保卡要带什么", "补社保卡要带什么"), ("老年证怎么办", "老年证要带什么")])
        return turn.finish("greeting")


class ActionGoodbye(GuideAction):
    def name(self) -> str:
        return "action_goodbye"

    def respond(self, turn: Turn) -> List[EventType]:
        turn.say(replies.goodbye())
        return turn.finish("goodbye")


class ActionThank(GuideAction):
    def name(self) -> str:
        return "action_thank"

    def respond(self, turn: Turn) -> List[EventType]:
        turn.say(replies.thanks())
        return turn.finish("goodbye")
