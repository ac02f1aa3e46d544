"""Time from POST /voice/turn to its response through the whole stack (chat turn + speech text + SSML), of
POST /voice/tts (the configured voice reading one materials step), and of POST /kiosk/audio with a recording
of about 3 s (decoding, recognition, the chat turn); then each process's memory.

Run: `make bench-voice` (loopback only; bounded: a fixed number of conversations and recordings, then the
stack it started is stopped). Prints p50 / p95 / max; target for /kiosk/audio: p95 ≤ 2.0 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import partial
from typing import Callable, List

import httpx

from api.voice.audio import decode
from benchmarks.latency import CONVERSATION, percentile, rss_mb
from benchmarks.stack import VOICE_HEADERS, start_bench_stack
from benchmarks.voice_test_audio import HERE, load_utterances


def three_second_recordings(count: int) -> List[bytes]:
    """The project's recordings nearest to 3 s long (what one question to the kiosk takes)."""
    timed_files = []
    for item in load_utterances():
        data = (HERE / f"{item['id']}.ogg").read_bytes()
        timed_files.append((abs(decode(data).seconds - 3.0), data))
    return [data for _, data in sorted(timed_files, key=lambda pair: pair[0])[:count]]


def timed(fn: Callable[[], httpx.Response], into: List[float]) -> httpx.Response:
    started = time.perf_counter()
    response = fn()
    into.append((time.perf_counter() - started) * 1000)
    assert response.status_code == 200, response.text[:200]
    return response


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10, help="conversations (8 turns each)")
    parser.add_argument("--recordings", type=int, default=30, help="POSTs of a ~3 s recording to /kiosk/audio")
    args = parser.parse_args()
    stack = start_bench_stack("banshi-bench-voice-")
    try:
        api = stack.cfg.api_url
        turns: List[float] = []
        tts: List[float] = []
        audio: List[float] = []
        with httpx.Client(timeout=30) as client:
            for round_no in range(args.rounds + 1):  # round 0 warms up
                session = None
                sink: List[float] = [] if round_no == 0 else turns
                for text in CONVERSATION:
                    reply = timed(
                        partial(
                            client.post,
                            f"{api}/voice/turn",
                            json={"session_id": session, "text": text, "confidence": 0.9},
                            headers=VOICE_HEADERS,
                        ),
                        sink,
                    ).json()
                    session = reply["session_id"]
                timed(
                    partial(client.post, f"{api}/voice/tts", json={"text": reply["reply_text"], "slow": False}),
                    tts if round_no else [],
                )  # round 0 loads the voice
            clips = three_second_recordings(10)
            seconds = [decode(clip).seconds for clip in clips]
            timed(partial(client.post, f"{api}/kiosk/audio", content=clips[0]), [])  # loads the recogniser
            for n in range(args.recordings):
                timed(
                    partial(
                        client.post,
                        f"{api}/kiosk/audio",
                        content=clips[n % len(clips)],
                        headers={"Content-Type": "audio/ogg"},
                    ),
                    audio,
                )
        print(f"recordings {min(seconds):.2f}-{max(seconds):.2f} s long")
        print(f"{'endpoint':12s} {'n':>4s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
        for name, values in (("/voice/turn", turns), ("/voice/tts", tts), ("/kiosk/audio", audio)):
            print(
                f"{name:12s} {len(values):4d} {percentile(values, 0.5):8.1f} {percentile(values, 0.95):8.1f} "
                f"{max(values):8.1f}"
            )
        for name, pid in stack.pids().items():
            mem = rss_mb(pid)
            print(f"memory {name:8s} RSS {mem.get('VmRSS', 0):7.0f} MB, peak {mem.get('VmHWM', 0):7.0f} MB")
        p95 = percentile(audio, 0.95)
        print(f"/kiosk/audio p95 {p95 / 1000:.2f} s: target 2.0 s {'met' if p95 <= 2000 else 'NOT met'}")
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
