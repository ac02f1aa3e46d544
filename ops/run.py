"""`make run`: load the guides, train if needed, start action server + Rasa + API, stop all on Ctrl-C.

A second `make run` while one is running says so and exits, instead of failing on busy ports.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Optional

from guidekit.settings import get_settings
from guidekit.db.engine import get_engine
from guidekit.guides.store import load_guides
from ops.stack import ROOT, Stack, StackConfig
from ops.train import ensure_model

VAR = ROOT / "var"
LOCK = VAR / "run.lock"
INFO = VAR / "run.json"


def _port_busy(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _already_running(lock_file) -> bool:
    try:
        fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True


def import_catalogue(
    database_url: str, export: Path, sayings: Optional[Path] = None, plain: Optional[Path] = None
) -> str:
    """The catalogue export as drafts for the editors (guidekit/catalogue), with what people say about each
    service and the plain texts its editors wrote, in one line: the full report is `python -m guidekit.cli
    import FILE --sayings S --plain P --dry-run`."""
    from guidekit.catalogue.importer import import_export

    report = import_export(export, get_engine(database_url), sayings=sayings, plain=plain)
    return f"catalogue {export.name}: " + report.summary().splitlines()[1]


def main() -> int:
    VAR.mkdir(exist_ok=True)
    lock_file = LOCK.open("a+")
    if _already_running(lock_file):
        info = json.loads(INFO.read_text()) if INFO.exists() else {}
        print(
            f"长辈办事通已经在运行(进程 {info.get('pid', '?')}),地址 {info.get('url', '?')}\n"
            "Already running. Stop it with Ctrl-C in its terminal before starting another.",
            file=sys.stderr,
        )
        return 1

    settings = get_settings()
    rasa_port = int(os.environ.get("BANSHI_RASA_PORT", "5005"))
    # Production profile by settings alone: PostgreSQL tracker store, Redis lock store, more Rasa instances.
    instances = max(1, settings.rasa_instances)
    cfg = StackConfig(
        database_url=settings.database_url,
        model=Path(),
        var_dir=VAR,
        api_port=int(os.environ.get("BANSHI_API_PORT", "8000")),
        rasa_port=rasa_port,
        actions_port=int(os.environ.get("BANSHI_ACTIONS_PORT", "5055")),
        tracker_store_url=None
        if settings.tracker_store_url == "sqlite:///var/tracker.db"
        else settings.tracker_store_url,
        lock_store_url=settings.lock_store_url,
        trusted_proxies=settings.trusted_proxies,
        more_rasa_ports=[rasa_port + i for i in range(1, instances)],
    )
    if instances > 1 and not settings.lock_store_url:
        print(
            "BANSHI_RASA_INSTANCES > 1 needs BANSHI_LOCK_STORE_URL (Redis): several Rasa processes must share "
            "one lock store, or two turns of one conversation can overwrite each other.",
            file=sys.stderr,
        )
        return 1
    busy = [p for p in (cfg.api_port, *cfg.rasa_ports, cfg.actions_port) if _port_busy(cfg.host, p)]
    if busy:
        print(
            f"Port(s) {', '.join(map(str, busy))} on {cfg.host} are used by another program. "
            "Stop it, or set BANSHI_API_PORT / BANSHI_RASA_PORT / BANSHI_ACTIONS_PORT.",
            file=sys.stderr,
        )
        return 1

    report = load_guides(get_engine(settings.database_url), ROOT / settings.guides_dir)
    print(report.summary(), flush=True)
    if settings.sample_catalogue:
        sayings = ROOT / settings.sample_catalogue_sayings if settings.sample_catalogue_sayings else None
        plain = ROOT / settings.sample_catalogue_plain if settings.sample_catalogue_plain else None
        print(import_catalogue(settings.database_url, ROOT / settings.sample_catalogue, sayings, plain), flush=True)
    cfg.model = ensure_model(settings.database_url)

    stack = Stack(cfg)
    stopping = False

    def _stop(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        print("starting the action server, Rasa (loading the model takes about 40 s) and the API …", flush=True)
        stack.start()
        INFO.write_text(json.dumps({"pid": os.getpid(), "url": cfg.api_url, "children": stack.pids()}))
        print(
            f"\n长辈办事通 is running: {cfg.api_url}\n"
            f"  chat:   POST {cfg.api_url}/api/chat\n  health: {cfg.api_url}/healthz\n"
            f"  kiosk:  {cfg.api_url}/kiosk\n  editor: {cfg.api_url}/editor (first account: "
            f"python -m guidekit.cli create-user NAME --role admin)\n"
            f"  logs:   {VAR.relative_to(ROOT)}/*.log\nPress Ctrl-C to stop everything.",
            flush=True,
        )
        while not stopping:
            dead = [n for n, p in stack.procs.items() if p.poll() is not None]
            if dead:
                print(f"{', '.join(dead)} stopped unexpectedly; stopping the rest (see var/*.log).", file=sys.stderr)
                return 1
            time.sleep(0.5)
        return 0
    except (RuntimeError, TimeoutError) as exc:
        print(f"could not start: {exc}", file=sys.stderr)
        return 1
    finally:
        print("stopping …", flush=True)
        stack.stop()
        INFO.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
