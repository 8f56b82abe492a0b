"""Bifurcation diagrams that can be read: every branch its own (colour, line style), coincident branches
side by side, the bifurcation values written on the axis, a compact legend in the strategies' labels."""

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex

from conftest import load

from evogame.plotting import bifurcation
from evogame.plotting.style import WIDTHS, Labels
from evogame.studies.sweeps import sweep1d


pytestmark = pytest.mark.filterwarnings("error")   # a figure that warns (e.g. a layout that does not fit) fails


@pytest.fixture(scope="module")
def three_populations():
    scenario = load("dual_leadership")
    values = np.linspace(0.0, 8.0, 41)
    return scenario, sweep1d(scenario, "E", values), bifurcation(scenario, "E", values)


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
    fig = bifurcation(scenario, "c_D", values)
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
