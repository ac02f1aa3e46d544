"""A 21st user's turn time while 20 clients flood /api/chat: `python -m benchmarks.flood`.

Issue 12 item 7: twenty clients sending as fast as they could for twenty seconds raised another user's
median turn from 61 to 797 ms. The flood comes from 127.0.0.1, the user from 127.0.0.2 (any 127/8
address is this machine), first with the turn limits off, then with the default limits on
(api/turn_limits.py). Prints the user's p50 / p95 and the flood's answered / refused counts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from typing import Dict, List

import httpx

from benchmarks.stack import start_bench_stack
from api.settings import ApiSettings

FLOOD_TEXT = "补社保卡要带什么"
USER_TURNS = ["补社保卡要带什么", "下一个", "在哪办", "要钱吗", "上一个", "再说一遍"]


def _flood(url: str, stop: threading.Event, counts: Dict[str, int], lock: threading.Lock) -> None:
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.1"), timeout=60) as client:
        while not stop.is_set():
            try:
                code = client.post(url, json={"text": FLOOD_TEXT}).status_code
            except httpx.HTTPError:
                code = 0
            with lock:
                counts[str(code)] = counts.get(str(code), 0) + 1


def _user(url: str, seconds: float) -> List[float]:
    times: List[float] = []
    session = None
    deadline = time.monotonic() + seconds
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=60) as client:
        i = 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            reply = client.post(url, json={"session_id": session, "text": USER_TURNS[i % len(USER_TURNS)]})
            times.append((time.perf_counter() - started) * 1000)
            if reply.status_code == 200:
                session = reply.json()["session_id"]
            i += 1
            time.sleep(0.5)
    return times


def _peak_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run(limits: bool, clients: int, seconds: float) -> None:
    defaults = ApiSettings.model_fields
    env = (
        {
            "BANSHI_TURNS_PER_MINUTE_PER_CLIENT": str(defaults["turns_per_minute_per_client"].default),
            "BANSHI_TURNS_PER_MINUTE_PER_SESSION": str(defaults["turns_per_minute_per_session"].default),
        }
        if limits
        else {}
    )
    stack = start_bench_stack("banshi-flood-", env)
    try:
        url = f"{stack.cfg.api_url}/api/chat"
        _user(url, 10)  # warm-up: the first turns after a start load models and build indexes
        quiet = _user(url, 5)
        stop, lock, counts = threading.Event(), threading.Lock(), {}
        flooders = [threading.Thread(target=_flood, args=(url, stop, counts, lock)) for _ in range(clients)]
        for t in flooders:
            t.start()
        time.sleep(1)
        loaded = _user(url, seconds)
        stop.set()
        for t in flooders:
            t.join()
        name = "limits on " if limits else "limits off"
        print(
            f"{name}: user alone p50 {statistics.median(quiet):.0f} ms; under {clients}-client flood "
            f"p50 {statistics.median(loaded):.0f} ms, p95 {sorted(loaded)[int(0.95 * (len(loaded) - 1))]:.0f} ms "
            f"({len(loaded)} turns); flood responses by status {dict(sorted(counts.items()))}"
        )
        print(
            "  peak resident memory: "
            + ", ".join(f"{name} {_peak_mb(pid):.0f} MB" for name, pid in stack.pids().items())
        )
    finally:
        stack.stop()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    for limits in (False, True):
        run(limits, args.clients, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
