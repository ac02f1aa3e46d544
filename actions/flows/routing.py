"""What a turn is before the action Rasa chose: words that answer our yes/no question, a navigation word
misheard inside a walk ("下一各"), a question about one item, or a topic the meaning is sure of though it was
heard as another. Every action asks this first (actions/base.py)."""

from __future__ import annotations

from typing import List, Optional

from rasa_sdk.events import EventType

from actions.conversation import DISTRICT_ASKED, ITEM, OPTIONS, SERVICE, Turn
from actions.flows.choosing import choose_option
from actions.flows.districts import ASK_AGAIN as DISTRICT_AGAIN
from actions.flows.districts import ask_district, district_answer
from actions.flows.handoff import handoff
from actions.flows.situations import ASK_AGAIN, ask_situation, situation_answer
from actions.flows.topics import answer
from actions.flows.walk import answer_material_question, navigate, present_item, start_materials
from guidekit.answers import replies
from guidekit.understanding.material_questions import material_question
from guidekit.understanding.navigation_by_meaning import NAVIGATION_INTENTS
from guidekit.understanding.navigation import heard_navigation
from guidekit.understanding.textnorm import is_no, is_yes
from guidekit.understanding.topics import TOPIC_OF_INTENT


# Navigation is said in a few words ("下一个", "还有哪些没说的", "你一步一步跟我说"): a message longer than this,
# heard as navigation, is read for its question.
LONGER_THAN_NAVIGATION = 12
# What the intent classifier gives a message it could not place.
NOT_PLACED = ("nlu_fallback", "out_of_scope")


def answer_meant_topic(turn: Turn, topic: str) -> List[EventType]:
    """The answer to the topic the question means, whichever intent it was heard as."""
    if topic == "handoff":
        return handoff(turn)
    if turn.resolve_service(topic) is None:
        return turn.finish(turn.unresolved_topic())
    return answer(turn, topic)


def navigation_meant(turn: Turn) -> Optional[str]:
    """The navigation a short message inside a walk means, when the intent classifier could not place it
    ("还有啥没说的") and it names no service ("社保卡呢" asks about another list)."""
    if (
        turn.intent not in NOT_PLACED
        or turn.characters_said > LONGER_THAN_NAVIGATION
        or turn.resolution.status != "none"
    ):
        return None
    return turn.navigation_by_meaning()


def before_the_action(turn: Turn) -> Optional[List[EventType]]:
    """The answer when the turn is one of these; None when the action Rasa chose should answer."""
    topic = district_answer(turn)
    if topic == DISTRICT_AGAIN:
        return ask_district(turn, turn.slots[DISTRICT_ASKED], again=True)
    if topic is not None:
        # "2", "和平区" after "您住在哪个区?": the question that was waiting for it.
        return answer(turn, topic)
    situation = situation_answer(turn)
    if situation == ASK_AGAIN:
        return ask_situation(turn, again=True)
    if situation is not None:
        # "2", "租的" after "子女家住的房子,是买的,还是租的?": that list, from item 1 — or, when the items every
        # situation needs were read already, from the first of this situation's own.
        place = turn.item_index()
        if place is not None and place < len(turn.items()):
            return present_item(turn, place + 1, replies.situation_said(situation.name))
        return start_materials(turn, replies.situation_said(situation.name))
    if turn.slots[OPTIONS] and (is_yes(turn.text) or is_no(turn.text)):
        # "是的" / "不是" answers the question just asked, whatever intent the classifier heard
        # in two characters.
        return choose_option(turn)
    if turn.intent not in NAVIGATION_INTENTS and turn.slots[SERVICE] and turn.slots[ITEM] is not None:
        heard = heard_navigation(turn.text) or navigation_meant(turn)
        if heard is not None:
            # "下一各", "虾一个", "在说一遍" inside a walk: the word was misheard or mistyped, not the wish;
            # "还有啥没说的": said in other words.
            return navigate(turn, heard)
    asked = material_question(turn.text) if turn.slots[SERVICE] and turn.slots[ITEM] is not None else None
    if asked and not turn.slots[OPTIONS] and turn.resolution.guide_id in (None, turn.slots[SERVICE]):
        # "这些东西复印几份" (heard as a goodbye), "照片要自己带吗": about an item of this list.
        answered = answer_material_question(turn, asked)
        if answered is not None:
            return answered
    if turn.intent in NAVIGATION_INTENTS and turn.characters_said > LONGER_THAN_NAVIGATION:
        # "七十多岁交驾照的体检证明,除了车管所,还有什么地方能交" heard as "还有呢": a whole question is no
        # navigation word; its meaning says which (the topic classifier knows navigation as no topic at all).
        asked = turn.topic_by_meaning()
        if asked not in (None, "materials", "handoff"):  # (what to bring is its fallback, not a reading)
            return answer_meant_topic(turn, asked)
    meant = turn.meant_topic
    if meant is not None and meant != TOPIC_OF_INTENT.get(turn.intent):
        # Heard as another topic than its meaning says ("医保卡坏了得去哪换" heard as what to bring):
        # the meaning decides.
        return answer_meant_topic(turn, meant)
    return None
