"""The ``dynamics`` figure: one game under two to four dynamics, side by side (issue 10, part 2)."""
import pytest
from click.testing import CliRunner

from conftest import SCENARIOS, load
from evogame.plotting import recipes as figures
from evogame.engine.analysis import analyze
from evogame.cli import main
from evogame.errors import AnalysisError, ScenarioError
from evogame.plotting import portrait
from evogame.plotting.style import save_figure
from evogame.studies.mechanisms import apply


def svg_bytes(fig, tmp_path, name):
    path = save_figure(fig, tmp_path / f"{name}.svg")
    return path.read_bytes()


def test_one_panel_per_dynamics_titled_by_it_and_one_legend(tmp_path):
    fig = figures.dynamics_figure(load("rps"))
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == list(figures.DEFAULT_DYNAMICS)
    assert all(ax.get_legend() is None for ax in fig.axes) and len(fig.legends) == 1
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    # the marks of every class drawn: the replicator's saddles and centre, logit's attractor, the kinks
    assert legend == ["asymptotically stable", "saddle", "non-hyperbolic", "not differentiable"]
    assert svg_bytes(fig, tmp_path, "a") == svg_bytes(figures.dynamics_figure(load("rps")), tmp_path, "b")


def test_logit_panels_draw_no_payoff_nullclines():
    game = apply(load("vertical"), ["incentive"])

    def dashed(fig):
        return [t.get_text() for legend in fig.legends for t in legend.get_texts() if "nullcline" in t.get_text()]

    assert dashed(portrait(game))          # replicator: x' = 0 on f_1 = f_2 (and y' likewise)
    assert not dashed(portrait(game, analysis=analyze(game, dynamics="logit:eta=0.5")))
    assert dashed(portrait(game, analysis=analyze(game, dynamics="smith")))     # same sign as f_1 - f_2


@pytest.mark.parametrize("dynamics", [["replicator"], ["replicator", "bnn", "smith", "logit:eta=1", "logit:eta=2"]])
def test_two_to_four_dynamics(dynamics):
    with pytest.raises(ScenarioError, match="two to four"):
        figures.dynamics_figure(load("rps"), dynamics)


def test_the_cube_is_refused():
    with pytest.raises(AnalysisError, match="not the cube"):
        figures.dynamics_figure(load("dual_leadership"), ["replicator", "smith"])


def test_figure_command(tmp_path):
    out = tmp_path / "d.svg"
    res = CliRunner().invoke(main, ["figure", "dynamics", str(SCENARIOS / "rps.toml"), "--dynamics", "replicator",
                                    "--dynamics", "logit:eta=0.2", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_bytes().startswith(b"<?xml") and b"logit:eta=0.2" in out.read_bytes()
    smith = tmp_path / "p.svg"
    res = CliRunner().invoke(main, ["figure", "paths", str(SCENARIOS / "rps.toml"), "--dynamics", "smith",
                                    "--out", str(smith)])
    plain = tmp_path / "r.svg"
    CliRunner().invoke(main, ["figure", "paths", str(SCENARIOS / "rps.toml"), "--out", str(plain)])
    assert res.exit_code == 0 and smith.read_bytes() != plain.read_bytes()   # Smith's paths spiral in
    bad = CliRunner().invoke(main, ["figure", "paths", str(SCENARIOS / "rps.toml"), "--dynamics", "smith",
                                    "--dynamics", "bnn", "--out", str(smith)])
    assert bad.exit_code == 2 and "follows one dynamics" in bad.output
