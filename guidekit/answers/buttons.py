"""The buttons of a conversation: one title and one payload (an intent Rasa knows) per action, used by the actions'
replies and by the kiosk's bar, so the two never drift apart ("下一个" on the bar sends what "下一个" under an
answer sends)."""

from __future__ import annotations

from typing import List, Tuple

Button = Tuple[str, str]  # (title, payload)

NEXT: Button = ("下一个", "/next_item")
REPEAT: Button = ("再说一遍", "/repeat_item")
PREVIOUS: Button = ("上一个", "/previous_item")
HAVE: Button = ("这个我有了", "/have_item")
ALL: Button = ("全部说一遍", "/list_all")
PERSON: Button = ("转人工", "/handoff")

# Under every material of the walk.
WALK: List[Button] = [NEXT, REPEAT, PREVIOUS, HAVE, ALL]

# The kiosk's bar, by element id: always at hand during a conversation. At a kiosk a person is a few steps away
# (the hall's help desk), so the button says 找人工.
KIOSK_BAR: List[Tuple[str, Button]] = [
    ("btn-next", NEXT),
    ("btn-repeat", REPEAT),
    ("btn-all", ALL),
    ("btn-human", ("找人工", PERSON[1])),
]
