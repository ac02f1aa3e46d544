"""Rasa's own checks: the domain and data agree, and the test stories pass on the trained model."""

from __future__ import annotations

import os
import subprocess

import pytest

from benchmarks.test_stories import OUT, run_stories
from ops.train import RASA, ROOT, ensure_model

pytestmark = pytest.mark.e2e


def test_domain_and_training_data_validate_without_warnings():
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run(
        [
            str(RASA),
            "data",
            "validate",
            "--fail-on-warnings",
            "--config",
            "config.yml",
            "--domain",
            "bot/domain.yml",
            "--data",
            "nlu_data/train",
            "bot/data",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_rasa_test_stories_pass(guides_db_url):
    result = run_stories(ensure_model(guides_db_url, quiet=True))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    failed = OUT / "failed_test_stories.yml"
    assert not failed.exists() or "story:" not in failed.read_text()
