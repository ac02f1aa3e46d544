"""Matching by meaning: descriptions without a name find their guide; a published example works at once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from guidekit.editorial import workflow as ed
from guidekit.catalog import GuideCatalog, Snapshot
from guidekit.guides.loader import guide_files, read_guide_file
from guidekit.understanding.meaning import E5_MODEL_SHA256, E5Embedder, ModelFileChanged
from tests.settings_reset import reset_settings
from guidekit.db.engine import get_engine
from guidekit.guides.store import load_guides

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def understanding():
    guides = [read_guide_file(p) for p in guide_files(ROOT / "guides")]
    return Snapshot(guides, 0, str(ROOT / "nlu_data" / "train")).understanding


@pytest.mark.parametrize(
    "text, guide",
    [
        ("看病时候刷的那张卡芯片读不出来了", "social-security-card-replacement"),
        ("老头子走了,他厂里说能领一笔安葬的钱", "funeral-allowance"),
        ("我妈满了八十五,听说每个月政府给点钱", "old-age-allowance"),
        ("每年都要去证明我还活着,不然退休金就不发了", "pension-qualification"),
    ],
)
def test_a_description_without_the_services_name_finds_its_guide(understanding, text, guide):
    assert understanding.resolve(text).guide_id == guide


@pytest.mark.parametrize("text", ["驾驶证到期了去换新的,我今年四十八", "公积金能不能拿来还房贷"])
def test_a_near_miss_we_have_no_guide_for_gets_no_guide(understanding, text):
    resolution = understanding.resolve(text)
    assert resolution.status == "none" and resolution.unknown_subject


def test_a_name_shared_by_two_guides_is_still_asked(understanding):
    resolution = understanding.resolve("身份证")
    assert resolution.status == "ambiguous"
    assert {c.guide_id for c in resolution.options} == {"id-card-renewal", "id-card-reissue"}


def test_options_from_vague_words_also_offer_the_guide_nearest_in_meaning(understanding):
    # 补贴 is a word of 低保 and 高龄津贴; what is meant ("老年人优待") is the senior card.
    resolution = understanding.resolve("老年人优待补贴怎么申请")
    assert resolution.status == "ambiguous"
    assert resolution.options[0].guide_id == "senior-preferential-card"


def test_a_letter_about_another_matter_that_names_our_words_gets_no_guide(understanding):
    # 医保 and 住院 are words of three guides of ours; the letter asks about a newborn's insurance.
    letter = "孩子上个月刚出生，在医院住了一周保温箱，花了不少钱。请问刚出生的小孩怎么办医保，出生后住院的钱还能报吗？"
    resolution = understanding.resolve(letter)
    assert resolution.status == "none" and not resolution.options


def test_a_letter_about_one_of_our_services_is_still_answered_with_it(understanding):
    letter = (
        "您好，我母亲今年八十二岁，身份证去年在公交车上丢了，一直没补，现在去银行取钱不方便。请问补办身份证要带些什么？"
    )
    assert understanding.resolve(letter).guide_id == "id-card-reissue"


def test_a_lost_household_register_is_not_answered_with_the_lost_id_card(understanding):
    # Nothing of ours is named: meaning alone must lead the needs we have no guide for clearly.
    resolution = understanding.resolve("户口本丢了怎么补办")
    assert resolution.status == "none"


def test_a_follow_up_naming_nothing_stays_with_the_current_service(understanding):
    assert understanding.resolve("那在哪儿交呢", current="old-age-allowance").status == "none"


def test_a_changed_model_file_is_refused(monkeypatch):
    import guidekit.understanding.meaning as meaning

    monkeypatch.setattr(meaning, "E5_MODEL_SHA256", "0" * 64)
    with pytest.raises(ModelFileChanged):
        E5Embedder()
    assert E5_MODEL_SHA256 != "0" * 64


def test_a_published_example_sentence_works_within_a_second_without_retraining(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'g.db'}"
    load_guides(get_engine(url), ROOT / "guides")
    monkeypatch.setenv("BANSHI_DATABASE_URL", url)
    monkeypatch.setenv("BANSHI_CATALOG_REFRESH_SECONDS", "0")
    reset_settings()
    said = "金葫芦卡怎么弄"  # a local nickname nothing in the guides means yet
    try:
        catalog = GuideCatalog()
        assert catalog.current().understanding.resolve(said).guide_id != "senior-preferential-card"
        with Session(get_engine(url)) as session, session.begin():
            draft = ed.start_draft(session, "senior-preferential-card", "editor")
            text = draft.yaml_text.replace("examples:\n", f"examples:\n- {said}\n", 1)
            ed.save_draft(session, "senior-preferential-card", text, draft.lock, "editor")
            ed.submit(
                session, "senior-preferential-card", ed.get_draft(session, "senior-preferential-card").lock, "editor"
            )
        with Session(get_engine(url)) as session, session.begin():
            ed.publish(session, "senior-preferential-card", "reviewer")
        published = time.monotonic()
        resolution = catalog.current().understanding.resolve(said)
        took = time.monotonic() - published
        assert resolution.guide_id == "senior-preferential-card"
        assert took < 1.0, f"{took:.2f} s"
    finally:
        reset_settings()


def test_a_message_added_as_an_example_is_answered_with_its_guide_word_for_word(understanding):
    # What an editor does from the dashboard with a message people were stuck on. Unlike the guide's other
    # sayings, the meaning alone does not lift it past the bar of a short message.
    said = "月亮湾甲子号风筝"
    assert understanding.resolve(said).guide_id is None
    guides = [read_guide_file(p) for p in guide_files(ROOT / "guides")]
    guides = [
        g.model_copy(update={"examples": [*g.examples, said]}) if g.id == "funeral-allowance" else g for g in guides
    ]
    added = Snapshot(guides, 1, str(ROOT / "nlu_data" / "train")).understanding
    for heard in (said, "月亮湾甲子号风筝!", "月亮湾 甲子号 风筝"):
        assert added.resolve(heard).guide_id == "funeral-allowance", heard
        assert added.resolve(heard, current="id-card-reissue", doubted=True).guide_id == "funeral-allowance"


def test_two_needs_named_in_one_message_are_both_kept(understanding):
    text = "身份证和社保卡都丢了,怎么补"
    chosen = understanding.resolve(text).guide_id
    other = understanding.also_named(text, chosen)
    assert {chosen, *other} == {"id-card-reissue", "social-security-card-replacement"}


def test_a_short_name_that_is_only_the_setting_is_not_a_second_need(understanding):
    # 退休 says when; the need is the housing fund.
    text = "我前年就退休了,单位交的公积金一直没动,现在想全部取出来给孙子用"
    chosen = understanding.resolve(text).guide_id
    assert chosen == "housing-fund-retirement-withdrawal"
    assert understanding.also_named(text, chosen) == []


@pytest.mark.parametrize(
    "text, current",
    [("办这张卡要交钱吗", "senior-preferential-card"), ("钱几天能打到卡上", "housing-fund-retirement-withdrawal")],
)
def test_a_follow_up_whose_words_another_matter_shares_stays_with_the_service_discussed(understanding, text, current):
    # 卡 is also said of bank cards we have no guide for; in this conversation it is the card discussed.
    resolution = understanding.resolve(text, current=current)
    assert (resolution.status, resolution.unknown_subject) == ("none", None)


def test_a_shared_name_nearest_the_service_discussed_is_its_place_not_a_question_of_which(understanding):
    # 社保 is a name of three other guides; while the funeral allowance is discussed it is where that is done.
    text = "去社保之前要先去社区开个证明吗"
    assert understanding.resolve(text, current="funeral-allowance").status == "none"  # stays with it
    assert understanding.resolve(text).status == "ambiguous"  # without a conversation: which of them


def test_a_guess_the_classifier_does_not_back_does_not_interrupt_the_service_discussed(understanding):
    # 住在儿子家 suggests moving one's household to a son's; in the pension check's conversation it is the setting.
    text = "我住在儿子家 离老家远 让他帮我弄可以吗"
    assert understanding.resolve(text, current="pension-qualification").status == "none"
    # Described clearly enough for the classifier, another service is still asked about.
    resolution = understanding.resolve("第二个,家里困难那个", current="old-age-allowance")
    assert resolution.status == "ambiguous" and resolution.guide_id is None
    assert [c.guide_id for c in resolution.options] == ["minimum-living-allowance"]


def test_another_matter_named_in_a_conversation_still_gets_no_guide(understanding):
    assert understanding.resolve("护照丢了怎么办", current="id-card-reissue").unknown_subject == "护照"


def test_a_short_vague_message_of_ours_is_asked_not_sent_elsewhere(understanding):
    # Near a lost phone card in meaning, but it names no phone card: which card of ours?
    resolution = understanding.resolve("卡丢了怎么办")
    assert resolution.status == "ambiguous"
    assert {"social-security-card-replacement", "id-card-reissue"} <= {c.guide_id for c in resolution.options}


def test_the_new_card_of_the_service_being_discussed_is_no_unknown_service(understanding):
    # "什么时候能拿到新证" in the ID card's walk: its new card, not a 新证 we have no guide for.
    assert understanding.resolve("什么时候能拿到新证", current="id-card-reissue").unknown_subject is None
    assert understanding.resolve("什么时候能拿到新证", current="id-card-reissue").status == "none"
    assert understanding.resolve("驾驶证什么时候能拿到", current="id-card-reissue").status != "certain"


def test_a_long_message_is_read_on_more_threads_and_means_the_same():
    from guidekit.understanding.meaning import LONG_MESSAGE_CHARS, E5Embedder

    one, two = E5Embedder(threads=1), E5Embedder(threads=2)
    short, long = "补社保卡要带什么", "我老伴得了慢性病,每个月都要去医院拿药,听说门诊也能多报一点,要先去认定"
    assert len(short) <= LONG_MESSAGE_CHARS < len(long)
    assert (two.threads_for(short), two.threads_for(long), one.threads_for(long)) == (1, 2, 1)
    for text in (short, long):
        assert float(one.embed([text])[0] @ two.embed([text])[0]) > 0.999


def test_a_card_named_only_as_the_means_gives_way_to_the_need_its_meaning_is_clearly_about(understanding):
    # 医保卡 is in many sayings of needs we have no guide for (its password, family sharing): it names the card,
    # not the need. Here the card is how one pays; the need is the filing for treatment in another province.
    assert understanding.meaning.shared_with_elsewhere("医保卡", 3)
    result = understanding.resolve("在三亚住一冬天,看病想直接刷医保卡,得先去登记那个吧,手机上能办吗")
    assert result.status == "certain" and result.guide_id == "medical-offsite-filing"
    # A name no such saying uses stays as it was said.
    assert not understanding.meaning.shared_with_elsewhere("高龄津贴", 3)
    assert understanding.resolve("医保卡丢了怎么补").guide_id == "social-security-card-replacement"


def test_a_short_example_or_one_two_guides_share_does_not_decide_alone():
    guides = [read_guide_file(p) for p in guide_files(ROOT / "guides")]
    shared = "两个指南都有的一句话"
    guides = [
        g.model_copy(update={"examples": [*g.examples, shared, *(["怎么领"] if g.id == "funeral-allowance" else [])]})
        if g.id in ("funeral-allowance", "old-age-allowance")
        else g
        for g in guides
    ]
    understanding = Snapshot(guides, 1, str(ROOT / "nlu_data" / "train")).understanding
    assert understanding.meaning is not None
    assert understanding.meaning.said_of(shared) is None
    # "怎么领" is the funeral allowance's saying word for word, but while the old-age allowance is discussed it
    # asks how to receive that.
    assert understanding.meaning.said_of("怎么领") == "funeral-allowance"
    assert understanding.resolve("怎么领", current="old-age-allowance").guide_id != "funeral-allowance"


def test_new_vectors_reach_the_cache_file_in_the_background_and_are_read_back(tmp_path):
    import numpy as np

    from guidekit.understanding.meaning import VectorCache

    class Counting:
        name = "counting"
        calls = 0

        def embed(self, texts):
            Counting.calls += len(texts)
            return np.ones((len(texts), 4), np.float32)

    path = tmp_path / "var" / "cache.npz"
    first = VectorCache(Counting(), path)
    first.vectors(["丧葬费怎么领", "老年证在哪办"])
    first.flush()
    assert path.exists() and Counting.calls == 2
    second = VectorCache(Counting(), path)
    second.vectors(["丧葬费怎么领", "老年证在哪办"])
    assert Counting.calls == 2  # read from the file, not embedded again


def test_a_message_announcing_another_matter_moves_on_with_a_smaller_lead(understanding):
    # "另外 …" while the outpatient recognition is discussed: the off-site filing is only a little nearer in meaning,
    # but the person said this is another matter. The same words without the opening stay with the one discussed.
    text = "{}我下半年要去上海儿子家住 在那边拿药要先办什么"
    moved = understanding.resolve(text.format("另外 "), current="chronic-disease-outpatient")
    assert moved.status == "certain" and moved.guide_id == "medical-offsite-filing"
    assert understanding.resolve(text.format(""), current="chronic-disease-outpatient").status == "none"
    # A short follow-up opening the same way is still about the service discussed.
    assert understanding.resolve("对了 去哪办", current="chronic-disease-outpatient").status == "none"
