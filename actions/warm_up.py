"""The action server's matching, built when it starts (BANSHI_WARM_ON_START, set by ops/stack.py).

Why: the first turn after a start built everything — the sentence model, the meaning index of every saying, the
service and topic classifiers, jieba's dictionary — and on the 2-core machine that once took longer than the API waits
for Rasa (10 s): the first person got "系统暂时出了问题". rasa_sdk imports every module of the actions package before
it answers /health, so a stack waiting for health waits for this too. A failure here (the database not reachable yet)
is logged and the first turn builds as before.
"""

from __future__ import annotations

import logging
import time

from actions.conversation import CATALOG
from guidekit.settings import get_settings

log = logging.getLogger(__name__)


def warm() -> None:
    started = time.monotonic()
    try:
        snapshot = CATALOG.current()
        snapshot.understanding.resolve(snapshot.prepare("补社保卡要带什么"))
        if snapshot.topics is not None:
            snapshot.topics.probabilities("要带什么")
        if snapshot.navigation is not None:
            snapshot.navigation.meant("下一个")
    except Exception:  # never keeps the action server from starting
        log.exception("matching not built at start: the first turn builds it")
        return
    log.info("matching built at start in %.1f s (%d guides)", time.monotonic() - started, len(snapshot.guides))


if get_settings().warm_on_start:
    warm()
