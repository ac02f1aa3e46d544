"""Which 情形 (situation) an answer to our question picks: "2", "第二个", "租的", "是租的房子" → 租的房子.

Asked once, before the list is read ("子女家住的房子,是买的,还是租的? 1. 买的房子 2. 租的房子"), so the answer is
short and in the question's own words; a number, the option's name or one of its words picks it. An answer that
fits two ("不是买的,是租的") picks none: the person is asked again rather than guessed for.
"""

from __future__ import annotations

from typing import Optional

from guidekit.guides.schema import Situation, Situations
from guidekit.understanding.textnorm import normalize, parse_option_number


def pick_situation(text: str, situations: Situations) -> Optional[Situation]:
    number = parse_option_number(text, len(situations.options))
    if number:
        return situations.options[number - 1]
    said = normalize(text)
    fits = [o for o in situations.options if any(normalize(w) in said for w in (o.name, *o.words) if normalize(w))]
    return fits[0] if len(fits) == 1 else None
