"""Intent accuracy on the held-out split (nlu_data/test_split), which is never used for training.

Run: `make nlu-eval`. Prints overall accuracy, per-intent F1 and every misclassified example;
the full Rasa report lands in var/nlu_eval/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from guidekit.settings import get_settings
from ops.train import ROOT, RASA, ensure_model

OUT = ROOT / "var" / "nlu_eval"


def main() -> int:
    model = ensure_model(get_settings().database_url, quiet=True)
    OUT.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(RASA),
        "test",
        "nlu",
        "--model",
        str(model),
        "--nlu",
        "nlu_data/test_split",
        "--out",
        str(OUT),
        "--no-plot",
    ]
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    report_path = OUT / "intent_report.json"
    if result.returncode != 0 or not report_path.exists():
        print(result.stdout[-3000:], result.stderr[-3000:], file=sys.stderr)
        return 1
    report = json.loads(report_path.read_text())
    total = sum(
        v["support"]
        for k, v in report.items()
        if isinstance(v, dict) and "support" in v and k not in ("micro avg", "macro avg", "weighted avg")
    )
    print(f"model: {model.name}")
    print(f"held-out utterances: {total}")
    print(f"intent accuracy: {report['accuracy']:.3f}")
    print(f"weighted F1: {report['weighted avg']['f1-score']:.3f}")
    for intent, row in sorted(report.items()):
        if isinstance(row, dict) and "f1-score" in row and intent not in ("micro avg", "macro avg", "weighted avg"):
            print(f"  {intent:18s} F1 {row['f1-score']:.2f}  (n={row['support']})")
    errors_path = OUT / "intent_errors.json"
    errors = json.loads(errors_path.read_text()) if errors_path.exists() else []
    print(f"misclassified: {len(errors)}")
    for err in errors:
        predicted = err["intent_prediction"]
        print(f"  {err['text']!r}: expected {err['intent']}, got {predicted['name']} ({predicted['confidence']:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
