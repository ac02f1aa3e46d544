"""Navigation words heard or typed wrong inside a walk still move in the list."""

from __future__ import annotations

import pytest

from guidekit.understanding.navigation import heard_navigation


@pytest.mark.parametrize(
    "text, intent",
    [
        ("下一各", "next_item"),
        ("虾一个", "next_item"),
        ("下1个", "next_item"),
        ("夏一个吧", "next_item"),
        ("上一各", "previous_item"),
        ("上一格", "previous_item"),
        ("在说一遍", "repeat_item"),
        ("重说一遍", "repeat_item"),
        ("还差那些", "whats_left"),
    ],
)
def test_a_misheard_navigation_word_is_heard_as_what_it_sounds_like(text, intent):
    assert heard_navigation(text) == intent


@pytest.mark.parametrize("text", ["社保卡", "在哪办", "上个月", "一个", "下一次再说吧谢谢你", "说一遍"])
def test_other_words_are_not_taken_for_navigation(text):
    assert heard_navigation(text) is None
