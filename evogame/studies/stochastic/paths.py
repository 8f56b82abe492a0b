"""Sample paths of a stochastic evolutionary game and their statistics.

:func:`simulate_noisy` integrates ``dz = F(z) dt + sigma g(z) dW`` (see
:mod:`evogame.studies.stochastic.model`) from one or more initial states, many
sample paths each, batched as one array (:mod:`evogame.studies.stochastic.schemes`);
the drift is the compiled field of the deterministic dynamics.  The result
carries the paths at the saved times, mean and quantile bands, the share of
paths ending near each stable state of the deterministic dynamics, first
passage times, and the boundary events -- each estimate with its sampling
error, and the scheme, step and seed that made it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from ...dynamics import chosen_dynamics, with_structural
from ...errors import AnalysisError, ScenarioError
from ...game.model import Game, game_of
from ...dynamics.simulation import as_initial_states, vector_field_rows
from .model import SCHEME_NAMES, STRONG_ORDER, Noise, check_scheme, make_noise
from .schemes import Passages, integrate, normal_increments

#: quantiles of the bands (5-95 % and 25-75 %, and the median)
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: sample paths per start written by ``to_dict`` (all of them go to the CSV)
SAMPLE_PATHS = 10
#: the schemes' convergence theorem, stated with every result
THEOREM = ("strong convergence for globally Lipschitz coefficients: Euler-Maruyama of order 1/2, Milstein of order 1 "
           "(Kloeden & Platen 1992, Numerical Solution of Stochastic Differential Equations, ch. 10: sec. 10.2 the "
           "Euler and sec. 10.3 the Milstein scheme); the drift and noise here are "
           "polynomials, Lipschitz on the bounded state space; steps projected back onto it by the boundary rule are "
           "outside the theorem, which is why they are counted")


@dataclass
class StochasticSimulation:
    """Sample paths of a stochastic evolutionary game.

    Attributes
    ----------
    times : ``(T,)``.
    starts : ``(S, d)`` initial states (reduced coordinates).
    paths : ``(S, N, T, d)`` sample paths: ``N`` per start.
    noise : the :class:`~evogame.studies.stochastic.model.Noise`.
    scheme, dt, seed : how the paths were made (``dt`` is the step used).
    targets : ``[(label, state (d,), why)]`` the states whose neighbourhood
        is counted (by default the asymptotically stable rest points of the
        deterministic dynamics and the corners that the noise makes almost
        surely exponentially stable); ``near`` their max-norm radius.
    first_passage : ``(S, K, N)`` first time within ``near`` of target ``k`` (NaN: never).
    boundary_steps, boundary_first : ``(S, P, N)`` projected steps per population
        and path, and the time of the first (the boundary rule).
    """

    game: Game = field(repr=False)
    times: np.ndarray
    starts: np.ndarray
    paths: np.ndarray = field(repr=False)
    noise: Noise
    scheme: str
    dt: float
    seed: int
    targets: list
    near: float
    first_passage: np.ndarray = field(repr=False)
    boundary_steps: np.ndarray = field(repr=False)
    boundary_first: np.ndarray = field(repr=False)
    dynamics: str = "replicator"

    @property
    def n_paths(self) -> int:
        return self.paths.shape[1]

    @property
    def mean(self) -> np.ndarray:
        """``(S, T, d)`` mean over the paths of each start."""
        return self.paths.mean(axis=1)

    @property
    def standard_error(self) -> np.ndarray:
        """``(S, T, d)`` sampling error of the mean: sample standard deviation / sqrt(N)."""
        n = self.n_paths
        return self.paths.std(axis=1, ddof=1) / math.sqrt(n) if n > 1 else np.full(self.mean.shape, np.nan)

    @property
    def quantiles(self) -> np.ndarray:
        """``(S, Q, T, d)`` the :data:`QUANTILES` over the paths of each start."""
        return np.moveaxis(np.quantile(self.paths, QUANTILES, axis=1), 0, 1)

    @property
    def final(self) -> np.ndarray:
        """``(S, N, d)`` end states."""
        return self.paths[:, :, -1, :]

    def end_shares(self) -> np.ndarray:
        """``(S, K)`` share of paths ending within ``near`` of each target (max norm)."""
        if not self.targets:
            return np.zeros((len(self.starts), 0))
        states = np.array([s for _, s, _ in self.targets])                      # (K, d)
        dist = np.abs(self.final[:, :, None, :] - states[None, None]).max(axis=-1)   # (S, N, K)
        return (dist <= self.near).mean(axis=1)

    def to_dict(self, sample_paths: int = SAMPLE_PATHS) -> dict:
        n = self.n_paths
        shares = self.end_shares()
        mean, error, quantiles = self.mean, self.standard_error, self.quantiles
        starts = []
        for s in range(len(self.starts)):
            targets = []
            for k, (label, state, why) in enumerate(self.targets):
                p = float(shares[s, k])
                hits = self.first_passage[s, k]
                reached = hits[np.isfinite(hits)]
                targets.append({"label": label, "state": state.tolist(), "why": why, "share_ending_near": p,
                                "share_standard_error": math.sqrt(p * (1 - p) / n),
                                "share_reaching": reached.size / n,
                                "first_passage_mean": float(reached.mean()) if reached.size else None,
                                "first_passage_median": float(np.median(reached)) if reached.size else None,
                                "first_passage_standard_error": (float(reached.std(ddof=1) / math.sqrt(reached.size))
                                                                 if reached.size > 1 else None)})
            starts.append({"initial": self.starts[s].tolist(), "mean": mean[s].tolist(),
                           "mean_standard_error": error[s].tolist(),
                           "quantiles": {f"{q:g}": band.tolist() for q, band in zip(QUANTILES, quantiles[s])},
                           "targets": targets, "boundary": self._boundary(s),
                           "sample_paths": self.paths[s, :sample_paths].tolist()})
        return {"kind": "stochastic", "game": self.game.name, "dynamics": self.dynamics,
                "variables": [str(v) for v in self.game.variables], "times": self.times.tolist(),
                "noise": {**self.noise.to_dict(), "equations": [b.equation for b in self.noise.blocks(self.game)]},
                "scheme": SCHEME_NAMES[self.scheme], "strong_order": STRONG_ORDER[self.scheme], "dt": self.dt,
                "seed": self.seed, "paths_per_start": n, "near": self.near, "theorem": THEOREM,
                "targets_are": "unless given: the asymptotically stable rest points of the deterministic dynamics and "
                               "the corners the noise makes almost surely exponentially stable (linearisation, see "
                               "evogame.stochastic_stability); 'near' is the max-norm distance in reduced coordinates",
                "boundary_rule": "a step that leaves a population's simplex is projected back onto it (shares clipped "
                                 "to [0, 1], rescaled if they sum above 1) and counted",
                "sampling_error": "standard errors: of a mean, sample sd / sqrt(N); of a share p, sqrt(p (1 - p) / N)",
                "starts": starts}

    def _boundary(self, s: int) -> list[dict]:
        out = []
        for p, pop in enumerate(self.game.populations):
            steps = self.boundary_steps[s, p]
            out.append({"population": pop.name, "paths_projected": int((steps > 0).sum()),
                        "share_projected": float((steps > 0).mean()), "projected_steps": int(steps.sum())})
        return out

    def csv(self) -> str:
        """Every path: ``start, path, t`` and one column per state variable."""
        header = ["start", "path", "t"] + [str(v) for v in self.game.variables]
        lines = [",".join(header)]
        times = [f"{t:.10g}" for t in self.times]
        for s in range(self.paths.shape[0]):
            for j in range(self.paths.shape[1]):
                for k, t in enumerate(times):
                    lines.append(",".join([str(s), str(j), t] + [f"{v:.12g}" for v in self.paths[s, j, k]]))
        return "\n".join(lines) + "\n"

    def __repr__(self):
        S, N, T, d = self.paths.shape
        return (f"<StochasticSimulation of {self.game.name!r}: {S} starts x {N} paths x {T} times, "
                f"{SCHEME_NAMES[self.scheme]}, dt={self.dt:g}, seed={self.seed}>")


def simulate_noisy(subject, initial_states, t_end: float, *, noise=None, form: str | None = None,
                   paths: int | None = None, seed: int | None = None, scheme: str | None = None,
                   dt: float | None = None, params: Mapping | None = None, n_points: int = 201, dynamics=None,
                   near: float = 0.05, targets=None) -> StochasticSimulation:
    """Sample paths of ``dz_p = F_p(z) dt + sigma_p g_p(z) dW_p`` from each initial state.

    Parameters
    ----------
    subject : a Game or a Scenario (whose ``[noise]`` gives the defaults of
        ``noise``, ``form``, ``paths``, ``seed``, ``scheme`` and ``dt``).
    initial_states : ``(S, d)`` reduced coordinates (or as for :func:`evogame.simulate`).
    t_end : final time.
    noise : intensity for every population, ``{population: intensity}``, or a Noise.
    form : ``"x"`` (default) or ``"x(1-x)"``.
    paths : sample paths per initial state (default 1000).
    seed : seed of ``numpy.random.default_rng`` (default 0).
    scheme : ``"em"`` (Euler--Maruyama, default) or ``"milstein"``.
    dt : largest step (default 0.01); each saving interval is cut into equal steps.
    dynamics : the deterministic drift (default: the scenario's, else the replicator).
    near : radius (max norm) of "near a stable state".
    targets : ``[(label, state)]`` or ``[(label, state, why)]`` states to count;
        default the asymptotically stable rest points found by
        :func:`evogame.analyze` and the pure profiles that
        :func:`evogame.stochastic_stability` finds almost surely exponentially
        stable under this noise.
    """
    settings = getattr(subject, "noise", None)

    def pick(value, key, default):
        """The argument, else the scenario's [noise] setting, else the default."""
        if value is not None:
            return value
        found = getattr(settings, key, None)
        return default if found is None else found

    game = game_of(subject)
    noise = pick(noise, "sigma", None)
    if noise is None:
        raise ScenarioError("no noise intensity was given", argument="noise",
                            expected="a number, {population: number}, or a scenario with a [noise] section")
    if not isinstance(noise, Noise):
        noise = make_noise(game, noise, pick(form, "form", "x"))
    scheme = check_scheme(pick(scheme, "scheme", "em"))
    paths, seed, dt = int(pick(paths, "paths", 1000)), int(pick(seed, "seed", 0)), float(pick(dt, "dt", 0.01))
    _check_sizes(t_end, paths, dt, n_points, near)
    spec = chosen_dynamics(subject, dynamics)
    z0 = as_initial_states(game, initial_states)
    targets = (_stable_states(subject, params, spec, noise) if targets is None else
               [(t[0], np.asarray(t[1], float), t[2] if len(t) > 2 else "given") for t in targets])
    S, d = z0.shape
    n = S * paths
    work, overrides = with_structural(game, params)
    rhs, _ = vector_field_rows(work, overrides, batch_size=n, dynamics=spec)
    blocks = noise.blocks(game)
    times = np.linspace(0.0, float(t_end), int(n_points))
    Y = np.repeat(np.ascontiguousarray(z0.T), paths, axis=1)             # column s * paths + j
    states = np.array([s for _, s, _ in targets]).reshape(len(targets), d)
    passages = Passages(states, near, np.full((len(targets), n), np.nan))
    rng = np.random.default_rng(seed)
    m = sum(b.components for b in blocks)
    with np.errstate(over="ignore", invalid="ignore"):
        saved, events, h = integrate(rhs.into, blocks, Y, times, dt, normal_increments(rng, m, n), scheme=scheme,
                                     passages=passages)
    T = len(times)
    sample = saved.reshape(S, paths, T, d)
    P = len(blocks)
    return StochasticSimulation(
        game, times, z0, sample, noise, scheme, h, seed, targets, near,
        passages.first.reshape(len(targets), S, paths).transpose(1, 0, 2),
        events.steps.reshape(P, S, paths).transpose(1, 0, 2), events.first.reshape(P, S, paths).transpose(1, 0, 2),
        spec if isinstance(spec, str) else str(spec))


def _check_sizes(t_end, paths, dt, n_points, near) -> None:
    if not (np.isfinite(t_end) and t_end > 0):
        raise AnalysisError(f"t_end must be a positive number, got {t_end}")
    if not 1 <= paths <= 10_000_000:
        raise ScenarioError("the number of sample paths must be at least 1", argument="paths", found=repr(paths))
    if not (math.isfinite(dt) and dt > 0):
        raise ScenarioError("the step must be a positive number", argument="dt", found=repr(dt))
    if n_points < 2:
        raise AnalysisError("n_points must be at least 2")
    if not 0 < near < 1:
        raise AnalysisError(f"near must lie in (0, 1), got {near}")


def _stable_states(subject, params, dynamics, noise: Noise) -> list:
    """``[(label, state, why)]``: the deterministic attractors, then the corners the noise stabilises."""
    from ...engine.analysis import analyze
    from .conditions import stochastic_stability

    game = game_of(subject)
    out = [(p.label, np.asarray(p.state, float), "asymptotically stable (deterministic dynamics)")
           for p in analyze(subject, params, dynamics=dynamics).stable]
    corners = stochastic_stability(subject, noise, params=params, dynamics=dynamics).corners
    for (_, state), c in zip(game.pure_states(), corners):
        state = np.asarray(state, float)
        if c.almost_sure == "exponentially stable" and not any(np.array_equal(state, s) for _, s, _ in out):
            out.append((c.label, state, "almost surely exponentially stable (stochastic, linearised at the corner)"))
    return out
