"""Bounded load through POST /api/chat: N simulated users × M turns each, all at once, loopback only.

    python -m benchmarks.load --profile embedded     # SQLite, one Rasa, in-memory lock store
    python -m benchmarks.load --profile production   # PostgreSQL + Redis, two Rasa instances
    python -m benchmarks.load --catalogue            # … with the whole sample catalogue published (162 guides)

The production profile needs BANSHI_TEST_POSTGRES_URL and BANSHI_TEST_REDIS_URL (as the tests do) and
creates throwaway databases. Prints throughput, p50/p95/p99 latency, the error count (must be 0) and
the peak memory of every process; exits 1 on any error. `make load` runs both.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Dict, List

import httpx

from benchmarks.latency import percentile, rss_mb
from guidekit.db.engine import get_engine
from guidekit.guides.store import load_guides
from benchmarks.stack import BENCH_ENV
from ops.stack import ROOT, Stack, StackConfig, free_port
from ops.train import ensure_model

# Twenty turns an older person might take: a service, the list, questions, another service.
TURNS = [
    "补社保卡要带什么",
    "下一个",
    "这个我有了",
    "下一个",
    "上一个",
    "再说一遍",
    "在哪办",
    "今天开门吗",
    "要钱吗",
    "还差哪些",
    "全部说一遍",
    "老年证在哪里办",
    "要带什么",
    "下一个",
    "家人能代办吗",
    "身份证丢了怎么补",
    "下一个",
    "说慢一点",
    "几点开门",
    "谢谢",
]


def run(api_url: str, users: int, turns: int) -> Dict:
    latencies: List[float] = []
    errors = [0]
    reasons: collections.Counter = collections.Counter()  # what went wrong, so that an error can be looked into
    lock = threading.Lock()
    start_gate = threading.Barrier(users)

    def user() -> None:
        session = None  # issued by the server with the first reply
        with httpx.Client(timeout=60) as client:
            start_gate.wait()
            for i in range(turns):
                started = time.perf_counter()
                why = ""
                try:
                    r = client.post(f"{api_url}/api/chat", json={"session_id": session, "text": TURNS[i % len(TURNS)]})
                    if r.status_code != 200:
                        why = f"HTTP {r.status_code}: {r.text[:120]}"
                    elif not r.json()["messages"]:
                        why = f"no reply to {TURNS[i % len(TURNS)]!r}"
                    else:
                        session = r.json()["session_id"]
                except (httpx.HTTPError, ValueError) as exc:
                    why = f"{type(exc).__name__}: {exc}"[:160]
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
                    if why:
                        errors[0] += 1
                        reasons[why] += 1

    threads = [threading.Thread(target=user) for _ in range(users)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "turns": len(latencies),
        "errors": errors[0],
        "reasons": dict(reasons.most_common()),
        "seconds": wall,
        "throughput": len(latencies) / wall,
        "p50": percentile(latencies, 0.5),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", choices=("embedded", "production"), default="embedded")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument(
        "--catalogue", action="store_true", help="with the whole sample catalogue published (162 guides)"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix=f"banshi-load-{args.profile}-"))
    extra: Dict = {}
    postgres = None
    if args.profile == "production":
        from tests.prod.conftest import Postgres

        pg_url, redis_url = os.environ.get("BANSHI_TEST_POSTGRES_URL"), os.environ.get("BANSHI_TEST_REDIS_URL")
        if not (pg_url and redis_url):
            print("set BANSHI_TEST_POSTGRES_URL and BANSHI_TEST_REDIS_URL for the production profile", file=sys.stderr)
            return 2
        postgres = Postgres(pg_url)
        db_url = postgres.create("banshi_load_guides").replace("postgresql://", "postgresql+psycopg2://", 1)
        extra = {
            "tracker_store_url": postgres.create("banshi_load_tracker"),
            "lock_store_url": redis_url,
            "more_rasa_ports": [free_port()],
        }
    else:
        db_url = f"sqlite:///{work / 'guides.db'}"
    try:
        load_guides(get_engine(db_url), ROOT / "guides")
        if args.catalogue:
            from benchmarks.whole_catalogue import publish_whole_catalogue

            publish_whole_catalogue(get_engine(db_url))
        cfg = StackConfig(
            database_url=db_url,
            model=ensure_model(db_url, quiet=True),
            var_dir=work,
            api_port=free_port(),
            rasa_port=free_port(),
            actions_port=free_port(),
            extra_env=BENCH_ENV,
            **extra,
        )
        stack = Stack(cfg)
        stack.start(timeout=300)
        try:
            run(cfg.api_url, 5, 8)  # warm-up
            r = run(cfg.api_url, args.users, args.turns)
            rasa = len(cfg.rasa_ports)
            guides = "162 guides (whole catalogue)" if args.catalogue else "15 guides"
            print(f"profile {args.profile}, {guides}: {args.users} users × {args.turns} turns, {rasa} Rasa instance(s)")
            print(
                f"turns {r['turns']}, errors {r['errors']}, {r['seconds']:.1f} s, {r['throughput']:.1f} turns/s, "
                f"p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, p99 {r['p99']:.0f} ms"
            )
            for why, count in r["reasons"].items():
                print(f"  {count} × {why}")
            for name, pid in stack.pids().items():
                mem = rss_mb(pid)
                print(f"peak memory {name:12s} {mem.get('VmHWM', 0):6.0f} MB")
            return 1 if r["errors"] else 0
        finally:
            stack.stop()
    finally:
        if postgres is not None:
            postgres.drop_all()


if __name__ == "__main__":
    sys.exit(main())
