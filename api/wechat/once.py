"""Answering each WeChat message once, although WeChat's server sends it up to three more times.

The first request for a key owns the message: it asks the assistant and decides the HTTP answer.
A retry — also one that arrives while the first is still being worked on — never asks again: it
gets the owner's decision (the same passive reply, which WeChat shows once because it resends only
what it did not receive) or "success" when the answer goes out through the customer-service API.
Kept in this process's memory; several API workers would need a shared store (issue 7).
"""
from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from typing import Optional, Tuple

from wechatpy.messages import BaseMessage


def message_key(message: BaseMessage) -> str:
    """Sender + MsgId for messages; sender + CreateTime + event for events (WeChat's own rule)."""
    msg_id = getattr(message, "id", None)
    if msg_id and message.type != "event":
        return f"msg:{message.source}:{msg_id}"
    event = getattr(message, "event", "") or message.type
    return f"event:{message.source}:{int(message.create_time.timestamp())}:{event}"


class OnceOnly:
    def __init__(self, ttl_seconds: float, max_entries: int = 100_000):
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: "OrderedDict[str, Tuple[float, str, asyncio.Future]]" = OrderedDict()

    def claim(self, key: str, user: str) -> Tuple[bool, asyncio.Future]:
        """(True, future to resolve) for the first request of `key`; (False, owner's future) for a retry."""
        self._expire()
        held = self._entries.get(key)
        if held is not None:
            return False, held[2]
        future = asyncio.get_running_loop().create_future()
        self._entries[key] = (time.monotonic(), user, future)
        return True, future

    def forget_user(self, user: str) -> None:
        for key in [k for k, (_, u, _) in self._entries.items() if u == user]:
            del self._entries[key]

    def _expire(self) -> None:
        now = time.monotonic()
        while self._entries:
            key, (since, _, future) = next(iter(self._entries.items()))
            if len(self._entries) <= self.max_entries and (now - since < self.ttl or not future.done()):
                break
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


async def decision_of(owner: asyncio.Future, wait_seconds: float) -> Optional[str]:
    """The owner's HTTP answer, if it decides within `wait_seconds`."""
    try:
        return await asyncio.wait_for(asyncio.shield(owner), wait_seconds)
    except asyncio.TimeoutError:
        return None
