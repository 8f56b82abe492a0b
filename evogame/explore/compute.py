"""The explorer's numbers: every step of every slider, computed when the page is written.

One slider is one 1-D sweep of the engine (:func:`~evogame.studies.sweeps.sweep1d`: the rest points, their
eigenvalues and classes, equal to :func:`~evogame.engine.analysis.analyze` at each value), with every other slider
at its default; the field's direction comes from the compiled field of the dynamics, the paths from the
batched integrator (:func:`~evogame.dynamics.simulation.simulate`) on the same work game, and the threshold from
:func:`~evogame.studies.thresholds.threshold`.  Nothing here solves anything itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from ..solvers import stability as st
from ..dynamics import derive
from ..errors import AnalysisError, ScenarioError
from ..engine.parametric import ABSENT
from ..dynamics.simulation import as_initial_states, simulate
from .geometry import FACES, face_states, field_states, plane, start_states
from .sliders import MECHANISM, SliderSpec

__all__ = ["SliderData", "slider_data", "starts_of", "PATH_SAMPLES", "QUANTUM", "DIRECTION_QUANTUM"]

#: saved times of a path: the integrator's ``PATH_GRID`` even times, of which ``PATH_SAMPLES`` spaced as
#: ``t_end * (k / K)^2`` are kept (paths move fast early and settle late)
PATH_GRID, PATH_SAMPLES = 161, 25
#: drawing coordinates of paths are sent to the page as whole multiples of this; the field's unit directions
#: as whole multiples of DIRECTION_QUANTUM (arrows of one length need no more)
QUANTUM, DIRECTION_QUANTUM = 1e-3, 1e-2
DEFAULT_T_END = 20.0


@dataclass(frozen=True)
class SliderData:
    """One slider's numbers on its grid (under one preset, or the scenario's own values).

    Attributes
    ----------
    spec : the slider (:class:`~evogame.explore.sliders.SliderSpec`).
    values : the grid; default : the index of the slider's resting value.
    points : per step, the rest points ``{"label", "state", "eigenvalues", "classification"}``.
    stable_sets : per step, the labels of the asymptotically stable rest points.
    directions : per step, the field's direction at the field grid (drawing coordinates, unit length; for the
        line: ``dz/dt`` itself).
    paths : per step, ``(starts, samples, dim)`` paths in drawing coordinates (None: not computed).
    faces : the cube's face slices: per step, ``(6, FACE_GRID**2, 2)`` unit directions of the field in each
        face (:data:`~evogame.explore.geometry.FACES`) in its two other shares (None: not computed).
    threshold : the value where the target becomes asymptotically stable (None: none here);
        exact : its exact form; note : the threshold in words (or why there is none).
    method : how the sweep found the rest points (``"vectorised"`` or ``"per point"``).
    """

    spec: SliderSpec
    values: np.ndarray
    default: int
    points: tuple = field(repr=False)
    stable_sets: tuple
    directions: tuple = field(repr=False)
    paths: tuple | None = field(repr=False)
    faces: tuple | None = field(repr=False)
    threshold: float | None
    exact: str | None
    note: str
    method: str

    def to_dict(self) -> dict:
        return {"name": self.spec.name, "kind": self.spec.kind, "values": [float(v) for v in self.values],
                "default": self.default, "stable_sets": [list(s) for s in self.stable_sets],
                "rest_points": [[{"label": p["label"], "state": list(p["state"]), "classification":
                                  p["classification"]} for p in step] for step in self.points],
                "threshold": self.threshold, "exact": self.exact, "note": self.note, "method": self.method}


def starts_of(scenario, kind: str) -> np.ndarray:
    """The starts of the paths: the scenario's ``[simulation] initial`` states, then a grid."""
    initial = scenario.simulation.initial
    own = as_initial_states(scenario.game, list(initial)) if initial else None
    return start_states(kind, own)


def slider_data(scenario, spec: SliderSpec, params: Mapping, *, kind: str, dynamics: str, starts: np.ndarray | None,
                words: dict, faces: bool = True) -> SliderData:
    """The numbers of one slider with the other quantities at ``params`` (and every strength at 0); the paths
    from ``starts`` (None: none) and, for the cube, the face slices when ``faces``."""
    from ..studies.sweeps import sweep1d

    values = scenario.game.with_values(**params).values()
    default = 0.0 if spec.kind == MECHANISM else float(values[spec.name])
    grid, default_index = spec.grid(default)
    others = {k: v for k, v in params.items() if k != spec.name}
    mechanisms = [spec.name] if spec.kind == MECHANISM else []
    sweep = sweep1d(scenario, spec.quantity, grid, mechanisms, params=others, dynamics=dynamics)
    points = tuple(_points(sweep, i) for i in range(len(sweep.values)))
    dyn = derive(sweep.game, dynamics)
    fields = tuple(_field(dyn, sweep, v, kind) for v in sweep.values)
    paths = None
    if starts is not None and len(starts):
        t_end = scenario.simulation.t_end or DEFAULT_T_END
        paths = tuple(_paths(sweep, float(v), starts, t_end, dynamics, kind) for v in sweep.values)
    slices = tuple(_faces(dyn, sweep, v) for v in sweep.values) if kind == "cube" and faces else None
    thr, exact, note = _threshold(scenario, spec, mechanisms, others, dynamics, grid, words)
    return SliderData(spec=spec, values=np.asarray(sweep.values, dtype=float), default=default_index,
                      points=points, stable_sets=tuple(tuple(s) for s in sweep.stable_sets), directions=fields,
                      paths=paths, faces=slices, threshold=thr, exact=exact, note=note, method=sweep.method)


def _points(sweep, i: int) -> list[dict]:
    """The rest points present at step ``i``: label, state, eigenvalues and classification."""
    out = []
    for lab in sweep.labels:
        code = int(sweep.codes[lab][i])
        if code != ABSENT:
            out.append({"label": lab, "state": tuple(float(v) for v in sweep.states[lab][i]),
                        "eigenvalues": tuple(complex(e) for e in sweep.eigenvalues[lab][i]),
                        "classification": st.CLASSES[code]})
    return out


def _field(dyn, sweep, value: float, kind: str) -> np.ndarray:
    """The field at one slider value: unit directions in the drawing (the line: ``dz/dt``)."""
    values = dict(sweep.game.values())
    values[sweep.parameter] = value
    states = field_states(kind)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        F = dyn.field(states, dyn.parameter_vector(values))
    if kind == "line":
        return np.asarray(F, dtype=float)[:, 0]
    D = plane(kind, states + F) - plane(kind, states)    # the map to the drawing is affine
    norm = np.linalg.norm(D, axis=-1, keepdims=True)
    scale = np.nanmax(norm) if np.any(norm > 0) else 1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = np.where(norm > 1e-9 * scale, D / norm, 0.0)
    return np.nan_to_num(unit)


def _faces(dyn, sweep, value: float) -> np.ndarray:
    """The field on each face of the cube: unit directions in the face's two shares."""
    values = dict(sweep.game.values())
    values[sweep.parameter] = value
    out = []
    for k, side in FACES:
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            F = np.delete(np.asarray(dyn.field(face_states(k, side), dyn.parameter_vector(values)), float), k, axis=1)
        norm = np.linalg.norm(F, axis=-1, keepdims=True)
        scale = np.nanmax(norm) if np.any(norm > 0) else 1.0
        with np.errstate(invalid="ignore", divide="ignore"):
            out.append(np.nan_to_num(np.where(norm > 1e-9 * scale, F / norm, 0.0)))
    return np.array(out)


def _paths(sweep, value: float, starts: np.ndarray, t_end: float, dynamics: str, kind: str) -> np.ndarray:
    """The paths from ``starts`` at one slider value, at :data:`PATH_SAMPLES` times, in the drawing."""
    sim = simulate(sweep.game, starts, t_end, params={sweep.parameter: value}, n_points=PATH_GRID,
                   dynamics=dynamics)
    keep = np.unique(np.round((PATH_GRID - 1) * (np.arange(PATH_SAMPLES) / (PATH_SAMPLES - 1)) ** 2).astype(int))
    return plane(kind, sim.paths[:, keep, :])


def _threshold(scenario, spec: SliderSpec, mechanisms, others, dynamics, grid, words) -> tuple:
    """The threshold on this slider's range: (value or None, exact form, the words shown)."""
    from ..studies.thresholds import threshold

    what = spec.name if spec.kind != MECHANISM else f"{words['strength']} {spec.name}"
    try:
        thr = threshold(scenario, mechanisms, param=None if spec.kind == MECHANISM else spec.name,
                        params=others, dynamics=dynamics, range=(float(grid[0]), float(grid[-1])))
    except (ScenarioError, AnalysisError) as exc:     # no target, or nothing to solve: said on the page
        return None, None, f"{words['threshold']} ({what}): {getattr(exc, 'message', str(exc))}"
    if thr.threshold is None:
        return None, None, f"{words['threshold']} ({what}): {thr.meaning}"
    exact = thr.exact if thr.exact and thr.exact != f"{thr.threshold:.10g}" else None
    shown = f" ({words['exactly']} {exact})" if exact else ""
    return float(thr.threshold), exact, (f"{words['threshold']} ({what}) = {thr.threshold:.6g}{shown} ▼: "
                                         f"{thr.meaning}")
