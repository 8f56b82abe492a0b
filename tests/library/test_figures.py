"""Figure recipes (evogame.plotting.recipes) compute, plotting draws: the plotting modules
import no study, and the command, the recipes and the report draw the same bytes."""
import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import SCENARIOS, load

import evogame.plotting
from evogame.plotting import recipes as figures
from evogame.cli import main
from evogame.plotting import basin_map_figure, bifurcation_figure, regime_map_figure, save_figure
from evogame.plotting.sensitivities import sensitivity_figure
from evogame.studies.basins import basins
from evogame.studies.sweeps import regime_map, sweep1d

PLOTTING = Path(evogame.plotting.__file__).parent
VERTICAL = str(SCENARIOS / "vertical.toml")


def _imports(path: Path) -> set[str]:
    """Every module a plotting file imports, at its top or inside a function, as absolute names."""
    package = ["evogame", "plotting"]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) + 1 - node.level] if node.level else []
            out.add(".".join(base + ([node.module] if node.module else [])))
    return out


#: the studies' own modules (evogame/studies/*.py); the model sub-packages under studies/ (stochastic, delay,
#: finite, continuation) give the drawing their constants and integrators, as before the regrouping
STUDIES = tuple(f"evogame.studies.{p.stem}" for p in (PLOTTING.parent / "studies").glob("*.py") if p.stem != "__init__")


def _is_study(module: str) -> bool:
    return module in STUDIES or module.startswith(tuple(s + "." for s in STUDIES))


RECIPES = {PLOTTING / "recipes.py", PLOTTING / "noise_recipe.py", PLOTTING / "curves_recipe.py"}   # the modules that compute what they draw


@pytest.mark.parametrize("path", sorted(set(PLOTTING.glob("*.py")) - RECIPES), ids=lambda p: p.name)
def test_plotting_modules_import_no_study_and_no_recipe(path):
    imported = _imports(path)
    assert not {m for m in imported if _is_study(m) or m.startswith("evogame.plotting.recipes")}, imported


def test_importing_plotting_loads_no_study():
    code = ("import sys, evogame.plotting\n"
            "print(sorted(m for m in sys.modules if m.startswith('evogame.')))")
    loaded = eval(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert not [m for m in loaded if _is_study(m) or m.startswith("evogame.plotting.recipes")], loaded


def test_the_conveniences_in_plotting_are_the_recipes():
    for name in ("sensitivity", "regime_figure", "bifurcation", "basins_figure"):
        assert getattr(evogame.plotting, name) is getattr(figures, name)
    with pytest.raises(AttributeError):
        evogame.plotting.no_such_figure


def _svg(fig, tmp_path, name):
    return save_figure(fig, tmp_path / f"{name}.svg").read_bytes()


def _command(tmp_path, name, *args):
    out = tmp_path / f"{name}.svg"
    res = CliRunner().invoke(main, ["figure", *args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out.read_bytes()


def test_command_draws_what_the_regime_recipe_draws(tmp_path):
    scenario = load("vertical")
    recipe = figures.regime_figure(scenario, "c_D", np.linspace(0, 6, 13), "L", np.linspace(0, 10, 11))
    command = _command(tmp_path, "cmd", "regime", VERTICAL, "--sweep", "c_D=0:6:13", "--sweep", "L=0:10:11")
    assert _svg(recipe, tmp_path, "recipe") == command


def test_command_draws_what_the_sensitivity_and_basins_recipes_draw(tmp_path):
    scenario = load("vertical")
    recipe = figures.sensitivity(scenario, [0, 1], mechanism="platform", t_end=5.0)
    command = _command(tmp_path, "cmd", "sensitivity", VERTICAL, "--vary", "platform=0,1", "--t-end", "5")
    assert _svg(recipe, tmp_path, "recipe") == command
    public_good = str(SCENARIOS / "platform_public_good.toml")
    recipe = figures.basins_figure(load("platform_public_good"), samples=64)
    command = _command(tmp_path, "cmd", "basins", public_good, "--samples", "64")
    assert _svg(recipe, tmp_path, "recipe") == command


def test_recipes_draw_what_the_drawing_functions_draw_from_the_studies(tmp_path):
    scenario = load("vertical")
    values = np.linspace(0, 6, 25)
    from evogame.studies.continuation import continue_rest_points
    from evogame.plotting.branches import branch_diagram
    drawn = branch_diagram(continue_rest_points(scenario, "c_D", (0.0, 6.0), mechanism=[]))
    assert _svg(figures.bifurcation(scenario, "c_D", values), tmp_path, "a") == _svg(drawn, tmp_path, "b")
    x, y = np.linspace(0, 6, 9), np.linspace(0, 10, 7)
    drawn = regime_map_figure(regime_map(scenario, "c_D", x, "L", y))
    recipe = figures.regime_figure(scenario, "c_D", x, "L", y, draw_threshold=False)
    assert _svg(recipe, tmp_path, "c") == _svg(drawn, tmp_path, "d")
    result = basins(load("coordination"), samples=64)
    assert _svg(figures.basins_figure(result), tmp_path, "e") == _svg(basin_map_figure(result), tmp_path, "f")


def test_report_draws_what_the_command_draws(tmp_path):
    out = tmp_path / "report"
    res = CliRunner().invoke(main, ["report", VERTICAL, "--out", str(out), "--kinds", "bifurcation,paths",
                                    "-m", "platform", "--no-symbolic"])
    assert res.exit_code == 0, res.output
    command = _command(tmp_path, "cmd", "bifurcation", VERTICAL, "--sweep", "strength=0:1:101", "-m", "platform")
    assert (out / "figures" / "bifurcation_platform.svg").read_bytes() == command
    command = _command(tmp_path, "paths", "paths", VERTICAL, "-m", "platform")
    assert (out / "figures" / "paths.svg").read_bytes() == command


def test_sensitivity_to_a_mechanism_draws_the_games_it_is_given():
    scenario = load("vertical")
    with pytest.raises(ValueError, match="games"):
        sensitivity_figure(scenario, [0, 1], mechanism="platform", t_end=1.0)
    fig = sensitivity_figure(scenario, [0, 1], mechanism="platform", games=[scenario, scenario], t_end=1.0,
                             n_points=20)
    first, second = (ln.get_ydata() for ln in fig.axes[0].get_lines())
    assert np.array_equal(first, second)      # the same game twice: the same path
