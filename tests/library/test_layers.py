"""Data flows one way: the scenario loader imports nothing above the game model (README "Architecture")."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "evogame"
#: what the loader may import: the game model and the utilities beneath it
BELOW_THE_LOADER = {"errors", "game", "expressions", "expression_sizes", "formatting", "timelimit", "scenario",
                    # [perception] rewrites a game into a game (the game model's level); ranges is sympy only
                    "perception", "ranges"}


def imported_evogame_modules(path: Path, package: str) -> set[str]:
    """The top-level evogame modules a file imports (module level or inside functions)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and node.module.startswith("evogame"):
                parts = node.module.split(".")[1:]
            elif node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                parts = (base + (node.module.split(".") if node.module else []))[1:]
            else:
                continue
            out.add(parts[0] if parts else next(a.name for a in node.names))
        elif isinstance(node, ast.Import):
            out |= {a.name.split(".")[1] for a in node.names if a.name.startswith("evogame.")}
    return out


def test_the_loader_imports_nothing_above_the_game_model():
    for path in sorted((PACKAGE / "scenario").glob("*.py")):
        above = imported_evogame_modules(path, "evogame.scenario") - BELOW_THE_LOADER
        assert not above, f"{path.name} imports {sorted(above)}"


def test_the_check_sees_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from ..stochastic.model import make_noise\n", encoding="utf-8")
    assert imported_evogame_modules(bad, "evogame.scenario") == {"stochastic"}
