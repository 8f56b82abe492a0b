"""Integration of the replicator dynamics for many initial states at once.

The whole batch is one vectorised system: the compiled right-hand side is
evaluated on the array of all states at every step.  Faces of the product of
simplices are invariant (a share that is zero stays zero), and reduced
coordinates keep every population's shares summing to one exactly; round-off
that would step outside the simplex is projected back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

from .dynamics import dynamics
from .errors import AnalysisError
from .game import Game


@dataclass
class Simulation:
    """Paths of the replicator dynamics.

    Attributes
    ----------
    times : ``(T,)``.
    paths : ``(B, T, d)`` reduced coordinates (for two-strategy populations,
        the share of the first strategy).
    """

    game: Game = field(repr=False)
    times: np.ndarray
    paths: np.ndarray
    success: bool = True
    message: str = ""

    def shares(self, population: int | str) -> np.ndarray:
        """Shares of every strategy of one population: ``(B, T, n_p)``."""
        if isinstance(population, str):
            population = [p.name for p in self.game.populations].index(population)
        sl = self.game.slices()[population]
        head = self.paths[..., sl]
        return np.concatenate([head, 1.0 - head.sum(axis=-1, keepdims=True)], axis=-1)

    @property
    def final(self) -> np.ndarray:
        return self.paths[:, -1, :]

    def to_dict(self) -> dict:
        return {"times": self.times.tolist(), "variables": [str(v) for v in self.game.variables],
                "paths": self.paths.tolist(), "success": self.success, "message": self.message}

    def __repr__(self):
        B, T, d = self.paths.shape
        return f"<Simulation of {self.game.name!r}: {B} paths x {T} times, d={d}, t_end={self.times[-1]:g}>"


def as_initial_states(game: Game, initial_states) -> np.ndarray:
    """Normalise initial states to reduced coordinates ``(B, d)``.

    Accepts ``(B, d)`` or ``(d,)`` reduced coordinates, or, per start, one
    probability vector per population (nested lists).
    """
    d = game.dimension
    arr = initial_states
    if isinstance(arr, (list, tuple)) and arr and _is_nested_shares(game, arr):
        arr = [arr]
    if isinstance(arr, (list, tuple)) and arr and all(_is_nested_shares(game, a) for a in arr):
        for start in arr:
            for pop, v in zip(game.populations, start):
                if abs(float(np.sum(v)) - 1.0) > 1e-9:
                    raise AnalysisError(f"the shares of population '{pop.name}' must sum to 1, got {list(v)}")
        arr = [np.concatenate([np.asarray(v, float)[:-1] for v in start]) for start in arr]
    z = np.atleast_2d(np.asarray(arr, dtype=float))
    if z.shape[-1] != d:
        raise AnalysisError(f"an initial state needs {d} coordinates (one fewer than the strategies, "
                            f"per population), got {z.shape[-1]}")
    if not np.all(np.isfinite(z)):
        raise AnalysisError("initial states must be finite numbers")
    for pop, sl in zip(game.populations, game.slices()):
        block = z[:, sl]
        if np.any(block < -1e-12) or np.any(block.sum(axis=1) > 1 + 1e-12):
            raise AnalysisError(f"initial shares of population '{pop.name}' must lie in the simplex "
                                f"(non-negative, summing to at most 1 over the first {pop.n - 1})")
    return z


def _is_nested_shares(game: Game, item) -> bool:
    if not isinstance(item, (list, tuple)) or len(item) != len(game.populations):
        return False
    return all(isinstance(v, (list, tuple, np.ndarray)) and len(v) == p.n
               for v, p in zip(item, game.populations))


def project(game: Game, z: np.ndarray) -> np.ndarray:
    """Project states (``(..., d)``) onto the product of simplices (clip round-off)."""
    z = np.clip(z, 0.0, 1.0)
    for sl in game.slices():
        s = z[..., sl].sum(axis=-1, keepdims=True)
        over = s > 1.0
        z[..., sl] = np.where(over, z[..., sl] / np.where(over, s, 1.0), z[..., sl])
    return z


def simulate(game: Game, initial_states, t_end: float, *, params: Mapping | None = None,
             n_points: int = 201, method: str = "RK45", rtol: float = 1e-8, atol: float = 1e-10) -> Simulation:
    """Integrate the replicator dynamics from many initial states.

    Parameters
    ----------
    game : Game
    initial_states : ``(B, d)`` reduced coordinates, or per start one
        probability vector per population.
    t_end : final time (> 0).
    params : parameter overrides.
    n_points : number of saved times, evenly spaced on ``[0, t_end]``.
    method, rtol, atol : passed to ``scipy.integrate.solve_ivp``.

    Returns
    -------
    Simulation with ``times (T,)`` and ``paths (B, T, d)``.
    """
    from scipy.integrate import solve_ivp

    if not (np.isfinite(t_end) and t_end > 0):
        raise AnalysisError(f"t_end must be a positive number, got {t_end}")
    if n_points < 2:
        raise AnalysisError("n_points must be at least 2")
    z0 = as_initial_states(game, initial_states)
    dyn = dynamics(game)
    pvec = dyn.parameter_vector(game.values(params))
    B, d = z0.shape
    times = np.linspace(0.0, float(t_end), int(n_points))
    if d == 0:
        return Simulation(game, times, np.zeros((B, len(times), 0)))

    def rhs(t, y):
        return dyn.field(y.reshape(B, d), pvec).reshape(-1)

    sol = solve_ivp(rhs, (0.0, float(t_end)), z0.reshape(-1), t_eval=times, method=method,
                    rtol=rtol, atol=atol)
    if not sol.success:
        raise AnalysisError(f"integration failed: {sol.message}")
    paths = project(game, sol.y.T.reshape(len(times), B, d).transpose(1, 0, 2).copy())
    return Simulation(game, times, paths, bool(sol.success), sol.message)
