"""Samples of the state space: the product of simplices, in reduced coordinates."""
from __future__ import annotations

import warnings

import numpy as np

from ..errors import AnalysisError
from .model import Game

__all__ = ["sample_states", "onto_simplices"]


def sample_states(game: Game, samples: int, seed: int = 0) -> np.ndarray:
    """A quasi-random sample of states, uniform on the product of simplices.

    Parameters
    ----------
    game : Game
    samples : number of states ``n``.
    seed : seed of the Sobol scrambling (same seed, same sample).

    Returns
    -------
    ``(n, d)`` reduced coordinates.  A two-strategy population's coordinate
    is the Sobol coordinate; a population with ``k > 2`` strategies gets the
    first ``k - 1`` spacings of its ``k - 1`` sorted coordinates (uniform on
    the simplex, i.e. Dirichlet(1, ..., 1)).
    """
    from scipy.stats import qmc

    d = game.dimension
    if samples < 1:
        raise AnalysisError(f"the number of samples must be at least 1, got {samples}")
    if d == 0:
        return np.zeros((samples, 0))
    sobol = qmc.Sobol(d, scramble=True, seed=np.random.default_rng(seed))
    with warnings.catch_warnings():   # n need not be a power of 2 (balance is then only approximate)
        warnings.simplefilter("ignore", UserWarning)
        u = sobol.random(samples)
    out = np.empty_like(u)
    for sl in game.slices():
        block = np.sort(u[:, sl], axis=1)
        if block.shape[1] == 1:
            out[:, sl] = block
        else:
            out[:, sl] = np.diff(block, axis=1, prepend=0.0)
    return out


def onto_simplices(game: Game, z) -> np.ndarray:
    """Reduced coordinates with round-off outside the product of simplices removed (clipped to [0, 1], each
    population's shares scaled back when they sum above 1)."""
    z = np.clip(np.asarray(z, dtype=float), 0.0, 1.0)
    for sl in game.slices():
        total = z[sl].sum()
        if total > 1.0:
            z[sl] /= total
    return z
