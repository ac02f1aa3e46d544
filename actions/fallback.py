"""When the words were not understood: try the service name alone, else say so kindly and count.

After two misunderstandings in a row the user is offered a person without asking.
"""

from __future__ import annotations

from typing import List

from rasa_sdk.events import EventType

from actions.base import GuideAction
from actions.conversation import Turn
from actions.flows.choosing import answers_pending_question, choose_option, inform_service, names_a_service
from guidekit.answers import replies
from guidekit.settings import get_settings


class ActionFallback(GuideAction):
    def name(self) -> str:
        return "action_fallback"

    def respond(self, turn: Turn) -> List[EventType]:
        # NLU may be unsure while the text plainly answers a pending question or names a service.
        if answers_pending_question(turn):
            return choose_option(turn)
        if names_a_service(turn):
            return inform_service(turn)
        turn.missed = True
        turn.say(replies.not_understood())
        return turn.finish("fallback")


class ActionOutOfScope(GuideAction):
    def name(self) -> str:
        return "action_out_of_scope"

    def respond(self, turn: Turn) -> List[EventType]:
        if turn.doubted_resolution().status == "certain":
            return inform_service(turn)
        turn.say(replies.out_of_scope(get_settings().hotline))
        return turn.finish("fallback")
