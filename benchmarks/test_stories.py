"""Run Rasa's test stories (bot/tests) against the current model: `make test-stories`.

Exits non-zero when any story fails; the report lands in var/story_results/.
"""

from __future__ import annotations

import os
import subprocess
import sys

from guidekit.settings import get_settings
from ops.train import RASA, ROOT, ensure_model

OUT = ROOT / "var" / "story_results"


def run_stories(model) -> subprocess.CompletedProcess:
    OUT.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(RASA),
        "test",
        "core",
        "--model",
        str(model),
        "--stories",
        "bot/tests",
        "--out",
        str(OUT),
        "--fail-on-prediction-errors",
        "--no-plot",
    ]
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)


def main() -> int:
    result = run_stories(ensure_model(get_settings().database_url, quiet=True))
    print(result.stdout[-2000:])
    failed = OUT / "failed_test_stories.yml"
    print("failed stories:", failed.read_text() if failed.exists() else "none")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
