"""Which field of a material a short question asks about (guidekit/understanding/material_questions.py)."""

import pytest

from guidekit.understanding.material_questions import MAX_CHARS, material_question


@pytest.mark.parametrize(
    "text, kind",
    [
        ("原件还是复印件", "form"),
        ("要带原本吗", "form"),
        ("这些东西复印几份", "copies"),
        ("要几份", "copies"),
        ("照片要自己带吗", "bring"),
        ("这个去哪开", "bring"),
        ("诊断证明谁给开", "bring"),
    ],
)
def test_a_short_question_about_an_item_is_recognised_by_what_it_asks(text, kind):
    assert material_question(text) == kind


@pytest.mark.parametrize("text", ["下一个", "在哪里办", "丧葬费在哪领", "几点开门", "要多少钱", "复" * (MAX_CHARS + 1)])
def test_other_questions_and_long_messages_are_not_material_questions(text):
    assert material_question(text) is None
