"""Portraits name every rest point E1, E2, ... as analyze's table does, off the marks, without overlaps.

The geometry is read back from the drawn figure: each name's box from the
renderer (``get_window_extent``), each mark's centre from the drawn marker
line (projected by matplotlib itself on 3-D axes) and its size from the
line's marker size; nothing is taken from the placement code.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Annotation

from conftest import load

from evogame.engine.analysis import analyze
from evogame.game import Game, Population
from evogame.plotting import portrait, save_figure

#: pixels of slack for the renderer's rounding
SLACK = 0.5


def _drawn(fig):
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def _names(ax) -> list:
    return [a for a in ax.get_children() if isinstance(a, Annotation)
            and str(a.get_gid()).startswith("rest-point-label:")]


def _mark_boxes(ax, renderer) -> list:
    """Display boxes (x0, y0, x1, y1) of every rest-point mark of ``ax``."""
    boxes = []
    for line in ax.get_lines():
        if not str(line.get_gid()).startswith("rest-points:"):
            continue
        half = renderer.points_to_pixels(0.5 * (line.get_markersize() + line.get_markeredgewidth()))
        for x, y in ax.transData.transform(np.asarray(line.get_xydata(), dtype=float)):
            boxes.append((x - half, y - half, x + half, y + half))
    return boxes


def _overlap(a, b) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > SLACK and min(a[3], b[3]) - max(a[1], b[1]) > SLACK


def _check_axes(ax, renderer, expected_names):
    labels = _names(ax)
    assert sorted(a.get_text() for a in labels) == sorted(expected_names)
    boxes = [tuple(a.get_window_extent(renderer).extents) for a in labels]
    marks = _mark_boxes(ax, renderer)
    assert len(marks) >= len(expected_names)
    axes = [ax.xaxis, ax.yaxis] + ([ax.zaxis] if hasattr(ax, "zaxis") else [])
    ticks = [tuple(t.get_window_extent(renderer).extents) for axis in axes for t in axis.get_ticklabels()
             if t.get_visible() and t.get_text()]
    ticks += [tuple(t.get_window_extent(renderer).extents) for t in ax.texts       # e.g. the vertex names
              if t not in labels and t.get_text()]
    for k, box in enumerate(boxes):
        assert not any(_overlap(box, m) for m in marks), labels[k].get_text()
        assert not any(_overlap(box, t) for t in ticks), labels[k].get_text()
        assert not any(_overlap(box, other) for other in boxes[k + 1:]), labels[k].get_text()
        # the name sits near a mark (within 4 mark sizes of its box)
        centres = [((m[0] + m[2]) / 2, (m[1] + m[3]) / 2) for m in marks]
        reach = 4 * (marks[0][2] - marks[0][0])
        assert any(box[0] - reach <= cx <= box[2] + reach and box[1] - reach <= cy <= box[3] + reach
                   for cx, cy in centres)


def _check(fig, analysis):
    renderer = _drawn(fig)
    ax = fig.axes[0]
    _check_axes(ax, renderer, [p.name for p in analysis.rest_points])
    return renderer


@pytest.mark.parametrize("name", ["hawk_dove", "vertical", "rps", "zeeman_coordination"])
def test_every_rest_point_is_named_as_in_the_table_without_overlap(name):
    scenario = load(name)
    analysis = analyze(scenario)
    fig = portrait(scenario, analysis=analysis)
    _check(fig, analysis)


def test_a_name_is_drawn_at_its_own_rest_point():
    scenario = load("zeeman_coordination")
    analysis = analyze(scenario)
    fig = portrait(scenario, analysis=analysis)
    _drawn(fig)
    from evogame.plotting.portraits import simplex_coordinates
    at = {a.get_text(): np.asarray(a.xy, dtype=float) for a in _names(fig.axes[0])}
    for p in analysis.rest_points:
        np.testing.assert_allclose(at[p.name], simplex_coordinates(p.shares[0]), atol=1e-12)


def test_crowded_rest_points_get_names_that_do_not_overlap():
    # the mixed rest point x* = 0.03 / (0.03 + 0.97) = 0.03 sits beside the corner x = 0
    game = Game.symmetric(Population("animals", ("h", "d")), [[0, Fraction(3, 100)], [Fraction(97, 100), 0]])
    analysis = analyze(game)
    assert any(abs(p.state[0] - 0.03) < 1e-12 for p in analysis.rest_points)
    _check(portrait(game, analysis=analysis), analysis)


def test_a_simplex_with_close_rest_points_is_named_without_overlap():
    # a coordination game whose edge rest points crowd the first vertex
    A = [[1, 0, 0], [0, 40, 0], [0, 0, 40]]
    game = Game.symmetric(Population("players", ("a", "b", "c")), A)
    analysis = analyze(game)
    assert len(analysis.rest_points) == 7
    _check(portrait(game, analysis=analysis), analysis)


def test_the_cube_and_its_faces_name_their_rest_points_without_overlap():
    scenario = load("dual_leadership")
    analysis = analyze(scenario)
    fig = portrait(scenario, analysis=analysis, slices=(1, 0), width="double")
    renderer = _drawn(fig)
    cube, *faces = [ax for ax in fig.axes if _names(ax)]
    _check_axes(cube, renderer, [p.name for p in analysis.rest_points])
    for ax, z in zip(faces, (1.0, 0.0)):
        _check_axes(ax, renderer, [p.name for p in analysis.rest_points if abs(p.state[2] - z) < 1e-9])


def test_named_portraits_are_still_byte_for_byte_reproducible(tmp_path):
    scenario = load("rps")
    for k in range(2):
        save_figure(portrait(scenario), tmp_path / f"p{k}.svg")
    assert (tmp_path / "p0.svg").read_bytes() == (tmp_path / "p1.svg").read_bytes()
    assert b"E4" in (tmp_path / "p0.svg").read_bytes() or b"rest-point-label:E4" in (tmp_path / "p0.svg").read_bytes()
