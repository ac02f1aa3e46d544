"""A need we have no guide for stops being one when a guide for it is published (`covered_by` in
guidekit/data/elsewhere.yml): with 15 guides "我们老两口想去领结婚证" is the 12345 answer; with the city's
catalogue published, 结婚登记 is a guide, and the "elsewhere" sayings about it must not pull people away."""

from __future__ import annotations

from pathlib import Path

import pytest
from guidekit.catalogue.importer import import_export
from guidekit.db.engine import get_engine
from guidekit.guides.loader import guide_files, read_guide_file
from guidekit.understanding.meaning import covered_by, elsewhere_sayings, voices

ROOT = Path(__file__).resolve().parents[3]
MARRIAGE = "结婚、离婚登记"


@pytest.fixture(scope="module")
def hand_written() -> set:
    return {read_guide_file(p).id for p in guide_files(ROOT / "guides")}


def _about(sayings) -> set:
    return {about for _, about in sayings}


def test_every_guide_named_as_covering_a_need_is_a_service_of_the_sample_catalogue():
    report = import_export(ROOT / "catalogue" / "ankang-export.csv", get_engine("sqlite://"), dry_run=True)
    ids = {b.guide.id for b in report.built if b.guide is not None}
    named = {gid for covering in covered_by().values() for gid in covering}
    assert named and named <= ids, sorted(named - ids)


def test_a_need_stays_elsewhere_until_a_guide_covering_it_is_published(hand_written):
    assert "sx61090400701" in covered_by()[MARRIAGE]
    with_15 = elsewhere_sayings(hand_written)
    assert MARRIAGE in _about(with_15) and with_15 == elsewhere_sayings()  # none of ours covers it
    with_marriage = elsewhere_sayings(hand_written | {"sx61090400701"})
    assert MARRIAGE not in _about(with_marriage) and len(with_marriage) < len(with_15)
    assert "护照、港澳台通行证" in _about(with_marriage)  # needs nobody covers stay


def test_the_service_classifier_loses_the_voices_of_a_covered_need_too(hand_written):
    with_15 = voices(hand_written)
    with_marriage = voices(hand_written | {"sx61090400701"})
    assert len(with_marriage) < len(with_15)
    assert {t for t, g in with_15 if g} == {t for t, g in with_marriage if g}  # the guides' voices stay
