"""Time from a reviewer's publish (the HTTP response of POST /editor/guides/{id}/publish) to the new
wording in an answer of POST /api/chat, through the whole stack. Median of 20 publishes.

Run: `make bench-publish` (loopback only; bounded; stops the stack it started); `--catalogue`: with the whole
sample catalogue published (162 guides, benchmarks/whole_catalogue.py); `--example`: each publish adds an example
sentence instead ("月亮湾的蓝风筝", which no guide answers before), timed until that sentence is answered
with the guide — the name index is kept, the pinyin vocabulary and the meaning index are built again, and the
sentence is embedded.
"""

from __future__ import annotations

import html
import re
import statistics
import sys
import time
from typing import Iterator

import httpx
from sqlalchemy.orm import Session

from benchmarks.latency import percentile
from benchmarks.stack import start_bench_stack
from guidekit.editorial import workflow as ed
from guidekit.db.engine import get_engine

GUIDE, RUNS, PASSWORD = "funeral-allowance", 20, "bench-password-123"


def signed_in(api: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=api, timeout=30, headers={"Accept": "text/html"})
    page = client.get("/editor/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(
        "/editor/login", data={"username": username, "password": PASSWORD, "next": "/editor", "csrf_token": token}
    )
    client.csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/editor").text).group(1)
    return client


# Example sentences no guide means: a place and a thing (no digits: "第1号…" is heard as picking option 1).
PLACES = ("月亮湾", "槐树巷", "铁匠铺", "灯塔下", "竹林边", "石桥头", "磨坊里", "码头上")
THINGS = ("蓝风筝", "铁皮鼓", "黄雨伞", "石狮子", "旧算盘", "红灯笼", "小木船", "纸飞机")


def _not_answered_yet(api: str) -> Iterator[str]:
    """Sentences not answered with the guide before they are added to it (the one added before makes the guide
    nearer to others alike, which are passed over)."""
    for place in PLACES:
        for thing in THINGS:
            said = f"{place}的{thing}"
            reply = httpx.post(f"{api}/api/chat", json={"text": said}, timeout=30).json()
            if reply["state"]["service_id"] != GUIDE:
                yield said


def main() -> int:
    stack = start_bench_stack("banshi-bench-publish-", whole_catalogue="--catalogue" in sys.argv[1:])
    try:
        with Session(get_engine(stack.cfg.database_url)) as session, session.begin():
            ed.create_user(session, "bench-editor", PASSWORD, "editor", by="bench")
            ed.create_user(session, "bench-reviewer", PASSWORD, "reviewer", by="bench")
        api = stack.cfg.api_url
        editor, reviewer = signed_in(api, "bench-editor"), signed_in(api, "bench-reviewer")
        # A running service has answered turns before the editor publishes: the first turn of a fresh stack builds
        # every index and loads the classifiers, which is start-up, not the publish.
        httpx.post(f"{api}/api/chat", json={"text": "丧葬费要带什么"}, timeout=120).raise_for_status()
        example = "--example" in sys.argv[1:]
        unanswered, said = _not_answered_yet(api), ""
        delays = []
        for run in range(RUNS):
            wording = next(unanswered) if example else f"去世老人的身份证,第{run + 1}次改。"
            page = editor.get(f"/editor/guides/{GUIDE}").text
            lock = re.search(r'name="lock" value="(\d+)"', page).group(1)
            if example:
                # The guide's own examples and this one (the one before is taken out again: each publish adds one).
                said = said or html.unescape(
                    re.search(r'<textarea name="examples"[^>]*>([^<]*)</textarea>', page).group(1)
                )
                asked = wording
                change = {"examples": said + "\n" + wording}
            else:
                asked = "丧葬费要带什么"
                change = {"plain:material-0": wording}
            editor.post(f"/editor/guides/{GUIDE}/save", data={"csrf_token": editor.csrf, "lock": lock, **change})
            lock = re.search(r'name="lock" value="(\d+)"', editor.get(f"/editor/guides/{GUIDE}").text).group(1)
            editor.post(f"/editor/guides/{GUIDE}/submit", data={"csrf_token": editor.csrf, "lock": lock})
            response = reviewer.post(f"/editor/guides/{GUIDE}/publish", data={"csrf_token": reviewer.csrf})
            assert response.status_code == 303, response.text[:300]
            published = time.perf_counter()
            while True:
                reply = httpx.post(f"{api}/api/chat", json={"text": asked}, timeout=30)
                if (reply.json()["state"]["service_id"] == GUIDE) if example else (wording in reply.text):
                    break
                if time.perf_counter() - published > 10:
                    print(f"publish {run + 1}: {wording} not seen within 10 s", file=sys.stderr)
                    return 1
                time.sleep(0.02)
            delays.append((time.perf_counter() - published) * 1000)
        print(
            f"publish → new {'example answered' if example else 'wording'} in /api/chat over {RUNS} publishes: median {statistics.median(delays):.0f} ms, "
            f"p95 {percentile(delays, 0.95):.0f} ms, max {max(delays):.0f} ms, min {min(delays):.0f} ms"
        )
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
