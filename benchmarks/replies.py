"""How long and how repetitive the answers are to listen to, over scripted conversations (issue 14).

An older person listens to a reply at about four characters a second: a 150-character answer is almost
forty seconds, and the material's name must not come after a title and an introduction. Each conversation
in `benchmarks/replies/conversations.yml` is played through the real stack (`POST /api/chat`), and:
- every reply's length (characters of the text shown or spoken, all its messages): median and p90;
- each conversation's first materials answer (its first reply at item 1): its length, and where the material's
  name starts (asked again later, "我们说到第1样了。" comes first, as it should);
- replies repeated word for word in consecutive turns, except after a wish to hear it again.

Targets: median ≤ 60, p90 ≤ 100; first materials answer ≤ 70 with the name within the first 12 characters;
no repeats. `make bench-replies` (exit 1 when a target is missed); `--json F` writes the figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import httpx
import yaml

from guidekit.guides.loader import guide_files, read_guide_file

HERE = Path(__file__).resolve().parent / "replies"
ROOT = Path(__file__).resolve().parent.parent
MEDIAN_MAX, P90_MAX = 60, 100
FIRST_MAX, NAME_WITHIN = 70, 12


def _say(client: httpx.Client, url: str, session_id: Optional[str], text: str) -> Dict[str, Any]:
    """(The channel written beside each conversation is what it stands for; /api/chat sets its own.)"""
    payload: Dict[str, Any] = {"text": text}
    if session_id:
        payload["session_id"] = session_id
    response = client.post(f"{url}/api/chat", json=payload)
    if response.status_code != 200:
        raise RuntimeError(f"{text!r}: HTTP {response.status_code} {response.text[:300]}")
    return response.json()


def reply_text(body: Dict[str, Any]) -> str:
    return "\n".join(m.get("text", "") for m in body.get("messages") or [])


def percentile(values: List[int], q: float) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))])


def run(url: str, conversations: List[Dict[str, Any]], verbose: bool = False) -> Dict[str, Any]:
    first_items = {
        g.id: [m.name for m in g.materials_to_bring()] for g in map(read_guide_file, guide_files(ROOT / "guides"))
    }
    lengths: List[int] = []
    firsts: List[Dict[str, Any]] = []
    repeats: List[str] = []
    with httpx.Client(timeout=60) as client:
        for conversation in conversations:
            session_id, before, walked = None, None, False
            for turn in conversation["turns"]:
                body = _say(client, url, session_id, str(turn["text"]))
                session_id = body.get("session_id")
                text, state = reply_text(body), body.get("state") or {}
                lengths.append(len(text))
                if verbose:
                    print(f"  {turn['text']} → ({len(text)}) {text!r}")
                if (
                    not walked
                    and state.get("topic") == "materials"
                    and state.get("item_index") == 1
                    and state.get("service_id")
                ):
                    walked = True
                    name = first_items.get(state["service_id"], [""])[0]
                    firsts.append(
                        {
                            "conversation": conversation["name"],
                            "length": len(text),
                            "name_at": text.find(name) if name else -1,
                        }
                    )
                if before is not None and text == before and not turn.get("repeat"):
                    repeats.append(f"{conversation['name']}: {turn['text']}")
                before = text
    figures = {
        "replies": len(lengths),
        "median": statistics.median(lengths),
        "p90": percentile(lengths, 0.9),
        "longest": max(lengths),
        "first_materials": firsts,
        "first_longest": max((f["length"] for f in firsts), default=0),
        "first_name_at_worst": max((f["name_at"] if f["name_at"] >= 0 else 999 for f in firsts), default=0),
        "repeated": repeats,
    }
    figures["targets_met"] = bool(
        figures["median"] <= MEDIAN_MAX
        and figures["p90"] <= P90_MAX
        and firsts
        and figures["first_longest"] <= FIRST_MAX
        and figures["first_name_at_worst"] < NAME_WITHIN
        and not repeats
    )
    return figures


def report(figures: Dict[str, Any]) -> None:
    print(
        f"replies: {figures['replies']}  median {figures['median']} characters (target ≤ {MEDIAN_MAX})  "
        f"p90 {figures['p90']} (≤ {P90_MAX})  longest {figures['longest']}"
    )
    print(
        f"first materials answers: {len(figures['first_materials'])}  longest {figures['first_longest']} "
        f"(≤ {FIRST_MAX})  name starts at character {figures['first_name_at_worst']} at worst (< {NAME_WITHIN})"
    )
    print(f"replies repeated word for word in consecutive turns: {len(figures['repeated'])}")
    for where in figures["repeated"]:
        print(f"  {where}")
    print("targets met" if figures["targets_met"] else "targets NOT met")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.replies", description=__doc__.splitlines()[0])
    parser.add_argument("--api-url", help="use a running stack instead of starting one")
    parser.add_argument("--json", metavar="PATH", type=Path, help="also write the figures here")
    parser.add_argument("--verbose", action="store_true", help="print every turn")
    args = parser.parse_args(argv)
    conversations = yaml.safe_load((HERE / "conversations.yml").read_text(encoding="utf-8"))

    def measure(url: str) -> int:
        figures = run(url, conversations, args.verbose)
        report(figures)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return 0 if figures["targets_met"] else 1

    if args.api_url:
        return measure(args.api_url.rstrip("/"))
    from benchmarks.stack import start_bench_stack

    stack = start_bench_stack("banshi-replies-")
    try:
        return measure(stack.cfg.api_url)
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
