"""The person's district: asked once, when the office depends on where they live ("高龄津贴在哪办" → "您住在哪个
区?"), remembered for the conversation, and the where/when answers give that district's office first."""

from __future__ import annotations

from typing import List, Optional, Union

from rasa_sdk.events import EventType

from actions.conversation import DISTRICT, DISTRICT_ASKED, Turn
from guidekit.answers import replies
from guidekit.understanding.districts import ELSEWHERE, pick_district
from guidekit.understanding.textnorm import answers_none_offered

ASK_AGAIN = "again"
# The topics whose answer depends on the district.
BY_DISTRICT = ("location", "hours")


def offered(turn: Turn) -> List[str]:
    guide = turn.guide
    return [*(guide.districts if guide else []), ELSEWHERE]


def district_needed(turn: Turn, topic: str) -> bool:
    guide = turn.guide
    return bool(guide and guide.ask_district and topic in BY_DISTRICT and not turn.slots[DISTRICT])


def ask_district(turn: Turn, topic: str, again: bool = False) -> List[EventType]:
    guide = turn.guide
    assert guide is not None
    turn.slots[DISTRICT_ASKED] = topic
    options = offered(turn)
    turn.say(
        replies.district_question(guide, options, again), [(f"{n}. {d}", str(n)) for n, d in enumerate(options, 1)]
    )
    return turn.finish(topic)


def district_answer(turn: Turn) -> Union[str, None]:
    """While "您住在哪个区?" is open: the topic to answer now (the district is remembered), ASK_AGAIN for a number
    out of range or a bare yes/no, None when the person said something else (asked again when it matters)."""
    topic: Optional[str] = turn.slots[DISTRICT_ASKED]
    if not topic or turn.guide is None:
        return None
    picked = pick_district(turn.text, offered(turn), turn.city_districts)
    if picked is not None:
        turn.slots.update({DISTRICT: picked, DISTRICT_ASKED: None})
        return topic
    if answers_none_offered(turn.text):
        return ASK_AGAIN
    return None
