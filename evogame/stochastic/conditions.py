"""Stochastic stability of the pure profiles (corners) of a stochastic evolutionary game.

At a corner, each population's *distance coordinates* are the shares of the
strategies it does not play (``u = x`` at ``x = 0``, ``u = 1 - x`` at
``x = 1``).  When the corner is an equilibrium of the SDE (drift and noise
vanish there), the linearisation in these coordinates is

``du_i = a_i u_i dt + b_i u_i dB_i``      (``B_i`` standard Wiener processes)

when the linearised drift is diagonal, which is checked, not assumed (it
holds for the replicator at every corner: ``a_i`` is the payoff of the
absent strategy minus that of the played one).  Both noise forms give
``b_i = sigma_p``: ``g = x`` and ``g = x (1 - x)`` are ``u + O(u^2)`` at 0,
``g = x (1 - x)`` also at 1, and on the simplex ``(dW_j - dW_k)/sqrt 2`` is a
standard Wiener process.  See :data:`THEOREM` for what follows from it.

With ``g = x`` a coordinate equal to 1 gets noise ``sigma * 1``: the corner
is **not** an equilibrium of the SDE and no stability theorem applies there.
The papers' change of variables ``u = 1 - x`` with noise ``sigma u`` is the
SDE with noise ``sigma (1 - x)``, another model; its conditions are reported
as such (``substitute``), never as the simulated model's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import sympy

from ..dynamics import chosen_dynamics, derive, with_structural
from ..game import Game, game_of
from ..stability import classify, eigenvalues, tolerance
from .model import Noise, make_noise

THEOREM = (
    "Scalar linear SDE du = a u dt + b u dB: u(t) = u(0) exp((a - b^2/2) t + b B(t)), so (strong law of large numbers "
    "for B) lim (1/t) log|u(t)| = a - b^2/2 almost surely, and E|u(t)|^p = |u(0)|^p exp(p (a + (p-1) b^2/2) t). "
    "Hence the zero solution is almost surely exponentially stable iff a - b^2/2 < 0, and p-th moment exponentially "
    "stable iff a + (p-1) b^2/2 < 0 (Mao, Stochastic Differential Equations and Applications, 2nd ed. 2007, ch. 4: "
    "sec. 4.3 almost sure and sec. 4.4 moment exponential stability, the scalar linear equation). With a diagonal "
    "linearised drift each distance coordinate is such an equation (correlations between the B_i do not matter), so "
    "the linearised SDE is a.s. exponentially stable iff max_i (a_i - b_i^2/2) < 0 and p-th moment exponentially "
    "stable iff max_i (a_i + (p-1) b_i^2/2) < 0. For the nonlinear SDE these are local statements, by stability in "
    "the first approximation (Khasminskii, Stochastic Stability of Differential Equations, 2nd ed. 2012, ch. 7): "
    "if max_i (a_i - b_i^2/2) < 0 (then the linearisation is p-th moment exponentially stable for small p > 0) the "
    "corner is stable in probability and attracts nearby paths exponentially fast; if some a_i - b_i^2/2 > 0 it "
    "repels them. A non-diagonal linearised drift gets a sufficient condition only: the second-moment operator "
    "A(x)I + I(x)A + sum_l B_l(x)B_l Hurwitz <=> mean-square exponential stability of the linearised SDE, which "
    "implies almost sure exponential stability (Mao 2007, sec. 4.4).")


@dataclass(frozen=True)
class DistanceCoordinate:
    """One distance coordinate at a corner: ``du = a u dt + b u dB``.

    ``a``, ``b`` are sympy expressions (``b`` in the noise symbol
    ``sigma_<population>``); ``a_value``, ``b_value`` at the values.
    """

    population: str
    coordinate: str
    a: sympy.Expr
    b: sympy.Expr
    a_value: float
    b_value: float

    @property
    def lyapunov(self) -> float:
        """The almost-sure Lyapunov exponent ``a - b^2/2`` of the linearised coordinate."""
        return self.a_value - self.b_value ** 2 / 2

    def moment_exponent(self, p: float) -> float:
        """``a + (p - 1) b^2 / 2``: ``E|u|^p`` grows like ``exp(p * this * t)``."""
        return self.a_value + (p - 1) * self.b_value ** 2 / 2

    def to_dict(self, p: float) -> dict:
        return {"population": self.population, "coordinate": self.coordinate, "a": sympy.sstr(self.a),
                "b": sympy.sstr(self.b), "a_value": self.a_value, "b_value": self.b_value,
                "lyapunov_exponent": self.lyapunov, "moment_exponent": self.moment_exponent(p)}


@dataclass(frozen=True)
class CornerStochasticStability:
    """Stochastic stability of one pure profile.

    Attributes
    ----------
    label, key : ``"(loose, active)"``, ``"loose.active"``.
    deterministic : the classification of the corner under the deterministic dynamics.
    equilibrium : whether the corner is an equilibrium of the SDE; ``reason`` says why not.
    diagonal : whether the linearised drift is diagonal in the distance coordinates.
    coordinates : the :class:`DistanceCoordinate` s (diagonal case).
    almost_sure, moment : verdicts: ``"exponentially stable"``, ``"unstable"``,
        ``"boundary case"``, ``"not an equilibrium"``, ``"undecided"``.
    conditions : sympy relations (``almost_sure``, ``moment``; ``substitute_*`` for
        the papers' change of variables where the corner is no equilibrium).
    method : how the verdict was reached.
    """

    label: str
    key: str
    deterministic: str
    equilibrium: bool
    reason: str
    diagonal: bool
    coordinates: tuple
    almost_sure: str
    moment: str
    conditions: Mapping = field(default_factory=dict)
    method: str = ""

    def to_dict(self, p: float) -> dict:
        return {"label": self.label, "profile": self.key, "deterministic": self.deterministic,
                "equilibrium_of_the_sde": self.equilibrium, "reason": self.reason,
                "linearised_drift_diagonal": self.diagonal, "coordinates": [c.to_dict(p) for c in self.coordinates],
                "almost_sure": self.almost_sure, f"moment_p{p:g}": self.moment, "method": self.method,
                "conditions": {k: sympy.sstr(v) for k, v in self.conditions.items()}}


@dataclass(frozen=True)
class StochasticStability:
    """Stochastic stability of every pure profile (:func:`stochastic_stability`)."""

    game: Game = field(repr=False)
    noise: Noise
    p: float
    corners: tuple
    dynamics: str = "replicator"
    theorem: str = THEOREM

    def to_dict(self) -> dict:
        return {"noise": self.noise.to_dict(), "p": self.p, "dynamics": self.dynamics, "theorem": self.theorem,
                "corners": [c.to_dict(self.p) for c in self.corners]}


def stochastic_stability(subject, noise, *, form: str | None = None, p: float = 2.0, params: Mapping | None = None,
                         dynamics=None) -> StochasticStability:
    """Almost-sure and p-th moment exponential stability of every pure profile under noise.

    ``noise``: an intensity for every population, ``{population: intensity}``
    or a :class:`Noise`; ``form`` ``"x"`` (default) or ``"x(1-x)"``.
    Conditions are symbolic in the parameters and ``sigma_<population>``,
    and evaluated at the values (see :data:`THEOREM`).
    """
    game = game_of(subject)
    if not isinstance(noise, Noise):
        noise = make_noise(game, noise, form or "x")
    spec = chosen_dynamics(subject, dynamics)
    work, overrides = with_structural(game, params)
    dyn = derive(work, spec)
    values = work.values(overrides)
    subs = {work.parameters[n].symbol: v for n, v in values.items()}
    sigma = {pop.name: sympy.Symbol(f"sigma_{pop.name}", nonnegative=True) for pop in game.populations}
    sig_values = {sigma[name]: sympy.nsimplify(noise.sigma.get(name, 0.0)) for name in sigma}
    exact_p = sympy.nsimplify(p)
    corners = tuple(_corner(work, dyn, noise, idx, subs, sigma, sig_values, exact_p) for idx, _ in work.pure_states())
    return StochasticStability(game, noise, float(p), corners, spec if isinstance(spec, str) else str(spec))


def _distance_map(game: Game, idx) -> tuple[sympy.Matrix, list]:
    """``z - corner = M u``: ``M`` and, per distance coordinate, (population index, strategy)."""
    d = game.dimension
    M = sympy.zeros(d, d)
    owners = []
    for p, (pop, sl, k) in enumerate(zip(game.populations, game.slices(), idx)):
        others = [j for j in range(pop.n) if j != k]
        for col, j in enumerate(others):
            owners.append((p, j))
            for i in range(pop.n - 1):
                if i == j:
                    M[sl.start + i, sl.start + col] = 1
                elif i == k:
                    M[sl.start + i, sl.start + col] = -1
    return M, owners


def _corner(game: Game, dyn, noise: Noise, idx, subs, sigma, sig_values, p) -> CornerStochasticStability:
    corner = {v: sympy.Integer(c) for v, c in zip(game.variables, game.pure_state(idx))}
    label, key = game.profile_label(idx), game.profile_key(idx)
    J = dyn.jacobian.xreplace(corner)
    Jv = np.array(J.xreplace(subs).evalf(), dtype=float) if J.rows else np.zeros((0, 0))
    ev = eigenvalues(Jv) if J.rows else np.zeros(0)
    deterministic = classify(ev, tolerance(Jv)) if J.rows else "asymptotically stable"
    drift = [float(e.xreplace(corner).xreplace(subs)) for e in dyn.vector_field]
    blocks = noise.blocks(game)
    ones = [b.population for b, k, pop in zip(blocks, idx, game.populations)
            if b.form == "x" and k < pop.n - 1 and b.sigma > 0]
    if any(abs(v) > 1e-12 for v in drift):
        return _not_equilibrium(label, key, "not a rest point", "the drift does not vanish at this corner (it is not "
                                "a rest point of the deterministic dynamics)")
    M, owners = _distance_map(game, idx)
    Ju = (M.inv() * J * M).applyfunc(sympy.cancel)
    coords = tuple(_coordinate(game, Ju, i, owner, idx, subs, sigma, sig_values) for i, owner in enumerate(owners))
    if ones:
        subst = {"substitute_almost_sure": sympy.And(*[c.a - c.b ** 2 / 2 < 0 for c in coords]),
                 "substitute_moment": sympy.And(*[c.a + (p - 1) * c.b ** 2 / 2 < 0 for c in coords])}
        return _not_equilibrium(label, key, deterministic, "with the noise form sigma x dW a share equal to 1 gets noise "
                                f"sigma * 1 ({', '.join(ones)}): the corner is not an equilibrium of the SDE and no "
                                "stability theorem applies. The substitute conditions are those of the papers' change "
                                "of variables u = 1 - x with noise sigma u, i.e. of another SDE (noise sigma (1 - x))",
                                coords, subst)
    Jnum = np.array(Ju.xreplace(subs).evalf(), dtype=float) if Ju.rows else np.zeros((0, 0))
    diagonal = bool(np.all(np.abs(Jnum - np.diag(np.diag(Jnum))) <= 1e-12 * max(1.0, np.abs(Jnum).max(initial=0))))
    if not diagonal:
        return _mean_square(label, key, deterministic, game, idx, blocks, Jnum, coords)
    conditions = {"almost_sure": sympy.And(*[c.a - c.b ** 2 / 2 < 0 for c in coords]),
                  "moment": sympy.And(*[c.a + (p - 1) * c.b ** 2 / 2 < 0 for c in coords])}
    return CornerStochasticStability(
        label, key, deterministic, True, "", True, coords,
        _verdict(max((c.lyapunov for c in coords), default=-np.inf)),
        _verdict(max((c.moment_exponent(float(p)) for c in coords), default=-np.inf)),
        conditions, "decoupled linearisation: exact conditions for the linearised SDE, local for the SDE")


def _coordinate(game, Ju, i, owner, idx, subs, sigma, sig_values) -> DistanceCoordinate:
    pop_index, strategy = owner
    pop = game.populations[pop_index]
    a = sympy.simplify(Ju[i, i])
    b = sigma[pop.name]
    return DistanceCoordinate(pop.name, sympy.sstr(game.shares[pop_index][strategy]), a, b,
                              float(a.xreplace(subs)), float(b.xreplace(sig_values)))


def _verdict(exponent: float) -> str:
    if exponent < -1e-12:
        return "exponentially stable"
    if exponent > 1e-12:
        return "unstable"
    return "boundary case"


def _not_equilibrium(label, key, deterministic, reason, coords=(), conditions=None) -> CornerStochasticStability:
    return CornerStochasticStability(label, key, deterministic, False, reason, False, tuple(coords),
                                     "not an equilibrium", "not an equilibrium", conditions or {},
                                     "none: no theorem applies")


def _mean_square(label, key, deterministic, game, idx, blocks, A, coords) -> CornerStochasticStability:
    """Non-diagonal linearised drift: the second-moment operator (sufficient for a.s. exponential stability)."""
    d = A.shape[0]
    _, owners = _distance_map(game, idx)
    position = {owner: i for i, owner in enumerate(owners)}
    K = np.kron(A, np.eye(d)) + np.kron(np.eye(d), A)
    for b, k, pop in zip(blocks, idx, game.populations):
        mine = [position[(game.populations.index(pop), j)] for j in range(pop.n) if j != k]
        for B in _noise_matrices(b, k, pop, mine, d):
            K += np.kron(B, B)
    growth = float(np.real(np.linalg.eigvals(K)).max(initial=-np.inf))
    verdict = "exponentially stable" if growth < -1e-12 else "undecided"
    return CornerStochasticStability(
        label, key, deterministic, True, "", False, coords, verdict, verdict, {},
        f"sufficient condition: the second-moment operator's largest real part is {growth:.6g} "
        "(< 0: mean-square, hence almost surely, exponentially stable; otherwise undecided)")


def _noise_matrices(b, k, pop, mine, d) -> list:
    """Linearised noise matrices ``B_l`` (one per Wiener component) of one population in distance coordinates."""
    out = []
    if b.sigma == 0:
        return out
    if not b.simplex:
        for i in mine:
            B = np.zeros((d, d))
            B[i, i] = b.sigma
            out.append(B)
        return out
    s = b.sigma / np.sqrt(2.0)
    others = [j for j in range(pop.n) if j != k]
    for j in range(pop.n):
        B = np.zeros((d, d))
        for col, jj in zip(mine, others):
            B[col, col] = -s if j == k else (s if jj == j else 0.0)
        out.append(B)
    return out
