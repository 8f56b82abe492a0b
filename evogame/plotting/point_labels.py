"""Rest-point names (``E1``, ``E2``, ... as in ``analyze``'s table) beside their marks.

Each name is placed off its mark by a small deterministic search, done when
the figure is drawn (so in its final layout, at the saving resolution): the
candidate offsets around the mark are tried in a fixed order (up-right,
up-left, down-right, down-left, right, left, up, down, then the same twice and
three times as far), and the first is taken whose text box overlaps no
rest-point mark, no other text of the axes (vertex names, tick labels) and no
name placed before it, lies inside the axes, and is nearer its own mark than
any other.  When none is, the candidate of least cost is taken, in that order
of importance: overlap (and any part past the figure), then nearness, then
the part outside the axes.  Names are placed in E order (corners first).

The names take no part in the layout (``in_layout`` is False), so placing
them never moves the axes they are placed in.
"""
from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.transforms import Bbox

__all__ = ["label_rest_points", "place", "PlaceAtDraw", "overlap", "outside", "square_box", "NAME_FONTSIZE",
           "LABEL_GID"]

#: font size (points) of a rest point's name
NAME_FONTSIZE = 6.5
#: gid prefix of a name's text: ``"rest-point-label:E3"``
LABEL_GID = "rest-point-label:"
#: space (points) kept between a name and any mark or other text
GAP = 1.0
#: unit directions tried in order; then the same at 2x and 3x the distance
DIRECTIONS = ((1, 1), (-1, 1), (1, -1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1))
SCALES = (1.0, 2.0, 3.0)


def label_rest_points(ax, points, coords, half_sizes, *, three_d: bool = False, zorder: float = 11.0) -> list:
    """Name every rest point with a non-empty ``name`` beside its mark; the Annotation artists.

    Parameters
    ----------
    ax : the Axes the marks are drawn in (a 3-D Axes when ``three_d``).
    points : RestPoints (their ``name`` is drawn).
    coords : plot coordinates ``(n, 2)`` (``(n, 3)`` for 3-D axes) of the marks.
    half_sizes : per point, half the mark's size in points (edge included).
    """
    coords = np.asarray(coords, dtype=float).reshape(len(points), -1)
    half = np.asarray(half_sizes, dtype=float).reshape(len(points))
    named = [k for k, p in enumerate(points) if getattr(p, "name", "")]
    annotations = []
    for k in named:
        ann = ax.annotate(points[k].name, xy=tuple(coords[k, :2]), xytext=(0.0, 0.0), textcoords="offset points",
                          fontsize=NAME_FONTSIZE, zorder=zorder, annotation_clip=False,
                          bbox=dict(boxstyle="square,pad=0.05", facecolor="white", edgecolor="none", alpha=0.75))
        ann.set_in_layout(False)
        ann.set_gid(LABEL_GID + points[k].name)
        annotations.append(ann)
    if annotations:
        placer = _Placer(ax, coords, half, named, annotations, three_d)
        # drawn after the flow and the axis (tick labels placed) and before the names it moves; below the
        # marks (zorder - 1), which stay the top of everything but the names
        placer.set_zorder(zorder - 1.01)
        ax.add_artist(placer)
    return annotations


class PlaceAtDraw(Artist):
    """Draws nothing: calls ``place(renderer)`` when drawn, to move texts before they are drawn.

    Add it to the axes with a zorder below the texts it moves (and above what
    they must avoid), so that the placement is done in the final layout.
    """

    def __init__(self, place):
        super().__init__()
        self.set_in_layout(False)
        self._place = place

    def draw(self, renderer):
        if self.get_visible():
            self._place(renderer)
        self.stale = False


class _Placer(PlaceAtDraw):
    """Moves the rest points' names to free places just before they are drawn."""

    def __init__(self, ax, coords, half, named, annotations, three_d):
        super().__init__(self._place_names)
        self._ax, self._coords, self._half = ax, coords, half
        self._named, self._annotations, self._three_d = named, annotations, three_d

    def _display(self):
        """The marks' plot coordinates (projected on 3-D axes) and display coordinates."""
        ax, coords = self._ax, self._coords
        if self._three_d:
            from mpl_toolkits.mplot3d import proj3d
            x, y, _ = proj3d.proj_transform(coords[:, 0], coords[:, 1], coords[:, 2], ax.get_proj())
            flat = np.column_stack([x, y])
        else:
            flat = coords[:, :2]
        return flat, ax.transData.transform(flat)

    def _place_names(self, renderer):
        flat, marks = self._display()
        px = renderer.points_to_pixels(1.0)
        obstacles = [square_box(xy, (h + GAP) * px) for xy, h in zip(marks, self._half)]
        # other texts of the axes: the simplex's vertex names, the tick and axis labels (drawn before this)
        texts = [] if self._three_d else [t for t in self._ax.texts if t not in self._annotations]
        for axis in (self._ax.xaxis, self._ax.yaxis) + ((self._ax.zaxis,) if self._three_d else ()):
            texts += axis.get_ticklabels() + [axis.label]
        obstacles += [t.get_window_extent(renderer) for t in texts if t.get_visible() and t.get_text()]
        for ann, k in zip(self._annotations, self._named):
            where = _Where(marks, k, obstacles, self._ax.bbox, self._ax.figure.bbox)
            distance = self._half[k] + 2 * GAP
            candidates = [(tuple(flat[k]), (dx * distance * scale, dy * distance * scale), dx, dy)
                          for scale in SCALES for dx, dy in DIRECTIONS]
            obstacles.append(place(ann, renderer, candidates, where.cost))


def square_box(centre, half: float) -> Bbox:
    """The box of half-side ``half`` around ``centre`` (display units)."""
    x, y = centre
    return Bbox.from_extents(x - half, y - half, x + half, y + half)


class _Where:
    """What a candidate box is judged against: the marks (``own`` is the named one), the boxes to avoid,
    the axes and the figure."""

    def __init__(self, marks, own: int, obstacles, axes_box, figure_box):
        self.marks, self.own, self.obstacles = marks, own, list(obstacles)
        self.axes_box, self.figure_box = axes_box, figure_box

    def cost(self, box: Bbox) -> tuple:
        """(overlap with boxes or past the figure, nearer another mark than its own, area outside the axes)."""
        covered = sum(overlap(box, o) for o in self.obstacles) + outside(box, self.figure_box)
        dist = [_distance(box, m) for m in self.marks]
        ambiguous = int(any(d < dist[self.own] for d in dist))
        return covered, ambiguous, outside(box, self.axes_box)


def place(ann, renderer, candidates, cost) -> Bbox:
    """Put ``ann`` at the first candidate whose ``cost(box)`` is all zeros, else at the least; its box.

    A candidate is ``(xy, offset, dx, dy)``: the annotated point ``xy`` (data
    coordinates), the text's offset from it in points, and the side it lies
    on (``dx``, ``dy`` in -1, 0, 1: the text's alignment).
    """
    best, best_cost = None, None
    for candidate in candidates:
        box = _try(ann, renderer, *candidate)
        c = cost(box)
        if not any(c):
            return box
        if best_cost is None or c < best_cost:
            best, best_cost = candidate, c
    return _try(ann, renderer, *best)


def _try(ann, renderer, xy, offset, dx, dy) -> Bbox:
    ann.xy = xy
    ann.xyann = offset
    ann.set_horizontalalignment({1: "left", -1: "right", 0: "center"}[dx])
    ann.set_verticalalignment({1: "bottom", -1: "top", 0: "center"}[dy])
    return ann.get_window_extent(renderer)


def overlap(a: Bbox, b: Bbox) -> float:
    """The area two boxes share (0 when they only touch)."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def outside(box: Bbox, frame: Bbox) -> float:
    """The area of ``box`` outside ``frame``."""
    return box.width * box.height - overlap(box, frame)


def _distance(box: Bbox, point) -> float:
    """Distance from a point (display coordinates) to a box."""
    x, y = point
    return float(np.hypot(max(box.x0 - x, 0.0, x - box.x1), max(box.y0 - y, 0.0, y - box.y1)))
