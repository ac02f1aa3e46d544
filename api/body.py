"""Reading a request body with a size limit: refused as soon as it is known to be too big."""

from __future__ import annotations

from fastapi import Request


class BodyTooLarge(Exception):
    """The body is over the limit (by its Content-Length header or while streaming)."""


async def read_limited_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"body over {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"body over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
