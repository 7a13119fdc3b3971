"""The package's stages import one way: a module imports only from its own stage or the stages
below it, never from one above, and no two modules import each other, even through others.

`LAYERS` is the order, top first; the README's layout table lists the same folders. Imports
inside functions count as much as those at the top of a module: a lazy import hides a
dependency, it does not remove it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "evaluation"

#: Stages, top first. Each stage names its folders or modules; those within one stage are
#: independent of each other (neither imports the other).
LAYERS: list[tuple[str, ...]] = [
    ("evaluation",),  # the package's own __init__: the public names, imported lazily
    ("cli",),
    ("pipeline",),
    ("steps",),
    ("reporting",),
    ("analysis",),
    ("evidence",),
    ("stats",),
    ("validation",),
    ("io", "demo"),
    ("config",),
    ("wording",),
    ("resources", "errors"),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The workbench modules `path` imports, anywhere in it (the longest known prefix of each)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from package import module` depends on the module, `from module import name` on it
            names = [
                f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known else node.module
                for alias in node.names
            ]
        else:
            continue
        for name in names:
            parts = name.split(".")
            while parts and ".".join(parts) not in known:
                parts.pop()
            if parts and parts[0] == "evaluation":
                found.add(".".join(parts))
    return found


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    known = set(paths)
    graph = {}
    for name, path in paths.items():
        # `from evaluation.stats import x` names the package; a module of it imports its parent
        # package only implicitly, which is no dependency on the package's other modules
        graph[name] = {target for target in imported_modules(path, known) if target != name}
    return graph


def stage(module: str) -> tuple[int, str]:
    """(position in LAYERS, stage name) of a module."""
    if module == "evaluation":
        return 0, "evaluation"
    first = module.split(".")[1]
    for position, names in enumerate(LAYERS):
        if first in names:
            return position, first
    raise LookupError(module)


def test_every_module_belongs_to_a_stage() -> None:
    unplaced = []
    for module in import_graph():
        try:
            stage(module)
        except LookupError:
            unplaced.append(module)
    assert unplaced == [], f"modules in no stage of LAYERS: {unplaced}"


def test_imports_flow_from_the_top_stage_down() -> None:
    upward = []
    for module, targets in import_graph().items():
        if module == "evaluation":
            continue
        position, name = stage(module)
        for target in targets:
            if target == "evaluation":
                upward.append(f"{module} imports the package's __init__")
                continue
            target_position, target_name = stage(target)
            if target_position < position or (target_position == position and target_name != name):
                upward.append(f"{module} ({name}) imports {target} ({target_name})")
    assert upward == [], "imports against the stage order:\n" + "\n".join(sorted(upward))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_two_modules_import_each_other() -> None:
    graph = {module: {t for t in targets if t != "evaluation"} for module, targets in import_graph().items()}
    # a package's __init__ that re-exports its modules is the package's surface, not a cycle
    for module, targets in graph.items():
        targets -= {t for t in targets if module.startswith(t + ".")}
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from evaluation.stats import ancova_clustered", {"evaluation.stats"}),
        ("from evaluation.stats.ancova import x", {"evaluation.stats.ancova"}),
        ("def f():\n    from evaluation.reporting import figures", {"evaluation.reporting.figures"}),
        ("import evaluation.errors as e", {"evaluation.errors"}),
        ("from evaluation import errors", {"evaluation.errors"}),
    ],
)
def test_imports_are_found_wherever_they_are(tmp_path: Path, source: str, expected: set[str]) -> None:
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    known = {
        "evaluation",
        "evaluation.errors",
        "evaluation.stats",
        "evaluation.stats.ancova",
        "evaluation.reporting",
        "evaluation.reporting.figures",
    }
    assert imported_modules(path, known) == expected


def test_the_package_re_exports_its_public_names_lazily() -> None:
    import subprocess
    import sys

    import evaluation

    for name in evaluation.__all__:
        assert getattr(evaluation, name) is not None, name
    # `import evaluation` alone loads none of the stages (only the base module that finds its version)
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, evaluation; print(sorted(m for m in sys.modules if m.startswith('evaluation')))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert loaded.strip() == "['evaluation', 'evaluation.resources']"
