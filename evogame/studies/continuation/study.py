"""``continue_rest_points``: every branch of rest points along one parameter, with its special points."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import sympy

from ...solvers import stability as st
from ...engine.analysis import RestPoint
from ...dynamics import chosen_dynamics, derive, structural_parameters
from ...errors import AnalysisError, ScenarioError, did_you_mean
from ...game.model import exact
from ...scenario import STRENGTH, as_scenario
from ..mechanisms import apply
from ...solvers.arclength import Settings
from .branch import Continuation
from .events import BOUNDARY, BRANCH_POINT, EXCHANGE
from ...solvers.continuation_system import ContinuationSystem
from .tracer import Tracer
from .exact_hopf import exact_hopf_values

__all__ = ["continue_rest_points"]

#: at most this many extra analyses (beside the interval's ends) look for branches entering the state space
MAX_ANALYSES = 24
#: crossings within this fraction of the interval are the same parameter value (partners, exact values)
SAME_VALUE = 1e-7


def continue_rest_points(subject, parameter: str | None = None, interval: tuple | None = None, *,
                         mechanism: str | Sequence | None = None, strength=1, params: Mapping | None = None,
                         dynamics=None, rtol: float = st.RTOL, settings: Settings | None = None,
                         budget: float | None = 10.0, cycles: bool = True) -> Continuation:
    r"""Continue every rest point in one parameter (or a mechanism's strength): branches and bifurcations.

    Parameters
    ----------
    subject : a Scenario (or a bare Game).
    parameter : the continued parameter; ``None`` or ``"strength"`` with ``mechanism``: the strength.
    interval : ``(start, end)`` of the continued parameter (either order); default ``(0, 1)`` for a
        strength, else the parameter's declared range.
    mechanism : a mechanism name (or several, composed in order): its strength is continued, or, when
        ``parameter`` is a parameter, it is applied at ``strength``.
    strength : the mechanisms' strength when a parameter is continued; ``params`` other parameters' new values.
    dynamics : the dynamics (``"replicator"``, ``"logit:eta=0.1"``...); default: the scenario's.
    rtol : relative tolerance of the classification (:func:`evogame.solvers.stability.tolerance`).
    settings : step control (:class:`~evogame.solvers.arclength.Settings`).
    budget : seconds of sympy per face for each :func:`~evogame.analyze` call.
    cycles : continue the limit cycles of the non-degenerate Hopf points (``Continuation.cycles``).

    Returns
    -------
    Continuation
        Its branches (points, stability runs, special points) and notes.

    Notes
    -----
    The rest points solve :math:`F(x, \lambda) = 0` with :math:`x` the reduced coordinates (the shares
    of every strategy but each population's last).  Each rest point :func:`~evogame.analyze` finds at
    the interval's start is continued by pseudo-arclength (Keller 1977; Kuznetsov 2004, ch. 10) with
    the exact derivatives :math:`F_x` and :math:`F_\lambda` (sympy, compiled once).  Where the dynamics
    keeps faces invariant (the replicator), a branch is continued in the coordinates of its face, and
    the Jacobian's eigenvalues split into those along the face and those across it (invasion rates).
    On each branch are located, by regula falsi on test functions:

    * folds (the parameter component of the tangent changes sign);
    * branch points (:math:`\det[F_x, F_\lambda; t^T]` changes sign);
    * exchanges of stability (an invasion rate crosses zero: a branch of a larger face crosses; for a
      branch whose state is a corner, the exact value is solved from the Jacobian's determinant);
    * boundaries (a share in use reaches zero: the branch leaves the state space and stops there);
    * Hopf points (:math:`\prod_{i<j} (\lambda_i + \lambda_j)` changes sign, with a pair
      :math:`\pm i \omega` at the point), with the first Lyapunov coefficient :math:`l_1`
      (:func:`~evogame.studies.continuation.lyapunov.first_lyapunov_coefficient`): supercritical
      (:math:`l_1 < 0`), subcritical (:math:`l_1 > 0`) or degenerate (:math:`l_1 = 0` within its
      terms' rounding: e.g. the replicator's Rock-Paper-Scissors at :math:`w = l`, a centre with a
      first integral, for which no verdict is given).

    A branch entering the state space meets a face where an invasion rate crosses zero: ``analyze``
    runs on both sides of each such crossing, and at the interval's end; a rest point not on a traced
    branch starts a new one.

    Stability along a branch is classified from the eigenvalues of the Jacobian as ``analyze`` does for numeric
    points (:func:`evogame.solvers.stability.classify`); a branch's runs of one class are ``Branch.segments``.  A
    dynamics' own conditions (positive payoffs for Maynard Smith and mutation) are checked where ``analyze`` runs,
    not between.  A rest point on a continuum (a face whose field vanishes identically at one value, common in
    bimatrix games) is not continued: a note says so.

    Raises
    ------
    ScenarioError
        An unknown parameter or mechanism, a strength without a mechanism, an empty interval.
    AnalysisError
        A dynamics with kinks (BNN, Smith, projection): no Jacobian everywhere.

    References
    ----------
    H. B. Keller, *Applications of Bifurcation Theory*, Academic Press 1977 (pseudo-arclength).  Yu. A. Kuznetsov,
    *Elements of Applied Bifurcation Theory*, 3rd ed., Springer 2004 (eq. (3.20), (5.39); ch. 10).

    Examples
    --------
    >>> from evogame import load_scenario, continue_rest_points
    >>> result = continue_rest_points(load_scenario("scenarios/vertical.toml"), mechanism="platform")  # doctest: +SKIP
    >>> sorted({s.exact for s in result.special_points})                      # doctest: +SKIP
    ['1/10', '1/3', '7/8']
    """
    result = _run(as_scenario(subject), parameter, interval, mechanism, strength, params, dynamics, rtol, settings,
                  budget)
    return _with_cycles(result) if cycles else result


def _with_cycles(result: Continuation) -> Continuation:
    """The continuation with the limit cycles of its Hopf points (:mod:`.cycles`)."""
    from .cycles import continue_cycles

    result.cycles, notes = continue_cycles(result)
    result.notes.extend(notes)
    return result


def _run(scenario, parameter, interval, mechanism, strength, params, dynamics, rtol, settings, budget):
    """The body of :func:`continue_rest_points`."""
    scenario = scenario.with_game(scenario.game.with_values(**(params or {})))
    mechanisms = [mechanism] if isinstance(mechanism, str) else list(mechanism or [])
    work, parameter, interval = _problem(scenario, parameter, interval, mechanisms, strength)
    spec = chosen_dynamics(scenario, dynamics)
    dyn = derive(work, spec)
    if not dyn.smooth or not dyn.field_is_symbolic:
        raise AnalysisError(f"the {dyn.name} dynamics has kinks: continuation needs a differentiable field")
    values = work.values()
    system = ContinuationSystem(dyn, parameter, values)
    tracer = Tracer(work, system, interval, rtol, settings or Settings(), dyn.faces_invariant)
    analyses = _Analyses(work, parameter, dyn, budget, tracer)
    analyses.start_from(interval[0], (1.0,))
    analyses.follow_crossings()
    analyses.start_from(interval[1], (-1.0,), second_net=True)
    analyses.follow_crossings()
    _partners(tracer.branches, abs(interval[1] - interval[0]))
    _exact_values(tracer, dyn, values, parameter)
    exact_hopf_values(tracer, dyn, values, parameter)
    return Continuation(work.name, dyn.spec, parameter, [_name(m) for m in mechanisms], tuple(interval),
                        {k: v for k, v in values.items() if k != parameter}, [str(v) for v in work.variables],
                        tracer.branches, tracer.notes, work, system)


def _name(m) -> str:
    return m if isinstance(m, str) else (m[0] if isinstance(m, tuple) else m.name)


def _problem(scenario, parameter, interval, mechanisms, strength):
    """The game continued (mechanisms applied), the parameter's name and the interval."""
    game = scenario.game
    if parameter is None or parameter == STRENGTH:
        if not mechanisms:
            raise ScenarioError("continuing 'strength' needs a mechanism", file=scenario.file,
                                argument="mechanism", expected="a mechanism name, or a parameter to continue")
        lo = float(interval[0]) if interval is not None else 0.0
        work = apply(scenario, mechanisms, ("symbolic", exact(lo))).game
        parameter, default = STRENGTH, (0.0, 1.0)
    else:
        if parameter not in game.parameters:
            raise ScenarioError(f"unknown parameter '{parameter}'", file=scenario.file, argument="param",
                                expected="one of " + ", ".join(game.parameters) if game.parameters else
                                "a parameter, but the scenario declares none",
                                suggestion=did_you_mean(parameter, game.parameters))
        if parameter in structural_parameters(game):
            raise AnalysisError(f"'{parameter}' fixes the degree of the payoffs (a sum limit): it cannot be "
                                "continued")
        work = apply(scenario, mechanisms, strength).game if mechanisms else game
        declared = game.parameters[parameter].range
        default = tuple(declared) if declared is not None else None
    if interval is None:
        if default is None:
            raise ScenarioError(f"parameter '{parameter}' has no declared range", argument="interval",
                                expected="an interval (LO, HI)")
        interval = default
    lo, hi = (float(v) for v in interval)
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo == hi:
        raise ScenarioError(f"the interval [{lo:g}, {hi:g}] is empty or not finite", argument="interval",
                            expected="two different finite numbers")
    return work, parameter, (lo, hi)


class _Analyses:
    """Start points from ``analyze``'s search (:func:`rest_points_at`): at the interval's ends and on both sides of
    each crossing."""

    def __init__(self, game, parameter, dyn, budget, tracer: Tracer):
        self.game, self.parameter, self.dyn, self.budget, self.tracer = game, parameter, dyn, budget, tracer
        self.done_values: set = set()
        self.count = 0

    def start_from(self, lam: float, directions, second_net: bool = False, where: str = "") -> None:
        points, continua = rest_points_at(self.game, self.dyn, self.parameter, lam, self.budget)
        if continua:
            n = len(continua)
            self.tracer.notes.append(f"analyze at {self.parameter} = {lam:.10g} finds {n} "
                                     f"{'continuum' if n == 1 else 'continua'} of rest points: not continued "
                                     "(no isolated point to follow)")
        for p in points:
            origin = f"analyze at {self.parameter} = {lam:.10g}{where}: {p.name} {p.label}"
            if not np.all(np.isfinite(p.state)):
                continue
            branch = self.tracer.start(p.support, p.state, lam, origin, directions)
            if branch is not None and second_net:
                self.tracer.notes.append(f"branch {branch.index} was found only at the interval's end "
                                         "(it reaches no earlier branch): traced backwards from there")

    def follow_crossings(self) -> None:
        """Analyse on both sides of every exchange of stability not yet visited (branches entering)."""
        lo, hi = self.tracer.lo, self.tracer.hi
        span = abs(hi - lo)
        while True:
            pending = [s.parameter for b in self.tracer.branches for s in b.special if s.kind == EXCHANGE
                       and round(s.parameter / span, 8) not in self.done_values]
            if not pending:
                return
            value = pending[0]
            self.done_values.add(round(value / span, 8))
            for side in (-1.0, 1.0):
                lam = value + side * 1e-4 * span
                if min(lo, hi) < lam < max(lo, hi) and self.count < MAX_ANALYSES:
                    self.count += 1
                    self.start_from(lam, (1.0, -1.0), where=" (beside a crossing)")
            if self.count >= MAX_ANALYSES:
                self.tracer.notes.append(f"stopped looking for entering branches after {MAX_ANALYSES} analyses")
                return


def rest_points_at(game, dyn, parameter: str, lam: float, budget) -> tuple[list, list]:
    """``(rest points, continua)`` of ``dyn`` at ``parameter = lam``: :func:`~evogame.analyze`'s search, order and
    names, without its classification.

    A start point needs only its state: the exact Jacobians and characteristic polynomials ``analyze`` builds
    to classify each point (sympy, half its time and more on algebraic points) would be thrown away, since
    the branch classifies its points from the compiled Jacobian.
    """
    values = game.values({parameter: lam})
    dyn.check(values)               # a dynamics' own conditions refuse values as analyze does
    # xreplace, not subs: the same expressions (numbers for symbols), without subs' sorting and fallbacks
    subs = {game.parameters[n].symbol: sympy.sympify(v) for n, v in values.items()}
    fitness = [[f.xreplace(subs) for f in fp] for fp in dyn.fitness]
    candidates, continua, _ = dyn.rest_points(fitness, budget=budget)
    empty = np.zeros(0, dtype=complex)
    points = sorted((RestPoint(game, c.face.support, c.state, c.exact_state, None, empty, "not classified", 0.0,
                               c.method) for c in candidates), key=_analyze_order)
    for k, p in enumerate(points, start=1):
        p.name = f"E{k}"
    return points, continua


def _analyze_order(p: RestPoint):
    # analyze's order (corners first, then by face size, then by state): the same branch numbers
    return (sum(len(S) for S in p.support), tuple(tuple(S) for S in p.support), tuple(np.round(p.state, 12)))


def _partners(branches, span) -> None:
    """Each crossing's partners: the other branches with a crossing at the same parameter value."""
    kinds = (EXCHANGE, BOUNDARY, BRANCH_POINT)
    crossings = [s for b in branches for s in b.special if s.kind in kinds]
    for s in crossings:
        s.partners = sorted({o.branch for o in crossings
                             if o.branch != s.branch and abs(o.parameter - s.parameter) <= SAME_VALUE * span})


def _exact_values(tracer: Tracer, dyn, values, parameter) -> None:
    """Exact crossing values on branches whose state is fixed (corners): roots of ``det J(lam)``."""
    symbol = dyn.parameters[[str(s) for s in dyn.parameters].index(parameter)]
    subs = {s: exact(values[str(s)]) for s in dyn.parameters if str(s) != parameter}
    for branch in tracer.branches:
        curve = tracer.curve(branch.support)
        todo = [s for s in branch.special if s.kind == EXCHANGE]
        if curve.face.dimension or not todo:
            continue
        point = {v: sympy.Integer(int(round(c))) for v, c in zip(dyn.variables, curve.face.x0)}
        det = sympy.together(dyn.jacobian.xreplace(point).xreplace(subs).det())
        try:
            roots = sympy.Poly(sympy.numer(det), symbol).real_roots()
        except (sympy.PolynomialError, NotImplementedError):
            continue
        for s in todo:
            near = [r for r in roots if abs(float(r) - s.parameter) <= 1e-6 * max(1.0, abs(s.parameter))]
            if near:
                s.exact = sympy.sstr(near[0])
    for branch in tracer.branches:       # a crossing shares its partners' exact value
        for s in branch.special:
            if s.exact is None and s.partners:
                known = [o for b in tracer.branches if b.index in s.partners for o in b.special
                         if o.exact is not None and abs(o.parameter - s.parameter) <= 1e-9 * max(1.0, abs(s.parameter))]
                if known:
                    s.exact = known[0].exact
