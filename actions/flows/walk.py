"""Walking through a service's materials one at a time: start, next, previous, again, all, what is left,
and a question about one item ("这个复印几份"). Below the actions: every action that walks calls these."""

from __future__ import annotations

import re
from typing import List, Optional

from rasa_sdk.events import EventType

from actions.conversation import (
    BUTTONS_MATERIAL,
    CHECKED,
    HINTED,
    OPTIONS,
    PENDING,
    PROXY,
    SERVICE,
    SITUATION_ASKED,
    TOPIC,
    Turn,
)
from actions.flows.situations import ask_situation
from guidekit.answers import replies
from guidekit.answers.state import INFO_TOPICS
from guidekit.understanding.material_questions import material_named
from guidekit.understanding.navigation import names_previous


def present_item(turn: Turn, index: int, intro: Optional[str] = None, full: bool = False) -> List[EventType]:
    """One item; how to go on is said once per conversation (and again after a misunderstanding). `full`: asked
    to say it again, the whole explanation with its notes."""
    items = turn.items()
    text = replies.material_step(
        items,
        index,
        turn.slots[CHECKED],
        hint=not turn.slots[HINTED],
        full=full,
        more_by_situation=turn.situation_unknown(),
    )
    turn.slots[HINTED] = True
    turn.say(f"{intro}\n{text}" if intro else text, BUTTONS_MATERIAL)
    return turn.finish("materials", index)


def start_materials(turn: Turn, intro: Optional[str] = None) -> List[EventType]:
    """Item 1 by name at once ("第1样,户口本。…"), then which service and how many items; first the 情形
    question when the list depends on the person's situation. `intro`: said before item 1."""
    guide = turn.guide
    items = turn.items()
    unknown = turn.situation_unknown()
    if unknown and not (turn.slots[SITUATION_ASKED] and items):
        return ask_situation(turn)
    if not items:
        turn.say(replies.with_service(guide, replies.nothing_to_bring(guide)))
        return turn.finish("materials", None)
    hint = not turn.slots[HINTED]
    if unknown:
        # Asked once, and the person went on without answering ("下一个", "往下念"): asking the same question
        # again goes nowhere. What every situation needs comes first; the question again after it.
        first = replies.common_materials_first(guide, items, turn.slots[CHECKED], hint=hint)
    else:
        first = replies.first_materials(guide, items, turn.slots[PROXY], turn.slots[CHECKED], hint=hint)
    turn.say(f"{intro}\n{first}" if intro else first, BUTTONS_MATERIAL)
    turn.slots[HINTED] = True
    return turn.finish("materials", 1)


# Wishes to hear it again ("再说一遍", "听不见", "说慢一点"): never a new service by meaning alone.
HEAR_AGAIN = ("repeat_item", "slower")


def need_service(turn: Turn) -> Optional[List[EventType]]:
    """Answer instead of navigating when the words name another service ("社保卡冇咗…" heard as
    "还有呢"), or ask which one when none is known yet; None when the list can be walked."""
    if turn.resolution.age is not None:
        # "我都八十了还能办点啥" heard as "还有呢": the question is what else there is at that age.
        turn.resolve_service("materials")
        return turn.finish(turn.unresolved_topic())
    before = turn.slots[SERVICE]
    hear_again = turn.intent in HEAR_AGAIN
    # "你说啥 听不见", "大点声": a wish to hear it again, not a description of deafness (残疾人证).
    turn.switch_if_named(by_meaning=not hear_again)
    if turn.guide is not None and turn.slots[SERVICE] != before:
        return start_materials(turn)
    if turn.guide is not None:
        return None
    if hear_again:
        # Nothing said yet to repeat: our question again (its options), or which matter it is.
        if turn.slots[OPTIONS]:
            turn.ask_to_choose(list(turn.slots[OPTIONS]), turn.slots[PENDING] or "materials")
        else:
            turn.ask_which_service("materials")
        return turn.finish(turn.unresolved_topic())
    # No service yet: the same answer as any question without one (options, no guide, or which one).
    turn.resolve_service("materials")
    return turn.finish(turn.unresolved_topic())


def materials(turn: Turn) -> List[EventType]:
    """ "补社保卡要带什么": start the list at item 1 (or at the proxy list in proxy mode)."""
    before, place = turn.slots[SERVICE], turn.item_index()
    guide = turn.resolve_service("materials")
    if guide is None:
        return turn.finish(turn.unresolved_topic())
    if guide.id == before and place is not None and 1 <= place <= len(turn.items()):
        # "要带啥" again in the middle of the list ("在哪办" came between): go on from there.
        return present_item(turn, place, replies.continuing(place))
    return start_materials(turn)


def next_item(turn: Turn) -> List[EventType]:
    asked = need_service(turn)
    if asked is not None:
        return asked
    index = turn.item_index()
    items = turn.items()
    if index is None:
        return start_materials(turn)
    if index >= len(items):
        if turn.situation_unknown():
            return ask_situation(turn, place=index)  # what every situation needs was said: the rest depends on it
        turn.say(replies.after_last(turn.guide, items))
        return turn.finish("materials", None)
    return present_item(turn, index + 1)


def previous_item(turn: Turn) -> List[EventType]:
    asked = need_service(turn)
    if asked is not None:
        return asked
    index = turn.item_index()
    if index is None:
        # After the end (or the full list) "上一个" means the last item.
        return present_item(turn, len(turn.items()))
    if index <= 1:
        return present_item(turn, 1, replies.before_first())
    return present_item(turn, index - 1)


def repeat_item(turn: Turn) -> List[EventType]:
    """ "再说一遍" and "说慢一点": the same item again (the voice channel slows down on the latter)."""
    asked = need_service(turn)
    if asked is not None:
        return asked
    index = turn.item_index()
    last = turn.slots[TOPIC]
    if last == "materials" and index is not None and names_previous(turn.text):
        # "上一个没听清" (heard as "say it again" by 没听清): the one before is to be said again.
        return previous_item(turn)
    # Repeat what was last said: a topic answer, a whole list, or the current item.
    if last in INFO_TOPICS:
        turn.say(replies.with_service(turn.guide, replies.topic_answer(turn.guide, last)))
        return turn.finish(last)
    if turn.previous_action() == "action_whats_left" and not _walking(turn):
        turn.say(replies.whats_left(turn.guide, turn.items(), turn.slots[CHECKED]))
        return turn.finish("materials", None, keep_place=True)
    if index is None or turn.previous_action() == "action_list_materials":
        turn.say(replies.list_all(turn.guide, turn.items(), turn.slots[CHECKED]))
        return turn.finish("materials", None, keep_place=True)
    return present_item(turn, index, full=True)


def list_all(turn: Turn) -> List[EventType]:
    """ "全部说一遍": the whole list at once."""
    turn.switch_if_named()
    asked = need_service(turn)
    if asked is not None:
        return asked
    if turn.situation_unknown():
        return ask_situation(turn)
    turn.say(
        replies.list_all(turn.guide, turn.items(), turn.slots[CHECKED]),
        [("还差哪些", "/whats_left"), ("在哪里办", "/ask_location")],
    )
    return turn.finish("materials", None, keep_place=True)


# "还差哪些", "还缺什么" (and the button, a payload) ask what the person still lacks: the checklist, ticked or not.
_LACKING = re.compile(r"^/|差|缺")


def _walking(turn: Turn) -> bool:
    """In the list, nothing ticked, and asked what else there is ("还要啥", "还有没"), not what is lacking: the
    person listens item by item and keeps no checklist."""
    return not turn.slots[CHECKED] and turn.item_index() is not None and not _LACKING.search(turn.text)


def whats_left(turn: Turn) -> List[EventType]:
    """ "还差哪些": what is not ticked yet. "还要啥", "还有没", "还有啥没说的" after 第1样 with nothing ticked ask
    what else there is: the person hears how many come after this one and the next, one at a time like the rest,
    instead of every item again from the first."""
    asked = need_service(turn)
    if asked is not None:
        return asked
    if _walking(turn):
        index, count = turn.item_index() or 0, len(turn.items())
        if index < count:
            return present_item(turn, index + 1, replies.still_to_come(count - index))
        return next_item(turn)
    turn.say(replies.whats_left(turn.guide, turn.items(), turn.slots[CHECKED]))
    return turn.finish("materials", None, keep_place=True)


def answer_material_question(turn: Turn, asked: str) -> Optional[List[EventType]]:
    """ "这些东西复印几份", "照片要自己带吗" inside a walk: the item named, or the current one, answered from its
    fields; the place moves to it. None when there is no such item."""
    items = turn.items()
    number = material_named(turn.text, items) or turn.item_index()
    if not number or number > len(items):
        return None
    turn.say(replies.material_answer(items[number - 1], asked))
    return turn.finish("materials", number)


def navigate(turn: Turn, intent: str) -> List[EventType]:
    """Move in the list as `intent` says, for words heard as something else ("下一各")."""
    move = {
        "next_item": next_item,
        "previous_item": previous_item,
        "repeat_item": repeat_item,
        "list_all": list_all,
        "whats_left": whats_left,
    }[intent]
    return move(turn)
