"""How the code is built, checked from its source and while the suite runs.

* Apps form layers: an app imports only apps below it (no cycle); the kernel (the policy's entry
  point and the disclosure module) imports no app at all (``app_imports``).
* An app writes only its own tables (``OwnTablesGuard``): every INSERT, UPDATE and DELETE the
  suite makes is attributed to the innermost app module on the call stack, and must touch a
  table of that app. Shared infrastructure (``spona.core``: optimistic locking, key rotation)
  is transparent; the composition root (settings, URLs, the ``spona`` command) and the tests
  are not apps.
"""

import ast
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.apps import apps

SOURCE = Path(__file__).resolve().parent.parent / "spona"
#: Modules of the ``spona`` package that are not apps: the kernel every app may use, and the
#: composition root (settings, URLs, the command line) that may use every app.
KERNEL = {"policy", "disclosure"}
ROOT = {"settings", "settings_test", "urls", "wsgi", "cli", "__init__"}
TRANSPARENT = {"core"}
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _unit_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "spona" or len(parts) < 2:
        return None
    return parts[1]


def app_imports() -> dict[str, set[str]]:
    """For each top-level unit of the package (an app, ``policy``, ``core``...), the other
    units it imports at run time (imports inside functions included, type-only ones not)."""
    graph: dict[str, set[str]] = {}
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = ".".join(path.relative_to(SOURCE.parent).with_suffix("").parts)
        unit = _unit_of(module)
        assert unit is not None
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = _type_checking_lines(tree)
        for node in ast.walk(tree):
            if getattr(node, "lineno", None) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            for target in targets:
                other = _unit_of(target)
                if other and other != unit:
                    graph.setdefault(unit, set()).add(other)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one unit (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _table_owners() -> dict[str, str]:
    return {
        model._meta.db_table: model._meta.app_label
        for model in apps.get_models(include_auto_created=True)
    }


def _writer(frames: Iterator[Any], app_units: set[str]) -> str | None:
    """The innermost app on the stack (shared infrastructure skipped)."""
    for frame in frames:
        unit = _unit_of(frame.f_globals.get("__name__", ""))
        if unit is None or unit in TRANSPARENT:
            continue
        return unit if unit in app_units else None
    return None


def _frames() -> Iterator[Any]:
    frame = sys._getframe(2)
    while frame is not None:
        yield frame
        frame = frame.f_back


class OwnTablesGuard:
    """A database execute wrapper that notes every write to another app's table."""

    def __init__(self) -> None:
        self.owners = _table_owners()
        self.app_units = {
            config.name.split(".")[1]
            for config in apps.get_app_configs()
            if config.name.startswith("spona.")
        }
        self.violations: list[str] = []

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        match = _WRITE.match(sql)
        if match:
            table = match.group(1)
            owner = self.owners.get(table)
            writer = _writer(_frames(), self.app_units)
            if owner in self.app_units and writer is not None and writer != owner:
                self.violations.append(f"spona.{writer} wrote {table} (owned by {owner})")
        return execute(sql, params, many, context)
