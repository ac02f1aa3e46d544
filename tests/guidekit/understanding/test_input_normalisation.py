"""Typed pinyin, regional words, traditional characters and spoken ages, before NLU and matching."""

from __future__ import annotations

import pytest

from guidekit.catalog import ROOT, Snapshot
from guidekit.understanding.dialect import to_mandarin
from guidekit.understanding.pinyin_input import PinyinConverter, split_syllables
from guidekit.understanding.textnorm import normalize
from guidekit.understanding.topics import mentions_topic


@pytest.fixture(scope="module")
def snapshot(all_guides):
    return Snapshot(all_guides, 1, str(ROOT / "nlu_data" / "train"))


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("shebaoka diu le", "社保卡丢了"),
        ("laonianzheng zai nali ban", "老年证在哪里办"),
        ("身份证 guoqi le", "身份证 过期了"),
        ("canjizheng", "残疾证"),
    ],
)
def test_typed_pinyin_becomes_characters(snapshot, typed, expected):
    assert snapshot.prepare(typed) == expected


def test_english_letters_are_left_alone(snapshot):
    assert snapshot.prepare("APP neng ban ma").startswith("APP")
    assert split_syllables("app") is None and split_syllables("xian") == ["xian"]


def test_heavier_word_wins_a_shared_spelling():
    converter = PinyinConverter([("代", 1), ("带", 5)])
    assert converter.convert("dai") == "带"


def test_a_word_typed_with_its_spoken_erhua_is_its_syllables_and_er(snapshot):
    # "nar" is no syllable: before, the whole sentence fell back to word by word and "nar" stayed as typed.
    assert snapshot.prepare("shebaoka huaile qu nar huan") == "社保卡坏了去哪儿换"
    assert snapshot.prepare("zher neng ban ma") == "这儿能办吗"
    # A word that is pinyin as it stands is not read as erhua ("er zi" is 儿子).
    assert snapshot.prepare("er zi") == "儿子"


def test_another_reading_of_a_character_is_typed_too_but_never_wins_over_a_usual_one():
    converter = PinyinConverter([("谁", 5), ("还", 50), ("换", 5)])
    assert converter.convert("shei") == "谁"  # 谁 is usually shui in pypinyin
    assert converter.convert("huan") == "换"  # 还 may be read huán, but huan is usually 换


@pytest.mark.parametrize(
    "typed, expected",
    [
        # Words of the guides' own sayings: 驾驶 is in none of the training sentences.
        ("qishi sui jiashiren shenti tiaojian zhengming", "七十岁驾驶人身体条件证明"),
        # A space typed between words keeps them apart: not 怎么办 and 里.
        ("laonianzheng zenme banli", "老年证怎么办理"),
        # Words said together in the guides' sayings: 不 alone is far more frequent than 补.
        ("shebaoka diule zenme bu", "社保卡丢了怎么补"),
        # One syllable typed at a time still makes words.
        ("mén zhěn màn bìng rèn dìng", "门诊慢病认定"),
    ],
)
def test_pinyin_is_cut_into_the_fewest_words_of_ours(snapshot, typed, expected):
    assert snapshot.prepare(typed) == expected


def test_regional_words_become_mandarin():
    assert to_mandarin("俺的社保卡丢了咋整") == "我的社保卡丢了怎么办"
    assert to_mandarin("阿拉要几钿") == "我要多少钱"
    assert to_mandarin("去边度办啊") == "去哪里办啊"
    # The question words of the dialects, so that the question is heard: how, when, how long, must I.
    assert to_mandarin("老年证哪能弄") == "老年证怎么弄"
    assert to_mandarin("几时可以攞到") == "什么时候可以拿到"
    assert to_mandarin("要等几耐") == "要等多久"
    assert to_mandarin("使唔使本人去") == "用不用本人去"
    assert to_mandarin("低保啷个申请") == "低保怎么申请"


@pytest.mark.parametrize(
    "text", ["去哪个网点办", "几点到几点办业务", "能不能快一点办", "早点申请行不行", "要得到单位的证明吗"]
)
def test_a_mandarin_word_is_not_cut_into_a_regional_one(text):
    # 点办 is Cantonese for 怎么办, 要得 south-western for 可以: not in 网点办, 快一点办, 要得到.
    assert to_mandarin(text) == text


def test_a_regional_word_among_others_is_read_even_where_it_could_be_mandarin():
    assert to_mandarin("阿拉儿子去办好伐") == "我儿子去办好吗"  # 办好 + 伐 in Mandarin, but 阿拉 says Shanghai
    assert to_mandarin("驾照要点样验身") == "驾照要怎么样验身"  # not 要点 + 样


def test_traditional_and_spoken_ages_are_normalised():
    assert normalize("七十歲以上駕駛人") == "70岁以上驾驶人"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("社報卡丟了咋整", "social-security-card-replacement"),
        ("qishi sui jiashiren shenti tiaojian zhengming", "senior-driving-license-health"),
        ("我想把户口迁到闺女家去咋弄", "household-transfer-to-children"),  # evidence of three word pieces
    ],
)
def test_prepared_text_resolves_to_the_guide(snapshot, text, expected):
    assert snapshot.index.resolve(snapshot.prepare(text)).guide_id == expected


@pytest.mark.parametrize("text, subject", [("护照过期了怎么换", "护照"), ("户口本丢了怎么补办", None)])
def test_foreign_subject_beats_a_sound_alike_guide(snapshot, text, subject):
    result = snapshot.index.resolve(snapshot.prepare(text))
    assert result.status != "certain"
    if subject:
        assert result.status == "none" and subject in result.unknown_subject


def test_with_no_service_yet_any_foreign_subject_is_named(snapshot):
    assert snapshot.index.unknown_subject("户口本丢了怎么补办", strict=False) == "户口本"
    assert snapshot.index.unknown_subject("在哪办", strict=False) is None
    assert snapshot.index.unknown_subject("我让儿子去办行不行", strict=False) is None


def test_topic_words_are_required_for_a_topic_answer():
    assert mentions_topic("hours", "周六能办吗")
    assert not mentions_topic("process", "低保怎么申请")
    assert mentions_topic("process", "流程是啥")
