"""Moving in the list said in other words: "还有啥没说的", "后头还有没", "刚那样再讲讲", "倒回去一个".

Inside a walk through the materials people say where they want to go in words of their own. The intent
classifier knows the words of its training sentences, and the sound matching (guidekit/understanding/navigation.py)
knows a few fixed phrases and their slips; "还有啥没说的" is neither, and was answered "没听明白" in the middle of
a list (dev/dialogues.yml). Here the navigation intents' training sentences (`nlu_data/train`) and, as one class
against them, every other intent's are learnt by meaning, the way the topics are
(guidekit/understanding/topics_by_meaning.py); a short message the intent classifier could not place is taken as
the navigation it surely means.
"""

from __future__ import annotations

from typing import Optional

from guidekit.understanding.meaning import VectorCache
from guidekit.understanding.navigation import PHRASES
from guidekit.understanding.topics_by_meaning import TopicClassifier

# The navigation intents (actions/flows/routing.py routes by them too), each its own class.
NAVIGATION_INTENTS = ("next_item", "previous_item", "repeat_item", "slower", "list_all", "whats_left", "have_item")
NOT_NAVIGATION = "other"
# The ones that move in the list, which `meant` gives — the same the sound matching hears ("这个我有" ticks an
# item, "慢点说" slows the voice: their own actions answer them, and their classes only keep them from being read
# as a move).
MOVES = tuple(PHRASES)
# A message is taken as navigation when its meaning is this surely some navigation (the short questions asked
# inside a walk — "要钱吗", "复印几份", "第一个" — are at 0.1 or less) …
NAVIGATION_SURE = 0.8
# … and as the one most likely, when that is at least this likely ("还有啥没说的": what is left 0.65, the next
# item 0.26; "嗯" is as much "go on" as "again", and is not taken).
ONE_MOST_LIKELY = 0.5


def _label_of(intent: str) -> str:
    return intent if intent in NAVIGATION_INTENTS else NOT_NAVIGATION


class NavigationClassifier:
    """The navigation intent a message means, by its meaning and characters."""

    def __init__(self, cache: VectorCache, nlu_dir: str) -> None:
        self._classifier = TopicClassifier(cache, nlu_dir, label_of=_label_of, kind="navigation")

    def warm(self) -> None:
        self._classifier.warm()

    def meant(self, text: str) -> Optional[str]:
        """The move in the list `text` surely means (one of MOVES), or None."""
        probabilities = self._classifier.probabilities(text)
        if 1.0 - probabilities.get(NOT_NAVIGATION, 0.0) < NAVIGATION_SURE:
            return None
        intent = max(NAVIGATION_INTENTS, key=lambda i: probabilities.get(i, 0.0))
        return intent if intent in MOVES and probabilities.get(intent, 0.0) >= ONE_MOST_LIKELY else None


_SHARED: dict = {}


def shared_navigation(cache: VectorCache, nlu_dir: str) -> NavigationClassifier:
    """One per process and training data."""
    key = (id(cache), nlu_dir)
    if key not in _SHARED:
        _SHARED[key] = NavigationClassifier(cache, nlu_dir)
    return _SHARED[key]
