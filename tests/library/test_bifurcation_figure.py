"""Bifurcation diagrams that can be read.

The grid sweep's diagram (the fallback for dynamics with kinks): every branch its own (colour, line style),
coincident branches side by side, the bifurcation values written on the axis, a compact legend.  The
continuation's diagram (``branch_diagram``, what the ``bifurcation`` kind draws): branches solid where stable,
dashed otherwise, one colour per family, coinciding branches drawn once, LP / BP / H marked, cycle envelopes."""

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex

from conftest import load

from evogame.plotting import recipes as figures
from evogame.studies.continuation import continue_rest_points
from evogame.plotting import bifurcation_figure
from evogame.plotting.branches import COINCIDE, DASH, FAMILIES, branch_caption, branch_diagram
from evogame.plotting.style import WIDTHS, Labels
from evogame.studies.sweeps import sweep1d


pytestmark = pytest.mark.filterwarnings("error")   # a figure that warns (e.g. a layout that does not fit) fails


@pytest.fixture(scope="module")
def three_populations():
    scenario = load("dual_leadership")
    values = np.linspace(0.0, 8.0, 41)
    result = sweep1d(scenario, "E", values)
    return scenario, result, bifurcation_figure(result)


def _lines(ax, kind: str) -> dict:
    """label -> the Line2D of that branch's ``kind`` ("stable" / "not stable") part in this panel."""
    out = {}
    for line in ax.lines:
        gid = str(line.get_gid())
        if gid.startswith("bifurcation:") and gid.endswith(f":{kind}"):
            out[gid.split(":")[1]] = line
    return out


def _look(line):
    return to_hex(line.get_color()), str(line.get_linestyle()), tuple(np.round(line._dash_pattern[1] or (), 3))


def test_more_than_seven_branches_each_have_their_own_colour_and_line_style(three_populations):
    _, result, fig = three_populations
    assert len(result.labels) == 8
    for ax in fig.axes[:3]:
        for kind in ("stable", "not stable"):
            looks = [_look(line) for line in _lines(ax, kind).values()]
            assert len(looks) == 8 and len(set(looks)) == 8, (kind, looks)


def test_coincident_branches_are_drawn_apart(three_populations):
    _, result, fig = three_populations
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    for var, ax in enumerate(fig.axes[:3]):
        drawn = {}
        for label, line in _lines(ax, "not stable").items():
            xy = np.column_stack([line.get_xdata(), line.get_ydata()])
            xy = xy[~np.isnan(xy[:, 1])]
            if len(xy):
                drawn[label] = (round(float(xy[0, 1]), 9), line.get_transform().transform(xy[:1])[0, 1])
        at_one = [y for value, y in drawn.values() if value == 1.0]
        assert len(at_one) >= 2
        gaps = np.diff(np.sort(at_one))
        assert gaps.min() >= 1.5 * fig.dpi / 72.0       # at least 1.5 pt apart on the page


def test_bifurcation_values_are_written_on_the_top_axis():
    scenario = load("vertical")
    values = np.linspace(0.0, 6.0, 61)
    result = sweep1d(scenario, "c_D", values)
    fig = bifurcation_figure(result)
    expected = sorted({round(b["value"], 9) for b in result.bifurcations})
    assert len(expected) == 2
    top = [child for child in fig.axes[0].child_axes if child.get_gid() == "bifurcation-values"]
    assert len(top) == 1
    ticks = top[0].xaxis.get_ticklocs()
    assert np.allclose(ticks, expected)
    texts = [t.get_text() for t in top[0].xaxis.get_ticklabels()]
    assert [float(t) for t in texts] == pytest.approx(expected, abs=0.01)


def test_three_population_single_column_diagram_stays_compact(three_populations):
    scenario, result, fig = three_populations
    w, h = fig.get_size_inches()
    assert w == pytest.approx(WIDTHS["single"])
    assert h <= 1.3 * w
    legend = [t.get_text().replace("\n", " ") for t in fig.legends[0].get_texts()]     # long entries wrap
    names = Labels(scenario.game)
    assert "(Restrict, Do not coordinate, Report upward only)" in legend
    assert legend[:8] == [names.profile(label) for label in result.labels]
    assert not any("upward_only" in text for text in legend)
    # the panels keep a readable height
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    for ax in fig.axes[:3]:
        assert ax.get_window_extent().height >= 0.4 * fig.dpi     # 1 cm


# -- the continuation's diagram --------------------------------------------------------------------------------

def _branch_lines(ax):
    return [ln for ln in ax.get_lines() if str(ln.get_gid()).startswith("branch:")]


def _ys(line):
    y = np.asarray(line.get_ydata(), dtype=float)
    return np.asarray(line.get_xdata(), dtype=float)[~np.isnan(y)], y[~np.isnan(y)]


@pytest.fixture(scope="module")
def vertical_cd():
    scenario = load("vertical")
    return figures.bifurcation(scenario, "c_D", np.linspace(0.0, 6.0, 13))


def test_recipe_draws_the_continuation_solid_exactly_where_stable(vertical_cd):
    fig = vertical_cd
    assert fig.get_gid() == "branches"
    # (loose, active) is asymptotically stable iff c_D < beta*B + m*G - lambda*L = 0.9; (loose, passive) beyond
    solid = [_ys(ln) for ln in _branch_lines(fig.axes[1]) if ln.get_gid().endswith(":stable")]
    at_one = [(x, y) for x, y in solid if np.allclose(y, 1.0)]
    at_zero = [(x, y) for x, y in solid if np.allclose(y, 0.0)]
    assert len(at_one) == 1 and at_one[0][0].max() == pytest.approx(0.9, abs=1e-8)
    assert len(at_zero) == 1 and at_zero[0][0].min() == pytest.approx(0.9, abs=1e-8)
    for ln in _branch_lines(fig.axes[1]):
        assert (ln.get_linestyle() == "-") == ln.get_gid().endswith(":stable")


@pytest.mark.parametrize("name, mechanism", [("tripartite_sharing", "platform"), ("dual_leadership", "incentive"),
                                             ("vertical", "dynamic_penalty")])
def test_coinciding_branches_are_drawn_once_in_family_colours(name, mechanism):
    result = continue_rest_points(load(name), mechanism=mechanism)
    fig = branch_diagram(result)
    assert len(fig.axes) == len(result.work.populations)
    w, h = fig.get_size_inches()
    assert w == pytest.approx(WIDTHS["single"]) and h <= 1.3 * w
    for ax in fig.axes:
        lines = _branch_lines(ax)
        assert {to_hex(ln.get_color()) for ln in lines} <= {to_hex(c) for c in FAMILIES.values()}
        for i, a in enumerate(lines):
            for b in lines[i + 1:]:
                if a.get_gid().split(":")[2] != b.get_gid().split(":")[2]:
                    continue
                (xa, ya), (xb, yb) = _ys(a), _ys(b)
                overlap = min(xa.max(), xb.max()) - max(xa.min(), xb.min())
                flat = np.ptp(ya) < COINCIDE and np.ptp(yb) < COINCIDE and abs(ya[0] - yb[0]) < COINCIDE
                # drawn once: at most the one shared step where two pieces meet
                assert not (flat and overlap > 0.01), (a.get_gid(), ya[0], xa.min(), xa.max(), xb.min(), xb.max())
    legend = fig.legends[0]
    assert len([t for t in legend.get_texts() if t.get_text().strip()]) <= len(FAMILIES) + 2
    swatches = {t.get_text(): h for t, h in zip(legend.get_texts(), legend.legend_handles)}
    assert swatches["not asymptotically stable"].get_linestyle() == "--"     # the swatch shows the dash
    assert swatches["asymptotically stable"].get_linestyle() == "-"


def test_special_points_are_labelled_once_per_place(vertical_cd):
    for ax in vertical_cd.axes:
        labels = [(t.get_text(), t.xy) for t in ax.texts]
        assert len(labels) == len(set(labels))
        assert {t for t, _ in labels} <= {"LP", "BP", "H"}


def test_cycle_envelope_is_the_cycles_min_and_max(tmp_path):
    rps = load("rps")
    result = continue_rest_points(rps, "l", (1.0, 2.5), dynamics="logit:eta=0.1")
    fig = branch_diagram(result)
    (branch,) = result.cycles
    lines = [ln for ln in fig.axes[0].get_lines() if str(ln.get_gid()).startswith("cycle:")]
    drawn = np.concatenate([_ys(ln)[1] for ln in lines])
    expected = np.concatenate([[c.minimum[0] for c in branch.cycles], [c.maximum[0] for c in branch.cycles]])
    assert np.allclose(np.sort(np.unique(drawn)), np.sort(np.unique(expected)))
    assert [t.get_text() for t in fig.axes[0].texts] == ["H"]
    assert "limit cycles" in branch_caption(fig, "l")
    # vector output, the same bytes each time
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    from evogame.plotting import save_figure
    save_figure(fig, first)
    save_figure(branch_diagram(result), second)
    assert first.read_bytes() == second.read_bytes()
