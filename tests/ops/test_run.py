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


def test_make_run_imports_the_sample_catalogue_as_drafts_beside_the_hand_written_guides(tmp_path):
    from guidekit.db.engine import get_engine
    from guidekit.guides.store import load_guides
    from ops.run import import_catalogue

    url = f"sqlite:///{tmp_path / 'guides.db'}"
    load_guides(get_engine(url), ROOT / "guides")
    export = ROOT / "catalogue" / "ankang-export.csv"
    # The 15 services written by hand are those guides (compared, not drafted again); the other 147 are drafts.
    assert import_catalogue(url, export) == (
        "catalogue ankang-export.csv: drafts: 147 new, 0 updated, 0 unchanged, 0 kept (not overwritten); "
        "nothing published"
    )
    assert "147 unchanged" in import_catalogue(url, export)  # every start: nothing written twice
