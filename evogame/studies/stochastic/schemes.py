"""Euler--Maruyama and Milstein, batched over sample paths on component-major arrays ``(d, n)``.

One step of size ``h`` from ``Y`` (all paths at once), with Wiener
increments ``dW`` (``(m, n)``, one row per Wiener component, see
:mod:`evogame.studies.stochastic.model`):

* Euler--Maruyama (strong order 1/2): ``Y + h F(Y) + sigma g(Y) dW``;
* Milstein (strong order 1): adds ``(sigma^2 / 2) g(Y) g'(Y) (dW^2 - h)``
  per component.  It is exact to order 1 for diagonal noise, which the
  form ``"x"`` (``g g' = z``) and the two-strategy form ``"x(1-x)"``
  (``g g' = z (1 - z)(1 - 2 z)``) are; the multiplicative form on the
  simplex (more than two strategies) is not commutative (Milstein would need
  Levy areas), so it is integrated by Euler--Maruyama only.

**Boundary rule** (both schemes, documented and counted, never silent): a
step that takes a path out of the population's simplex (a reduced share
below 0 or above 1, or reduced shares summing above 1) is followed by the
projection of that population's state back onto the simplex -- shares
clipped to ``[0, 1]``, then rescaled to sum to 1 if they sum above 1 -- and
the event is counted: per population and path, the number of projected steps
and the time of the first one.  With ``g = x`` the exact solution itself
leaves ``[0, 1]`` (the noise does not vanish at 1), so the counts then
measure the model, not only the scheme.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ...errors import AnalysisError
from .model import NoiseBlock


@dataclass
class BoundaryEvents:
    """Projections back onto the state space (the boundary rule), per population and path.

    Attributes
    ----------
    steps : ``(P, n)`` number of steps after which the path was projected.
    first : ``(P, n)`` time of the first projection (NaN: never).
    """

    steps: np.ndarray
    first: np.ndarray


@dataclass
class Passages:
    """First passage into the neighbourhoods of target states.

    Attributes
    ----------
    targets : ``(S, d)`` states; ``near``: max-norm radius in reduced coordinates.
    first : ``(S, n)`` first time within ``near`` of each target (NaN: never).
    """

    targets: np.ndarray
    near: float
    first: np.ndarray


def normal_increments(rng: np.random.Generator, m: int, n: int) -> Callable[[float], np.ndarray]:
    """The Wiener increments of a step of size ``h``: ``(m, n)`` normals of variance ``h``.

    Stream layout: every step draws one ``(m, n)`` array from ``rng`` in C
    order (row = Wiener component, column = path), whatever the noise
    intensities, so the same seed and sizes give the same paths.
    """
    buf = np.empty((m, n))

    def draw(h: float) -> np.ndarray:
        rng.standard_normal(out=buf)
        np.multiply(buf, math.sqrt(h), out=buf)
        return buf

    return draw


def check_scheme_fits(blocks: Sequence[NoiseBlock], scheme: str) -> None:
    """Milstein needs commutative noise: refuse it with the simplex form (more than two strategies)."""
    bad = [b.population for b in blocks if scheme == "milstein" and b.simplex and b.sigma > 0]
    if bad:
        raise AnalysisError("the Milstein scheme needs commutative noise; the form x(1-x) on a population of more "
                            f"than two strategies ({', '.join(bad)}) is not: use the scheme 'em'")


def integrate(drift_into, blocks: Sequence[NoiseBlock], Y: np.ndarray, times: np.ndarray, dt: float,
              increments: Callable[[float], np.ndarray], *, scheme: str = "em",
              passages: Passages | None = None) -> tuple[np.ndarray, BoundaryEvents, float]:
    """Integrate ``dY = F(Y) dt + noise`` on the whole batch ``Y`` (``(d, n)``, changed in place).

    ``drift_into(Y, out, scale)`` writes ``scale * F(Y)`` into ``out`` (the
    compiled field of :func:`evogame.dynamics.simulation.vector_field_rows`).  Every
    saving interval of ``times`` is cut into ``k = ceil(interval / dt)``
    equal steps.  Returns the states at ``times`` (path-major, ``(n, T, d)``),
    the boundary events and the step size used.
    """
    check_scheme_fits(blocks, scheme)
    d, n = Y.shape
    T = len(times)
    saved = np.empty((n, T, d))
    saved[:, 0, :] = Y.T
    events = BoundaryEvents(np.zeros((len(blocks), n), dtype=np.int64), np.full((len(blocks), n), np.nan))
    interval = float(times[1] - times[0]) if T > 1 else 0.0
    k = max(1, math.ceil(interval / dt - 1e-9)) if T > 1 else 1
    h = interval / k
    scale = np.full(n, h)
    step_drift = np.empty_like(Y)
    active = [b for b in blocks if b.sigma > 0]
    if passages is not None:
        _passage(passages, Y, float(times[0]))
    for i in range(1, T):
        for j in range(k):
            dW = increments(h)
            drift_into(Y, step_drift, scale)
            noise = [_noise(b, Y, dW, h, scheme) for b in active]
            Y += step_drift
            for b, term in zip(active, noise):
                Y[b.start:b.stop] += term
            t = times[i - 1] + (j + 1) * h
            _project(blocks, Y, events, t)
            if passages is not None:
                _passage(passages, Y, t)
        saved[:, i, :] = Y.T
    return saved, events, h


def _noise(b: NoiseBlock, Y: np.ndarray, dW: np.ndarray, h: float, scheme: str) -> np.ndarray:
    """The noise term of one population's step, from the state at the start of the step."""
    z = Y[b.start:b.stop]
    w = dW[b.first:b.first + b.components]
    s = b.sigma
    if b.form == "x":
        if scheme == "milstein":                 # g g' = z
            return s * z * (w + 0.5 * s * (w * w - h))
        return s * z * w
    if not b.simplex:
        g = z * (1.0 - z)
        if scheme == "milstein":                 # g g' = z (1 - z)(1 - 2 z)
            return s * g * (w + 0.5 * s * (1.0 - 2.0 * z) * (w * w - h))
        return s * g * w
    last = 1.0 - z.sum(axis=0)
    mean = (z * w[:-1]).sum(axis=0) + last * w[-1]          # sum_j x_j dW_j
    return (s / math.sqrt(2.0)) * z * (w[:-1] - mean)


def _project(blocks: Sequence[NoiseBlock], Y: np.ndarray, events: BoundaryEvents, t: float) -> None:
    """The boundary rule: project paths that left a population's simplex back onto it, and count them."""
    if Y.min() >= 0.0 and Y.max() <= 1.0 and all(b.stop - b.start < 2 for b in blocks):
        return
    for p, b in enumerate(blocks):
        z = Y[b.start:b.stop]
        total = z.sum(axis=0)
        out = (z.min(axis=0) < 0.0) | (z.max(axis=0) > 1.0) | (total > 1.0)
        if not out.any():
            continue
        cols = np.nonzero(out)[0]
        block = np.clip(z[:, cols], 0.0, 1.0)
        s = block.sum(axis=0)
        block = np.where(s > 1.0, block / np.where(s > 1.0, s, 1.0), block)
        z[:, cols] = block
        events.steps[p, cols] += 1
        fresh = cols[np.isnan(events.first[p, cols])]
        events.first[p, fresh] = t


def _passage(passages: Passages, Y: np.ndarray, t: float) -> None:
    for s, target in enumerate(passages.targets):
        waiting = np.isnan(passages.first[s])
        if not waiting.any():
            continue
        close = np.abs(Y - target[:, None]).max(axis=0) <= passages.near
        passages.first[s, waiting & close] = t
