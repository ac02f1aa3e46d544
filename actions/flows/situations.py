"""The 情形 question: asked before a guide's list is read when its materials depend on the person's situation
("子女家住的房子,是买的,还是租的?"), and its answer read before anything else is read into it ("2", "租的")."""

from __future__ import annotations

from typing import List, Optional, Union

from rasa_sdk.events import EventType

from actions.conversation import ITEM, SITUATION, SITUATION_ASKED, Turn
from guidekit.answers import replies
from guidekit.guides.schema import Situation
from guidekit.understanding.situations import pick_situation
from guidekit.understanding.textnorm import answers_none_offered

ASK_AGAIN = "again"


def ask_situation(turn: Turn, again: bool = False, place: Optional[int] = None) -> List[EventType]:
    """`place`: the item the walk is at (after the items every situation needs), kept to go on from there."""
    guide = turn.guide
    assert guide is not None and guide.situations is not None
    turn.slots[SITUATION_ASKED] = True
    turn.say(
        replies.situation_question(guide, again),
        [(f"{n}. {o.name}", str(n)) for n, o in enumerate(guide.situations.options, 1)],
    )
    return turn.finish("materials", place)


def situation_answer(turn: Turn) -> Union[Situation, str, None]:
    """While our 情形 question is open: the situation picked (now remembered), ASK_AGAIN for a number out of
    range or a bare yes/no, None when the person said something else (the question stays open: the list asks
    it again when it is wanted)."""
    guide = turn.guide
    if not (turn.slots[SITUATION_ASKED] and turn.situation_unknown()) or guide is None or guide.situations is None:
        return None
    picked: Optional[Situation] = pick_situation(turn.text, guide.situations)
    if picked is not None:
        # The walk goes on after the items every situation needs when they were read ("下一个" instead of an answer).
        place = turn.item_index()
        turn.slots.update({SITUATION: picked.name, SITUATION_ASKED: False, ITEM: place})
        return picked
    if answers_none_offered(turn.text):
        return ASK_AGAIN
    return None
