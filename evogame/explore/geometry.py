"""Where the explorer draws a state: the game's geometry and the map from reduced states to the drawing.

Four geometries, as in the figures:

* ``"line"``: one population of two strategies; the drawing is the phase line, the share ``z`` on the
  horizontal axis and its rate of change ``dz/dt`` on the vertical one (rest points sit on ``dz/dt = 0``);
* ``"square"``: two populations of two strategies; the unit square of the two shares;
* ``"simplex"``: one population of three strategies; the triangle of the figures (strategy 1 top, 2 left,
  3 right);
* ``"cube"``: three populations of two strategies; the unit cube of the three shares (drawn in 3-D), and
  its six faces (:data:`FACES`, each invariant) as squares of the two other shares.
"""
from __future__ import annotations

import itertools

import numpy as np

from ..errors import ScenarioError

__all__ = ["geometry", "plane", "field_states", "start_states", "face_states", "GEOMETRIES", "FACES"]

#: population sizes -> geometry
GEOMETRIES = {(2,): "line", (2, 2): "square", (3,): "simplex", (2, 2, 2): "cube"}
#: the simplex's vertices as in the figures (evogame.plotting.portraits, not imported: it needs matplotlib)
SIMPLEX_VERTICES = np.array([[0.5, np.sqrt(3.0) / 2.0], [0.0, 0.0], [1.0, 0.0]])
FIELD_GRID = {"line": 101, "square": 13, "simplex": 15, "cube": 5}
START_GRID = {"line": 0, "square": 5, "simplex": 6, "cube": 3}
#: the cube's six faces: (population fixed, its share there); FACE_GRID arrows per side of a face
FACES = tuple((k, side) for k in range(3) for side in (0.0, 1.0))
FACE_GRID = 5


def geometry(game, file=None) -> str:
    """The geometry of the game's state space (a ScenarioError for the shapes the explorer does not draw)."""
    sizes = tuple(pop.n for pop in game.populations)
    kind = GEOMETRIES.get(sizes)
    if kind is None:
        shape = " x ".join(str(n) for n in sizes)
        raise ScenarioError(f"the explorer draws one population of two or three strategies, or two or three "
                            f"populations of two strategies; this game has {len(sizes)} population(s) of {shape} "
                            "strategies", file=file,
                            expected="a line (1 x 2), a simplex (1 x 3), a square (2 x 2) or a cube (2 x 2 x 2)")
    return kind


def plane(kind: str, z: np.ndarray) -> np.ndarray:
    """Reduced states ``(..., d)`` -> points of the drawing ``(..., 2)`` (``(..., 3)`` for the cube).

    The square and the cube draw the shares as they are; the simplex puts the shares
    ``(z1, z2, 1 - z1 - z2)`` in the figures' triangle; the line puts ``z`` on the axis (``dz/dt = 0``).
    """
    z = np.asarray(z, dtype=float)
    if kind in ("square", "cube"):
        return z
    if kind == "line":
        return np.concatenate([z, np.zeros_like(z)], axis=-1)
    shares = np.concatenate([z, 1.0 - z.sum(axis=-1, keepdims=True)], axis=-1)
    return shares @ SIMPLEX_VERTICES


def field_states(kind: str) -> np.ndarray:
    """The reduced states where the field is drawn: a grid inside the state space."""
    n = FIELD_GRID[kind]
    if kind == "line":
        return np.linspace(0.0, 1.0, n)[:, None]
    if kind == "simplex":
        m = n + 2
        return np.array([(i / m, j / m) for i in range(1, m) for j in range(1, m) if i + j < m], dtype=float)
    g = np.linspace(0.03, 0.97, n) if kind == "square" else np.linspace(0.1, 0.9, n)
    return np.array(list(itertools.product(g, repeat=2 if kind == "square" else 3)), dtype=float)


def start_states(kind: str, initial=None) -> np.ndarray:
    """The starts of the precomputed paths: the scenario's own initial states, then a grid.

    ``initial``: the scenario's ``[simulation] initial`` as reduced states ``(k, d)`` (or None). The line
    has no paths (its drawing shows where every start goes: the sign of ``dz/dt``).
    """
    n = START_GRID[kind]
    if kind == "line":
        return np.zeros((0, 1))
    if kind == "simplex":
        m = n + 1
        grid = np.array([(i / m, j / m) for i in range(1, m) for j in range(1, m) if i + j < m], dtype=float)
    else:
        g = (np.arange(n) + 0.5) / n
        grid = np.array(list(itertools.product(g, repeat=2 if kind == "square" else 3)), dtype=float)
    if initial is None or len(initial) == 0:
        return grid
    return np.concatenate([np.asarray(initial, dtype=float).reshape(-1, grid.shape[1]), grid])


def face_states(k: int, side: float) -> np.ndarray:
    """States ``(FACE_GRID**2, 3)`` on the cube's face where population ``k``'s share is ``side``: a grid of
    the two other shares (in order), the face being invariant under the replicator dynamics."""
    g = np.linspace(0.1, 0.9, FACE_GRID)
    other = np.array(list(itertools.product(g, repeat=2)), dtype=float)
    return np.insert(other, k, side, axis=1)
