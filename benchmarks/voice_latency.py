"""Time from POST /voice/turn to its response through the whole stack (chat turn + speech text + SSML),
and of POST /voice/tts (espeak-ng synthesis of one materials step).

Run: `make bench-voice` (loopback only; bounded: a fixed number of conversations, then the stack it
started is stopped). Prints p50 / p95 / max.
"""
from __future__ import annotations

import argparse
import sys
import time
from functools import partial
from typing import Callable, List

import httpx

from benchmarks.latency import CONVERSATION, percentile
from benchmarks.stack import VOICE_HEADERS, start_bench_stack


def timed(fn: Callable[[], httpx.Response], into: List[float]) -> httpx.Response:
    started = time.perf_counter()
    response = fn()
    into.append((time.perf_counter() - started) * 1000)
    assert response.status_code == 200, response.text[:200]
    return response


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10, help="conversations (8 turns each)")
    args = parser.parse_args()
    stack = start_bench_stack("banshi-bench-voice-")
    try:
        api = stack.cfg.api_url
        turns: List[float] = []
        tts: List[float] = []
        with httpx.Client(timeout=30) as client:
            for round_no in range(args.rounds + 1):  # round 0 warms up
                session = None
                sink: List[float] = [] if round_no == 0 else turns
                for text in CONVERSATION:
                    reply = timed(partial(client.post, f"{api}/voice/turn", json={
                        "session_id": session, "text": text, "confidence": 0.9}, headers=VOICE_HEADERS), sink).json()
                    session = reply["session_id"]
                if round_no:
                    timed(partial(client.post, f"{api}/voice/tts", json={"text": reply["reply_text"], "slow": False}), tts)
        print(f"{'endpoint':12s} {'n':>4s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
        for name, values in (("/voice/turn", turns), ("/voice/tts", tts)):
            print(f"{name:12s} {len(values):4d} {percentile(values, 0.5):8.1f} {percentile(values, 0.95):8.1f} "
                  f"{max(values):8.1f}")
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
