"""A family member doing it ("我让儿子去办"): proxy mode adds their materials, or says it is not allowed."""
from __future__ import annotations

from typing import List

from rasa_sdk.events import EventType

from actions.conversation import ITEM, PROXY, GuideAction, Turn
from actions.materials import start_materials
from guidekit import replies


def answer_proxy(turn: Turn) -> List[EventType]:
    guide = turn.guide
    turn.slots[PROXY] = guide.proxy.allowed
    # The list changes length in proxy mode: the walk through it starts again.
    turn.slots[ITEM] = None
    buttons = [("要带什么", "/ask_materials")] if guide.proxy.allowed else [("转人工", "/handoff")]
    turn.say(replies.with_service(guide, replies.proxy_answer(guide)), buttons)
    return turn.finish("proxy")


class ActionProxy(GuideAction):
    def name(self) -> str:
        return "action_proxy"

    def respond(self, turn: Turn) -> List[EventType]:
        topic = turn.topic_asked("proxy")
        if turn.resolve_service(topic) is None:
            return turn.finish(turn.unresolved_topic())
        return start_materials(turn) if topic == "materials" else answer_proxy(turn)
