"""Which day a question is about: 今天 / 明天 / 后天 / 周六 / 星期天 / 礼拜三 / 周末."""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional, Tuple
from zoneinfo import ZoneInfo

from guidekit.understanding.textnorm import to_simplified

_RELATIVE = {"今天": 0, "今儿": 0, "今日": 0, "明天": 1, "明儿": 1, "明日": 1, "后天": 2}
_WEEKDAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天末1-7])")
_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7, "末": 6}


def today(timezone: str) -> dt.date:
    return dt.datetime.now(ZoneInfo(timezone)).date()


def day_asked(text: str, current: dt.date) -> Optional[Tuple[dt.date, str]]:
    """The date the user asks about and the word they used, or None for a general hours question."""
    text = to_simplified(text)
    for word, offset in _RELATIVE.items():
        if word in text:
            canonical = {0: "今天", 1: "明天", 2: "后天"}[offset]
            return current + dt.timedelta(days=offset), canonical
    match = _WEEKDAY.search(text)
    if not match:
        return None
    token = match.group(1)
    weekday = int(token) if token.isdigit() else _DIGITS[token]
    ahead = (weekday - current.isoweekday()) % 7
    return current + dt.timedelta(days=ahead), match.group(0)
