"""The package's shape: a one-way flow of stages over a small kernel, and no import cycles.

Every module under kg/ is read with :mod:`ast` (never imported) and each of its
imports of a kg module is collected: ``import kg.x``, ``from kg.x import y``,
``from kg import x``, relative imports, and imports inside functions or under
``TYPE_CHECKING``. A module may import modules of its own package and of any
package of lower rank; kernel modules only kernel modules.

A known upward import is listed in :data:`KNOWN_UPWARD` with the fix it waits
for, its test marked ``xfail(strict=True)``: the test passes while the import is
there and fails, asking for the entry to go, once it is fixed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from tests.paths import ROOT

PACKAGE = ROOT / "kg"

#: The kernel: every stage may use it; it uses no stage.
KERNEL = {
    "kg", "kg.errors", "kg.findings", "kg.records", "kg.resources", "kg.files", "kg.config",
    "kg.vocabulary", "kg.manifest", "kg.processes",
}
#: Rank of each stage (a package, or a top-level module): a stage imports only lower ranks (and itself).
RANKS = {
    "kg.reference": 1,
    "kg.read": 2,
    "kg.normalise": 3,
    "kg.assemble": 4,
    "kg.curated": 5,  # reads curated rows over the extract's drafts, through the assembler
    "kg.rdf": 4,
    "kg.review": 5,
    "kg.findings_io": 5,  # an output, like kg.review: findings as JSON/CSV files
    "kg.validate": 5,
    "kg.store": 5,
    "kg.query": 6,
    "kg.publish": 6,
    # reads builds, writes with kg.rdf; below catalog and site, which read the version notes it leaves
    "kg.diff": 5,
    "kg.site": 6,  # reads a finished build folder (its manifest); never the build stage
    "kg.serve": 7,  # serves a build through kg.site and kg.store; never the build stage
    "kg.catalog": 6,  # reads a finished build (kg.manifest) and the reference data; never kg.build
    "kg.harvest": 6,  # reads the e-Gov portal, adds its graph to a finished build (kg.manifest)
    "kg.build": 7,
    "kg.cli": 8,
}

#: Upward imports there today, by importing module: what they import and the fix the test waits for.
KNOWN_UPWARD: dict[str, str] = {}


@dataclass(frozen=True)
class Import:
    target: str  # the kg module imported
    line: int


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of kg, by dotted name."""
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str) -> str:
    """The longest known module that ``name`` names or lies in (``kg.x.y`` for ``from kg.x.y import z``)."""
    while name not in modules() and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _base(module: str, node: ast.ImportFrom) -> str:
    """The absolute module a ``from … import`` reads from, relative imports resolved."""
    if not node.level:
        return node.module or ""
    package = module if modules()[module].name == "__init__.py" else module.rsplit(".", 1)[0]
    parts = package.split(".")
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join(parts + ([node.module] if node.module else []))


@cache
def imports(module: str) -> tuple[Import, ...]:
    """The kg modules that ``module`` imports, anywhere in its body."""
    tree = ast.parse(modules()[module].read_text(encoding="utf-8"), filename=str(modules()[module]))
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(_resolve(a.name), node.lineno) for a in node.names if _is_kg(a.name)]
        elif isinstance(node, ast.ImportFrom):
            base = _base(module, node)
            if not _is_kg(base):
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.append(Import(submodule if submodule in modules() else _resolve(base), node.lineno))
    return tuple(found)


def _is_kg(name: str) -> bool:
    return name == "kg" or name.startswith("kg.")


def stage(module: str) -> str:
    """The kernel, or the stage (``kg.rdf``, ``kg.review`` …) a module belongs to."""
    if module in KERNEL:
        return "kernel"
    return ".".join(module.split(".")[:2])


def rank(module: str) -> int:
    unit = stage(module)
    return 0 if unit == "kernel" else RANKS[unit]


def upward(module: str) -> list[str]:
    """The imports of ``module`` that its rank does not allow, each as ``module:line imports target``."""
    return [
        f"{module}:{imp.line} imports {imp.target} ({stage(imp.target)}, rank {rank(imp.target)})"
        for imp in imports(module)
        if stage(imp.target) != stage(module) and rank(imp.target) >= rank(module)
    ]


def _cases() -> list[object]:
    cases: list[object] = []
    for module in modules():
        reason = KNOWN_UPWARD.get(module)
        known = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        cases.append(pytest.param(module, id=module, marks=known))
    return cases


# --- tests ----------------------------------------------------------------------------------------


def test_every_module_has_a_rank() -> None:
    unranked = sorted(m for m in modules() if stage(m) != "kernel" and stage(m) not in RANKS)
    assert not unranked, f"give these a rank in tests/test_layers.py (or make them kernel): {unranked}"


def test_the_kernel_imports_no_stage() -> None:
    assert set(modules()) >= KERNEL, sorted(KERNEL - set(modules()))
    wrong = [f"{m} imports {i.target}" for m in sorted(KERNEL) for i in imports(m) if i.target not in KERNEL]
    assert not wrong


def test_known_violations_are_real_modules() -> None:
    assert set(KNOWN_UPWARD) <= set(modules())


@pytest.mark.parametrize("module", _cases())
def test_no_upward_import(module: str) -> None:
    assert upward(module) == []


def _cycles() -> list[frozenset[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    graph = {m: sorted({i.target for i in imports(m)} - {m}) for m in modules()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

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
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles() -> None:
    assert [sorted(c) for c in _cycles()] == []


def test_only_resources_uses_file() -> None:
    """Bundled files are found through kg.resources (importlib.resources), never next to a module's source."""
    users = []
    for module, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.Name) and n.id == "__file__" for n in ast.walk(tree)):
            users.append(module)
    assert [m for m in users if m != "kg.resources"] == []


def test_the_walk_sees_every_kind_of_import() -> None:
    """The collector itself: relative, ``from kg import x``, in a function, under TYPE_CHECKING."""
    assert any(i.target == "kg.validate" for i in imports("kg.validate.render"))  # TYPE_CHECKING
    assert any(i.target.startswith("kg.cli.") for i in imports("kg.cli"))  # inside main()
    assert any(i.target == "kg.vocabulary" for i in imports("kg.rdf.terms"))  # from kg import vocabulary
    node = ast.parse("from .table import x\nfrom .. import errors\n").body
    assert [_base("kg.curated.overlay", n) for n in node if isinstance(n, ast.ImportFrom)] == [
        "kg.curated.table", "kg",
    ]
