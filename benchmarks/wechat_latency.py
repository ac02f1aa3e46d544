"""Passive-reply time of a WeChat text message through the whole stack (signature check, XML, API, Rasa,
action server, reply XML), measured as WeChat's server sees it: request sent → reply received.

Run: `make bench-wechat` (loopback only; bounded: a fixed number of conversations, one at a time and
then 5 at once, then the stack it started is stopped). Prints p50 / p95 / max and how many replies were
passive (all should be: WeChat allows 5 s and the endpoint answers passively within 4 s).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import uuid
from typing import Dict, List

import httpx

from benchmarks.latency import CONVERSATION, percentile
from benchmarks.stack import start_bench_stack
from tests.api.wechat_protocol import signed_params, text_xml

TOKEN = "bench-token"


def run(url: str, users: int, rounds: int) -> Dict[str, float]:
    times: List[float] = []
    passive = [0]
    lock = threading.Lock()
    msg_ids = iter(range(time.time_ns() // 1000, 2**62))  # never reused across runs: a reuse is a retry

    def user() -> None:
        with httpx.Client(timeout=10) as client:
            for _ in range(rounds):
                openid = f"oBench{uuid.uuid4().hex[:12]}"
                for text in CONVERSATION:
                    with lock:
                        msg_id = next(msg_ids)
                    body = text_xml(openid, text, msg_id).encode("utf-8")
                    started = time.perf_counter()
                    response = client.post(url, params=signed_params(TOKEN), content=body)
                    elapsed = (time.perf_counter() - started) * 1000
                    with lock:
                        times.append(elapsed)
                        passive[0] += response.status_code == 200 and response.text.startswith("<xml>")

    threads = [threading.Thread(target=user) for _ in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "n": len(times),
        "passive": passive[0],
        "p50": percentile(times, 0.5),
        "p95": percentile(times, 0.95),
        "max": max(times),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10, help="conversations per user (8 messages each)")
    args = parser.parse_args()
    stack = start_bench_stack("banshi-bench-wechat-", {"WECHAT_TOKEN": TOKEN})
    cfg, model = stack.cfg, stack.cfg.model
    try:
        url = f"{cfg.api_url}/wechat"
        run(url, 2, 3)  # warm-up: TensorFlow's lazy graph building, the guide index
        print(f"model {model.name}; {len(CONVERSATION)}-message conversation, {args.rounds} per user")
        print(f"{'users':>5s} {'messages':>8s} {'passive':>7s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
        failed = False
        for users in (1, 5):
            r = run(url, users, args.rounds)
            failed |= r["passive"] != r["n"]
            print(f"{users:5d} {r['n']:8d} {r['passive']:7d} {r['p50']:8.1f} {r['p95']:8.1f} {r['max']:8.1f}")
        return 1 if failed else 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
