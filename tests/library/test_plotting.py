"""Figures: every kind renders for every shipped scenario without warnings, the
rest points drawn are the analysis's, the same input gives the same bytes."""
import io
import warnings

import matplotlib
import numpy as np
import pytest
from click.testing import CliRunner

from conftest import SCENARIOS, load

from evogame.engine.analysis import analyze
from evogame.errors import AnalysisError, ScenarioError
from evogame.studies.mechanisms import mechanisms
from evogame.plotting import (CJKFontWarning, basins_figure, bifurcation, paths, portrait, portrait_kind,
                              regime_figure, save_figure, sensitivity)
from evogame.plotting import style as style_module
from evogame.plotting.style import MARKS, WIDTHS
from evogame.solvers.stability import CLASSES

SHIPPED = sorted(p.stem for p in SCENARIOS.glob("*.toml"))
CUBE_FAST = dict(starts=(0.3, 0.7), n_points=80)


pytestmark = pytest.mark.filterwarnings("error")   # a figure that warns (e.g. a layout that does not fit) fails


@pytest.fixture(scope="module")
def analyses():
    return {}


def _analysis(cache, name):
    if name not in cache:
        game = load(name)
        cache[name] = (game, analyze(game))
    return cache[name]


def _portrait(game, analysis, **kw):
    options = dict(CUBE_FAST) if portrait_kind(game) == "cube" else {}
    options.update(kw)
    return portrait(game, analysis=analysis, **options)


def _marker_positions(fig):
    """class -> (n, k) positions of the rest-point marks, read back from the artists."""
    out = {}
    for ax in fig.axes:
        for line in ax.get_lines():
            gid = line.get_gid() or ""
            if not gid.startswith("rest-points:"):
                continue
            cls = gid.split(":", 1)[1]
            if hasattr(line, "get_data_3d"):
                xyz = np.column_stack(line.get_data_3d())
            else:
                xyz = np.column_stack(line.get_data())
            out.setdefault(cls, []).append(xyz)
    return {k: np.vstack(v) for k, v in out.items()}, [ax for ax in fig.axes]


def _expected_positions(game, analysis):
    """Independent plot coordinates of the analysis's rest points, per class."""
    kind = portrait_kind(game)
    h = np.sqrt(3) / 2
    out = {}
    for p in analysis.rest_points:
        if kind == "line":
            xy = [p.shares[0][0], 0.0]
        elif kind == "simplex":
            a, b, c = p.shares[0]            # vertex 1 top (1/2, h), 2 bottom left, 3 bottom right
            xy = [0.5 * a + c, h * a]
        else:
            xy = [sh[0] for sh in p.shares]  # share of each population's first strategy
        out.setdefault(p.classification, []).append(xy)
    return {k: np.array(v, dtype=float) for k, v in out.items()}


def _same_points(a, b):
    a = np.asarray(a)[np.lexsort(np.asarray(a).T[::-1])]
    b = np.asarray(b)[np.lexsort(np.asarray(b).T[::-1])]
    return a.shape == b.shape and np.allclose(a, b, atol=1e-9)


# -- portraits ----------------------------------------------------------------------

@pytest.mark.parametrize("name", SHIPPED)
def test_portrait_marks_are_the_rest_points_of_the_analysis(name, analyses, tmp_path):
    game, analysis = _analysis(analyses, name)
    fig = _portrait(game, analysis)
    assert save_figure(fig, tmp_path / f"{name}.svg").stat().st_size > 1000
    drawn, _ = _marker_positions(fig)
    # the 3-D axes only holds the cube's marks (slices are off here)
    expected = _expected_positions(game, analysis)
    assert set(drawn) == set(expected)
    for cls in expected:
        assert _same_points(drawn[cls], expected[cls]), (cls, drawn[cls], expected[cls])


@pytest.mark.parametrize("name", ["rps", "dual_leadership"])
def test_portrait_saves_as_svg_pdf_png_without_warnings(name, analyses, tmp_path):
    game, analysis = _analysis(analyses, name)
    fig = _portrait(game, analysis)
    for fmt in ("svg", "pdf", "png"):
        path = save_figure(fig, tmp_path / f"{name}.{fmt}", dpi=60)
        assert path.stat().st_size > 1000


def test_rest_point_marks_are_drawn_above_the_flow_and_not_clipped(analyses):
    game, analysis = _analysis(analyses, "vertical")
    fig = _portrait(game, analysis)
    ax = fig.axes[0]
    marks = [ln for ln in ax.get_lines() if (ln.get_gid() or "").startswith("rest-points:")]
    others = [a for a in ax.get_children() if a not in marks and hasattr(a, "get_zorder")
              and a.get_visible() and not isinstance(a, matplotlib.spines.Spine)]
    assert marks
    top = max(a.get_zorder() for a in others if not isinstance(a, (matplotlib.text.Text,
                                                                   matplotlib.axis.Axis)))
    assert all(m.get_zorder() > top for m in marks)
    assert not any(m.get_clip_on() for m in marks)   # corners are drawn whole


def test_marks_follow_the_dynamo_vocabulary():
    assert set(MARKS) == set(CLASSES)
    assert MARKS["asymptotically stable"]["markerfacecolor"] == "black"
    assert MARKS["unstable source"]["markerfacecolor"] == "white"
    assert MARKS["saddle"]["marker"] != MARKS["unstable source"]["marker"]
    assert MARKS["non-hyperbolic"]["fillstyle"] == "left"          # half filled


def test_rps_centre_is_drawn_as_the_analysis_classifies_it(analyses):
    game, analysis = _analysis(analyses, "rps")
    centre = [p for p in analysis.rest_points if p.is_interior][0]
    fig = _portrait(game, analysis)
    drawn, _ = _marker_positions(fig)
    assert np.allclose(drawn[centre.classification], [[0.5, np.sqrt(3) / 6]]) or \
        any(np.allclose(row, [0.5, np.sqrt(3) / 6]) for row in drawn[centre.classification])


def test_square_axes_are_named_by_population_and_first_strategy(analyses):
    game, analysis = _analysis(analyses, "vertical")
    ax = _portrait(game, analysis).axes[0]
    assert "Superior government" in ax.get_xlabel() and "share of strict supervision" in ax.get_xlabel()
    assert "Subordinate government" in ax.get_ylabel() and "share of active sharing" in ax.get_ylabel()


def test_square_nullclines_are_where_the_payoff_difference_vanishes():
    # coordination: f_A - f_B = 3y - 1 (and 3x - 1): nullclines x = 1/3 and y = 1/3
    game = load("coordination")
    fig = portrait(game)
    lines = []
    for coll in fig.axes[0].collections:
        if isinstance(coll, matplotlib.contour.ContourSet):
            lines.extend(p.vertices for p in coll.get_paths() if len(p.vertices))
    assert len(lines) == 2
    got = sorted(lines, key=lambda v: np.ptp(v[:, 0]))
    assert np.allclose(got[0][:, 0], 1 / 3, atol=1e-3)     # vertical line x = 1/3
    assert np.allclose(got[1][:, 1], 1 / 3, atol=1e-3)     # horizontal line y = 1/3


def test_cube_slices_mark_only_the_rest_points_on_the_face(analyses):
    game, analysis = _analysis(analyses, "dual_leadership") if "dual_leadership" in SHIPPED else \
        pytest.skip("no three-population scenario")
    fig = portrait(game, analysis=analysis, slices=(1.0, 0.0), **CUBE_FAST)
    for ax, z in zip(fig.axes[1:3], (1.0, 0.0)):
        pts = np.vstack([np.column_stack(ln.get_data()) for ln in ax.get_lines()
                         if (ln.get_gid() or "").startswith("rest-points:")])
        expected = np.array([p.state[:2] for p in analysis.rest_points if abs(p.state[2] - z) < 1e-9])
        assert _same_points(pts, expected)


def test_no_portrait_for_other_shapes():
    from evogame.scenario import parse_scenario
    game = parse_scenario("""
[game]
name = "four"
matching = "symmetric"
[[populations]]
name = "p"
strategies = ["a", "b", "c", "d"]
[payoffs]
"a.a" = 1
"a.b" = 0
"a.c" = 0
"a.d" = 0
"b.a" = 0
"b.b" = 1
"b.c" = 0
"b.d" = 0
"c.a" = 0
"c.b" = 0
"c.c" = 1
"c.d" = 0
"d.a" = 0
"d.b" = 0
"d.c" = 0
"d.d" = 1
""")
    with pytest.raises(AnalysisError, match="no phase portrait exists.*4 strategies"):
        portrait(game)


# -- paths, sensitivity -----------------------------------------------------------------

@pytest.mark.parametrize("name", SHIPPED)
def test_paths_render_for_every_scenario(name, analyses, tmp_path):
    scenario, _ = _analysis(analyses, name)
    fig = paths(scenario, t_end=5.0, n_points=40)
    shares = [p.n if p.n > 2 else 1 for p in scenario.game.populations]
    assert len([ax for ax in fig.axes if ax.get_visible()]) == sum(shares)
    save_figure(fig, tmp_path / "p.svg")


def test_vertical_paths_converge_to_loose_passive():
    # the baseline's unique asymptotically stable state is (loose, passive): x, y -> 0
    scenario = load("vertical")
    fig = paths(scenario, t_end=60.0)
    for ax in fig.axes:
        ends = [ln.get_ydata()[-1] for ln in ax.get_lines()]
        assert len(ends) == len(scenario.simulation.initial)
        assert max(ends) < 0.02


@pytest.mark.parametrize("name", SHIPPED)
def test_sensitivity_renders_for_every_scenario(name, analyses, tmp_path):
    scenario, _ = _analysis(analyses, name)
    game = scenario.game
    mechs = list(mechanisms(scenario))
    if mechs:
        fig = sensitivity(scenario, [0.0, 1.0], mechanism=mechs[0], t_end=5.0, n_points=40)
    elif game.parameters:
        pname = next(iter(game.parameters))
        v = float(game.parameters[pname].value)
        fig = sensitivity(scenario, [v, v + 0.5], parameter=pname, t_end=5.0, n_points=40)
    else:
        pytest.skip("nothing to vary: no parameter and no mechanism")
    assert all(len(ax.get_lines()) == 2 for ax in fig.axes if ax.get_visible() and ax.get_lines())
    save_figure(fig, tmp_path / "s.svg")


def test_sensitivity_in_c_d_switches_the_subordinate_to_active_sharing():
    # beta*B + m*G - lambda*L = 0.9: active sharing pays for c_D < 0.9 and not above
    game = load("vertical")
    fig = sensitivity(game, [0.5, 3.0], parameter="c_D", t_end=80.0)
    sub = fig.axes[1]
    low, high = (ln.get_ydata()[-1] for ln in sub.get_lines())
    assert low > 0.98 and high < 0.02
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["0.5", "3"]


def test_sensitivity_needs_exactly_one_thing_to_vary():
    game = load("vertical")
    with pytest.raises(ScenarioError):
        sensitivity(game, [1, 2])
    with pytest.raises(ScenarioError, match="unknown parameter"):
        sensitivity(game, [1, 2], parameter="c_X")


# -- bifurcation, regime map ------------------------------------------------------------

def test_bifurcation_diagram_solid_exactly_where_stable():
    game = load("vertical")
    values = np.linspace(0.0, 6.0, 121)
    fig = bifurcation(game, "c_D", values)
    lines = [ln for ln in fig.axes[1].get_lines() if str(ln.get_gid()).startswith("branch:corner:")]
    # (loose, active) is asymptotically stable iff c_D < beta*B + m*G - lambda*L = 0.9; (loose, passive) beyond
    solid = [(np.asarray(ln.get_xdata()), np.asarray(ln.get_ydata())) for ln in lines
             if ln.get_gid().endswith(":stable")]
    (one,) = [x for x, y in solid if np.allclose(y, 1.0)]
    (zero,) = [x for x, y in solid if np.allclose(y, 0.0)]
    assert one.max() == pytest.approx(0.9, abs=1e-8) and zero.min() == pytest.approx(0.9, abs=1e-8)


def test_regime_map_colours_and_threshold_curve():
    game = load("vertical")
    cd, L = np.linspace(0, 6, 61), np.linspace(0, 10, 51)
    fig = regime_figure(game, "c_D", cd, "L", L)
    ax = fig.axes[0]
    mesh = [c for c in ax.get_children() if c.get_gid() == "regimes"][0]
    assert mesh.get_array().shape == (len(L), len(cd))
    curve = [c for c in ax.collections if c.get_gid() == "threshold"][0]
    verts = np.vstack([p.vertices for p in curve.get_paths()])
    # MODELS.md: (loose, active) becomes stable where c_D = beta*B + m*G - lambda*L = 2.4 - 0.3 L
    assert np.max(np.abs(verts[:, 0] - (2.4 - 0.3 * verts[:, 1]))) < 0.02
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "(loose, active)" in labels and "(loose, passive)" in labels
    assert any("threshold" in t for t in labels)


# -- basins -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, mechs", [("platform_public_good", []), ("hidden_collusion", ["trust"]),
                                         ("coordination", [])])
def test_basins_colour_each_start_by_its_attractor(name, mechs, tmp_path):
    from evogame.studies.basins import basins
    from evogame.studies.mechanisms import apply
    if name not in SHIPPED:
        pytest.skip(f"{name} not shipped")
    game = load(name)
    if mechs:
        game = apply(game, mechs)
    result = basins(game, samples=128, seed=1)
    fig = basins_figure(result)
    texts = [t.get_text().replace("\n", " ") for t in fig.legends[0].get_texts()]     # long entries wrap
    names = style_module.Labels(result.game)
    for label, share in zip(result.labels, result.shares):
        assert any(t.startswith(f"→ {names.profile(label)}: {share:.3f}") for t in texts)
    save_figure(fig, tmp_path / "b.svg")


# -- style ----------------------------------------------------------------------------------

def test_widths_are_single_and_double_columns(analyses):
    game, analysis = _analysis(analyses, "vertical")
    for width, cm in (("single", 8.5), ("double", 17.5)):
        fig = portrait(game, analysis=analysis, width=width)
        assert fig.get_size_inches()[0] * 2.54 == pytest.approx(cm)
    assert WIDTHS["single"] * 2.54 == pytest.approx(8.5)


def test_global_rcparams_are_left_alone(analyses, tmp_path):
    game, analysis = _analysis(analyses, "vertical")
    before = dict(matplotlib.rcParams)
    save_figure(portrait(game, analysis=analysis), tmp_path / "a.svg")
    after = dict(matplotlib.rcParams)
    assert {k for k in before if before[k] != after[k]} == set()


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_same_input_same_bytes(fmt, analyses, tmp_path):
    game, analysis = _analysis(analyses, "vertical")
    a = save_figure(portrait(game, analysis=analysis, grid=21, density=0.6), tmp_path / f"a.{fmt}").read_bytes()
    b = save_figure(portrait(game, analysis=analysis, grid=21, density=0.6), tmp_path / f"b.{fmt}").read_bytes()
    assert a == b
    game, _ = _analysis(analyses, "rps")
    a = save_figure(paths(game, t_end=5, n_points=30), tmp_path / f"c.{fmt}").read_bytes()
    b = save_figure(paths(game, t_end=5, n_points=30), tmp_path / f"d.{fmt}").read_bytes()
    assert a == b


def test_missing_cjk_font_warns_once_and_falls_back_to_english(monkeypatch, analyses):
    game, analysis = _analysis(analyses, "vertical")
    monkeypatch.setattr(style_module, "find_cjk_font", lambda: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = portrait(game, analysis=analysis, lang="zh")
    cjk = [w for w in caught if issubclass(w.category, CJKFontWarning)]
    assert len(cjk) == 1 and "fonts-noto-cjk" in str(cjk[0].message)
    assert len(caught) == 1
    assert "Superior government" in fig.axes[0].get_xlabel()


def test_chinese_labels_with_a_cjk_font(analyses, tmp_path):
    if style_module.find_cjk_font() is None:
        pytest.skip("no CJK font installed")
    game, analysis = _analysis(analyses, "vertical")
    fig = portrait(game, analysis=analysis, lang="zh")
    assert "上级政府" in fig.axes[0].get_xlabel()
    for fmt in ("png", "pdf", "svg"):
        save_figure(fig, tmp_path / f"zh.{fmt}", dpi=60)      # no missing-glyph warning


def test_unwritable_output_is_a_user_error(analyses):
    game, analysis = _analysis(analyses, "hawk_dove")
    with pytest.raises(ScenarioError, match="cannot write"):
        save_figure(portrait(game, analysis=analysis), "/proc/no-such-dir/x.svg")
    with pytest.raises(ScenarioError, match="unknown figure format"):
        save_figure(portrait(game, analysis=analysis), "x.bmp")


# -- CLI -------------------------------------------------------------------------------------

def _run(*args):
    from evogame.cli import main
    return CliRunner().invoke(main, list(args))


def test_cli_figure_portrait_and_sensitivity(tmp_path):
    out = tmp_path / "portrait.pdf"
    res = _run("figure", "portrait", str(SCENARIOS / "vertical.toml"), "--out", str(out))
    assert res.exit_code == 0, res.output
    assert out.read_bytes().startswith(b"%PDF")
    out = tmp_path / "s.svg"
    res = _run("figure", "sensitivity", str(SCENARIOS / "vertical.toml"), "--vary", "platform=0,1",
               "--t-end", "5", "--out", str(out))
    assert res.exit_code == 0, res.output
    assert b"<svg" in out.read_bytes()


@pytest.mark.parametrize("args, message", [
    (["figure", "nonsense", "V"], "nonsense"),
    (["figure", "sensitivity", "V", "--vary", "platfrom=0,1"], "did you mean 'platform'"),
    (["figure", "sensitivity", "V"], "needs --vary"),
    (["figure", "regime", "V", "--sweep", "c_D=0:6:11"], "needs 2 --sweep"),
    (["figure", "bifurcation", "V", "--sweep", "strength=0:1:11"], "needs --mechanism"),
    (["figure", "portrait", "V", "--out", "/proc/none/x.svg"], "cannot write"),
    (["figure", "portrait", "V", "--slices", "0,1"], "three-population"),
    (["figure", "portrait", "V", "-p", "c_X=1"], "unknown parameter"),
])
def test_cli_figure_bad_input_exits_2(args, message):
    args = [str(SCENARIOS / "vertical.toml") if a == "V" else a for a in args]
    res = _run(*args)
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert "Traceback" not in res.output


def test_portraits_draw_into_given_axes(analyses):
    from matplotlib.figure import Figure
    fig = Figure(figsize=(8, 3), layout="constrained")
    for ax, name in zip(fig.subplots(1, 3), ["vertical", "rps", "hawk_dove"]):
        game, analysis = _analysis(analyses, name)
        assert portrait(game, analysis=analysis, ax=ax) is fig
        marks = [ln for ln in ax.get_lines() if (ln.get_gid() or "").startswith("rest-points:")]
        assert sum(len(ln.get_xdata()) for ln in marks) == len(analysis.rest_points)
    fig.savefig(io.BytesIO(), format="svg")
