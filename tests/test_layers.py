"""The app's modules import one way: no circle, and the walkthrough and the record
read the domain but never each other.

The imports are read from the source (every ``import``, at the top of a module or
inside a function, since an import inside a function is how a circle hides).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "aids"


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in APP.rglob("*.py") if "migrations" not in p.parts}


def imported(name, path):
    """The app modules that module ``name`` imports."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            # "from aids.record import storage" imports the module aids.record.storage
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                       for a in node.names]
        else:
            continue
        found |= {t for t in targets if t in MODULES and t != name}
    return found


GRAPH = {name: imported(name, path) for name, path in MODULES.items()}


def find_cycle(graph):
    """One import circle as a list of module names, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_layers_the_reader_sees_real_imports():
    # The walk would pass vacuously if it found no edges.
    assert "aids.vocabulary" in GRAPH["aids.readmodel"]
    assert "aids.record.storage" in GRAPH["aids.consultations"]
    assert "aids.readmodel" in GRAPH["aids.walkthrough.views"]


def test_layers_no_import_circle_among_the_apps_modules():
    assert find_cycle(GRAPH) is None, " -> ".join(find_cycle(GRAPH))


def test_layers_the_circle_finder_finds_a_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("reader, never", [
    ("aids.record", "aids.walkthrough"),
    ("aids.walkthrough", "aids.record"),
    ("aids.vocabulary", "aids.walkthrough"),
    ("aids.vocabulary", "aids.record"),
    ("aids.vocabulary", "aids.consultations"),
    ("aids.readmodel", "aids.walkthrough"),
    ("aids.readmodel", "aids.record"),
    ("aids.readmodel", "aids.consultations"),
    ("aids.models", "aids.consultations"),
    ("aids.models", "aids.walkthrough"),
    ("aids.models", "aids.record"),
])
def test_layers_point_one_way(reader, never):
    offending = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items() if name == reader or name.startswith(reader + ".")
        for target in targets if target == never or target.startswith(never + ".")
    )
    assert offending == []
