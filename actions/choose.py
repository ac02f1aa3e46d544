"""Answering a clarifying question ("1", "第二个", "两", "社保卡那个"), then the question that was asked."""
from __future__ import annotations

from typing import List, Optional

from rasa_sdk.events import EventType

from actions.conversation import INFO_TOPICS, OPTIONS, PENDING, TOPIC, GuideAction, Turn
from actions.materials import present_item, start_materials
from actions.proxy import answer_proxy
from actions.service_info import answer_topic
from guidekit import replies
from guidekit.textnorm import parse_option_number


def continue_with(turn: Turn, guide_id: str, topic: Optional[str]) -> List[EventType]:
    turn.switch_to(guide_id)
    if topic == "proxy":
        return answer_proxy(turn)
    if topic in INFO_TOPICS:
        return answer_topic(turn, topic)
    return start_materials(turn)


class ActionChooseOption(GuideAction):
    def name(self) -> str:
        return "action_choose_option"

    def respond(self, turn: Turn) -> List[EventType]:
        options = turn.slots[OPTIONS]
        pending = turn.slots[PENDING]
        if options:
            number = parse_option_number(turn.text, len(options))
            chosen = options[number - 1] if number else turn.index.pick_by_words(turn.text, options)
            if chosen:
                return continue_with(turn, chosen, pending)
            turn.say(replies.clarify([turn.guides[i].name for i in options]))
            return turn.finish("clarify")
        # No question pending: during the materials walk a number means "that item".
        items = turn.items()
        if turn.slots[TOPIC] == "materials" and items:
            number = parse_option_number(turn.text, len(items))
            if number:
                return present_item(turn, number)
        turn.slots[OPTIONS] = []
        turn.missed = True
        turn.say(replies.not_understood())
        return turn.finish("fallback")
