"""``analyze``: every rest point of a game, with eigenvalues and classification.

The pipeline: game -> replicator dynamics (symbolic, once) -> rest points on
every face (exact where sympy can, certified numeric otherwise) -> Jacobian in
the tangent space at each point -> eigenvalues -> classification with a stated
tolerance; optionally the same symbolically (rest points, eigenvalues and the
conditions on the parameters for asymptotic stability).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping

import numpy as np
import sympy

from ..solvers import stability as st
from ..dynamics import Dynamics, chosen_dynamics, derive, with_structural
from ..util.formatting import number
from ..game.model import Game, exact, game_of
from ..dynamics.simulation import project, simulate
from ..game.faces import face_label, full_state
from ..util.timelimit import Timeout, time_limit

if TYPE_CHECKING:
    from ..scenario import Scenario


@dataclass
class RestPoint:
    """A rest point with its linear stability.

    Attributes
    ----------
    support : per population, the indices of the strategies in use.
    state : reduced coordinates (float).
    shares : one probability vector per population.
    exact_state : reduced coordinates as sympy numbers (None for numeric points).
    jacobian : the Jacobian in the tangent space, ``(d, d)``.
    eigenvalues : with multiplicity, sorted by real then imaginary part.
    classification : one of ``stability.CLASSES``.
    tolerance : the absolute tolerance on real parts used to classify (0 when
        decided exactly).
    method : how the point was found: ``"exact"`` (sympy, or exact Fractions on
        a linear face) or ``"numeric"`` (proved by Krawczyk's test, or the
        fallback with residual <= 1e-10).
    classified_by : ``"exact (rational characteristic polynomial)"`` (zero real
        parts decided exactly), ``stability.BAUER_FIKE`` (exact Jacobian of
        dimension > 3 whose float64 eigenvalues' signs a proved error bound
        decides), ``"60-digit eigenvalues"`` (algebraic point,
        relative tolerance 1e-30) or ``"float64 eigenvalues"`` (numeric point,
        relative tolerance ``rtol``).
    symbolic : in symbolic mode, ``state``, ``eigenvalues``, ``condition``
        (for asymptotic stability) and ``existence`` as sympy objects.
    name : ``E1``, ``E2``, ... in the order of the analysis (corners first),
        as the papers number their equilibrium points.
    """

    game: Game = field(repr=False)
    support: tuple
    state: np.ndarray
    exact_state: tuple | None
    jacobian: np.ndarray = field(repr=False)
    eigenvalues: np.ndarray
    classification: str
    tolerance: float
    method: str = "exact"
    classified_by: str = "float64 eigenvalues"
    symbolic: dict | None = field(default=None, repr=False)
    name: str = ""

    @property
    def shares(self) -> list[list[float]]:
        return full_state(self.game, self.state)

    @property
    def is_pure(self) -> bool:
        return all(len(S) == 1 for S in self.support)

    @property
    def is_interior(self) -> bool:
        return all(len(S) == pop.n for S, pop in zip(self.support, self.game.populations))

    @property
    def label(self) -> str:
        parts = []
        for pop, S, sh in zip(self.game.populations, self.support, self.shares):
            if len(S) == 1:
                parts.append(pop.strategies[S[0]])
            else:
                parts.append("mixed(" + ", ".join(f"{pop.strategies[i]} {_fmt(sh[i])}" for i in S) + ")")
        return "(" + ", ".join(parts) + ")"

    @property
    def asymptotically_stable(self) -> bool:
        return self.classification == st.ASYMPTOTICALLY_STABLE

    def to_dict(self) -> dict:
        d = {
            "name": self.name,
            "label": self.label,
            "face": face_label(self.game, self.support),
            # the papers' form: the declared state variables (x, y, z), each a share of its population
            "coordinates": {str(v): _clean(z) for v, z in zip(self.game.variables, self.state)},
            "state": [[_clean(v) for v in vec] for vec in self.shares],
            "eigenvalues": [[_clean(e.real), _clean(e.imag)] for e in self.eigenvalues],
            "classification": self.classification,
            "tolerance": self.tolerance,
            "method": self.method,
            "classified_by": self.classified_by,
        }
        if self.exact_state is not None:
            d["exact_state"] = [sympy.sstr(v) for v in self.exact_state]
        if self.symbolic:
            d["symbolic"] = symbolic_to_dict(self.symbolic)
        return d


def symbolic_to_dict(sym: dict) -> dict:
    out = {}
    if sym.get("state") is not None:
        out["state"] = [sympy.sstr(v) for v in sym["state"]]
    out["eigenvalues"] = None if sym.get("eigenvalues") is None else [sympy.sstr(e) for e in sym["eigenvalues"]]
    out["stability_condition"] = sympy.sstr(sym["condition"])
    out["stability_criterion"] = sym.get("criterion")
    if "condition_in_ranges" in sym:   # the condition under the parameters' declared ranges
        out["within_declared_ranges"] = {"condition": sympy.sstr(sym["condition_in_ranges"]),
                                         "verdict": sym.get("verdict")}
    out["existence"] = [sympy.sstr(c) for c in sym.get("existence", [])]
    return out


def _clean(v: float) -> float:
    v = float(v)
    return 0.0 if v == 0 else v


def _fmt(v: float) -> str:
    return number(v, 4)


@dataclass
class Analysis:
    """The result of :func:`analyze`.

    Attributes
    ----------
    game, values : the game and the parameter values used (exact).
    rest_points : every isolated rest point, classified.
    continua : every continuum of rest points.
    rtol : the relative tolerance; each point's absolute tolerance is
        ``rtol * max(1, max|J_ij|)``.
    notes : what the solver did that the reader should know (fallbacks).
    symbolic_rest_points : in symbolic mode, every rest point found with
        symbolic parameters (including those that do not exist at ``values``).
    seconds : wall time of the analysis.
    dynamics : the dynamics analysed, as written (``"replicator"``, ``"logit:eta=0.5"``).
    """

    game: Game = field(repr=False)
    values: dict
    rest_points: list
    continua: list
    rtol: float
    notes: list
    symbolic_rest_points: list | None = None
    seconds: float = 0.0
    dynamics: str = "replicator"

    @property
    def stable(self) -> list[RestPoint]:
        """The asymptotically stable rest points."""
        return [p for p in self.rest_points if p.asymptotically_stable]

    def find(self, *strategies: str) -> RestPoint | None:
        """The pure rest point with these strategies (one per population)."""
        for p in self.rest_points:
            if p.is_pure and tuple(pop.strategies[S[0]] for pop, S in
                                   zip(self.game.populations, p.support)) == tuple(strategies):
                return p
        return None

    def equations(self) -> list[sympy.Eq]:
        return derive(self.game, self.dynamics).equations()

    def to_dict(self) -> dict:
        d = self.game.to_dict()
        d["dynamics"] = self.dynamics
        d["parameters"] = {n: _clean(v) for n, v in self.values.items()}
        d["tolerance"] = {"relative": self.rtol,
                          "rule": "points found exactly with rational Jacobians: zero real parts decided "
                                  "exactly; algebraic points: 60-digit eigenvalues, |Re| <= 1e-30*max(1, max|J_ij|) "
                                  "counts as zero; numeric points: |Re| <= relative*max(1, max|J_ij|) counts as zero; "
                                  "a positive real part means unstable whatever the others (Lyapunov): "
                                  "'unstable (non-hyperbolic)' when another real part is zero; a zero real part "
                                  "and none positive means non-hyperbolic"}
        d["equations"] = [sympy.sstr(e.rhs) for e in self.equations()]
        d["variables"] = [str(v) for v in self.game.variables]
        d["rest_points"] = [p.to_dict() for p in self.rest_points]
        d["continua"] = [c.to_dict(self.game) for c in self.continua]
        d["notes"] = list(self.notes)
        if self.symbolic_rest_points is not None:
            d["symbolic_rest_points"] = [
                {"name": s.get("name", ""), "face": face_label(self.game, s["support"])} | symbolic_to_dict(s)
                for s in self.symbolic_rest_points]
        return d

    def _repr_html_(self) -> str:
        from ..render.notebook import analysis_html
        return analysis_html(self)

    def to_dataframe(self):   # a pandas.DataFrame (the "dataframes" extra)
        from ..render.notebook import analysis_frame
        return analysis_frame(self)

    def __repr__(self) -> str:
        counts = {}
        for p in self.rest_points:
            counts[p.classification] = counts.get(p.classification, 0) + 1
        summary = ", ".join(f"{v} {k}" for k, v in counts.items())
        return (f"<Analysis of {self.game.name!r}: {len(self.rest_points)} rest points ({summary}), "
                f"{len(self.continua)} continua>")


def analyze(subject: Game | Scenario, params: Mapping | None = None, *, symbolic: bool = False,
            rtol: float = st.RTOL, budget: float | None = 10.0, dynamics=None,
            progress: Callable[[int, int], None] | None = None) -> Analysis:
    """Find and classify every rest point of ``game``.

    Parameters
    ----------
    subject : the Game (or a Scenario: its game)
    params : overrides of the parameters' default values (name -> number).
    symbolic : also solve with symbolic parameters and return, for every rest
        point, its symbolic state, eigenvalues and the condition (inequalities
        in the parameters) for asymptotic stability.
    rtol : relative tolerance for a zero real part (see ``stability``).
    budget : seconds allowed to sympy per face (and per symbolic eigenvalue
        problem) before the numeric fallback; None for no limit.
    dynamics : the dynamics, by name with its options (``"replicator"``,
        ``"logit:eta=0.1"``; see :data:`evogame.dynamics.DYNAMICS`); default:
        a scenario's ``[dynamics]``, else the replicator.
    progress : in symbolic mode, called as ``progress(done, total)`` once the faces are solved
        symbolically (``done`` 0) and after each of the ``total`` rest points found exactly has its
        symbolic stability condition (the slow part for three populations).

    Returns
    -------
    Analysis
    """
    t0 = time.perf_counter()
    game, params = with_structural(game_of(subject), params)
    values = game.values(params)
    dyn = derive(game, chosen_dynamics(subject, dynamics))
    subs = {game.parameters[n].symbol: v for n, v in values.items()}
    fitness = [[f.subs(subs) for f in fp] for fp in dyn.fitness]
    checked = dyn.check(values)
    candidates, continua, notes = dyn.rest_points(fitness, budget=budget)
    notes = checked + notes
    perception = getattr(subject, "perception", None)   # [perception]: the branches assumed or kept piecewise
    if perception is not None:
        notes = list(perception.notes) + notes
    if dyn.name == "replicator" and len(game.populations) > 1 and not dyn.payoffs_multilinear():
        notes.append("the payoffs depend on the state beyond multilinear matching (e.g. dynamic incentives): "
                     "Selten's theorem does not apply, a strictly mixed rest point can be asymptotically stable")
    pvec = dyn.parameter_vector(values)
    points = sorted((_classified(game, dyn, c, subs, pvec, rtol, budget, notes) for c in candidates), key=_order)
    for k, p in enumerate(points, start=1):
        p.name = f"E{k}"
    symbolic_points = _attach_symbolic(game, dyn, values, budget, notes, points, progress) if symbolic else None
    return Analysis(game, values, points, continua, rtol, notes, symbolic_points,
                    time.perf_counter() - t0, dyn.spec)


def _classified(game: Game, dyn: Dynamics, c, subs, pvec, rtol, budget, notes) -> RestPoint:
    """A candidate classified: exactly where its state is exact, else from float64 eigenvalues.

    Where the field has a kink at the point (``Dynamics.at_kink``) there is no
    Jacobian: ``not differentiable``, with what paths started nearby do.
    """
    if not dyn.smooth and dyn.at_kink(c.state, pvec):
        d = len(c.state)
        return RestPoint(game, c.face.support, c.state, c.exact_state, np.full((d, d), np.nan),
                         np.zeros(0, complex), st.NOT_DIFFERENTIABLE, 0.0, c.method, _nearby_paths(game, dyn, c.state, pvec))
    exact = None
    if c.exact_state is not None:
        try:
            with time_limit(budget):  # algebraic points can make the exact Jacobian slow
                J_exact = _exact_jacobian(dyn, subs, c.exact_state)
                exact = _exact_class(J_exact)
        except Timeout:
            notes.append(f"rest point {face_label(game, c.face.support)} at "
                         f"{[round(float(v), 6) for v in c.state]}: exact classification exceeded "
                         f"{budget:g} s; classified from float64 eigenvalues")
    if exact is not None:
        J, ev, cls, tol, how = exact
    else:
        J = dyn.jacobian_at(c.state, pvec)
        ev = st.eigenvalues(J)
        tol = st.tolerance(J, rtol)
        cls, how = st.classify(ev, tol), "float64 eigenvalues"
    return RestPoint(game, c.face.support, c.state, c.exact_state, J, ev, cls, tol, c.method, how)


#: up to this dimension an exact Jacobian is always classified at 60 digits with its zero real parts decided
#: exactly (a few ms); beyond it, float64 eigenvalues first, exact only where their proved bound does not decide
EXACT_SIGNS_MAX_DIM = 3


def _exact_class(J: sympy.Matrix) -> tuple:
    """(float Jacobian, eigenvalues, class, tolerance, rule) of a Jacobian with exact entries."""
    rational = all(v.is_Rational for v in J)
    J_float = np.array([float(v) for v in J] if rational else J.evalf(30).tolist(), dtype=float).reshape(J.shape)
    if rational and J.rows > EXACT_SIGNS_MAX_DIM:
        proved = st.proved_signs(J_float)
        if proved is not None:
            return (J_float, proved[0], proved[1], 0.0, st.BAUER_FIKE)
    return (J_float, *st.classify_exact(J))


#: distance and time of the nearby paths that describe a point without a Jacobian
NEARBY, NEARBY_T_END = 1e-3, 50.0
NEARBY_STEPS = 5000   # explicit steps per nearby path before the implicit method finishes it (kinks chatter)


def _nearby_paths(game: Game, dyn: Dynamics, state: np.ndarray, pvec: np.ndarray) -> str:
    """Evidence at a kink: paths from 2d starts NEARBY away (each coordinate, both ways, kept on the state space)."""
    d = len(state)
    starts = project(game, np.array([state + s * NEARBY * np.eye(d)[k] for k in range(d) for s in (1, -1)]))
    starts = starts[np.max(np.abs(starts - state), axis=1) > NEARBY / 2]
    if not len(starts):
        return "no Jacobian (the field has a kink here)"
    params = {name: float(v) for name, v in zip(game.parameters, pvec)}
    end = simulate(game, starts, NEARBY_T_END, params=params, n_points=2, dynamics=dyn.spec, rtol=1e-6, atol=1e-9,
                   max_steps=NEARBY_STEPS).final
    gap = np.max(np.abs(end - state), axis=1)
    return (f"no Jacobian (the field has a kink here); {len(starts)} paths started {NEARBY:g} away are "
            f"{number(gap.min(), 3)} to {number(gap.max(), 3)} from it at t = {NEARBY_T_END:g}")


def _attach_symbolic(game: Game, dyn: Dynamics, values, budget, notes, points, progress=None) -> list[dict]:
    """The symbolic rest points, each attached to its numeric point; a note for a point without one."""
    symbolic_points = _symbolic(game, dyn, values, budget, notes, progress)
    for sp in symbolic_points:
        for p in points:
            if (p.support == sp["support"] and sp.get("numeric_state") is not None
                    and np.allclose(p.state, sp["numeric_state"], atol=1e-8)):
                p.symbolic = sp
                sp["name"] = p.name
    extra = len(points)
    for sp in symbolic_points:   # a candidate that is not a rest point at these values continues the numbering
        if "name" not in sp:
            extra += 1
            sp["name"] = f"E{extra}"
    timed_out = [n for n in notes if n.startswith("symbolic:")]
    for p in points:
        already = any(str(p.support) in n or face_label(game, p.support) in n for n in timed_out)
        if p.symbolic is None and not already:  # sympy's general solution missed a point: say so
            notes.append(f"symbolic: no symbolic solution found for the rest point {p.label} on face "
                         f"{face_label(game, p.support)} (found exactly at the parameter values); "
                         "its stability condition is not available")
    return symbolic_points


def _order(p: RestPoint):
    # corners first, then by face size, then by state: a stable, readable order
    return (sum(len(S) for S in p.support), tuple(tuple(S) for S in p.support), tuple(np.round(p.state, 12)))


def _exact_jacobian(dyn: Dynamics, subs: dict, exact_state) -> sympy.Matrix:
    """The Jacobian at an exact state: Fraction arithmetic where everything is rational, else sympy."""
    J = dyn.jacobian_exact_at(exact_state, subs)
    if J is not None:
        return J
    point = dict(zip(dyn.variables, exact_state))
    return dyn.jacobian.subs(subs).subs(point).applyfunc(sympy.expand)


def _symbolic(game: Game, dyn: Dynamics, values: dict, budget, notes, progress=None) -> list[dict]:
    numeric = {game.parameters[n].symbol: v for n, v in values.items()}
    cands, _, sym_notes = dyn.rest_points(dyn.fitness, budget=budget, numeric_values=numeric)
    notes.extend("symbolic: " + n for n in sym_notes)
    out = []
    cands = [c for c in cands if c.exact_state is not None]
    for done, c in enumerate(cands):
        if progress:   # before each rest point's stability condition, and once all are derived
            progress(done, len(cands))
        point = dict(zip(dyn.variables, c.exact_state))
        try:
            with time_limit(budget and 3 * budget):  # Routh-Hurwitz has no budget of its own
                J = dyn.jacobian.subs(point)
                res = st.symbolic_stability(J, budget)
        except Timeout:
            notes.append(f"symbolic: stability condition of the rest point on face "
                         f"{face_label(game, c.face.support)} exceeded {3 * budget:g} s; not derived")
            continue
        ranges = {p.symbol: tuple(exact(v) for v in p.range) for p in game.parameters.values()
                  if p.range is not None}
        simplified, verdict = st.within_ranges(res["condition"], ranges)
        out.append({"support": c.face.support, "state": c.exact_state, "numeric_state": c.state,
                    "existence": c.existence, **res, "condition_in_ranges": simplified, "verdict": verdict})
    if progress:
        progress(len(cands), len(cands))
    out.sort(key=lambda s: (sum(len(S) for S in s["support"]), s["support"]))
    return out
