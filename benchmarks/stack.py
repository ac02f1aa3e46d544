"""A throwaway stack for a benchmark: its own guides database and var directory, free loopback ports."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Dict, Optional

from guidekit.db.engine import get_engine
from guidekit.guides.store import load_guides
from ops.stack import ROOT, Stack, StackConfig, free_port
from ops.train import ensure_model


# Every benchmark client talks from 127.0.0.1: the per-address turn limit would measure itself, not the stack
# (benchmarks/flood.py measures the limits). Voice benchmarks use this platform key.
BENCH_ENV = {
    "BANSHI_TURNS_PER_MINUTE_PER_CLIENT": "1000000",
    "BANSHI_TURNS_PER_MINUTE_PER_SESSION": "1000000",
    "BANSHI_VOICE_PLATFORM_KEYS": "bench:bench-voice-key",
}
VOICE_HEADERS = {"X-Voice-Key": "bench-voice-key"}


def start_bench_stack(prefix: str, extra_env: Optional[Dict[str, str]] = None, whole_catalogue: bool = False) -> Stack:
    """Started and ready; the caller stops it. `whole_catalogue`: the sample catalogue's other 147 services
    published beside the hand-written guides (benchmarks/whole_catalogue.py), after the model is trained, as a
    publish in service is: no retraining."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    db_url = f"sqlite:///{work / 'guides.db'}"
    load_guides(get_engine(db_url), ROOT / "guides")
    model = ensure_model(db_url, quiet=True)
    if whole_catalogue:
        from benchmarks.whole_catalogue import publish_whole_catalogue

        print(f"whole catalogue: {publish_whole_catalogue(get_engine(db_url))} imported services published", flush=True)
    cfg = StackConfig(
        database_url=db_url,
        model=model,
        var_dir=work,
        api_port=free_port(),
        rasa_port=free_port(),
        actions_port=free_port(),
        extra_env={**BENCH_ENV, **(extra_env or {})},
    )
    stack = Stack(cfg)
    stack.start(timeout=300)
    return stack
