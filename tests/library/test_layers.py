"""Data flows one way: every module imports only its own layer and the layers below (docs/explanation/architecture.md).

The layers, bottom to top, are the folders of ``evogame/``.  The scan reads every import, at module level
and inside functions, so a lazy import cannot hide an upward dependency.
"""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

import evogame

PACKAGE = Path(__file__).resolve().parents[2] / "evogame"

#: bottom to top; a module may import its own layer and any layer listed before it
LAYERS = ["errors", "util", "game", "perception", "scenario", "solvers", "dynamics", "engine", "studies", "plotting", "render",
          "explore", "cli"]
RANK = {name: i for i, name in enumerate(LAYERS)}
RANK["evogame"] = 0                 # `from .. import __version__`: the package root's own constants
#: the only upward imports, each inside a function.  A result's display methods (``_repr_html_``,
#: ``to_dataframe``, ``to_text``/``to_markdown``/``to_latex``) render the result itself: the method loads the
#: presentation layer when called, so the result types stay usable (and importable) without it.
ALLOWED_UPWARD = {
    ("evogame.game.model", "evogame.render.notebook"),            # Game._repr_html_ / _repr_latex_
    ("evogame.dynamics.simulation", "evogame.render.notebook"),   # Simulation._repr_html_ / to_dataframe
    ("evogame.engine.analysis", "evogame.render.notebook"),       # Analysis._repr_html_ / to_dataframe
    ("evogame.studies.basins", "evogame.render.notebook"),
    ("evogame.studies.compare", "evogame.render.notebook"),
    ("evogame.studies.compare", "evogame.render.plain"),          # CompareResult.to_text
    ("evogame.studies.compare", "evogame.render.phrases"),
    ("evogame.studies.compare", "evogame.render.vocabulary"),     # the short label (vocabulary imports nothing)
    ("evogame.studies.sweep_results", "evogame.render.notebook"),
    ("evogame.studies.thresholds", "evogame.render.notebook"),
    ("evogame.studies.case_results", "evogame.render.cases_section"),   # CaseTable.to_text / to_markdown / ...
    ("evogame.studies.case_results", "evogame.render.markdown"),
    ("evogame.studies.case_results", "evogame.render.latex"),
    ("evogame.studies.case_results", "evogame.render.plain"),
}
#: the documented sub-APIs (docs/reference/api.rst, the how-to pages and the gallery scripts)
DOCUMENTED = ["evogame.game", "evogame.scenario", "evogame.dynamics", "evogame.engine.analysis",
              "evogame.studies", "evogame.studies.stochastic", "evogame.studies.delay", "evogame.studies.finite",
              "evogame.studies.continuation", "evogame.plotting", "evogame.plotting.recipes",
              "evogame.plotting.finite", "evogame.render", "evogame.render.report", "evogame.render.notebook",
              "evogame.cli", "evogame.explore"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, module: str) -> list[tuple[str, bool]]:
    """(evogame module imported, inside a function?) for every import in a file."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    out = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package[:len(package) - child.level + 1] + (child.module.split(".") if child.module else [])
                elif child.module and child.module.split(".")[0] == "evogame":
                    base = child.module.split(".")
                else:
                    continue
                target = ".".join(base)
                for alias in child.names:
                    sub = f"{target}.{alias.name}"
                    is_module = (PACKAGE.parent.joinpath(*sub.split(".")).with_suffix(".py").is_file()
                                 or PACKAGE.parent.joinpath(*sub.split(".")).is_dir())
                    out.append((sub if is_module else target, in_function))
            elif isinstance(child, ast.Import):
                out.extend((a.name, in_function) for a in child.names if a.name.split(".")[0] == "evogame")
            visit(child, inner)
    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    # evogame-internal string imports (importlib.import_module("evogame.x"))
    out += [(m, True) for m in re.findall(r"import_module\(\"(evogame(?:\.\w+)+)\"", path.read_text(encoding="utf-8"))]
    return out


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "evogame"


def upward_imports(path: Path) -> list[tuple[str, str]]:
    """(importer, imported) pairs where the imported module's layer is above the importer's."""
    module = module_name(path)
    if module == "evogame":         # the facade re-exports every layer, lazily
        return []
    own = RANK[layer(module)]
    return [(module, target) for target, _ in imports(path, module) if RANK[layer(target)] > own]


def test_every_folder_is_a_layer():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    flat = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    assert folders | flat == set(LAYERS), (folders | flat) ^ set(LAYERS)


def test_every_module_imports_only_its_layer_and_below():
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        found |= set(upward_imports(path))
    assert found <= ALLOWED_UPWARD, sorted(found - ALLOWED_UPWARD)


def test_the_allowed_upward_imports_are_inside_functions_and_still_needed():
    seen = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        for target, in_function in imports(path, module):
            if (module, target) in ALLOWED_UPWARD:
                assert in_function, f"{module} imports {target} at module level"
                seen.add((module, target))
    assert seen == ALLOWED_UPWARD, ALLOWED_UPWARD - seen


def test_the_check_sees_an_upward_import(tmp_path):
    bad = PACKAGE / "scenario" / "_upward_probe.py"
    try:
        bad.write_text("def f():\n    from ..studies.stochastic.model import make_noise\n", encoding="utf-8")
        assert upward_imports(bad) == [("evogame.scenario._upward_probe", "evogame.studies.stochastic.model")]
    finally:
        bad.unlink()


def test_the_root_exposes_every_public_name():
    for name in evogame.__all__:
        assert getattr(evogame, name) is not None, name


@pytest.mark.parametrize("module", DOCUMENTED)
def test_each_documented_module_imports(module):
    importlib.import_module(module)


def test_the_game_package_re_exports_the_model():
    from evogame.game import Game, exact, game_of
    from evogame.game.model import Game as ModelGame
    assert Game is ModelGame and callable(exact) and callable(game_of)
