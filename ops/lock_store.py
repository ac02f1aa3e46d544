"""Rasa's Redis lock store, made safe for two or more Rasa processes serving one conversation.

Rasa Open Source 3.6's `RedisLockStore` keeps each conversation's ticket queue as one JSON value and
changes it by read, modify, write. Two Rasa processes that receive turns of the same person at the same
moment both read the empty queue, both take ticket 0 and both go ahead: the person taps 下一样 twice
and hears 第2样 twice, or one turn's events overwrite the other's (rasa#9213; the fix, the
`ConcurrentRedisLockStore`, is only in the paid Rasa Pro). Here every change to the queue is one Redis
transaction (WATCH/MULTI, retried when another process changed the queue in between), so tickets are
unique and turns of one conversation run one after another, in the order they arrived.

Two smaller changes for people: a waiting turn looks again every 50 ms instead of every second (an
older person's double tap should not cost a second), and each queue key expires in Redis a while after
its last ticket would have, so a Rasa process that died mid-turn leaves nothing behind for ever.
"""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from typing import AsyncGenerator, Callable, Optional, Text, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")

WAIT_SECONDS = 0.05
KEY_EXPIRY_MARGIN_SECONDS = 600


class AtomicRedisLockStore(RedisLockStore):
    """Ticket locks in Redis whose every change is atomic across processes."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs) -> None:
        # Rasa builds a lock store named by module path from the endpoint config alone.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        self.wait_seconds = float(kwargs.pop("wait_seconds", WAIT_SECONDS))
        super().__init__(**kwargs)

    def _key(self, conversation_id: Text) -> Text:
        return self.key_prefix + conversation_id

    def _change(
        self, conversation_id: Text, change: Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], T]]
    ) -> T:
        """Apply `change` to the stored queue in one transaction; `change` returns (queue to keep or None, result)."""
        key = self._key(conversation_id)
        outcome = []

        def attempt(pipe) -> None:
            outcome.clear()  # redis-py calls this again after another process changed the key
            raw = pipe.get(key)
            kept, result = change(TicketLock.from_dict(json.loads(raw)) if raw else None)
            outcome.append(result)
            pipe.multi()
            if kept is None or not kept.tickets:
                pipe.delete(key)
            else:
                latest = max(ticket.expires for ticket in kept.tickets)
                pipe.set(key, kept.dumps())
                pipe.expireat(key, int(latest) + KEY_EXPIRY_MARGIN_SECONDS)

        self.red.transaction(attempt, key)
        return outcome[0]

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def take(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, take)
        except Exception as exc:  # the same error Rasa's own store raises, so Rasa handles it the same way
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def update_lock(self, conversation_id: Text) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # Removing the ticket and deleting an empty queue happen together: a ticket another process
        # issued in between is never deleted with it.
        def hand_on(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, hand_on)

    @asynccontextmanager
    async def lock(
        self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: Optional[float] = None
    ) -> AsyncGenerator[TicketLock, None]:
        wait = self.wait_seconds if wait_time_in_seconds is None else wait_time_in_seconds
        async with super().lock(conversation_id, lock_lifetime, wait) as held:
            yield held
