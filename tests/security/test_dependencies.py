"""The public API runs on a Starlette without the known reachable flaws (issue 12 item 11).

starlette 0.41.3 had a Range-header CPU DoS on static files (CVE-2025-62727, fixed 0.49.1), a multipart
event-loop block (CVE-2025-54121, fixed 0.47.2) and an urlencoded form that ignored its field limit
(CVE-2026-54283, fixed 1.3.1): POST /editor/login takes an urlencoded form from anyone.
"""

from __future__ import annotations

import asyncio
from importlib.metadata import version

import pytest
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request


def _release(name: str):
    return tuple(int(p) for p in version(name).split(".")[:3])


def test_starlette_and_fastapi_are_the_fixed_releases():
    assert _release("starlette") >= (1, 3, 1)
    assert version("fastapi") != "0.136.3"  # flagged malicious
    assert _release("fastapi") < (0, 137, 0)  # 0.137 changes app.routes


def test_an_urlencoded_form_with_too_many_fields_is_refused():
    body = b"&".join(b"f%d=1" % i for i in range(5000))

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/editor/login",
        "headers": [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
        ],
        "query_string": b"",
    }

    async def parse():
        return await Request(scope, receive).form(max_fields=1000)

    # Inside an app Starlette answers 400; on its own the parser says why.
    with pytest.raises((HTTPException, MultiPartException)) as refused:
        asyncio.run(parse())
    assert "Too many fields" in str(refused.value.detail if isinstance(refused.value, HTTPException) else refused.value)
