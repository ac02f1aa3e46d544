import pytest

from guidekit.understanding.resolver import ServiceIndex, sound_syllables
from guidekit.understanding.textnorm import parse_option_number, strip_fillers, to_simplified


@pytest.fixture(scope="module")
def index(all_guides):
    return ServiceIndex(all_guides)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("补社保卡要带什么", "social-security-card-replacement"),
        ("社报卡丢了咋办", "social-security-card-replacement"),  # ASR homophone
        ("shebaoka diu le", "social-security-card-replacement"),  # pinyin typed
        ("你好,我想问一下,就是那个,老年人的那个优待证", "senior-preferential-card"),
        ("身分证丢了", "id-card-reissue"),  # 分/份 homophone
        ("身份證到期了", "id-card-renewal"),  # traditional characters
        ("底保怎么申请", "minimum-living-allowance"),
        ("俺想办个残疾证", "disability-certificate"),
        ("异地就医备案要啥", "medical-offsite-filing"),
    ],
)
def test_clear_mentions_resolve_to_one_guide(index, text, expected):
    result = index.resolve(text)
    assert result.status == "certain", result
    assert result.guide_id == expected


def test_bare_id_card_is_ambiguous_between_renewal_and_reissue(index):
    result = index.resolve("身份证")
    assert result.status == "ambiguous"
    assert set(index.option_ids(result)) == {"id-card-renewal", "id-card-reissue"}
    assert len(result.options) <= 3


@pytest.mark.parametrize("text, subject", [("办护照要带什么", "护照"), ("房产过户在哪办", "房产")])
def test_unknown_service_is_not_matched_and_is_named(index, text, subject):
    result = index.resolve(text)
    assert result.status == "none"
    assert result.unknown_subject and subject in result.unknown_subject


@pytest.mark.parametrize("text", ["下一个", "在哪办", "几点开门", "我让儿子去办行不行", "全部说一遍", "今天开门吗"])
def test_topic_words_alone_name_no_service(index, text):
    result = index.resolve(text)
    assert result.status == "none"
    assert result.unknown_subject is None


def test_new_alias_works_without_retraining(all_guides):
    guide = next(g for g in all_guides if g.id == "senior-preferential-card")
    changed = guide.model_copy(update={"aliases": guide.aliases + ["夕阳红小本本"]})
    others = [g for g in all_guides if g.id != guide.id]
    assert ServiceIndex(all_guides).resolve("夕阳红小本本").status == "none"
    assert ServiceIndex(others + [changed]).resolve("夕阳红小本本").guide_id == "senior-preferential-card"


def test_accent_folding_makes_zh_z_and_n_l_equal():
    assert sound_syllables("社保卡") == sound_syllables("涩宝咖")
    assert sound_syllables("老年证") == sound_syllables("脑年正")


@pytest.mark.parametrize(
    "text, count, expected",
    [
        ("2", 3, 2),
        ("第二个", 3, 2),
        ("两", 3, 2),
        ("选三", 3, 3),
        ("第1个吧", 3, 1),
        ("最后一个", 3, 3),
        ("4", 3, None),
        ("社保卡", 3, None),
    ],
)
def test_option_numbers_in_digits_and_chinese(text, count, expected):
    assert parse_option_number(text, count) == expected


def test_fillers_and_traditional_are_normalised():
    assert strip_fillers("请问,那个,社保卡") == "社保卡"
    assert to_simplified("養老金認證") == "养老金认证"


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("丢了的那个", "id-card-reissue"),
        ("补的那个", "id-card-reissue"),
        ("到期换的", "id-card-renewal"),
        ("过期那个", "id-card-renewal"),
        ("好的", None),
    ],
)
def test_option_chosen_by_words(index, answer, expected):
    assert index.pick_by_words(answer, ["id-card-renewal", "id-card-reissue"]) == expected


def test_every_alias_finds_its_own_guide(index, all_guides):
    for guide in all_guides:
        for alias in [guide.name, *guide.aliases]:
            result = index.resolve(alias)
            assert result.status in ("certain", "ambiguous"), alias
            assert guide.id in index.option_ids(result), (alias, result)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我想补领", {"id-card-reissue", "social-security-card-replacement"}),
        ("我要搬去儿子那边住", {"household-transfer-to-children", "medical-offsite-filing"}),
    ],
)
def test_related_words_offer_the_guides_they_may_mean(index, text, expected):
    result = index.resolve(text)
    assert result.status == "ambiguous", result
    assert expected <= set(index.option_ids(result))
    assert len(result.options) <= 3


def test_options_from_related_words_alone_are_marked_vague(index):
    assert index.resolve("我想补领").vague
    assert not index.resolve("身份证").vague


def test_related_word_about_a_document_we_have_no_guide_for_offers_nothing(index):
    # 丢了 is a related word of the card replacements, but 不动产证 is neither card.
    result = index.resolve("不动产证丢了咋补")
    assert result.status == "none"
    assert result.unknown_subject and "不动产证" in result.unknown_subject


def test_shared_short_word_inside_an_unknown_subject_names_no_guide(index):
    result = index.resolve("社保缴费记录怎么查")
    assert result.status == "none"
    assert result.unknown_subject


def test_longer_heard_name_beats_a_shared_short_exact_word(index):
    # 住房公机金 (heard for 住房公积金) says more than 退休, which several guides share.
    result = index.resolve("退休了住房公机金怎么取")
    assert result.status == "certain"
    assert result.guide_id == "housing-fund-retirement-withdrawal"


def test_related_word_settles_a_tie_on_a_shared_name(index):
    result = index.resolve("医保去外地看病能直接报销吗")
    assert result.status == "certain", result
    assert result.guide_id == "medical-offsite-filing"


def test_pieces_of_a_guide_about_another_document_do_not_count(index):
    # 丢了 is a piece of "身份证丢了", but this text is about a 驾驶证.
    result = index.resolve("驾驶证丢了怎么补")
    assert "id-card-reissue" not in index.option_ids(result)


def test_unknown_word_joined_to_our_word_is_an_unknown_subject(index):
    result = index.resolve("新生儿落户要什么材料")
    assert result.status == "none"
    assert result.unknown_subject == "新生儿落户"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我八十了能办点啥", ["old-age-allowance", "senior-driving-license-health", "senior-preferential-card"]),
        (
            "俺都七十多岁了有啥福利",
            ["senior-driving-license-health", "senior-preferential-card", "household-transfer-to-children"],
        ),
        ("刚满60岁能办点什么", ["senior-preferential-card", "household-transfer-to-children"]),
    ],
)
def test_an_age_and_what_can_i_do_offers_the_services_that_age_has_reached_oldest_first(index, text, expected):
    resolution = index.resolve(text)
    assert resolution.status == "ambiguous"
    assert index.option_ids(resolution) == expected
    assert resolution.age is not None


@pytest.mark.parametrize(
    "text", ["我八十了", "打12345了有什么用", "20元能办什么", "我四十岁能办点啥", "我87了能领多少", "我八十了能在哪办"]
)
def test_an_age_alone_or_a_number_that_is_no_age_offers_no_age_services(index, text):
    resolution = index.resolve(text)
    assert resolution.age is None


def test_an_age_with_a_named_service_goes_to_that_service(index):
    assert index.resolve("我满六十了能办老年证吗").guide_id == "senior-preferential-card"
    assert index.resolve("我八十了能办护照吗").status == "none"


def test_an_age_with_a_related_word_of_one_of_its_services_picks_that_service(index):
    assert index.resolve("我妈今年八十一了听说每个月能领点钱咋弄").guide_id == "old-age-allowance"
    assert index.resolve("刚满60岁有什么优待").guide_id == "senior-preferential-card"


def test_an_age_settles_a_word_shared_by_an_age_service_and_another(index):
    # 补贴 is a word of 低保 and of 高龄津贴; eighty-eight has reached the one for the very old.
    assert index.resolve("老爷子八十八了,说是有份补贴").guide_id == "old-age-allowance"
    # Sixty-five has not: the word alone cannot tell, so both are offered.
    offered = index.resolve("我六十五了想申请补贴")
    assert {c.guide_id for c in offered.options} == {"minimum-living-allowance", "old-age-allowance"}


def test_a_topic_word_inside_an_alias_is_no_evidence_of_its_service(index):
    # 什么时候退休 is an alias of the retirement guide: its 时候 asks when, it does not say which service.
    assert index.resolve("什么时候能拿到").status == "none"
    assert index.resolve("啥时候能拿到").status == "none"


@pytest.mark.parametrize(
    "subject, guide, meant",
    [
        ("新证", "id-card-reissue", True),
        ("那个证", "id-card-reissue", True),
        ("旧卡", "social-security-card-replacement", True),
        ("驾驶证", "id-card-reissue", False),
        ("新卡", "id-card-reissue", False),
        ("护照", "id-card-reissue", False),
    ],
)
def test_a_pointing_word_with_the_current_things_head_is_that_thing(index, subject, guide, meant):
    assert index.points_at(subject, guide) is meant
