"""Service and topic understanding on the labelled set (benchmarks/understanding/cases.yml).

Run: `make understanding` — starts the real stack (or uses `--api-url` of a running one), sends every
utterance through `POST /api/chat` in a fresh session, and prints accuracy per category and overall,
the out-of-scope violations, and every miss. Exits 1 when a target is missed:
service ≥ 95% overall and ≥ 90% in every category, topic ≥ 93%, zero out-of-scope answered with a service.
"""
from __future__ import annotations

import argparse
import collections
import dataclasses
import sys
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List, Optional

import httpx
import yaml

CASES = Path(__file__).resolve().parent / "understanding" / "cases.yml"
CATEGORIES = ("official", "colloquial", "asr", "regional", "traditional", "pinyin", "topic", "ambiguous",
              "out_of_scope")
TOPICS = {"materials", "location", "hours", "fee", "duration", "online", "proxy", "eligibility", "process",
          "clarify", "fallback"}
SERVICE_TARGET, CATEGORY_TARGET, TOPIC_TARGET = 0.95, 0.90, 0.93


@dataclasses.dataclass(frozen=True)
class Case:
    line: int
    text: str
    category: str
    guide: Optional[str]
    topic: str
    options: tuple = ()


def load_cases(path: Path = CASES, known_guides: Optional[set] = None) -> List[Case]:
    """Read and check the set; a bad entry is reported with its line."""
    root = yaml.compose(path.read_text(encoding="utf-8"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases, problems = [], []
    for node, raw in zip(root.value, data):
        line = node.start_mark.line + 1
        case = Case(line, str(raw.get("text", "")), raw.get("category", ""), raw.get("guide"),
                    raw.get("topic", ""), tuple(raw.get("options") or ()))
        if not case.text.strip():
            problems.append(f"{path}:{line}: text is empty")
        if case.category not in CATEGORIES:
            problems.append(f"{path}:{line}: category {case.category!r} is not one of {CATEGORIES}")
        if case.topic not in TOPICS:
            problems.append(f"{path}:{line}: topic {case.topic!r} is not one of {sorted(TOPICS)}")
        for gid in filter(None, (case.guide, *case.options)):
            if known_guides is not None and gid not in known_guides:
                problems.append(f"{path}:{line}: guide {gid!r} is not a published guide")
        cases.append(case)
    if problems:
        raise ValueError("\n".join(problems))
    return cases


def service_correct(case: Case, state: Dict) -> bool:
    if case.category == "ambiguous":
        return state.get("topic") == "clarify" and set(case.options) <= set(state.get("options") or [])
    if case.guide is None:
        return state.get("service_id") is None and not state.get("options")
    return state.get("service_id") == case.guide


@dataclasses.dataclass
class Result:
    case: Case
    state: Dict
    reply: str

    @property
    def service_ok(self) -> bool:
        return service_correct(self.case, self.state)

    @property
    def topic_ok(self) -> bool:
        return self.state.get("topic") == self.case.topic


def run_cases(api_url: str, cases: List[Case], workers: int = 4) -> List[Result]:
    def one(case: Case) -> Result:
        with httpx.Client(timeout=30) as client:
            r = client.post(f"{api_url}/api/chat", json={"session_id": f"eval-{uuid.uuid4().hex[:12]}",
                                                         "text": case.text, "channel": "eval"})
            body = r.json()
        return Result(case, body.get("state") or {}, " / ".join(m["text"] for m in body.get("messages", [])))

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, cases))


@dataclasses.dataclass
class Summary:
    service: float
    topic: float
    per_category: Dict[str, float]
    topic_per_category: Dict[str, float]
    out_of_scope_answered: int

    def targets_met(self) -> bool:
        return (self.service >= SERVICE_TARGET and self.topic >= TOPIC_TARGET
                and all(v >= CATEGORY_TARGET for v in self.per_category.values())
                and self.out_of_scope_answered == 0)


def summarize(results: List[Result]) -> Summary:
    by_cat = collections.defaultdict(list)
    for r in results:
        by_cat[r.case.category].append(r)
    return Summary(
        service=sum(r.service_ok for r in results) / len(results),
        topic=sum(r.topic_ok for r in results) / len(results),
        per_category={c: sum(r.service_ok for r in rs) / len(rs) for c, rs in by_cat.items()},
        topic_per_category={c: sum(r.topic_ok for r in rs) / len(rs) for c, rs in by_cat.items()},
        out_of_scope_answered=sum(1 for r in by_cat.get("out_of_scope", []) if r.state.get("service_id")),
    )


def report(results: List[Result]) -> Summary:
    summary = summarize(results)
    counts = collections.Counter(r.case.category for r in results)
    print(f"{'category':14s} {'n':>4s} {'service':>8s} {'topic':>7s}")
    for cat in CATEGORIES:
        if cat in counts:
            print(f"{cat:14s} {counts[cat]:4d} {summary.per_category[cat]:8.1%} {summary.topic_per_category[cat]:7.1%}")
    print(f"{'overall':14s} {len(results):4d} {summary.service:8.1%} {summary.topic:7.1%}")
    print(f"out-of-scope answered with a service: {summary.out_of_scope_answered}")
    misses = [r for r in results if not (r.service_ok and r.topic_ok)]
    print(f"misses ({len(misses)}):")
    for r in misses:
        what = [] if r.service_ok else [f"service want {r.case.guide or r.case.options or None}, "
                                        f"got {r.state.get('service_id')} {r.state.get('options') or ''}"]
        if not r.topic_ok:
            what.append(f"topic want {r.case.topic}, got {r.state.get('topic')}")
        print(f"  [{r.case.category}] line {r.case.line} {r.case.text!r}: {'; '.join(what)}")
    print("targets met:", "yes" if summary.targets_met() else "NO")
    return summary


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--api-url", help="use a running stack instead of starting one")
    args = parser.parse_args()
    if args.api_url:
        return 0 if report(run_cases(args.api_url, load_cases())).targets_met() else 1

    from guidekit.store import get_engine, load_guides
    from ops.stack import ROOT, Stack, StackConfig, free_port
    from ops.train import ensure_model
    
    work = Path(tempfile.mkdtemp(prefix="banshi-eval-"))
    db_url = f"sqlite:///{work / 'guides.db'}"
    load_guides(get_engine(db_url), ROOT / "guides")
    cfg = StackConfig(database_url=db_url, model=ensure_model(db_url, quiet=True), var_dir=work,
                      api_port=free_port(), rasa_port=free_port(), actions_port=free_port())
    stack = Stack(cfg)
    stack.start(timeout=300)
    try:
        return 0 if report(run_cases(cfg.api_url, load_cases())).targets_met() else 1
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
