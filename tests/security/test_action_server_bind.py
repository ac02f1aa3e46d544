"""Issue 12 item 5: the action server listens on loopback only, as the stack starts it.

rasa_sdk's default (SANIC_HOST unset) is 0.0.0.0: its /webhook — run any action on any conversation's
slots — was open to the network. The stack (ops/stack.py, the one way `make run`, the tests and the
benchmarks start processes) now sets SANIC_HOST from BANSHI_ACTIONS_HOST, 127.0.0.1 unless set; Rasa
gets `--interface` and the API `--host` from the same loopback host.
"""

from __future__ import annotations

import ipaddress
import socket
import subprocess
import time

import httpx
import pytest

from ops.stack import Stack, StackConfig, free_port


def non_loopback_addresses():
    """This machine's own addresses other than loopback (`hostname -I`)."""
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    addresses = []
    for word in out.split():
        try:
            address = ipaddress.ip_address(word.split("%")[0])
        except ValueError:
            continue
        if not address.is_loopback and not address.is_link_local:
            addresses.append(str(address))
    return addresses


def accepts(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        return sock.connect_ex((host, port)) == 0


def wait_healthy(stack: Stack, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while True:
        proc = stack.procs["actions"]
        assert proc.poll() is None, (stack.cfg.var_dir / "actions.log").read_text(errors="replace")[-3000:]
        try:
            if httpx.get(f"http://127.0.0.1:{stack.cfg.actions_port}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "action server not up"
        time.sleep(0.3)


@pytest.fixture()
def outside():
    addresses = non_loopback_addresses()
    if not addresses:
        pytest.skip("this machine has no non-loopback address to try (hostname -I)")
    return addresses


def start_actions(guides_db_url, tmp_path, **cfg) -> Stack:
    stack = Stack(
        StackConfig(
            database_url=guides_db_url,
            model=tmp_path / "no-model.tar.gz",
            var_dir=tmp_path,
            actions_port=free_port(),
            **cfg,
        )
    )
    stack.start_actions()
    return stack


def test_the_action_server_is_reachable_on_loopback_only(guides_db_url, tmp_path, outside, monkeypatch):
    monkeypatch.delenv("BANSHI_ACTIONS_HOST", raising=False)
    monkeypatch.setenv("SANIC_HOST", "0.0.0.0")  # inherited from a shell or a container image: overridden
    stack = start_actions(guides_db_url, tmp_path / "default")
    try:
        wait_healthy(stack)
        port = stack.cfg.actions_port
        assert accepts("127.0.0.1", port)
        for address in outside:
            assert not accepts(address, port), f"the action server answers on {address}:{port}"
            with pytest.raises(httpx.HTTPError):
                httpx.post(
                    f"http://{f'[{address}]' if ':' in address else address}:{port}/webhook",
                    json={"next_action": "action_materials"},
                    timeout=3,
                )
        assert stack.cfg.actions_url == f"http://127.0.0.1:{port}"  # what Rasa is told (endpoints.yml)
    finally:
        stack.stop()
    # The host is a setting: BANSHI_ACTIONS_HOST=0.0.0.0 (an action server on its own machine behind a
    # firewall) opens it, and the check above would see that — it passes by no accident of this machine.
    monkeypatch.setenv("BANSHI_ACTIONS_HOST", "0.0.0.0")
    stack = start_actions(guides_db_url, tmp_path / "open")
    try:
        wait_healthy(stack)
        assert accepts(outside[0], stack.cfg.actions_port)
        assert stack.cfg.actions_url == f"http://127.0.0.1:{stack.cfg.actions_port}"
    finally:
        stack.stop()


def wait_accepting(stack: Stack, name: str, port: int, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not accepts("127.0.0.1", port):
        proc = stack.procs[name]
        assert proc.poll() is None, (stack.cfg.var_dir / f"{name}.log").read_text(errors="replace")[-3000:]
        assert time.monotonic() < deadline, f"{name} not up"
        time.sleep(0.3)


def test_rasa_and_the_api_listen_on_loopback_only(guides_db_url, tmp_path, outside, monkeypatch):
    """Rasa's own default interface is 0.0.0.0 too; the stack gives it --interface 127.0.0.1."""
    import ops.stack as stack_module

    written = stack_module.write_endpoints

    def endpoints_without_a_trained_model(cfg):
        # Rasa exits without a model; with a model server it starts and keeps asking it (this one never
        # answers): the server's binding is the same, without training a model for this test.
        path = written(cfg)
        path.write_text(
            path.read_text() + "models:\n  url: http://127.0.0.1:9/model.tar.gz\n  wait_time_between_pulls: null\n"
        )
        return path

    monkeypatch.setattr(stack_module, "write_endpoints", endpoints_without_a_trained_model)
    stack = Stack(
        StackConfig(
            database_url=guides_db_url,
            model=tmp_path / "no-model.tar.gz",
            var_dir=tmp_path,
            api_port=free_port(),
            rasa_port=free_port(),
            actions_port=free_port(),
        )
    )
    try:
        stack.start_rasa()
        stack.start_api()
        for name, port in (("rasa", stack.cfg.rasa_port), ("api", stack.cfg.api_port)):
            wait_accepting(stack, name, port)
            for address in outside:
                assert not accepts(address, port), f"{name} answers on {address}:{port}"
        assert httpx.get(f"{stack.cfg.rasa_url}/", timeout=5).text.startswith("Hello from Rasa")
    finally:
        stack.stop()
