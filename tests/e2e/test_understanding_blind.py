"""Understanding on the blind set (benchmarks/understanding/blind/, written by someone who had not seen the
training data or the matching code, frozen before tuning), through the real stack.

Issue 13 asks for right service and topic ≥ 95 % overall and ≥ 90 % in every kind, a wrong service
≤ 0.5 %, no out-of-scope message answered with a service, and dialogues ≥ 95 %. Those targets are not met
yet (see the README's figures); until they are, these tests hold what has been reached, so that no change
loses it: the floors below are the measured figures of 2026-11-30 less a small margin for the model's
training on another machine. Raise them as understanding improves; never lower them to pass.
Only figures are printed, never the blind sentences.
"""

from __future__ import annotations

import pytest

from benchmarks.understanding import guide_names, load_set, run_dialogues, run_messages, set_figures

pytestmark = pytest.mark.e2e

# Measured on the second 2026-12-01 pass (README "Measuring"), less about two points.
RIGHT_OVERALL_AT_LEAST = 0.82  # measured 84.7 % (81.0 % on the first 12-01 pass, 62.1 % in the first pass)
SERVICE_OVERALL_AT_LEAST = 0.90  # measured 91.8 % (92.0 % on the first 12-01 pass, 90.5 % on 2026-11-30)
WRONG_SERVICES_AT_MOST = 10  # measured 9 of 464 (9 on 2026-11-30, 14 in the first pass)
DIALOGUE_TURNS_RIGHT_AT_LEAST = 0.87  # measured 88.7 % (89.4 % on the first 12-01 pass)


@pytest.fixture(scope="module")
def figures(stack):
    names = guide_names()
    blind = load_set("blind", known=names)
    messages = run_messages(stack.cfg.api_url, blind.messages, names)
    dialogues = run_dialogues(stack.cfg.api_url, blind.dialogues, names)
    assert all(r.reply.status == 200 for r in messages)
    return set_figures(messages, dialogues)


def test_blind_messages_are_understood_at_least_as_well_as_measured(figures):
    assert figures["overall"]["right"] >= RIGHT_OVERALL_AT_LEAST, figures["overall"]


def test_blind_messages_get_their_service_at_least_as_often_as_measured(figures):
    assert figures["overall"]["service"] >= SERVICE_OVERALL_AT_LEAST, figures["overall"]


def test_blind_messages_get_no_more_wrong_services_than_measured(figures):
    assert figures["overall"]["wrong_service"] <= WRONG_SERVICES_AT_MOST, figures["overall"]


def test_blind_dialogue_turns_are_understood_at_least_as_well_as_measured(figures):
    assert figures["dialogues"]["turns"]["right"] >= DIALOGUE_TURNS_RIGHT_AT_LEAST, figures["dialogues"]
