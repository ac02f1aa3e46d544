"""The service classifier settles descriptions the nearest sayings left undecided, and only those."""

from __future__ import annotations

import os
import threading
import time
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
    """Three publishes with new examples in a row: the model before answers meanwhile, the refits run one at a
    time in a child process (not in the answering one), and the one overtaken while waiting is never fitted."""
    models = shared_models(understanding.meaning.cache)
    before = understanding.services()
    base = list(understanding.meaning.training)
    first, second, third = (
        base + [(f"我想换个新身份证,旧的字都磨没了,第{n}回问", "id-card-renewal")] for n in (1, 2, 3)
    )
    digests = [models.ensure(first), models.ensure(second), models.ensure(third)]
    paths = [models._path(d) for d in digests]
    try:
        # At once, a model answers: not the newest, being fitted (the model before, or one another test's refit left).
        assert models.get(digests[2]) is not None and digests[2] not in models._fitted
        assert _fitting_child_seen(within=10.0)  # the refit runs in a process of its own
        assert models.ensure(third, wait=True) == digests[2]  # (waits for the refits under way)
        assert digests[1] not in models._fitted  # overtaken by the third while waiting
        assert paths[2] is not None and paths[2].exists()  # kept by the child process
        assert models.get(digests[2]) is not before
        assert [t.name for t in threading.enumerate()].count("service-model-fit") <= 1
    finally:
        for path in paths:
            if path is not None:
                path.unlink(missing_ok=True)


def _fitting_child_seen(within: float) -> bool:
    """Whether a child of this process runs `python -m guidekit.understanding.services_by_meaning` (from /proc)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or _stat(int(entry.name))[1:2] != [str(os.getpid())]:
                continue
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if b"guidekit.understanding.services_by_meaning" in command:
                return True
        time.sleep(0.05)
    return False


def test_a_refit_stops_when_the_process_that_asked_for_it_is_killed(tmp_path):
    """A killed action server (no atexit) leaves no fit behind spending minutes of CPU and gigabytes for nobody."""
    import json
    import signal
    import subprocess
    import sys

    sayings = [(f"第{n}句:我想问问这个事情怎么办理", "id-card-renewal" if n % 2 else "") for n in range(400)]
    given, out = tmp_path / "sayings.json", tmp_path / "model.pkl"
    given.write_text(json.dumps(sayings, ensure_ascii=False), encoding="utf-8")
    fit = f"{sys.executable} -m guidekit.understanding.services_by_meaning {given} {out} {tmp_path / 'cache.npz'}"
    parent = subprocess.Popen(["sh", "-c", f"{fit} & echo $! > {tmp_path / 'pid'}; wait"], cwd=ROOT)
    deadline = time.monotonic() + 10
    while not (tmp_path / "pid").exists() or not (tmp_path / "pid").read_text().strip():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    child = int((tmp_path / "pid").read_text())
    time.sleep(3)  # the model is loaded and the sentences are being embedded (400 × about 20 ms)
    assert Path(f"/proc/{child}").exists()
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 5
    while _stat(child)[:1] not in ([], ["Z"]):  # (gone, or a zombie nobody reaped)
        assert time.monotonic() < deadline, "the fit went on without its parent"
        time.sleep(0.1)
    assert not out.exists()


def _stat(pid: int) -> list:
    """The fields of /proc/PID/stat after the command name (state, parent, …); [] when the process is gone."""
    try:
        return (Path(f"/proc/{pid}") / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []
