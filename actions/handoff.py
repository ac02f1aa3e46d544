""""转人工": the phone number of the service's office, or the 12345 hotline when no service is known."""
from __future__ import annotations

from typing import List

from rasa_sdk.events import EventType

from actions.conversation import GuideAction, Turn
from guidekit import replies
from guidekit.settings import get_settings


class ActionHandoff(GuideAction):
    def name(self) -> str:
        return "action_handoff"

    def respond(self, turn: Turn) -> List[EventType]:
        turn.switch_if_named()
        turn.say(replies.handoff(turn.guide, get_settings().hotline))
        return turn.finish("handoff")
