"""The layout a newcomer relies on: no import circle, actions that never call each other, and an action server
that does not load the editors' side (accounts with argon2, the editorial tables)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Set

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("guidekit", "actions", "api", "ops")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> Dict[str, Set[str]]:
    """Each project module → the project modules it imports, at the top or inside a function."""
    modules = {
        _module_name(p): p
        for package in PACKAGES
        for p in (ROOT / package).rglob("*.py")
        if "migrations" not in p.parts
    }
    graph: Dict[str, Set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    if full in modules:
                        graph[name].add(full)
                    elif node.module in modules and node.module != name:
                        graph[name].add(node.module)
            elif isinstance(node, ast.Import):
                graph[name].update(a.name for a in node.names if a.name in modules)
    return graph


def _circles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[List[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_circle_among_the_projects_modules():
    assert _circles(_import_graph()) == []


def test_the_circle_finder_finds_a_circle():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_actions_never_import_another_action_module():
    graph = _import_graph()
    shared = {"actions", "actions.base", "actions.conversation"}
    actions = [m for m in graph if m.startswith("actions.") and not m.startswith("actions.flows") and m not in shared]
    assert actions, "no action modules found"
    for module in actions:
        others = {m for m in graph[module] if m in actions}
        assert not others, f"{module} imports the actions {sorted(others)}: call a flow in actions/flows/ instead"


def test_flows_never_import_the_actions():
    graph = _import_graph()
    for module in (m for m in graph if m.startswith("actions.flows")):
        upward = {
            m
            for m in graph[module]
            if m.startswith("actions.") and not m.startswith("actions.flows") and m != "actions.conversation"
        }
        assert not upward, f"{module} imports {sorted(upward)}"


def test_the_action_server_loads_neither_the_editors_accounts_nor_their_tables(tmp_path):
    # What the action server imports, and its first guide lookup on a database it creates (migrated to head).
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    probe = (
        "import sys, pkgutil, importlib, actions\n"
        "for m in pkgutil.walk_packages(actions.__path__, 'actions.'): importlib.import_module(m.name)\n"
        "from sqlalchemy.orm import Session\n"
        "from guidekit.db.engine import get_engine\n"
        "from guidekit.guides.store import list_guides\n"
        f"with Session(get_engine({url!r})) as s: print(len(list_guides(s)))\n"
        "print(sorted(m for m in sys.modules if m == 'argon2' or m.startswith('guidekit.editorial')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-2:] == ["0", "[]"]
