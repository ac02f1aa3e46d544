""" "转人工": the phone number of the service's office, or the 12345 hotline when no service is known.

"我的电话138…,社保卡丢了" is heard as a wish for a person because of 电话; the person is giving their
number while naming a service, and gets that service's answer instead. A complaint or a dispute about
one's own case ("认证了还是停发了,给个说法") is acknowledged and sent to a person, never answered with a
materials list."""

from __future__ import annotations

import re
from typing import List

from rasa_sdk.events import EventType

from actions.conversation import Turn
from actions.flows.choosing import inform_service
from guidekit.answers import replies
from guidekit.settings import get_settings

# A number the person gives ("我的电话138****5678", masked before it reaches us) is not a wish for a person.
_GIVEN_NUMBER = re.compile(r"(电话|手机|号码|身份证号?)(号码?)?(是|:|:)?\s*[0-9*]{4,}")
_ASKS_FOR_A_PERSON = re.compile(
    r"人工|真人|工作人员|客服|找人|转人|有人|找个人|电话|号码|热线|联系|问人|办事员|跟人说|"
    r"听不懂|不会用"
)


def handoff(turn: Turn) -> List[EventType]:
    """A person: the office's or 12345's number; a complaint acknowledged."""
    asks_for_a_person = _ASKS_FOR_A_PERSON.search(_GIVEN_NUMBER.sub("", turn.text))
    if _GIVEN_NUMBER.search(turn.text) and not asks_for_a_person and turn.resolution.status == "certain":
        return inform_service(turn)
    turn.switch_if_named()
    hotline = get_settings().hotline
    if asks_for_a_person:
        turn.say(replies.handoff(turn.guide, hotline))
    else:
        # "低保说停就停了,也没人通知我", "去了三趟都没办成": a complaint or a dispute about the person's own
        # case. No materials list: it is acknowledged and sent to a person, and logged as a hand-off
        # for the editors' dashboard.
        turn.say(replies.complaint(turn.guide, hotline))
    return turn.finish("handoff")
