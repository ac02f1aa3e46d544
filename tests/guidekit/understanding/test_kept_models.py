"""Fitted classifiers kept under var/: read back whole, and a broken file means fitting again, not a crash."""

from __future__ import annotations

import logging

from guidekit.understanding.kept_models import keep, read_kept


def test_a_kept_model_is_read_back_as_written(tmp_path):
    path = tmp_path / "var" / "model.pkl"  # its folder is made when missing
    keep(path, ("characters", {"weights": [1, 2, 3]}), "test model")
    assert read_kept(path, "test model") == ("characters", {"weights": [1, 2, 3]})
    assert [p.name for p in path.parent.iterdir()] == ["model.pkl"]  # no temporary file left behind


def test_a_missing_or_broken_file_reads_as_nothing_and_says_so(tmp_path, caplog):
    assert read_kept(tmp_path / "none.pkl", "test model") is None
    broken = tmp_path / "broken.pkl"
    broken.write_bytes(b"\x80\x04not a pickle")
    with caplog.at_level(logging.WARNING, logger="guidekit.understanding.kept_models"):
        assert read_kept(broken, "test model") is None
    assert "test model" in caplog.text and "fitting afresh" in caplog.text
