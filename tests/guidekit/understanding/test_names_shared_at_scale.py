"""A name several guides are about, once a city's catalogue is published beside the hand-written guides: 敬老卡 is
said about getting the bus card and about its yearly check, 社保卡 about replacing the card and about reporting it
lost, 公积金 about a dozen withdrawals. The guide that was given the name first must not take every message
that says it: the meaning of the rest decides, and when it cannot, the person is asked.

The index and the service classifier are built over the 15 guides and the sample catalogue's services around those
names (the whole catalogue is measured by benchmarks/understanding --catalogue)."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidekit.catalogue.importer import import_export
from guidekit.db.engine import get_engine
from guidekit.guides.loader import guide_files, read_guide_file
from guidekit.understanding.resolver import ServiceIndex
from guidekit.understanding.decide import Understanding
from guidekit.understanding.meaning import MeaningIndex, shared_cache
from guidekit.understanding.services_by_meaning import ServiceClassifier

ROOT = Path(__file__).resolve().parents[3]
BUS_CARD, YEARLY_CHECK = "sx61091100201", "sx61091100202"  # 敬老卡申领, 敬老卡年审
CARD_LOST, CARD_PASSWORD = "sx61090200503", "sx61090200504"  # 社会保障卡挂失与解挂, 密码重置
FUND_AFTER_DEATH = "sx61090600105"  # 缴存人死亡提取住房公积金
AROUND = {BUS_CARD, YEARLY_CHECK, CARD_LOST, CARD_PASSWORD, FUND_AFTER_DEATH, "sx61090600102", "sx61090600201"}


@pytest.fixture(scope="module")
def understanding() -> Understanding:
    guides = [read_guide_file(p) for p in guide_files(ROOT / "guides")]
    report = import_export(
        ROOT / "catalogue" / "ankang-export.csv",
        get_engine("sqlite://"),
        dry_run=True,
        sayings=ROOT / "catalogue" / "ankang-sayings.yml",
    )
    guides += [b.guide for b in report.built if b.guide is not None and b.guide.id in AROUND]
    meaning = MeaningIndex(guides, shared_cache(str(ROOT / "var" / "meaning-cache.npz")))
    classifier = ServiceClassifier.fit(meaning.cache, meaning.training)
    return Understanding(ServiceIndex(guides, 1), meaning, lambda: classifier)


def test_a_name_the_hand_written_guide_was_given_is_shared_once_other_guides_say_it(understanding):
    assert understanding.meaning.shared_with_other_guides("敬老卡", "senior-preferential-card", 3)
    assert not understanding.meaning.shared_with_other_guides("优待证", "senior-preferential-card", 3)


@pytest.mark.parametrize("text, guide", [("社保卡挂失", CARD_LOST), ("敬老卡怎么办", BUS_CARD)])
def test_the_meaning_of_the_rest_decides_between_the_guides_a_shared_name_is_about(understanding, text, guide):
    assert understanding.resolve(text).guide_id == guide


def test_when_the_meaning_is_as_near_to_both_the_person_is_asked(understanding):
    resolution = understanding.resolve("俺家老太太想整个敬老卡,得带啥玩意儿?")
    assert resolution.status == "ambiguous"
    assert {c.guide_id for c in resolution.options} == {BUS_CARD, "senior-preferential-card"}


def test_a_name_that_is_only_its_guides_stays_its_guides(understanding):
    assert understanding.resolve("补社保卡").guide_id == "social-security-card-replacement"
    assert understanding.resolve("退休了公积金怎么取").guide_id == "housing-fund-retirement-withdrawal"


def test_a_second_guide_named_in_the_message_is_a_second_need_not_a_choice(understanding):
    resolution = understanding.resolve("身份证和社保卡都丢了,怎么补")
    assert resolution.status == "certain"
    chosen = resolution.guide_id
    assert chosen in ("id-card-reissue", "social-security-card-replacement")
    assert understanding.also_named("身份证和社保卡都丢了,怎么补", chosen)
