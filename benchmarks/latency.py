"""Turn latency through POST /api/chat and directly through Rasa's REST webhook, at 1 and 10 sessions.

Run: `make bench` (loopback only; bounded: every session plays the same 8-turn conversation a fixed
number of times, then the script stops the stack it started). Prints p50 / p95 per path and
concurrency, the API/Rasa ratio, and the resident memory (current and peak) of each process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Callable, Dict, List

import httpx

from benchmarks.stack import start_bench_stack

CONVERSATION = ["补社保卡要带什么", "下一个", "这个我有了", "下一个", "上一个", "在哪办", "今天开门吗", "还差哪些"]


def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def rss_mb(pid: int) -> Dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            out[line.split(":")[0]] = int(line.split()[1]) / 1024
    return out


def run_load(turn: Callable[[httpx.Client, str, str], None], sessions: int, rounds: int) -> Dict[str, float]:
    latencies: List[float] = []
    errors = [0]
    lock = threading.Lock()

    def user() -> None:
        with httpx.Client(timeout=30) as client:
            for _ in range(rounds):
                sender = f"bench-{uuid.uuid4().hex[:10]}"
                for text in CONVERSATION:
                    started = time.perf_counter()
                    try:
                        turn(client, sender, text)
                        elapsed = time.perf_counter() - started
                        with lock:
                            latencies.append(elapsed * 1000)
                    except (httpx.HTTPError, AssertionError):
                        with lock:
                            errors[0] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=user) for _ in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "n": len(latencies),
        "errors": errors[0],
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
        "rps": len(latencies) / wall,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5, help="conversations per session (8 turns each)")
    args = parser.parse_args()
    stack = start_bench_stack("banshi-bench-")
    cfg, model = stack.cfg, stack.cfg.model
    try:
        issued: dict = {}  # sender → the session id the API issued for it

        def via_api(client: httpx.Client, sender: str, text: str) -> None:
            r = client.post(f"{cfg.api_url}/api/chat", json={"session_id": issued.get(sender), "text": text})
            assert r.status_code == 200
            issued[sender] = r.json()["session_id"]

        def via_rasa(client: httpx.Client, sender: str, text: str) -> None:
            r = client.post(f"{cfg.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text})
            assert r.status_code == 200

        # Warm-up on both paths: the first few hundred turns after a start pay for TensorFlow's
        # lazy graph building and the action server's guide index, and would skew whichever runs first.
        for fn in (via_api, via_rasa):
            run_load(fn, 4, 5)
        rows = []
        for sessions in (1, 10):
            for path, fn in (("api", via_api), ("rasa", via_rasa)):
                rows.append((path, sessions, run_load(fn, sessions, args.rounds)))
        print(f"model {model.name}; {len(CONVERSATION)}-turn conversation, {args.rounds} per session")
        print(
            f"{'path':6s} {'sessions':>8s} {'turns':>6s} {'errors':>6s} {'p50 ms':>8s} {'p95 ms':>8s} {'turns/s':>8s}"
        )
        for path, sessions, r in rows:
            print(
                f"{path:6s} {sessions:8d} {r['n']:6d} {r['errors']:6d} {r['p50']:8.1f} {r['p95']:8.1f} {r['rps']:8.1f}"
            )
        for sessions in (1, 10):
            api = next(r for p, s, r in rows if p == "api" and s == sessions)
            rasa = next(r for p, s, r in rows if p == "rasa" and s == sessions)
            print(
                f"ratio api/rasa at {sessions:2d} sessions: p50 {api['p50'] / rasa['p50']:.2f}, "
                f"p95 {api['p95'] / rasa['p95']:.2f}"
            )
        for name, pid in stack.pids().items():
            mem = rss_mb(pid)
            print(f"memory {name:8s} RSS {mem.get('VmRSS', 0):7.0f} MB, peak {mem.get('VmHWM', 0):7.0f} MB")
        return 1 if any(r["errors"] for _, _, r in rows) else 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
