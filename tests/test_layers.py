"""The layers ARCHITECTURE.md draws, checked from the import graph of `bot/`.

Every import counts: `import x`, `from x import y`, inside functions, under
`if TYPE_CHECKING:` (a typing-only import still ties the two modules together). The graph
is read with `ast`, never by importing, so the test sees what the source says.

    python tests/test_layers.py [ROOT]   prints the figures for ROOT (default: this tree)
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Lowest first. A module may import its own layer and the ones before it, never a later one.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # The error tree is a leaf every layer raises from; it names dialogue's `Diagnostic`.
    # The metrics are a leaf every layer counts into (they import nothing of ours).
    ("dialogue", ("bot.errors", "bot.metrics", "bot.dialogue")),
    ("engine", ("bot.engine",)),
    ("storage, safety, features", ("bot.storage", "bot.safety", "bot.features")),
    ("coach", ("bot.contract", "bot.coach")),
    ("transports", ("bot.transports",)),
    (
        "edges",
        (
            "bot.cli",
            "bot.app",
            "bot.config",
            "bot.logs",
            "bot.bench",
            "bot.transcripts",
            "bot.__main__",
            "bot",
        ),
    ),
)
# What a transport may import of ours: the contract, the coach's face, the error tree, the
# metrics, itself.
TRANSPORT_MAY_IMPORT = ("bot.contract", "bot.coach", "bot.errors", "bot.metrics", "bot.transports")


def modules(root: Path) -> dict[str, Path]:
    """Every module under `root/bot`, by dotted name (a package by its own name)."""
    found = {}
    for path in sorted((root / "bot").rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(path: Path, known: set[str]) -> Iterator[str]:
    """The modules of ours that `path` imports, anywhere in it."""
    package = ".".join(path.with_suffix("").parts[path.parts.index("bot") : -1])
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield from _ours(alias.name, known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield from _ours(sub if sub in known else base, known)


def _ours(name: str, known: set[str]) -> Iterator[str]:
    while name and name not in known:  # `import bot.storage.models` names a module; `a.b.C` its module
        name = name.rpartition(".")[0]
    if name.startswith("bot"):
        yield name


def graph(root: Path = ROOT) -> dict[str, set[str]]:
    found = modules(root)
    return {name: set(imports(path, set(found))) - {name} for name, path in found.items()}


def layer(module: str) -> int:
    best, level = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or (prefix != "bot" and module.startswith(prefix + "."))) and len(prefix) > best:
                best, level = len(prefix), index
    return level


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
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

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def climbs(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Imports from a lower layer into a higher one (or of a module in no layer)."""
    return sorted((a, b) for a, targets in edges.items() for b in targets if layer(a) < layer(b) or layer(b) < 0)


def transport_reaches(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Imports of a transport beyond the contract, the coach's face and the error tree."""
    return sorted(
        (a, b)
        for a, targets in edges.items()
        if a.startswith("bot.transports")
        for b in targets
        if not any(b == p or (p == "bot.transports" and b.startswith(p + ".")) for p in TRANSPORT_MAY_IMPORT)
    )


# ---------------------------------------------------------------------------- the tests


def test_every_module_has_a_layer() -> None:
    assert [m for m in graph() if layer(m) < 0] == []


def test_there_are_no_import_circles_in_bot() -> None:
    assert circles(graph()) == []


def test_no_import_climbs_a_layer() -> None:
    assert climbs(graph()) == []


def test_transports_import_only_the_contract_and_the_coachs_face() -> None:
    assert transport_reaches(graph()) == []


def test_the_metrics_are_a_leaf() -> None:
    """Every layer counts into `bot.metrics`; it must import nothing of ours, or a count
    would drag a layer's dependencies into the engine's."""
    assert graph()["bot.metrics"] == set()


def test_the_graph_sees_every_kind_of_import(tmp_path: Path) -> None:
    (tmp_path / "bot" / "pkg").mkdir(parents=True)
    (tmp_path / "bot" / "__init__.py").write_text("")
    (tmp_path / "bot" / "pkg" / "__init__.py").write_text("from bot.pkg.b import B\n")
    (tmp_path / "bot" / "pkg" / "b.py").write_text("B = 1\n")
    (tmp_path / "bot" / "pkg" / "c.py").write_text("C = 2\n")
    (tmp_path / "bot" / "a.py").write_text(
        "from typing import TYPE_CHECKING\nimport bot.pkg.b\nfrom bot.pkg import c\n"
        "if TYPE_CHECKING:\n    from bot import d\n"
        "def f():\n    from bot.pkg import B\n"
    )
    (tmp_path / "bot" / "d.py").write_text("from .a import f\n")
    edges = graph(tmp_path)
    assert edges["bot.a"] == {"bot.pkg.b", "bot.pkg.c", "bot.d", "bot.pkg"}
    assert circles(edges) == [["bot.a", "bot.d"]]


def figures(root: Path) -> str:
    edges = graph(root)
    lines = [f"{len(edges)} modules, {sum(map(len, edges.values()))} imports"]
    lines.append(f"circles: {len(circles(edges))}")
    lines += [f"  {' <-> '.join(group)}" for group in circles(edges)]
    lines.append(f"imports climbing a layer: {len(climbs(edges))}")
    lines += [f"  {a} -> {b}" for a, b in climbs(edges)]
    lines.append(f"transport imports beyond the contract and the coach's face: {len(transport_reaches(edges))}")
    lines += [f"  {a} -> {b}" for a, b in transport_reaches(edges)]
    return "\n".join(lines)


if __name__ == "__main__":
    print(figures(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT))
