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

# Two ways of closing a conversation: "好的谢谢,再见" is both, and the intent classifier, torn between them, was
# left unsure (goodbye 0.51, thank 0.49: too close to choose) and answered "没听明白" to someone saying goodbye.
CLOSINGS = frozenset({"goodbye", "thank"})


def torn_between_closings(turn: Turn) -> bool:
    """The two likeliest readings of the message are thanks and goodbye."""
    ranking = turn.tracker.latest_message.get("intent_ranking") or []
    likeliest = [r.get("name") for r in ranking if r.get("name") != "nlu_fallback"][:2]
    return set(likeliest) == CLOSINGS


class ActionFallback(GuideAction):
    def name(self) -> str:
        return "action_fallback"

    def respond(self, turn: Turn) -> List[EventType]:
        # NLU may be unsure while the text plainly answers a pending question or names a service.
        if answers_pending_question(turn):
            return choose_option(turn)
        if names_a_service(turn):
            return inform_service(turn)
        if torn_between_closings(turn):
            turn.say(replies.goodbye())
            return turn.finish("goodbye")
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
