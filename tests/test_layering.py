"""The dependency direction: nn knows no scikit-learn or skorch; data tools know no torch."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest


def imported_after(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return {name.split(".")[0] for name in out.stdout.split()}


def test_nn_imports_neither_sklearn_nor_skorch():
    loaded = imported_after("sklearn_drsn.nn")
    assert "torch" in loaded
    assert not {"sklearn", "skorch"} & loaded


@pytest.mark.parametrize(
    "module",
    [
        "sklearn_drsn.noise",
        "sklearn_drsn.datasets",
        "sklearn_drsn.features",
        "sklearn_drsn.preprocessing",
        "sklearn_drsn.io",
        "sklearn_drsn.windows",
        "sklearn_drsn.loaders",
    ],
)
def test_data_tools_do_not_import_torch_or_skorch(module):
    assert not {"torch", "skorch"} & imported_after(module)


@pytest.mark.parametrize(
    "module",
    [
        "sklearn_drsn.io",
        "sklearn_drsn.windows",
        "sklearn_drsn.loaders",
        "sklearn_drsn._random",
        "sklearn_drsn._validation",
    ],
)
def test_file_readers_and_shared_checks_do_not_import_sklearn(module):
    # Reading files needs NumPy (and SciPy for .mat files), not a learning library; the
    # shared checks are imported by the readers and, for seeds, by the estimator.
    assert not {"torch", "skorch", "sklearn"} & imported_after(module)


# ---------------------------------------------------------------- the import graph
PACKAGE = Path(__file__).resolve().parent.parent / "sklearn_drsn"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def package_imports(name: str) -> list[tuple[str, str]]:
    """``(module, imported name)`` for every import of the package in module ``name``.

    Imports inside functions count too: a lazy import closes a cycle as well.
    """
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif (node.module or "").startswith("sklearn_drsn"):
                target = node.module
            else:
                continue
            found += [(target, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(a.name, "") for a in node.names if a.name.startswith("sklearn_drsn")]
    return found


def import_graph() -> dict[str, set[str]]:
    graph = {}
    for name in MODULES:
        targets = set()
        for module, imported in package_imports(name):
            submodule = f"{module}.{imported}"
            targets.add(submodule if submodule in MODULES else module)
        graph[name] = targets & set(MODULES) - {name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node, path):
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt, [*path, nxt])):
                return cycle
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node, [node])):
            return cycle
    return None


def test_the_package_has_no_import_cycle():
    assert find_cycle(import_graph()) is None


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_private_name_is_imported_from_another_module():
    crossings = [
        (name, module, imported)
        for name in MODULES
        for module, imported in package_imports(name)
        if imported.startswith("_") and not imported.startswith("__")
    ]
    assert crossings == []


def code_lines(node: ast.AST, source: list[str]) -> int:
    """Non-blank lines of ``node`` that are neither docstrings nor comments."""
    docstrings = set()
    for inner in ast.walk(node):
        body = getattr(inner, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
    first, last = getattr(node, "lineno", 1), getattr(node, "end_lineno", len(source))
    return sum(
        1
        for i in range(first, last + 1)
        if i not in docstrings
        and source[i - 1].strip()
        and not source[i - 1].strip().startswith("#")
    )


def test_modules_and_classes_stay_small():
    # One job per module: at most ~400 lines of code a module, ~250 a class, docstrings aside.
    too_long = []
    for name, path in MODULES.items():
        source = path.read_text().splitlines()
        tree = ast.parse("\n".join(source))
        if code_lines(tree, source) > 400:
            too_long.append((name, code_lines(tree, source)))
        too_long += [
            (f"{name}.{node.name}", code_lines(node, source))
            for node in tree.body
            if isinstance(node, ast.ClassDef) and code_lines(node, source) > 250
        ]
    assert too_long == []
