"""`make run` refuses to start twice and says so."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys

from ops.run import INFO, LOCK, ROOT


def test_second_make_run_says_one_is_already_running():
    LOCK.parent.mkdir(exist_ok=True)
    had_info = INFO.exists()
    with LOCK.open("a+") as held:
        try:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # a developer's real `make run` holds it: the answer must be the same
        if not had_info:
            INFO.write_text('{"pid": 4242, "url": "http://127.0.0.1:8000"}')
        try:
            result = subprocess.run(
                [sys.executable, "-m", "ops.run"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env=dict(os.environ, PYTHONPATH=str(ROOT)),
                timeout=120,
            )
        finally:
            if not had_info:
                INFO.unlink()
    assert result.returncode == 1
    assert "已经在运行" in result.stderr and "Already running" in result.stderr
    assert "http://127.0.0.1:8000" in result.stderr
