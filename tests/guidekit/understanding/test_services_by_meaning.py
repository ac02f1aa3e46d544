"""The service classifier settles descriptions the nearest sayings left undecided, and only those."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidekit.catalog import Snapshot
from guidekit.guides.loader import guide_files, read_guide_file
from guidekit.understanding.meaning import NOWHERE, voices
from guidekit.understanding.services_by_meaning import shared_models

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def understanding():
    guides = [read_guide_file(p) for p in guide_files(ROOT / "guides")]
    found = Snapshot(guides, 0, str(ROOT / "nlu_data" / "train")).understanding
    assert found.services() is not None  # the first model of a process is there before the first answer
    return found


def test_the_voices_cover_every_guide_and_near_misses(understanding):
    said = voices()
    ids = {g for _, g in said}
    assert set(understanding.index.names) <= ids and NOWHERE in ids
    assert sum(1 for _, g in said if g == NOWHERE) >= 200


def test_a_description_left_between_guides_is_settled_when_the_classifier_is_sure(understanding):
    # Not one of the classifier's sentences; the nearest sayings alone give no guide (the housing fund's other
    # uses are near too), the classifier is sure: the retirement withdrawal.
    text = "单位交了好多年的那笔买房的钱,我现在不上班了,能一次拿出来不"
    meant = understanding.meaning.meaning(text)
    assert understanding.decide(understanding.index.resolve(text), meant, None, len(text)).status != "certain"
    assert understanding.resolve(text).guide_id == "housing-fund-retirement-withdrawal"


def test_a_short_vague_message_is_still_asked_about(understanding):
    resolution = understanding.resolve("我的卡丢了")
    assert resolution.status == "ambiguous"


def test_the_service_being_discussed_is_not_left_for_a_guess(understanding):
    text = "能让闺女替我去办吗"
    assert understanding.resolve(text, current="id-card-reissue").status == "none"  # stays with the ID card


def test_a_refit_after_a_publish_does_not_hold_up_answers(understanding):
    models = shared_models(understanding.meaning.cache)
    before = understanding.services()
    changed = list(understanding.meaning.training) + [("我想换个新身份证,旧的字都磨没了", "id-card-renewal")]
    digest = models.ensure(changed)  # in the background: the model before answers meanwhile
    assert models.get(digest) is not None
    assert before is not None
