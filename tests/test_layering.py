"""The apps import each other one way only (docs/architecture.md, "Layering").

The graph is read from the source: an edge `a -> b` for every import of `roots.b...` in a
production module of app `a` (tests and migrations aside; imports under `TYPE_CHECKING`
do not count). Module-level imports must form no cycle, and neither may the imports made
inside functions ("lazy"): a lazy import is still a dependency. An app that needs the work
of an app above it takes it by registration (`customer_tabs.py`, `searchers.py`,
`Lifecycle.also_after`, the navigation table).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOTS = Path(__file__).resolve().parent.parent / "roots"
Graph = dict[str, dict[str, set[str]]]  # app -> the apps it imports -> the files that do


def app_graph(*, lazy: bool) -> Graph:
    graph: Graph = defaultdict(lambda: defaultdict(set))
    for path in sorted(ROOTS.rglob("*.py")):
        parts = path.relative_to(ROOTS).parts
        if "tests" in parts or "migrations" in parts or parts[0] == "settings" or len(parts) < 2:
            continue
        app = parts[0]
        where = str(path.relative_to(ROOTS))

        def visit(node: ast.AST, app: str = app, where: str = where) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                    continue
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    if lazy:
                        visit(child)
                    continue
                modules: list[str] = []
                if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                    modules = [child.module]
                elif isinstance(child, ast.Import):
                    modules = [alias.name for alias in child.names]
                for module in modules:
                    if module.startswith("roots."):
                        other = module.split(".")[1]
                        if other not in (app, "settings"):
                            graph[app][other].add(where)
                visit(child)

        visit(ast.parse(path.read_text(encoding="utf-8")))
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one app (Tarjan): each holds a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        for other in graph.get(app, {}):
            if other not in index:
                connect(other)
                low[app] = min(low[app], low[other])
            elif other in stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == app:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for app in sorted(graph):
        if app not in index:
            connect(app)
    return found


def _explain(graph: Graph, component: list[str]) -> str:
    edges = [
        f"  {a} -> {b}: {', '.join(sorted(graph[a][b])[:4])}"
        for a in component
        for b in sorted(graph[a])
        if b in component
    ]
    return "\n".join(["a cycle among " + ", ".join(component), *edges])


@pytest.mark.parametrize("lazy", [False, True], ids=["module-level", "with-lazy"])
def test_the_apps_import_each_other_without_a_cycle(lazy: bool) -> None:
    graph = app_graph(lazy=lazy)
    assert graph, "no production module found"
    found = cycles(graph)
    assert not found, "import cycles between apps:\n" + "\n".join(
        _explain(graph, component) for component in found
    )


def test_core_imports_no_app() -> None:
    imported = app_graph(lazy=True).get("core", {})
    assert not imported, {app: sorted(files) for app, files in imported.items()}


def test_a_cycle_is_found() -> None:
    graph: Graph = {"a": {"b": {"a/x.py"}}, "b": {"c": {"b/y.py"}}, "c": {"a": {"c/z.py"}}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b": {"a/x.py"}}, "b": {}}) == []
