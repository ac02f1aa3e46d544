"""Answers about the current service: where, opening hours (and "今天开门吗"), fee, time, online, who, steps,
and whether a family member may do it (proxy mode adds their materials, or says it is not allowed)."""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

from rasa_sdk.events import EventType

from actions.conversation import DISTRICT, ITEM, PROXY, Turn
from actions.flows.districts import ask_district, district_needed
from actions.flows.walk import start_materials
from guidekit.answers import buttons, replies
from guidekit.answers.state import INFO_TOPICS
from guidekit.guides.schema import Location
from guidekit.settings import get_settings
from guidekit.understanding import when
from guidekit.understanding.topics import TOPIC_OF_INTENT

# The topic intents answered here (what to bring and a family member have their own flows).
INTENT_TOPICS = {
    intent: topic for intent, topic in TOPIC_OF_INTENT.items() if topic in INFO_TOPICS and topic != "proxy"
}
TOPIC_BUTTONS = [("要带什么", "/ask_materials"), ("在哪里办", "/ask_location"), ("几点开门", "/ask_hours")]


# "能领多少钱", "每月发多少": the money one receives, not the fee one pays.
_RECEIVE = re.compile(
    r"(领|发|到手)[^,。]{0,4}多少|多少钱?[^,。]{0,3}(领|发)|(补贴|津贴|补助|养老金)[^,。]{0,3}(多少|几)"
)


def answer_topic(turn: Turn, topic: str) -> List[EventType]:
    guide = turn.guide
    district = turn.slots[DISTRICT]
    # At a kiosk in a hall that does it for everybody: here, whichever district the person lives in.
    here = _in_this_hall(turn, district) if topic == "location" else None
    if here is None and district_needed(turn, topic):
        # "高龄津贴在哪办": the office is the one of the person's own district.
        return ask_district(turn, topic)
    if here is not None:
        text = replies.here_in_this_hall(*here)
    elif topic == "fee" and _RECEIVE.search(turn.text):
        text = replies.amount_received(guide)
    else:
        text = replies.topic_answer(guide, topic, district)
    if topic == "hours":
        asked = when.day_asked(turn.text, when.today(get_settings().timezone))
        if asked is not None:
            text = replies.opening_on(guide, *asked, district=district)
    turn.say(replies.with_service(guide, text), [b for b in TOPIC_BUTTONS if b[1] != f"/ask_{topic}"])
    return turn.finish(topic)


def _in_this_hall(turn: Turn, district: Optional[str]) -> Optional[Tuple[Location, str]]:
    """The guide's office in the hall of the kiosk asked at, and where it is in the hall ("二楼3号窗口"); None
    elsewhere. Where the person's own district decides the office, only when it is that district's or the
    city's own (which serves everybody)."""
    hall = get_settings().kiosk_halls.get(turn.kiosk or "", {})
    guide = turn.guide
    for location in guide.locations_for(district) if guide and hall else []:
        if location.name in hall and (not guide.ask_district or location.district in (district, None)):
            return location, hall[location.name]
    return None


def answer_proxy(turn: Turn) -> List[EventType]:
    guide = turn.guide
    turn.slots[PROXY] = guide.proxy.allowed
    # The list changes length in proxy mode: the walk through it starts again.
    turn.slots[ITEM] = None
    offered = [("要带什么", "/ask_materials")] if guide.proxy.allowed else [buttons.PERSON]
    turn.say(replies.with_service(guide, replies.proxy_answer(guide)), offered)
    return turn.finish("proxy")


def answer(turn: Turn, topic: str) -> List[EventType]:
    """The answer to `topic` about the current service: what to bring, a family member, or the rest."""
    if topic == "materials":
        return start_materials(turn)
    return answer_proxy(turn) if topic == "proxy" else answer_topic(turn, topic)


def topic_question(turn: Turn) -> List[EventType]:
    """ "在哪办", "要钱吗", "能在手机上办吗": the topic asked, about the service named or discussed."""
    topic = turn.topic_asked(INTENT_TOPICS.get(turn.intent, "process"))
    if turn.resolve_service(topic) is None:
        return turn.finish(turn.unresolved_topic())
    return answer(turn, topic)


def proxy_question(turn: Turn) -> List[EventType]:
    """ "我让儿子去办": what a family member brings, or that it is not allowed."""
    topic = turn.topic_asked("proxy")
    if turn.resolve_service(topic) is None:
        return turn.finish(turn.unresolved_topic())
    return answer(turn, topic)
