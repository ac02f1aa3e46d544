"""Starting and stopping the three processes: action server, Rasa server, API.

Used by `make run` (ops/run.py), the end-to-end tests and the benchmark, so all three run the
same way. Every process gets its own process group, so stopping never leaves orphans.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit
from pathlib import Path
from typing import Dict, List, Optional

import httpx
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclasses.dataclass
class StackConfig:
    database_url: str
    model: Path
    var_dir: Path
    api_port: int = 8000
    rasa_port: int = 5005
    actions_port: int = 5055
    host: str = "127.0.0.1"
    # Where the action server listens. rasa_sdk's own default (SANIC_HOST unset) is 0.0.0.0, which would
    # open /webhook — any action, any conversation's slots — to the network; only Rasa needs it.
    # BANSHI_ACTIONS_HOST changes it, e.g. for an action server on its own machine behind a firewall.
    actions_host: str = dataclasses.field(
        default_factory=lambda: os.environ.get("BANSHI_ACTIONS_HOST", "").strip() or "127.0.0.1"
    )
    tracker_db: Optional[Path] = None
    # Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto the API believes (BANSHI_TRUSTED_PROXIES,
    # comma-separated addresses or networks). Empty: none — uvicorn's own default would trust any client
    # on 127.0.0.1, so a local process could pose as any address to the sign-in limits.
    trusted_proxies: str = ""
    # Added to every process's environment (e.g. WECHAT_* settings for the API).
    extra_env: Dict[str, str] = dataclasses.field(default_factory=dict)
    # Production profile: Rasa's tracker store on PostgreSQL (a SQLAlchemy URL) instead of SQLite in
    # var_dir, a Redis lock store (redis://host:port/db) so that several Rasa instances can serve one
    # conversation, and the ports of further Rasa instances the API spreads turns over.
    tracker_store_url: Optional[str] = None
    lock_store_url: Optional[str] = None
    more_rasa_ports: List[int] = dataclasses.field(default_factory=list)

    @property
    def tracker_path(self) -> Path:
        return self.tracker_db or self.var_dir / "tracker.db"

    @property
    def tracker_url(self) -> str:
        return self.tracker_store_url or f"sqlite:///{self.tracker_path}"

    @property
    def rasa_ports(self) -> List[int]:
        return [self.rasa_port, *self.more_rasa_ports]

    @property
    def rasa_urls(self) -> List[str]:
        return [f"http://{self.host}:{port}" for port in self.rasa_ports]

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.api_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        host = self.host if self.actions_host in ("0.0.0.0", "::") else self.actions_host
        return f"http://{f'[{host}]' if ':' in host else host}:{self.actions_port}"


def tracker_store_yaml(url: str) -> str:
    """Rasa's SQL tracker store settings for a SQLAlchemy URL (sqlite:///path or postgresql://…)."""
    parsed = make_url(url)
    # ops/tracker_store.py: a database failure fails the turn rather than restarting the conversation.
    kind = "ops.tracker_store.StrictSQLTrackerStore"
    if parsed.get_backend_name() == "sqlite":
        return f'tracker_store:\n  type: {kind}\n  dialect: "sqlite"\n  db: "{parsed.database}"\n'
    return (
        f'tracker_store:\n  type: {kind}\n  dialect: "postgresql"\n'
        f'  url: "{parsed.host or "127.0.0.1"}"\n  port: {parsed.port or 5432}\n'
        f'  username: "{parsed.username or ""}"\n  password: "{parsed.password or ""}"\n'
        f'  db: "{parsed.database}"\n'
    )


def lock_store_yaml(url: Optional[str]) -> str:
    """Our atomic Redis lock store (ops/lock_store.py), or nothing (Rasa's in-memory lock store: one Rasa
    process only). Rasa's own `type: redis` store lets two processes take the same ticket."""
    if not url:
        return ""
    parsed = urlsplit(url)
    db = (parsed.path or "/0").lstrip("/") or "0"
    return (
        'lock_store:\n  type: "ops.lock_store.AtomicRedisLockStore"\n'
        f'  url: "{parsed.hostname or "127.0.0.1"}"\n  port: {parsed.port or 6379}\n'
        f'  db: {db}\n  key_prefix: "banshi"\n' + (f'  password: "{parsed.password}"\n' if parsed.password else "")
    )


def write_endpoints(cfg: StackConfig) -> Path:
    """Endpoints for this stack: its action server, its tracker store and, if set, a Redis lock store."""
    path = cfg.var_dir / "endpoints.yml"
    path.write_text(
        f'action_endpoint:\n  url: "{cfg.actions_url}/webhook"\n'
        + tracker_store_yaml(cfg.tracker_url)
        + lock_store_yaml(cfg.lock_store_url),
        encoding="utf-8",
    )
    return path


class Stack:
    def __init__(self, cfg: StackConfig):
        self.cfg = cfg
        self.procs: Dict[str, subprocess.Popen] = {}
        self.cfg.var_dir.mkdir(parents=True, exist_ok=True)

    def _env(self) -> Dict[str, str]:
        env = dict(
            os.environ,
            PYTHONPATH=str(ROOT),
            BANSHI_DATABASE_URL=self.cfg.database_url,
            BANSHI_RASA_URL=self.cfg.rasa_url,
            BANSHI_RASA_URLS=",".join(self.cfg.rasa_urls),
            BANSHI_ACTION_SERVER_URL=self.cfg.actions_url,
            BANSHI_TRACKER_STORE_URL=self.cfg.tracker_url,
            TF_CPP_MIN_LOG_LEVEL="3",
            PYTHONWARNINGS="ignore",
        )
        if self.cfg.lock_store_url:
            env["BANSHI_LOCK_STORE_URL"] = self.cfg.lock_store_url  # the API shares its state there too
        env.update(self.cfg.extra_env)
        return env

    def _start(self, name: str, cmd: List[str], env: Optional[Dict[str, str]] = None) -> None:
        log = (self.cfg.var_dir / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env={**self._env(), **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_actions(self) -> None:
        # rasa_sdk has no --interface option: SANIC_HOST is how it is told (an inherited one is overridden).
        self._start(
            "actions",
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(self.cfg.actions_port)],
            env={"SANIC_HOST": self.cfg.actions_host, "BANSHI_WARM_ON_START": "true"},
        )

    def start_rasa(self, port: Optional[int] = None) -> None:
        """One Rasa instance (the first by default); each further one is named rasa-<port>."""
        port = port or self.cfg.rasa_port
        endpoints = write_endpoints(self.cfg)
        name = "rasa" if port == self.cfg.rasa_port else f"rasa-{port}"
        self._start(
            name,
            [
                str(BIN / "rasa"),
                "run",
                "--model",
                str(self.cfg.model),
                "--endpoints",
                str(endpoints),
                "--credentials",
                "bot/credentials.yml",
                "--port",
                str(port),
                "--interface",
                self.cfg.host,
            ],
        )

    def api_command(self) -> List[str]:
        proxies = ",".join(p.strip() for p in self.cfg.trusted_proxies.split(",") if p.strip())
        # Explicit either way: without the option uvicorn would read FORWARDED_ALLOW_IPS or trust 127.0.0.1.
        forwarded = ["--proxy-headers", "--forwarded-allow-ips", proxies] if proxies else ["--no-proxy-headers"]
        return [
            str(BIN / "python"),
            "-m",
            "uvicorn",
            "api.main:app",
            "--host",
            self.cfg.host,
            "--port",
            str(self.cfg.api_port),
            "--no-access-log",
            *forwarded,
        ]

    def start_api(self) -> None:
        self._start("api", self.api_command())

    def wait_api(self, timeout: float = 60) -> None:
        """For an extra API process in front of an already running Rasa (start_api only)."""
        deadline = time.monotonic() + timeout
        while True:
            proc = self.procs.get("api")
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"api exited with {proc.returncode}; see {self.cfg.var_dir / 'api.log'}")
            try:
                if httpx.get(f"{self.cfg.api_url}/healthz", timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"api not ready after {timeout:.0f} s")
            time.sleep(0.2)

    def warm_meaning(self) -> None:
        """The guides' sayings embedded into the shared cache before the action server starts: its first
        turn then reads vectors instead of embedding a thousand sentences (tens of seconds)."""
        from sqlalchemy.orm import Session

        from guidekit.catalog import warm
        from guidekit.settings import get_settings
        from guidekit.db.engine import get_engine
        from guidekit.guides.store import list_guides

        settings = get_settings()
        if not settings.meaning_matching:
            return
        with Session(get_engine(self.cfg.database_url)) as session:
            warm(list_guides(session), str(ROOT / settings.meaning_cache), str(ROOT / settings.nlu_data_dir))

    def start(self, timeout: float = 240) -> None:
        self.warm_meaning()
        self.start_actions()
        for port in self.cfg.rasa_ports:
            self.start_rasa(port)
        self.start_api()
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        pending = {
            "actions": f"{self.cfg.actions_url}/health",
            "api": f"{self.cfg.api_url}/healthz",
            **{
                ("rasa" if port == self.cfg.rasa_port else f"rasa-{port}"): f"http://{self.cfg.host}:{port}/"
                for port in self.cfg.rasa_ports
            },
        }
        while pending:
            for name, url in list(pending.items()):
                proc = self.procs.get(name)
                if proc is not None and proc.poll() is not None:
                    raise RuntimeError(
                        f"{name} exited with {proc.returncode}; see {self.cfg.var_dir / (name + '.log')}"
                    )
                try:
                    if httpx.get(url, timeout=2.0).status_code == 200:
                        del pending[name]
                except httpx.HTTPError:
                    pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"not ready after {timeout:.0f} s: {', '.join(pending)}")
            if pending:
                time.sleep(0.5)

    def stop_one(self, name: str, timeout: float = 15) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop(self) -> None:
        for name in ["api", *[n for n in list(self.procs) if n.startswith("rasa")], "actions"]:
            self.stop_one(name)

    def pids(self) -> Dict[str, int]:
        return {name: proc.pid for name, proc in self.procs.items()}
