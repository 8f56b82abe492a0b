"""The two-parameter bifurcation diagram (``curves``): fold, Hopf and branch-point curves over the regime map.

The logit Rock-Paper-Scissors family has a Hopf curve with a closed form (the line l = w + 6 eta, see
test_two_parameter.py); branch-point curves and codimension-two points are built by hand where no shipped game
has them yet.  Also the shared legend pieces and the Chinese words of the one-parameter diagram."""
import dataclasses
import re

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import SCENARIOS, load

from evogame.cli import main
from evogame.dynamics import with_dynamics
from evogame.plotting import save_figure
from evogame.plotting.branches import branch_diagram
from evogame.plotting.curves import CURVE_STYLES, HOPF_PATTERNS, curve_diagram, curves_caption
from evogame.plotting.style import Labels
from evogame.studies.continuation import continue_rest_points
from evogame.studies.continuation.branch import Point
from evogame.studies.continuation.curves import Codim2Point, Curve, CurvePoint, continue_curves
from evogame.studies.sweeps import regime_map

ETA = 0.1
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def logit_rps():
    rps = with_dynamics(load("rps"), f"logit:eta={ETA}")
    curves = continue_curves(rps, "l", (0.1, 2.0), "w", (0.7, 2.0))
    # a coarse map: the logit rest points are found cell by cell
    regimes = regime_map(rps, "l", np.linspace(0.1, 2.0, 4), "w", np.linspace(0.7, 2.0, 4))
    return curves, regimes


def _curve_lines(ax) -> list:
    return [ln for ln in ax.get_lines() if str(ln.get_gid()).startswith("curve:")]


def _legend_texts(fig) -> list[str]:
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def _point(a, b, l1=None, omega=None):
    return CurvePoint(float(a), float(b), np.array([0.3, 0.3]), np.array([0.0, -1.0]), l1, omega)


def _special(kind, label, curve, a, b):
    point = Point(a, np.array([0.3, 0.3]), np.array([0.0, 0.0]), "non-hyperbolic", 1e-9, 0.0, kind)
    return Codim2Point(kind, label, curve, a, point, second=b)


@pytest.fixture(scope="module")
def made_up(logit_rps):
    """The logit RPS map with hand-made curves: two folds (a cusp and a Bogdanov-Takens point on them, the BT on
    the Hopf curve too), a Hopf curve subcritical on its upper half (its first points a neutral saddle: no l1),
    and a branch-point curve."""
    curves, regimes = logit_rps
    t = np.linspace(0.0, 1.0, 25)
    fold1 = Curve(1, "fold", "LP", "interior", "by hand", [_point(0.3 + 0.6 * u, 1.8 - 0.8 * u * u) for u in t],
                  ("a", "b"), [_special("cusp", "CP", 1, 0.9, 1.0)])
    fold2 = Curve(2, "fold", "LP", "interior", "by hand", [_point(0.3 + 0.2 * u, 1.8 - 0.2 * u) for u in t],
                  ("a", "b"), [_special("Bogdanov-Takens", "BT", 2, 0.5, 1.6)])
    hopf = Curve(3, "Hopf", "H", "interior", "by hand",
                 [_point(1.0 + 0.8 * u, 0.8 + u, l1=(None if u < 0.1 else -1.0 if u < 0.5 else 2.0), omega=1.0)
                  for u in t], ("a", "b"),
                 [_special("Bogdanov-Takens", "BT", 3, 0.5, 1.6)])
    bp = Curve(4, "branch point", "BP", "edge", "by hand", [_point(0.2 + 0.3 * u, 0.75 + 1.2 * u) for u in t],
               ("a", "b"))
    return dataclasses.replace(curves, curves=[fold1, fold2, hopf, bp]), regimes


def test_axes_are_the_two_parameters(logit_rps):
    curves, regimes = logit_rps
    fig = curve_diagram(curves, regimes)
    ax = fig.axes[0]
    labels = Labels(regimes.game, "en")
    assert (ax.get_xlabel(), ax.get_ylabel()) == (labels.parameter("l"), labels.parameter("w")) == ("$l$", "$w$")
    assert ax.get_xlim() == (0.1, 2.0) and ax.get_ylim() == (0.7, 2.0)


def test_the_hopf_curve_drawn_is_the_line_l_equals_w_plus_6_eta(logit_rps):
    curves, regimes = logit_rps
    (hopf,) = curves.curves
    (line,) = _curve_lines(curve_diagram(curves, regimes).axes[0])
    x, y = line.get_xdata(), line.get_ydata()
    np.testing.assert_array_equal(x, hopf.first)
    np.testing.assert_array_equal(y, hopf.second)
    np.testing.assert_allclose(x, y + 6 * ETA, atol=1e-8)
    # every point has l1 < 0 (supercritical), drawn solid in the Hopf colour
    assert all(p.l1 < 0 for p in hopf.points)
    assert line.get_linestyle() == "-" and line.get_color() == CURVE_STYLES["Hopf"][0]


def test_every_point_of_every_curve_is_drawn_in_its_kinds_style(made_up):
    curves, regimes = made_up
    lines = _curve_lines(curve_diagram(curves, regimes).axes[0])
    for curve in curves.curves:
        mine = [ln for ln in lines if ln.get_gid().split(":")[1] == str(curve.index)]
        drawn = np.unique(np.concatenate([np.column_stack([ln.get_xdata(), ln.get_ydata()]) for ln in mine]), axis=0)
        np.testing.assert_array_equal(drawn, np.unique(np.column_stack([curve.first, curve.second]), axis=0))
        assert {ln.get_color() for ln in mine} == {CURVE_STYLES[curve.kind][0]}
    # the Hopf curve: solid where l1 < 0, dashed where l1 > 0, sparse dots without l1 (the run boundary shared)
    hopf = curves.curves[2]
    l1 = {(p.first, p.second): p.l1 for p in hopf.points}
    expected = {"supercritical": {-1.0}, "subcritical": {1.0}, "neutral saddle": {None}}
    verdicts = set()
    for ln in (ln for ln in lines if ":Hopf:" in ln.get_gid()):
        verdict = ln.get_gid().split(":")[-1]
        verdicts.add(verdict)
        signs = {None if l1[(a, b)] is None else np.sign(l1[(a, b)])
                 for a, b in zip(ln.get_xdata()[:-1], ln.get_ydata()[:-1])}
        assert signs == expected[verdict], verdict
        assert (ln.get_linestyle() == "-") == (verdict == "supercritical") == (HOPF_PATTERNS[verdict] == "-")
    assert verdicts == set(expected)


def test_each_kind_once_in_the_legend_and_the_codimension_two_points_labelled(made_up):
    curves, regimes = made_up
    fig = curve_diagram(curves, regimes)
    texts = _legend_texts(fig)
    for word in ("fold (LP)", "Hopf (H)", "branch point, exchange of stability (BP)", "codimension-two point"):
        assert sum(word in t for t in texts) == 1, (word, texts)
    hopf = next(t for t in texts if "Hopf" in t)
    assert "supercritical" in hopf and "subcritical" in hopf and "neutral saddle" in hopf
    # CP once, BT once although it lies on two curves; each at its parameters
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["BT", "CP"]
    marks = {ln.get_gid(): (ln.get_xdata()[0], ln.get_ydata()[0]) for ln in ax.get_lines()
             if str(ln.get_gid()).startswith("codim2:")}
    assert marks == {"codim2:CP": (0.9, 1.0), "codim2:BT": (0.5, 1.6)}
    assert "branch-point" in curves_caption(fig, "l", "w") and "codimension-two" in curves_caption(fig, "l", "w")


def test_same_input_same_bytes_and_vector_output(made_up, tmp_path):
    curves, regimes = made_up
    for fmt in ("svg", "pdf"):
        a = save_figure(curve_diagram(curves, regimes), tmp_path / f"a.{fmt}").read_bytes()
        b = save_figure(curve_diagram(curves, regimes), tmp_path / f"b.{fmt}").read_bytes()
        assert a == b
    assert b"<path" in (tmp_path / "a.svg").read_bytes()


def test_chinese_words(made_up):
    curves, regimes = made_up
    fig = curve_diagram(curves, regimes, resolved=("zh", None))
    texts = _legend_texts(fig)
    assert "折叠分岔 (LP)" in texts and any(t.startswith("Hopf 分岔 (H)") and "亚临界" in t for t in texts)
    assert "分支点，稳定性交换 (BP)" in texts and "余维二分岔点" in texts and "内部平衡点" in texts
    assert fig.legends[0].get_title().get_text() == "稳定集"


def test_the_one_parameter_diagram_is_chinese_throughout():
    run = continue_rest_points(load("vertical"), None, (0.0, 1.0), mechanism=["platform"])
    fig = branch_diagram(run, resolved=("zh", None))
    texts = [t for t in _legend_texts(fig) if t.strip()]
    assert texts and all(CJK.search(t) for t in texts), texts
    assert fig.axes[-1].get_xlabel() == "强度 s (平台赋能)"
    english = branch_diagram(run)
    assert "rest points: corners" in _legend_texts(english) and english.axes[-1].get_xlabel() == "strength $s$ (platform)"


def test_no_curve_is_said_in_the_figure():
    vertical = load("vertical")
    found = continue_curves(vertical, "strength", (0.0, 1.0), "c_D", (0.0, 6.0), mechanism=["platform"])
    # the replicator's vertical game has exchanges of stability only: without them, nothing is left to draw
    assert {c.kind for c in found.curves} == {"branch point"}
    curves = dataclasses.replace(found, curves=[])
    regimes = regime_map(vertical, "strength", np.linspace(0, 1, 11), "c_D", np.linspace(0, 6, 11), ["platform"])
    ax = curve_diagram(curves, regimes).axes[0]
    assert [t.get_text() for t in ax.texts] == ["no fold, Hopf or branch point to continue"]
    assert ax.get_xlabel() == "strength $s$ (platform)" and ax.get_ylabel() == "$c_{D}$"


def test_a_regime_map_of_other_parameters_is_refused(logit_rps):
    curves, _ = logit_rps
    other = regime_map(load("rps"), "w", np.linspace(0.7, 2, 3), "l", np.linspace(0.1, 2, 3))
    with pytest.raises(ValueError, match="regime map"):
        curve_diagram(curves, other)


# -- the command -----------------------------------------------------------------------------------

def _run(*args):
    return CliRunner().invoke(main, ["figure", "curves", *map(str, args)])


def test_cli_draws_the_curves_figure(tmp_path):
    out = tmp_path / "curves.svg"
    result = _run(SCENARIOS / "vertical.toml", "--sweep", "strength=0:1:6", "--sweep", "c_D=0:6", "-m", "platform",
                  "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"<?xml")


@pytest.mark.parametrize("args, message", [
    (["--sweep", "c_D=0:6"], "needs 2 --sweep"),
    (["--sweep", "c_D=0:6", "--sweep", "strength=0:1", "-m", "platform"], "first --sweep"),
    (["--sweep", "strength=0:1", "--sweep", "c_D=0:6"], "needs --mechanism"),
    (["--sweep", "c_D=0:6", "--sweep", "nope=0:1"], "unknown parameter 'nope'"),
    (["--sweep", "c_D=6:0", "--sweep", "L=0:1"], "LO < HI"),
    (["--sweep", "c_D=0:6", "--sweep", "L=0:x"], "is not NAME=LO:HI"),
    (["--sweep", "c_D=0:6:1", "--sweep", "L=0:1"], "points"),
    (["--sweep", "c_D=0:6", "--sweep", "L=0:1", "--target", "loose.active"], "--target"),
])
def test_cli_rejects_bad_input(args, message):
    result = _run(SCENARIOS / "vertical.toml", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


# -- the recipe and the report -------------------------------------------------------------------------

#: one population, two strategies; the mechanism adds a crowding bonus 4 s k x (1 - x) to the first strategy and
#: removes the second's payoff d: the payoff difference c - 1 + 4 s k x (1 - x) - d (1 - s) has a double root at
#: x = 1/2 (a fold) where c - 1 + s k - d (1 - s) = 0, i.e. s = 1 - c at k = 1, d = 0
CROWDING = """
[game]
name = "crowding"
matching = "symmetric"
target = "a"

[[populations]]
name = "players"
strategies = ["a", "b"]

[parameters]
c = { value = 0.5, range = [0, 1] }
d = { value = 0.0, range = [0, 1] }
k = { value = 1.0, range = [0, 4] }

[payoffs]
"a.a" = "c - 1"
"a.b" = "c - 1"
"b.a" = "d"
"b.b" = "d"

[[mechanisms]]
name = "crowding"
set = { c = "c + 4*strength*k*x*(1 - x)", d = "d*(1 - strength)" }
"""


@pytest.fixture(scope="module")
def crowding(tmp_path_factory):
    from evogame.scenario import load_scenario
    path = tmp_path_factory.mktemp("crowding") / "crowding.toml"
    path.write_text(CROWDING, encoding="utf-8")
    return load_scenario(path)


def test_the_recipe_draws_the_fold_curve_s_plus_c_equals_one(crowding):
    from evogame.plotting.recipes import curves_figure
    fig = curves_figure(crowding, "strength", np.linspace(0, 1, 21), "c", np.linspace(0, 1, 21), ["crowding"])
    lines = _curve_lines(fig.axes[0])
    assert lines and all(":fold:" in ln.get_gid() for ln in lines)
    for ln in lines:
        np.testing.assert_allclose(ln.get_xdata() + ln.get_ydata(), 1.0, atol=1e-9)
    assert fig.axes[0].get_xlabel() == "strength $s$ (crowding)" and fig.axes[0].get_ylabel() == "$c$"
    with pytest.raises(Exception, match="first of the two"):
        curves_figure(crowding, "c", np.linspace(0, 1, 3), "strength", np.linspace(0, 1, 3), ["crowding"])


def test_the_report_draws_the_diagram_where_a_mechanism_meets_a_fold(crowding, tmp_path):
    from evogame.render.report import report
    result = report(crowding, tmp_path, kinds=("bifurcation", "curves"), symbolic=False, figure_formats=("svg",))
    (entry,) = [f for f in result.figures if f.kind == "curves"]
    assert entry.name == "curves_crowding_c" and "fold (LP)" in entry.caption
    assert (tmp_path / entry.files["svg"]).is_file() and not result.skipped
    assert "curves_crowding_c.svg" in result.markdown.read_text(encoding="utf-8")


def test_the_report_says_why_the_diagram_is_absent(tmp_path):
    from evogame.render.report import report
    result = report(load("hawk_dove"), tmp_path, kinds=("curves",), symbolic=False, figure_formats=("svg",))
    assert not result.figures
    ((kind, reason),) = result.skipped
    assert kind == "curves" and "declares no mechanism" in reason and "evogame figure curves" in reason
    assert "curves: the scenario declares no mechanism" in result.markdown.read_text(encoding="utf-8")


def test_the_regime_maps_legend_names_the_rest_points_in_chinese():
    from evogame.plotting import regime_map_figure
    result = regime_map(load("vertical"), "c_D", np.linspace(0, 6, 7), "L", np.linspace(0, 10, 7))
    texts = _legend_texts(regime_map_figure(result, resolved=("zh", None)))
    assert "(宽松监管，消极共享)" in texts and not any("loose" in t for t in texts), texts
    assert "(loose, passive)" in _legend_texts(regime_map_figure(result))     # English keeps the short names
