"""How long service matching takes per utterance: `make bench-resolver`.

Runs the full text preparation (simplified, Mandarin words, pinyin → characters) and
`ServiceIndex.resolve` (names and sounds) over every utterance of the understanding set and the
development set, several passes, and prints p50 / p95 / max in milliseconds (target: p95 under 5 ms);
then the same with meaning matching, `Understanding.resolve`, as the actions call it (target: p95 under
25 ms), and the process's resident memory before and after the meaning model and index are loaded.

Then the worst case (issue 12): random Chinese characters of 100, 500 (the accepted maximum) and 2,000
characters, resolved as they come (no text preparation), the slowest of three each; for information,
tests/security/test_resolver_worst_case.py holds the bound.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.understanding import load_cases
from guidekit.catalog import ROOT, Snapshot
from guidekit.db.engine import get_engine
from guidekit.guides.store import list_guides, load_guides
from sqlalchemy.orm import Session


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument(
        "--catalogue", action="store_true", help="with the whole sample catalogue published (162 guides)"
    )
    args = parser.parse_args()
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='banshi-resolver-')) / 'guides.db'}"
    load_guides(get_engine(url), ROOT / "guides")
    if args.catalogue:
        from benchmarks.whole_catalogue import publish_whole_catalogue

        publish_whole_catalogue(get_engine(url))
    with Session(get_engine(url)) as session:
        guides = list_guides(session)
    started = time.perf_counter()
    snapshot = Snapshot(guides, 1, str(ROOT / "nlu_data" / "train"))
    _ = (snapshot.index, snapshot.pinyin)  # (built on first use)
    build_ms = (time.perf_counter() - started) * 1000
    import yaml

    dev = yaml.safe_load((ROOT / "benchmarks" / "understanding" / "dev" / "messages.yml").read_text(encoding="utf-8"))
    texts = [case.text for case in load_cases()] + [m["text"] for m in dev]
    for text in texts:  # warm-up: jieba's lazy dictionary load and pypinyin's caches
        snapshot.index.resolve(snapshot.prepare(text))
    timings = []
    for _ in range(args.passes):
        for text in texts:
            snapshot.index.clear_caches()  # each pass works from scratch, as a new turn would
            t0 = time.perf_counter()
            snapshot.index.resolve(snapshot.prepare(text))
            timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(f"index build (guides + pinyin vocabulary): {build_ms:.0f} ms for {len(guides)} guides")
    print(f"utterances: {len(texts)} × {args.passes} passes = {len(timings)} resolutions")
    print(f"per utterance: p50 {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms, max {timings[-1]:.2f} ms")
    print("target p95 < 5 ms:", "met" if p95 < 5 else "NOT met")
    rss_before = _rss_mb()
    started = time.perf_counter()
    understanding = snapshot.understanding
    print(
        f"meaning index (model + {understanding.meaning.size} sayings, vectors cached on disk): "
        f"{(time.perf_counter() - started) * 1000:.0f} ms; resident memory {rss_before:.0f} → {_rss_mb():.0f} MB"
    )
    prepared = [snapshot.prepare(t) for t in texts]
    for text in prepared[:20]:
        understanding.resolve(text)
    meaning_timings = []
    for _ in range(max(1, args.passes // 2)):
        for text in prepared:
            snapshot.index.clear_caches()
            t0 = time.perf_counter()
            understanding.resolve(text)
            meaning_timings.append((time.perf_counter() - t0) * 1000)
    meaning_timings.sort()
    mp95 = meaning_timings[int(0.95 * (len(meaning_timings) - 1))]
    print(
        f"with meaning matching: p50 {statistics.median(meaning_timings):.2f} ms, p95 {mp95:.2f} ms, "
        f"max {meaning_timings[-1]:.2f} ms ({len(meaning_timings)} resolutions)"
    )
    print("target p95 < 25 ms:", "met" if mp95 < 25 else "NOT met")
    # The sentence model's own share: one embedding of each message as the matcher reads it (no cache), so that
    # the matching's overhead and the model's floor on this machine can be told apart.
    from guidekit.understanding.meaning import clip

    embedder = understanding.meaning.cache.embedder if understanding.meaning is not None else None
    if embedder is not None:
        embed_timings = []
        for text in prepared:
            t0 = time.perf_counter()
            embedder.embed([clip(text)])
            embed_timings.append((time.perf_counter() - t0) * 1000)
        embed_timings.sort()
        lengths = sorted(len(clip(t)) for t in prepared)
        print(
            f"of which one embedding ({embedder.name}): p50 {statistics.median(embed_timings):.2f} ms, "
            f"p95 {embed_timings[int(0.95 * (len(embed_timings) - 1))]:.2f} ms; message length p50 "
            f"{statistics.median(lengths):.0f}, p95 {lengths[int(0.95 * (len(lengths) - 1))]} characters"
        )
    rng = random.Random(12)
    for length in (100, 500, 2000):
        slowest = 0.0
        for _ in range(3):
            text = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(length))
            t0 = time.perf_counter()
            snapshot.index.resolve(text)
            slowest = max(slowest, (time.perf_counter() - t0) * 1000)
        print(f"random text of {length} characters: slowest of 3 {slowest:.1f} ms")
    return 0 if p95 < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
