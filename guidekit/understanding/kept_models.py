"""Fitted classifiers kept under var/ between processes (the topic and the service classifier).

Fitting takes 10–15 s on two cores, so each fitted model is written once, by the process that fitted it, to
a file named by what it was fitted from; other processes and restarts read it. Written to a temporary file and
renamed, so a reader never sees half a file; a file that cannot be read is fitted afresh, never fatal.
"""

from __future__ import annotations

import logging
import os
import pickle
from pathlib import Path
from typing import Any, Optional

log = logging.getLogger(__name__)


def read_kept(path: Path, what: str) -> Optional[Any]:
    """The object kept at `path`, or None when there is none or it cannot be read (then logged)."""
    if not path.exists():
        return None
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError) as exc:
        log.warning("%s %s unreadable (%s): fitting afresh", what, path, exc)
        return None


def keep(path: Path, kept: Any, what: str) -> None:
    """Write `kept` to `path` whole or not at all; a failure is logged (the next process fits again)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump(kept, f)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("%s not saved (%s)", what, exc)
