"""Redis gone for a moment under two Rasa instances: the turn fails politely, /healthz names Redis, and once
Redis is back the conversation goes on at the same material (nothing of it lived in Redis).

This stack gets a Redis of its own (a redis-server on a free port), because stopping the machine's Redis
would pull it from under everything else."""

from __future__ import annotations

import shutil
import subprocess
import time

import httpx
import pytest
import redis

from ops.stack import free_port
from tests.prod.conftest import two_rasa_stack
from tests.prod.test_scale_and_faults import GUIDE_TEXT, chat

pytestmark = pytest.mark.e2e


class PrivateRedis:
    def __init__(self):
        self.binary = shutil.which("redis-server")
        assert self.binary, "redis-server is missing: `make system-packages` installs it"
        self.port = free_port()
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "the private redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


@pytest.fixture(scope="module")
def own_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def redis_stack(postgres, own_redis, tmp_path_factory):
    with two_rasa_stack(postgres, own_redis.url, tmp_path_factory.mktemp("redis")) as stack:
        yield stack


def test_redis_down_fails_the_turn_politely_names_redis_and_the_conversation_resumes(redis_stack, own_redis):
    session: dict = {}
    assert chat(redis_stack, session, GUIDE_TEXT).json()["state"]["item_index"] == 1
    assert httpx.get(f"{redis_stack.cfg.api_url}/healthz", timeout=10).json()["checks"]["redis"] is True
    own_redis.stop()
    try:
        for _ in range(2):  # both Rasa instances: neither may answer without its lock
            response = chat(redis_stack, session, "下一个")
            assert response.status_code == 503 and "12345" in response.json()["messages"][0]["text"]
        health = httpx.get(f"{redis_stack.cfg.api_url}/healthz", timeout=10)
        assert health.status_code == 503 and health.json()["down"] == ["redis"]
    finally:
        own_redis.start()
    assert chat(redis_stack, session, "下一个").json()["state"]["item_index"] == 2
    assert chat(redis_stack, session, "下一个").json()["state"]["item_index"] == 3
    assert httpx.get(f"{redis_stack.cfg.api_url}/healthz", timeout=10).status_code == 200
