"""Personal numbers never stored or logged unmasked (production profile), and old conversations purged."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg2
import pytest
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
ID_NUMBER, PHONE, CARD = "110101195001011234", "13912345678", "6222021234567890123"


def _rows(url: str, sql: str):
    u = make_url(url)
    conn = psycopg2.connect(host=u.host, port=u.port or 5432, user=u.username, dbname=u.database)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()


def _dump(url: str) -> str:
    """Every text column of every table, as one string."""
    u = make_url(url)
    out = subprocess.run(
        ["pg_dump", "-h", u.host, "-p", str(u.port or 5432), "-U", u.username, "--data-only", u.database],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def test_id_phone_and_card_numbers_never_reach_stores_or_logs(prod_stack):
    session = None
    for text in (
        f"我的身份证号是{ID_NUMBER},补社保卡要带什么",
        f"我电话{PHONE},银行卡{CARD}",
        "再见",
        "2",
        f"太慢了,有事打我电话{PHONE}",
    ):
        response = httpx.post(
            f"{prod_stack.cfg.api_url}/api/chat", json={"session_id": session, "text": text}, timeout=60
        )
        assert response.status_code == 200
        session = response.json()["session_id"]
    tracker = _dump(prod_stack.cfg.tracker_store_url)
    guides_and_analytics = _dump(prod_stack.cfg.database_url.replace("+psycopg2", ""))
    assert session in tracker and session in guides_and_analytics  # the conversation is stored …
    assert "110101" in tracker and "139****5678" in guides_and_analytics  # … masked
    logs = "".join(p.read_text(errors="replace") for p in prod_stack.cfg.var_dir.glob("*.log"))
    for number in (ID_NUMBER, PHONE, CARD):
        assert number not in tracker, number
        assert number not in guides_and_analytics, number
        assert number not in logs, number


def test_purge_removes_conversations_older_than_the_retention_period(prod_stack):
    old, new = (
        httpx.post(f"{prod_stack.cfg.api_url}/api/chat", json={"text": "补社保卡要带什么"}, timeout=60).json()[
            "session_id"
        ]
        for _ in range(2)
    )
    tracker = prod_stack.cfg.tracker_store_url
    guides = prod_stack.cfg.database_url.replace("+psycopg2", "")
    _rows(tracker, f"UPDATE events SET timestamp = {time.time() - 40 * 86400} WHERE sender_id = '{old}' RETURNING id")
    _rows(guides, f"UPDATE turns SET at = now() - interval '40 days' WHERE session_id = '{old}' RETURNING id")
    done = subprocess.run(
        [sys.executable, "-m", "guidekit.cli", "purge", "--days", "30"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "BANSHI_DATABASE_URL": prod_stack.cfg.database_url,
            "BANSHI_TRACKER_STORE_URL": tracker,
        },
    )
    assert done.returncode == 0, done.stderr
    assert "removed" in done.stdout
    count = "SELECT count(*) FROM {table} WHERE {column} = '{session}'"
    assert _rows(tracker, count.format(table="events", column="sender_id", session=old)) == [(0,)]
    assert _rows(guides, count.format(table="turns", column="session_id", session=old)) == [(0,)]
    assert _rows(tracker, count.format(table="events", column="sender_id", session=new))[0][0] > 0
    assert _rows(guides, count.format(table="turns", column="session_id", session=new))[0][0] > 0
