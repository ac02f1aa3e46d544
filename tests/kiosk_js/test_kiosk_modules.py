"""The kiosk's pure JavaScript modules (api/kiosk/static/*.js), unit-tested with Node's built-in test runner."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_the_kiosk_modules_pass_their_node_tests():
    node = shutil.which("node")
    assert node, "Node.js is needed for the kiosk's module tests (ops/system-packages.sh installs it)"
    files = sorted(str(p) for p in HERE.glob("*.test.mjs"))
    assert len(files) >= 2
    done = subprocess.run([node, "--test", *files], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout and "# pass " in done.stdout
