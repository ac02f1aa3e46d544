"""The editors' daily digest (guidekit/editorial/digest.py) on a real SQLite database, and its webhook over
loopback."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from sqlalchemy.orm import Session

from guidekit.db.engine import get_engine
from guidekit.editorial import workflow as ed
from guidekit.editorial.digest import send_digest, waiting
from guidekit.guides.store import load_guides

GUIDES = Path(__file__).resolve().parents[3] / "guides"


def _seeded(tmp_path) -> Session:
    engine = get_engine(f"sqlite:///{tmp_path / 'guides.db'}")
    load_guides(engine, GUIDES)
    session = Session(engine)
    for name, role in (("editor1", "editor"), ("rev", "reviewer"), ("boss", "admin")):
        ed.create_user(session, name, "correct-horse-battery", role, by="test")
    for guide_id in ("funeral-allowance", "id-card-reissue"):
        text, lock = ed.editing_text(session, guide_id)
        ed.save_draft(session, guide_id, text, lock, "editor1")
        ed.submit(session, guide_id, lock + 1, "editor1")
    ed.send_back(session, "id-card-reissue", "材料2的说法还要再短一点", "rev")
    ed.assign(session, "old-age-allowance", "editor1", "boss")
    session.commit()
    return session


def test_each_person_gets_what_waits_for_them(tmp_path):
    session = _seeded(tmp_path)
    people = {w.username: w for w in waiting(session, verify_days=1, today=dt.date(2030, 1, 1))}
    assert people["editor1"].sent_back == ["id-card-reissue"] and people["editor1"].to_review == []
    assert people["editor1"].overdue == ["old-age-allowance"]  # theirs, not checked since long before 2030
    assert people["rev"].to_review == ["funeral-allowance"] and people["boss"].to_review == ["funeral-allowance"]
    assert people["rev"].sent_back == [] and people["rev"].overdue == []
    assert waiting(session, verify_days=100000)[1].overdue == []  # nothing overdue with a long enough period


def test_the_digest_is_logged_and_posted_to_the_webhook(tmp_path, caplog):
    session = _seeded(tmp_path)
    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.handle_request, daemon=True).start()
    caplog.set_level("INFO", logger="banshi.digest")
    digest = send_digest(session, 1, webhook=f"http://127.0.0.1:{server.server_port}/hook")
    server.server_close()
    assert {w.username for w in digest} == {"editor1", "rev", "boss"}
    assert any("editor1: 1 sent back to you" in r.getMessage() for r in caplog.records)
    assert [p["username"] for p in received[0]["digest"]] == ["boss", "editor1", "rev"]


def test_a_webhook_that_fails_is_logged_and_the_digest_still_comes(tmp_path, caplog):
    session = _seeded(tmp_path)
    caplog.set_level("INFO", logger="banshi.digest")
    digest = send_digest(session, 1, webhook="http://127.0.0.1:9/nothing-listens-here")
    assert digest and any("digest webhook failed" in r.getMessage() for r in caplog.records)
