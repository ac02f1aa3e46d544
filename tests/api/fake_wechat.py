"""A fake of WeChat's API server on 127.0.0.1, speaking the documented protocol for what we call:

GET  /cgi-bin/token?grant_type=client_credential&appid=…&secret=…  → {"access_token", "expires_in"}
POST /cgi-bin/message/custom/send?access_token=…  {"touser", "msgtype": "text", "text": {"content"}}
     → {"errcode": 0, "errmsg": "ok"}; 40001 for a token it did not issue or has revoked.
GET  /cgi-bin/media/get?access_token=…&media_id=…  → the file (a voice message is audio/amr), or
     {"errcode": 40007, "errmsg": "invalid media_id"} as text/plain JSON, as WeChat answers.

Knobs let a test revoke tokens, make sends fail (HTTP 500 or errcode -1 "system busy") or be slow.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional
from urllib.parse import parse_qs, urlparse


class FakeWeChat:
    def __init__(self, app_id: str, secret: str):
        self.app_id, self.secret = app_id, secret
        self.lock = threading.Lock()
        self.tokens: Dict[str, float] = {}  # token → expiry (epoch seconds)
        self.token_requests = 0
        self.sent: List[Dict] = []
        self.send_attempts = 0
        self.fail_next_sends: List[str] = []  # "http500" or "busy", consumed in order
        self.expires_in = 7200
        self.media: Dict[str, bytes] = {}  # MediaId → the file a user sent
        self.media_requests = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "FakeWeChat":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def revoke_tokens(self) -> None:
        with self.lock:
            self.tokens.clear()

    def texts_to(self, openid: str) -> List[str]:
        with self.lock:
            return [m["text"]["content"] for m in self.sent if m["touser"] == openid]

    def wait_for_texts(self, openid: str, count: int, timeout: float = 20) -> List[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.texts_to(openid)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        return self.texts_to(openid)

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, status: int, body: Dict) -> None:
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/cgi-bin/media/get":
                    return self._media(query)
                if url.path != "/cgi-bin/token":
                    return self._json(404, {"errcode": 404, "errmsg": "not found"})
                with fake.lock:
                    fake.token_requests += 1
                    if query.get("grant_type") != "client_credential":
                        return self._json(200, {"errcode": 40002, "errmsg": "invalid grant_type"})
                    if query.get("appid") != fake.app_id or query.get("secret") != fake.secret:
                        return self._json(200, {"errcode": 40013, "errmsg": "invalid appid"})
                    token = uuid.uuid4().hex
                    fake.tokens[token] = time.time() + fake.expires_in
                return self._json(200, {"access_token": token, "expires_in": fake.expires_in})

            def _media(self, query: Dict[str, str]) -> None:
                with fake.lock:
                    fake.media_requests += 1
                    expiry = fake.tokens.get(query.get("access_token", ""))
                    data = fake.media.get(query.get("media_id", ""))
                if expiry is None or expiry < time.time():
                    return self._json(200, {"errcode": 40001, "errmsg": "invalid credential"})
                if data is None:
                    return self._json(200, {"errcode": 40007, "errmsg": "invalid media_id"})
                self.send_response(200)
                self.send_header("Content-Type", "audio/amr")
                self.send_header("Content-Disposition", 'attachment; filename="voice.amr"')
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length).decode("utf-8") or "{}")
                if url.path != "/cgi-bin/message/custom/send":
                    return self._json(404, {"errcode": 404, "errmsg": "not found"})
                with fake.lock:
                    fake.send_attempts += 1
                    failure: Optional[str] = fake.fail_next_sends.pop(0) if fake.fail_next_sends else None
                    expiry = fake.tokens.get(query.get("access_token", ""))
                if failure == "http500":
                    return self._json(500, {"errcode": -1, "errmsg": "internal error"})
                if failure == "busy":
                    return self._json(200, {"errcode": -1, "errmsg": "system error"})
                if expiry is None:
                    return self._json(200, {"errcode": 40001, "errmsg": "invalid credential"})
                if expiry < time.time():
                    return self._json(200, {"errcode": 42001, "errmsg": "access_token expired"})
                if body.get("msgtype") != "text" or not body.get("touser") or not body.get("text", {}).get("content"):
                    return self._json(200, {"errcode": 44002, "errmsg": "empty post data"})
                with fake.lock:
                    fake.sent.append(body)
                return self._json(200, {"errcode": 0, "errmsg": "ok"})

        return Handler
