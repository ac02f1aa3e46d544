"""The age a person gives when asking what they can apply for: "我八十了能办点啥", "刚满60岁有什么优待".

Older people often start from their age, not from a service's name. A sentence that gives an age and
asks what there is for it is answered with the guides whose `ages_from` that age has reached (the most
specific first). An age alone ("我八十了") or a number that is not an age (12345, 20元) is not enough.
"""

from __future__ import annotations

import re
from typing import Optional

from guidekit.understanding.textnorm import normalize, number_in

YOUNGEST, OLDEST = 40, 120
_NUMBER = r"[0-9]{2,3}|[一二三四五六七八九十百零两]{2,5}"
# An age needs a mark: 岁 after it, 了 after it, or 满/过/到/今年/已经 before it.
_AGE = re.compile(
    rf"(?:(?P<before>满|过了|过|到了|今年|已经|都|快)\s*)?(?<![0-9])(?P<number>{_NUMBER})(?![0-9])(?P<more>多|几)?"
    rf"(?P<after>周岁|岁|了|啦|咯|喽)?"
)
# "我87了能领多少", "八十了在哪办": how much / where / when, about a service — not "what is there for me".
_ASKS_OTHER = re.compile(r"多少|多久|几点|几天|几个月|在哪|哪里|哪儿|什么时候")
_ASKS_WHAT = re.compile(
    r"(能|可以|可|该|能够|好)(办|领|申请|享受|干|做)|有(什么|啥|哪些|没有|些)|"
    r"(什么|啥|哪些)(福利|优待|优惠|补贴|待遇|政策|好处|事)|能办点|可办"
)


def age_in(text: str) -> Optional[int]:
    """The age given in `text`, if it asks what there is for that age; else None."""
    said = normalize(text)
    if not _ASKS_WHAT.search(said) or _ASKS_OTHER.search(said):
        return None
    return _age_of(said)


def age_stated(text: str) -> Optional[int]:
    """The age `text` gives, whatever it asks ("老母亲九十二了,说是有份补贴" → 92); None without one."""
    return _age_of(normalize(text))


def _age_of(said: str) -> Optional[int]:
    for match in _AGE.finditer(said):
        if not (match.group("before") or match.group("after")):
            continue
        age = number_in(match.group("number"))
        if age is not None and YOUNGEST <= age <= OLDEST:
            return age
    return None
