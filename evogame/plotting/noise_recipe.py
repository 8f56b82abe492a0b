"""The noise figures' recipe: stochastic paths from one start for several intensities, in a window chosen
from where the deterministic path settles (re-exported by :mod:`evogame.plotting.recipes`)."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from ..game.model import Game, game_of
from ..scenario import Scenario


#: noise intensities drawn by default in the noise figures
DEFAULT_SIGMAS = (0.2, 0.5, 1.0)
#: a deterministic path has settled once it stays within this distance (max norm of the shares) of its end
SETTLED_WITHIN = 0.01
#: the noise figure's time window, in multiples of the deterministic path's settling time (then rounded up)
SETTLING_MULTIPLE = 2.5
#: mantissas of the rounded window (a window ends at one of these times a power of ten)
_NICE = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def noise_figure(subject: Game | Scenario, sigmas: Sequence = DEFAULT_SIGMAS, *, ends: bool = False, initial=None,
                 t_end: float | None = None, form: str | None = None, paths: int = 500, seed: int = 0,
                 scheme: str | None = None, dt: float | None = None, params: Mapping | None = None,
                 lang: str = "en", width="single"):
    """Stochastic paths from one start for several noise intensities (the same seed for each).

    ``ends=False``: sample paths, mean and 5--95 % band per intensity, with the
    deterministic path, from 0 to ``t_end``; by default :data:`SETTLING_MULTIPLE`
    times the deterministic path's settling time (:func:`settling_time`), rounded
    up to 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten, so that the
    figure shows the approach and the noise around the end state rather than a
    long flat tail (:func:`noise_window`).  ``ends=True``: the distribution of end states at
    ``t_end`` (by default the scenario's, else 50: the long run).
    """
    from .common import default_initial_states, default_t_end
    from .noise import noise_ends_figure, noise_paths_figure
    from ..dynamics.simulation import as_initial_states, simulate
    from ..studies.stochastic import simulate_noisy

    game = game_of(subject)
    start = (default_initial_states(subject) if initial is None else as_initial_states(game, initial))[:1]
    if t_end is None:
        t_end = default_t_end(subject)
        if not ends:
            t_end = noise_window(lambda t: simulate(subject, start, t, params=params, n_points=4001), t_end)
    t_end = float(t_end)
    results = [simulate_noisy(subject, start, t_end, noise=float(sigma), form=form, paths=paths, seed=seed,
                              scheme=scheme, dt=dt, params=params, targets=[]) for sigma in sigmas]
    if ends:
        return noise_ends_figure(results, lang=lang, width=width)
    return noise_paths_figure(results, simulate(subject, start, t_end, params=params), lang=lang, width=width)


def settling_time(times, path, within: float = SETTLED_WITHIN) -> float | None:
    """When a deterministic path settles: the last time it is farther than ``within`` from its end.

    ``path`` is ``(T, d)`` (reduced coordinates); the distance is the max norm.  Between two
    samples the crossing is interpolated linearly.  0 when the path never
    leaves ``within`` of its end; None when it has not settled: it still moves
    by more than ``within / 10`` over the last tenth of ``times``.
    """
    times, path = np.asarray(times, dtype=float), np.asarray(path, dtype=float)
    dist = np.max(np.abs(path - path[-1]), axis=-1)
    if np.max(dist[times >= times[0] + 0.9 * (times[-1] - times[0])]) > within / 10:
        return None
    far = np.nonzero(dist > within)[0]
    if far.size == 0:
        return 0.0
    k = far[-1]
    frac = (dist[k] - within) / (dist[k] - dist[k + 1])
    return float(times[k] + frac * (times[k + 1] - times[k]))


def noise_window(deterministic, horizon: float) -> float:
    """The noise figure's window: :data:`SETTLING_MULTIPLE` settling times, rounded up.

    ``deterministic(t)`` integrates the deterministic path to time ``t`` (a
    Simulation of one path); it is asked for ``horizon``, then 4 and 16 times
    as long until the path settles.  ``horizon`` when it never does (a cycle, a
    very slow drift) or never moves.
    """
    for t in (horizon, 4 * horizon, 16 * horizon):
        run = deterministic(t)
        settled = settling_time(run.times, run.paths[0])
        if settled is not None:
            break
    if not settled:
        return float(horizon)
    target = SETTLING_MULTIPLE * settled
    power = 10.0 ** np.floor(np.log10(target))
    return float(next(m for m in _NICE if m * power >= target * (1 - 1e-12)) * power)
