""" "转人工": the phone number of the service's office, or the 12345 hotline when no service is known.

"我的电话138…,社保卡丢了" is heard as a wish for a person because of 电话; the person is giving their
number while naming a service, and gets that service's answer instead. A complaint or a dispute about
one's own case ("认证了还是停发了,给个说法") is acknowledged and sent to a person, never answered with a
materials list.

The flow: actions/flows/handoff.py."""

from __future__ import annotations

from typing import List

from rasa_sdk.events import EventType

from actions.base import GuideAction
from actions.conversation import Turn
from actions.flows.handoff import handoff


class ActionHandoff(GuideAction):
    def name(self) -> str:
        return "action_handoff"

    def respond(self, turn: Turn) -> List[EventType]:
        return handoff(turn)
