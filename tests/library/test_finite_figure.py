"""The finite-population figure: labels that do not overlap, a readable stationary panel, coinciding lines visible.

Geometry is read back from the drawn figure (``get_window_extent`` of each
label, the nodes' centres and areas from their scatter artists).
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from conftest import load

from evogame.studies.finite import finite
from evogame.plotting import save_figure
from evogame.plotting.finite import finite_figure

SLACK = 0.5      # pixels


def _draw(fig):
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def _boxes(fig, renderer, prefix):
    return {str(t.get_gid()): tuple(t.get_window_extent(renderer).extents) for t in fig.findobj(Text)
            if str(t.get_gid()).startswith(prefix) and t.get_text()}


def _node_boxes(fig, renderer):
    ax = fig.axes[0]
    out = {}
    for c in ax.collections:
        if str(c.get_gid()).startswith("finite-node:"):
            (x, y), = ax.transData.transform(c.get_offsets())
            r = renderer.points_to_pixels(0.5 * math.sqrt(c.get_sizes()[0]))
            out[c.get_gid()] = (x - r, y - r, x + r, y + r)
    return out


def _overlap(a, b) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > SLACK and min(a[3], b[3]) - max(a[1], b[1]) > SLACK


@pytest.mark.parametrize("name,size", [("vertical", 50), ("hawk_dove", 20), ("rps", 20),
                                       ("dual_leadership", 12)])
def test_node_and_arrow_labels_overlap_nothing(name, size):
    scenario = load(name)
    result = finite(scenario, [size], beta=1.0)
    fig = finite_figure(result, game=scenario.game)
    renderer = _draw(fig)
    nodes = _node_boxes(fig, renderer)
    labels = {**_boxes(fig, renderer, "finite-node-label:"), **_boxes(fig, renderer, "finite-arrow-label:")}
    assert len(nodes) == len(result.small_mutation.profiles)
    assert sum(k.startswith("finite-node-label:") for k in labels) == len(nodes)
    arrows = sum(inv.relative > 1 for inv in result.small_mutation.invasions)
    assert sum(k.startswith("finite-arrow-label:") for k in labels) == arrows > 0
    names = sorted(labels)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not _overlap(labels[a], labels[b]), (a, b)
        for node, box in nodes.items():
            assert not _overlap(labels[a], box), (a, node)


def test_the_stationary_panel_is_readable_when_one_profile_holds_nearly_all_mass():
    scenario = load("vertical")
    result = finite(scenario, [50], beta=1.0)
    values = np.asarray(result.small_mutation.distribution)
    assert values.max() > 0.999 and values.min() < 1e-8        # one profile holds nearly all mass
    fig = finite_figure(result)
    _draw(fig)
    panel = fig.axes[-1]
    assert panel.get_yscale() == "log"
    bars = [p for p in panel.patches if p.get_height() > 0]
    low, high = panel.get_ylim()
    # every bar's top is inside the axis: even 1e-16 is seen, not flattened to zero
    assert all(low < p.get_height() <= high for p in bars) and len(bars) == len(values)
    annotated = sorted(float(t.get_text()) for t in panel.texts if t.get_gid() == "finite-stationary-value")
    np.testing.assert_allclose(annotated, sorted(values), rtol=5e-3)


def test_two_populations_whose_marginals_coincide_are_both_visible():
    scenario = load("coordination")            # symmetric: both populations have the same marginal
    result = finite(scenario, [15], beta=1.0, mutation=0.05)
    first, second = [np.asarray(m) for _, m in result.stationary.marginals]
    np.testing.assert_allclose(first, second, atol=1e-12)
    fig = finite_figure(result)
    lines = [ln for ln in fig.axes[-1].get_lines() if str(ln.get_gid()).startswith("finite-marginal:")]
    assert len(lines) == 2
    a, b = lines
    assert a.get_linestyle() != b.get_linestyle()
    assert a.get_marker() != b.get_marker() and "None" not in (a.get_marker(), b.get_marker())


def test_the_finite_figure_is_byte_for_byte_reproducible(tmp_path):
    scenario = load("vertical")
    result = finite(scenario, [20], beta=1.0)
    for k in range(2):
        save_figure(finite_figure(result, game=scenario.game), tmp_path / f"f{k}.svg")
    assert (tmp_path / "f0.svg").read_bytes() == (tmp_path / "f1.svg").read_bytes()
