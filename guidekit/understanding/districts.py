"""Which district (区) an answer to "您住在哪个区?" names: "2", "第二个", "和平区", "我住和平那边" → 和平区.

The question offers the districts where the service has an office, numbered, and "别的区"; a district of the
city said by name counts too ("东湖区" when only 和平 and 青松 were offered), with or without its 区.
"""

from __future__ import annotations

from typing import Iterable, List, Optional

from guidekit.understanding.textnorm import normalize, parse_option_number

ELSEWHERE = "别的区"


def pick_district(text: str, offered: List[str], known: Iterable[str]) -> Optional[str]:
    """One of `offered` (numbered from 1) or of the city's `known` districts; None when none or several fit."""
    number = parse_option_number(text, len(offered))
    if number:
        return offered[number - 1]
    said = normalize(text)
    names = list(dict.fromkeys([*offered, *known]))
    fits = [d for d in names if d != ELSEWHERE and _stem(d) in said]
    if len(fits) == 1:
        return fits[0]
    if not fits and any(w in said for w in ("别的", "其他", "都不是", "外区", "不知道", "不清楚", "说不准")):
        return ELSEWHERE  # every office, listed: the person picks the one they know
    return None


def _stem(district: str) -> str:
    """和平区 → 和平 (people leave the 区 off); a one-character stem stays whole (东区 is never 东)."""
    stem = district[:-1] if district.endswith(("区", "县")) else district
    return normalize(stem if len(stem) >= 2 else district)
