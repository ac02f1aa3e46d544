"""The Redis lock store that lets two Rasa processes share conversations (ops/lock_store.py), on real Redis,
from separate processes — the way two Rasa instances use it."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
import uuid
from urllib.parse import urlsplit

import pytest
import redis

from ops.lock_store import AtomicRedisLockStore

TURNS_PER_PROCESS = 25


def _store(redis_url: str) -> AtomicRedisLockStore:
    parsed = urlsplit(redis_url)
    return AtomicRedisLockStore(
        host=parsed.hostname,
        port=parsed.port or 6379,
        db=int((parsed.path or "/0").lstrip("/") or 0),
        key_prefix="banshitest",
    )


def _take_turns(redis_url: str, conversation_id: str, start, turns: int) -> None:
    """One 'Rasa process': read the conversation's place, think a little, write the next place — under the lock."""
    store = _store(redis_url)
    red = store.red
    start.wait()

    async def run() -> None:
        for _ in range(turns):
            async with store.lock(conversation_id):
                if red.incr(f"{conversation_id}:inside") > 1:
                    red.incr(f"{conversation_id}:overlaps")
                place = int(red.get(f"{conversation_id}:place") or 0)
                await asyncio.sleep(0.003)
                red.set(f"{conversation_id}:place", place + 1)
                red.decr(f"{conversation_id}:inside")

    asyncio.run(run())


def _issue_tickets(redis_url: str, prefix: str, start, conversations: int, results) -> None:
    store = _store(redis_url)
    start.wait()
    results.put([store.issue_ticket(f"{prefix}-{i}") for i in range(conversations)])


def test_processes_asking_at_the_same_moment_never_get_the_same_ticket(redis_url):
    prefix, conversations, processes = f"ticket-{uuid.uuid4().hex[:8]}", 300, 4
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [
        context.Process(target=_issue_tickets, args=(redis_url, prefix, start, conversations, results))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    time.sleep(1.5)
    start.set()
    per_process = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(30)
    for i in range(conversations):
        assert sorted(tickets[i] for tickets in per_process) == list(range(processes)), f"conversation {i}"
    _store(redis_url).red.delete(*[f"banshitest:lock:{prefix}-{i}" for i in range(conversations)])


def test_turns_of_one_conversation_from_two_processes_never_overlap_or_get_lost(redis_url):
    conversation_id = f"lock-{uuid.uuid4().hex[:8]}"
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [
        context.Process(target=_take_turns, args=(redis_url, conversation_id, start, TURNS_PER_PROCESS))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    time.sleep(1.5)  # both processes imported and waiting, so the turns really race
    start.set()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    red = _store(redis_url).red
    assert int(red.get(f"{conversation_id}:overlaps") or 0) == 0
    assert int(red.get(f"{conversation_id}:place")) == 2 * TURNS_PER_PROCESS  # no turn lost
    assert not red.exists(f"banshitest:lock:{conversation_id}")  # the queue is gone once everyone is served
    red.delete(f"{conversation_id}:place", f"{conversation_id}:inside", f"{conversation_id}:overlaps")


def test_a_turn_waits_for_the_one_before_it_and_then_goes_quickly(redis_url):
    store = _store(redis_url)
    conversation_id = f"order-{uuid.uuid4().hex[:8]}"
    finished = []

    async def turn(name: str, hold: float) -> None:
        async with store.lock(conversation_id):
            await asyncio.sleep(hold)
            finished.append((name, time.monotonic()))

    async def both() -> None:
        first = asyncio.create_task(turn("first", 0.3))
        await asyncio.sleep(0.05)
        await turn("second", 0)
        await first

    asyncio.run(both())
    assert [name for name, _ in finished] == ["first", "second"]
    assert finished[1][1] - finished[0][1] < 0.3  # Rasa's own store looks again only every second


def test_a_crashed_holder_is_released_when_its_ticket_expires_and_the_key_does_not_stay_for_ever(redis_url):
    store = _store(redis_url)
    conversation_id = f"crash-{uuid.uuid4().hex[:8]}"
    store.issue_ticket(conversation_id, lock_lifetime=0.5)  # a process that died mid-turn never cleans up
    ttl = store.red.ttl(f"banshitest:lock:{conversation_id}")
    assert 0 < ttl <= 601

    async def next_turn() -> float:
        began = time.monotonic()
        async with store.lock(conversation_id):
            return time.monotonic() - began

    waited = asyncio.run(next_turn())
    assert 0.3 < waited < 2


def test_rasa_builds_it_from_the_endpoints_file(redis_url, tmp_path):
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import read_endpoint_config

    from ops.stack import lock_store_yaml

    path = tmp_path / "endpoints.yml"
    path.write_text(lock_store_yaml(redis_url), encoding="utf-8")
    store = LockStore.create(read_endpoint_config(str(path), "lock_store"))
    assert isinstance(store, AtomicRedisLockStore)
    assert store.red.ping()
    assert store.red.connection_pool.connection_kwargs["db"] == int(urlsplit(redis_url).path.lstrip("/"))


@pytest.fixture(autouse=True)
def _redis_answers(redis_url):
    try:
        redis.Redis.from_url(redis_url).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {redis_url} does not answer: {exc}")
