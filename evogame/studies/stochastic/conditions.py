"""Stochastic stability of the pure profiles (corners) of a stochastic evolutionary game.

At a corner, each population's *distance coordinates* are the shares of the
strategies it does not play (``u = x`` at ``x = 0``, ``u = 1 - x`` at
``x = 1``).  When the corner is an equilibrium of the SDE (drift and noise
vanish there), the linearisation in these coordinates is

``du_i = a_i u_i dt + b_i u_i dB_i``      (``B_i`` standard Wiener processes)

when the linearised drift is diagonal, which is checked, not assumed (it
holds for the replicator at every corner: ``a_i`` is the payoff of the
absent strategy minus that of the played one); a triangular or a coupled
drift ``du = A u dt + ...`` gets the verdicts of ``evogame.studies.stochastic.linearised``.  Both noise forms give
``b_i = sigma_p``: ``g = x`` and ``g = x (1 - x)`` are ``u + O(u^2)`` at 0,
``g = x (1 - x)`` also at 1, and on the simplex ``(dW_j - dW_k)/sqrt 2`` is a
standard Wiener process.  See ``evogame.studies.stochastic.theorems`` for what follows from it.

Where the field has a kink at the corner (BNN, Smith: :func:`one_sided_jacobian`)
there is no Jacobian -- the rest-point table says ``not differentiable`` and
so does this one -- and the linearisation is the one-sided one on the
simplex, the only place the SDE lives; where a kink surface enters the
simplex there is none, and no verdict.

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

from ...solvers import stability as st
from ...dynamics import chosen_dynamics, derive, with_structural
from ...dynamics.kinked import KINK_TOL, one_sided_jacobian
from ...game.model import Game, game_of
from .linearised import linear_verdict, structure
from .model import Noise, make_noise
from .theorems import FIRST_APPROXIMATION, THEOREM

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
    deterministic : the classification of the corner under the deterministic dynamics (one of
        ``stability.CLASSES``, ``"not a rest point"``; ``"not differentiable"`` at a kink, as in the
        rest-point table).
    equilibrium : whether the corner is an equilibrium of the SDE; ``reason`` says why not, or why no theorem
        applies.
    diagonal : whether the linearised drift is diagonal in the distance coordinates.
    coordinates : the :class:`DistanceCoordinate` s (their ``a`` the diagonal of the linearised drift).
    almost_sure, moment : verdicts: ``"exponentially stable"``, ``"unstable"``, ``"boundary case"``,
        ``"not an equilibrium"``, ``"undecided"``, ``"not applicable"`` (no linearisation: no theorem).
    conditions : sympy relations (``almost_sure``, ``moment``; ``region``: where the linearisation of a
        field with kinks is the one used, the signs of its ``[g]_+`` arguments at the values; ``substitute_*``
        for the papers' change of variables where the corner is no equilibrium).
    method : how the verdict was reached.
    linearisation : ``"Jacobian"``, ``"one-sided"`` (a kink at the corner: the one-sided linearisation on
        the simplex), ``"none"`` or ``""`` (not an equilibrium).
    structure : of the linearised drift: ``"diagonal"``, ``"triangular"``, ``"coupled"`` (``""``: none).
    theorems : the keys of ``evogame.studies.stochastic.theorems.THEOREMS`` the verdicts rest on.
    drift : the linearised drift ``A`` in the distance coordinates at the values (``du = A u dt + ...``).
    kinks : the arguments ``g`` of ``[g]_+`` that vanish at the corner.
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
    linearisation: str = ""
    structure: str = ""
    theorems: tuple = ()
    drift: tuple = ()
    kinks: tuple = ()

    def to_dict(self, p: float) -> dict:
        return {"label": self.label, "profile": self.key, "deterministic": self.deterministic,
                "equilibrium_of_the_sde": self.equilibrium, "reason": self.reason,
                "linearisation": self.linearisation, "linearised_drift_structure": self.structure,
                "linearised_drift_diagonal": self.diagonal, "linearised_drift": [list(r) for r in self.drift],
                "kinks_at_the_corner": [sympy.sstr(g) for g in self.kinks],
                "coordinates": [c.to_dict(p) for c in self.coordinates],
                "almost_sure": self.almost_sure, f"moment_p{p:g}": self.moment, "method": self.method,
                "theorems": list(self.theorems), "conditions": {k: sympy.sstr(v) for k, v in self.conditions.items()}}


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


@dataclass(frozen=True)
class _Setting:
    """What every corner's analysis shares."""

    game: Game
    dyn: object
    noise: Noise
    subs: dict
    pvec: np.ndarray
    sigma: dict
    sig_values: dict
    p: sympy.Expr


def stochastic_stability(subject, noise, *, form: str | None = None, p: float = 2.0, params: Mapping | None = None,
                         dynamics=None) -> StochasticStability:
    """Almost-sure and p-th moment exponential stability of every pure profile under noise.

    ``noise``: an intensity for every population, ``{population: intensity}``
    or a :class:`Noise`; ``form`` ``"x"`` (default) or ``"x(1-x)"``.
    Conditions are symbolic in the parameters and ``sigma_<population>``,
    and evaluated at the values; each verdict names its theorems
    (``evogame.studies.stochastic.theorems``).
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
    setting = _Setting(work, dyn, noise, subs, dyn.parameter_vector(values), sigma, sig_values, sympy.nsimplify(p))
    corners = tuple(_corner(setting, idx) for idx, _ in work.pure_states())
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


def _corner(s: _Setting, idx) -> CornerStochasticStability:
    game, dyn = s.game, s.dyn
    corner = {v: sympy.Integer(c) for v, c in zip(game.variables, game.pure_state(idx))}
    label, key = game.profile_label(idx), game.profile_key(idx)
    if dyn.field_is_symbolic:
        drift = [float(sympy.N(e.xreplace(corner).xreplace(s.subs))) for e in dyn.vector_field]
    else:      # the projection: vector_field is the interior formula only
        drift = dyn.field(np.array(game.pure_state(idx), dtype=float), s.pvec)
    if any(abs(v) > 1e-12 for v in drift):
        return _not_equilibrium(label, key, "not a rest point", "the drift does not vanish at this corner (it is not "
                                "a rest point of the deterministic dynamics)")
    if not dyn.field_is_symbolic:
        return _no_linearisation(label, key, st.NOT_DIFFERENTIABLE, f"the {dyn.name} field is not one expression "
                                 "near the boundary (it jumps there): the drift has no linearisation at a corner, "
                                 "so no theorem applies")
    M, owners = _distance_map(game, idx)
    kinked = not dyn.smooth and dyn.at_kink(np.array(game.pure_state(idx), dtype=float), s.pvec)
    one = None
    if dyn.smooth:
        J = dyn.jacobian.xreplace(corner)
    else:      # differentiate [g]_+ only where it is differentiable (sympy's d|g|/dg is sign(g), 0 at g = 0)
        one = one_sided_jacobian(dyn.vector_field, game.variables, corner, M, s.subs, _kink_tolerance(s, corner))
        J = one.jacobian
    if kinked:
        deterministic = st.NOT_DIFFERENTIABLE
    else:
        Jv = np.array(J.xreplace(s.subs).evalf(), dtype=float) if J.rows else np.zeros((0, 0))
        deterministic = st.classify(st.eigenvalues(Jv), st.tolerance(Jv)) if J.rows else st.CLASSES[0]
    blocks = s.noise.blocks(game)
    ones = [b.population for b, k, pop in zip(blocks, idx, game.populations)
            if b.form == "x" and k < pop.n - 1 and b.sigma > 0]
    if J is None:
        if ones:
            return _not_equilibrium(label, key, deterministic, _ones_reason(ones))
        return _no_linearisation(label, key, deterministic, _crossing_reason(game, owners, one.crossing),
                                 one.kinks)
    Ju = (M.inv() * J * M).applyfunc(sympy.cancel)
    coords = tuple(_coordinate(game, Ju, i, owner, s) for i, owner in enumerate(owners))
    p = s.p
    A = np.array(Ju.xreplace(s.subs).evalf(), dtype=float) if Ju.rows else np.zeros((0, 0))
    if ones and structure(A) == "coupled":
        return _not_equilibrium(label, key, deterministic, _ones_reason(ones), coords)
    if ones:
        subst = {"substitute_almost_sure": sympy.And(*[c.a - c.b ** 2 / 2 < 0 for c in coords]),
                 "substitute_moment": sympy.And(*[c.a + (p - 1) * c.b ** 2 / 2 < 0 for c in coords])}
        return _not_equilibrium(label, key, deterministic, _ones_reason(ones) + ". The substitute conditions are "
                                "those of the papers' change of variables u = 1 - x with noise sigma u, i.e. of "
                                "another SDE (noise sigma (1 - x))", coords, subst)
    b = np.array([c.b_value for c in coords])
    lin = linear_verdict(A, b, float(p), lambda: _noise_matrices_at(game, idx, blocks, owners))
    conditions = {} if lin.structure == "coupled" else {
        "almost_sure": sympy.And(*[c.a - c.b ** 2 / 2 < 0 for c in coords]),
        "moment": sympy.And(*[c.a + (p - 1) * c.b ** 2 / 2 < 0 for c in coords])}
    if conditions and one is not None and one.region:
        conditions["region"] = sympy.And(*one.region)
    method = lin.method + "; local for the SDE (Theorem 4)"
    if kinked:
        method = ("one-sided linearisation on the simplex, the field having a kink at the corner where g = "
                  f"{' and '.join(sympy.sstr(g) for g in one.kinks)} vanishes in [g]_+; " + method)
    return CornerStochasticStability(
        label, key, deterministic, True, "", lin.structure == "diagonal", coords, lin.almost_sure, lin.moment,
        conditions, method, "one-sided" if kinked else "Jacobian", lin.structure, (*lin.theorems, FIRST_APPROXIMATION),
        tuple(tuple(float(v) for v in row) for row in A), one.kinks if kinked else ())


def _kink_tolerance(s: _Setting, corner) -> float:
    """A kink argument or slope this small is zero: KINK_TOL relative to the payoffs' scale at the corner."""
    payoffs = [abs(float(sympy.N(f.xreplace(corner).xreplace(s.subs)))) for fp in s.dyn.fitness for f in fp]
    return KINK_TOL * max([1.0, *payoffs])


def _ones_reason(ones) -> str:
    return (f"with the noise form sigma x dW a share equal to 1 gets noise sigma * 1 ({', '.join(ones)}): the corner "
            "is not an equilibrium of the SDE and no stability theorem applies")


def _crossing_reason(game: Game, owners, crossing) -> str:
    def towards(edges):
        return ", ".join(f"{game.populations[p].strategies[j]}" if len(game.populations) == 1 else
                         f"{game.populations[p].name} {game.populations[p].strategies[j]}"
                         for p, j in (owners[e] for e in edges))
    kinks = "; ".join(f"g = {sympy.sstr(g)} rises towards {towards(up)} and falls towards {towards(down)}"
                      for g, up, down in crossing)
    return (f"the field has a kink at the corner whose surface g = 0 enters the simplex ({kinks}), and [g]_+ enters "
            "the drift at first order: near the corner the drift is piecewise linear, not linear, so there is no "
            "linearisation and Theorem 4 (with it Theorems 1-3) does not apply")


def _coordinate(game, Ju, i, owner, s: _Setting) -> DistanceCoordinate:
    pop_index, strategy = owner
    pop = game.populations[pop_index]
    a = sympy.simplify(Ju[i, i])
    b = s.sigma[pop.name]
    return DistanceCoordinate(pop.name, sympy.sstr(game.shares[pop_index][strategy]), a, b,
                              float(sympy.N(a.xreplace(s.subs))), float(b.xreplace(s.sig_values)))


def _not_equilibrium(label, key, deterministic, reason, coords=(), conditions=None) -> CornerStochasticStability:
    return CornerStochasticStability(label, key, deterministic, False, reason, False, tuple(coords),
                                     "not an equilibrium", "not an equilibrium", conditions or {},
                                     "none: no theorem applies")


def _no_linearisation(label, key, deterministic, reason, kinks=()) -> CornerStochasticStability:
    return CornerStochasticStability(label, key, deterministic, True, reason, False, (), "not applicable",
                                     "not applicable", {}, "none: no linearisation, no theorem applies", "none",
                                     kinks=tuple(kinks))


def _noise_matrices_at(game: Game, idx, blocks, owners) -> list:
    """Every linearised noise matrix ``B_l`` at the corner, in distance coordinates."""
    d = len(owners)
    position = {owner: i for i, owner in enumerate(owners)}
    out = []
    for b, k, pop in zip(blocks, idx, game.populations):
        mine = [position[(game.populations.index(pop), j)] for j in range(pop.n) if j != k]
        out += _noise_matrices(b, k, pop, mine, d)
    return out


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
