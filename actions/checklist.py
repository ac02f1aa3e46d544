"""The checklist: "这个我有了" ticks the current material, "还差哪些" lists what is not ticked yet."""

from __future__ import annotations

import re
from typing import List, Sequence

from rasa_sdk.events import EventType

from actions.base import GuideAction
from actions.conversation import CHECKED, Turn
from actions.flows import walk
from actions.flows.topics import answer
from actions.flows.walk import need_service, present_item
from guidekit.answers import replies
from guidekit.understanding.textnorm import normalize
from guidekit.understanding.topics import topics_mentioned

# What "I have it" is made of: this / I / already, having / carrying / ready, and particles.
_HAVE_SAYING = re.compile(
    r"这一样|这样|这个|那个|它|我|俺|都|已经|早就|早|不缺|在我手上|手上|装包里|包里|复印件|准备|印|拿|带|"
    r"有|着|好|了|啦|的|啊|哒|嘞|咧|呢|嗯|是"
)
_HAVE_VERB = re.compile(r"有|带|准备|拿|不缺|手上|包里|印好")


def is_have_statement(text: str, material_names: Sequence[str]) -> bool:
    """'这个我有了', '身份证带了': nothing but having, and the names of this guide's materials."""
    said = normalize(text)
    rest = said
    for name in sorted((normalize(n) for n in material_names), key=len, reverse=True):
        rest = rest.replace(name, "")
    return bool(_HAVE_VERB.search(said)) and not _HAVE_SAYING.sub("", rest)


class ActionMarkHave(GuideAction):
    """ "这个我有了": tick the current item and move on to the next."""

    def name(self) -> str:
        return "action_mark_have"

    def respond(self, turn: Turn) -> List[EventType]:
        asked = need_service(turn)
        if asked is not None:
            return asked
        if not is_have_statement(turn.text, [m.name for m in turn.items()]):
            # "我家有房子能办吗", "我儿子有工作": 有 made it sound like "I have it", but nothing is ticked.
            topics = topics_mentioned(turn.text)
            if len(topics) == 1:
                return answer(turn, topics[0])
            turn.missed = True
            turn.say(replies.not_understood())
            return turn.finish("fallback", turn.item_index(), keep_place=True)
        index = turn.item_index()
        items = turn.items()
        if index is None:
            turn.say("请先听我说要带什么。说「下一个」,我从第一样说起。", [("下一个", "/next_item")])
            return turn.finish("materials", None)
        material = items[index - 1]
        if material.name not in turn.slots[CHECKED]:
            turn.slots[CHECKED] = turn.slots[CHECKED] + [material.name]
        remaining = len([m for m in items if m.name not in turn.slots[CHECKED]])
        if remaining and index < len(items):
            # Ticked: go on to the next one, as 下一个 would — one turn less, and no "记下了" twice.
            return present_item(turn, index + 1, replies.marked(material, remaining, going_on=True))
        turn.say(replies.marked(material, remaining), [("下一个", "/next_item"), ("还差哪些", "/whats_left")])
        return turn.finish("materials", index)


class ActionWhatsLeft(GuideAction):
    def name(self) -> str:
        return "action_whats_left"

    def respond(self, turn: Turn) -> List[EventType]:
        return walk.whats_left(turn)
