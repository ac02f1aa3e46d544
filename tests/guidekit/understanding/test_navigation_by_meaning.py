"""Moving in the list said in words of one's own, by meaning (guidekit/understanding/navigation_by_meaning.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidekit.guides.loader import guide_files, read_guide_file
from guidekit.catalog import Snapshot

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def navigation():
    guides = [read_guide_file(p) for p in guide_files(ROOT / "guides")]
    found = Snapshot(guides, 0, str(ROOT / "nlu_data" / "train")).navigation
    assert found is not None
    return found


@pytest.mark.parametrize(
    "text, intent",
    [
        # None of these is a training sentence or one of the sound matching's phrases.
        ("还有啥没讲的", "whats_left"),
        ("后头还有没", "next_item"),
        ("刚那样再讲讲", "repeat_item"),
        ("倒回去一个", "previous_item"),
        ("全部念一遍", "list_all"),
    ],
)
def test_a_move_said_in_other_words_is_heard_as_that_move(navigation, text, intent):
    assert navigation.meant(text) == intent


@pytest.mark.parametrize("text", ["要钱吗", "复印几份", "第一个", "谢谢", "好的", "身份证", "能让我儿子去吗", "嗯"])
def test_questions_answers_and_thanks_are_no_move(navigation, text):
    # Short questions about the service or an item, an answer by number, a thank-you: their own answers.
    assert navigation.meant(text) is None


def test_ticking_an_item_or_slowing_down_is_left_to_its_own_action(navigation):
    # Learnt as classes of their own so that they are not read as a move, but not moves themselves.
    assert navigation.meant("这个我有") is None and navigation.meant("慢点说") is None
