"""Same-sounding slips written as the words we know (guidekit/understanding/soundalike.py)."""

from __future__ import annotations

import pytest

from guidekit.understanding.soundalike import our_words, respell

WORDS = our_words(["老年证", "低保"])


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("残疾证评级的流成", "残疾证评级的流程"),  # pinyin input: the right sound, the wrong character
        ("慢特病认定的流裎", "慢特病认定的流程"),
        ("老年证周莫能办吗", "老年证周末能办吗"),
        ("养老金认证可以带办吗", "养老金认证可以代办吗"),
        ("养老金资格认怔", "养老金资格认证"),
        ("老年正丢了", "老年证丢了"),  # a guide's name too
    ],
)
def test_a_slip_that_sounds_like_one_of_our_words_is_written_as_it(typed, meant):
    assert respell(typed, WORDS) == meant


@pytest.mark.parametrize("text", ["往上交材料", "时间来不及", "我要去上班", "这个人可疑", "地址在哪"])
def test_real_words_are_left_as_they_are_even_when_they_sound_like_ours(text):
    # 往上 sounds like 网上 (online), 可疑 like 可以: both are words of their own.
    assert respell(text, WORDS) == text


def test_two_of_our_words_sounding_alike_are_never_guessed_between():
    assert respell("使件", ("时间",)) == "时间"  # one word of that sound: written as it
    assert respell("使件", ("时间", "试件")) == "使件"  # two: neither


def test_text_without_chinese_characters_is_untouched():
    assert respell("shebaoka 12345", WORDS) == "shebaoka 12345"


@pytest.mark.parametrize(
    "text",
    [
        "我奶奶耳朵就是听不清",  # 朵就 sounds like 多久, but 耳朵 is a word
        "这个在网上办得了吗",  # 上办 like 上班, but 网上 is a word
        "我爸去世后单位给钱吗",  # 世后 like 时候, but 去世 is a word
        "听说要办个什么认定",  # 什么认 like 什么人, but 认定 is one of ours
    ],
)
def test_a_stretch_that_would_cut_a_word_in_two_is_left_as_it_is(text):
    assert respell(text, WORDS) == text
