"""Which service: one named on its own, and answers to a numbered question ("1", "第二个", "丢了的那个")."""

from __future__ import annotations

from typing import List, Optional

from rasa_sdk.events import EventType

from actions.conversation import OPTIONS, PENDING, TOPIC, Turn
from actions.flows.topics import answer
from actions.flows.walk import present_item, start_materials
from guidekit.answers import replies
from guidekit.answers.state import INFO_TOPICS
from guidekit.settings import get_settings
from guidekit.understanding.textnorm import is_no, is_yes, parse_option_number


def continue_with(turn: Turn, guide_id: str, topic: Optional[str]) -> List[EventType]:
    turn.switch_to(guide_id)
    return answer(turn, topic if topic in INFO_TOPICS else "materials")


def answers_pending_question(turn: Turn) -> bool:
    """The text picks one of the offered options ("2", "第二个", "丢了的那个")."""
    options = turn.slots[OPTIONS]
    return bool(options) and bool(
        parse_option_number(turn.text, len(options)) or turn.index.pick_by_words(turn.text, options)
    )


def names_a_service(turn: Turn) -> bool:
    """Whether the message names or means a service, ours or one we have no guide for: what a message the intent
    classifier could not place is answered with before "没听明白"."""
    resolution = turn.resolution
    return resolution.status != "none" or bool(resolution.unknown_subject)


def choose_option(turn: Turn) -> List[EventType]:
    """The answer to our numbered question; during the walk, a number is that item."""
    options = turn.slots[OPTIONS]
    pending = turn.slots[PENDING]
    if options:
        number = parse_option_number(turn.text, len(options))
        chosen = options[number - 1] if number else turn.index.pick_by_words(turn.text, options)
        if not chosen and len(options) == 1 and is_yes(turn.text):
            chosen = options[0]  # "您是想问「…」吗?" — "是的"
        if chosen:
            return continue_with(turn, chosen, pending)
        if is_no(turn.text):
            turn.slots[OPTIONS] = []
            turn.slots[PENDING] = None
            turn.say(replies.none_of_these(get_settings().hotline))
            return turn.finish("clarify")
        turn.restate_options(options, pending)
        return turn.finish("clarify")
    # No question pending: during the materials walk a number means "that item".
    items = turn.items()
    if turn.slots[TOPIC] == "materials" and items:
        number = parse_option_number(turn.text, len(items))
        if number:
            return present_item(turn, number)
        beyond = parse_option_number(turn.text, 99)
        if beyond:
            turn.say(replies.no_such_item(beyond, len(items)), [("全部说一遍", "/list_all")])
            return turn.finish("materials", turn.item_index(), keep_place=True)
    if names_a_service(turn):
        # Heard as picking an option, but none was offered and it names or means a service (a sentence an editor
        # added to a guide's examples, "石桥头的蓝风筝", was heard so): that service, as an unsure reading is.
        return inform_service(turn)
    turn.slots[OPTIONS] = []
    turn.missed = True
    turn.say(replies.not_understood())
    return turn.finish("fallback")


def inform_service(turn: Turn) -> List[EventType]:
    """A service named on its own: keep the topic the user was on, else start its materials."""
    if answers_pending_question(turn):
        # "丢了的那个" answers the pending numbered question.
        return choose_option(turn)
    before, pending = turn.slots[TOPIC], turn.slots[PENDING]
    guide = turn.resolve_service("materials")
    if guide is None:
        return turn.finish(turn.unresolved_topic())
    if pending and pending != "materials":
        # "今天开门吗" → "您想办哪件事?" → "社保卡": the answer is whether it is open today.
        return continue_with(turn, guide.id, pending)
    if before in INFO_TOPICS and before != "proxy":
        turn.say(replies.with_service(guide, replies.topic_answer(guide, before)))
        return turn.finish(before)
    return start_materials(turn)
