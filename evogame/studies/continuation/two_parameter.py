r"""Two-parameter continuation of folds, Hopf points and branch points; codimension-two points on the way.

A fold, Hopf or branch point of the one-parameter continuation in ``a`` at ``b = b0`` lies on a curve in the
``(a, b)`` plane.  The curve is followed by pseudo-arclength (:func:`~.arclength.trace`) in
``u = (z, a_s, b_s)`` (face coordinates, the parameters scaled to their intervals) on the defining
system (Kuznetsov 2004, sec. 10.2)

* fold: :math:`G(z; a, b) = 0`, :math:`\det G_z = 0`;
* Hopf: :math:`G = 0`, :math:`\det (2 G_z \odot I) = 0`, the bialternate product, whose eigenvalues
  are :math:`\lambda_i + \lambda_j` (:math:`i < j`): zero at a pair :math:`\pm i\omega` (and at a
  neutral saddle :math:`\pm a`, which the curve passes into at a Bogdanov-Takens point);
* branch point (an exchange of stability, where the faces are invariant): :math:`G_F = 0` on the face
  ``F`` of the lower branch (the rest point with fewer strategies in use) and :math:`g = \prod_k \mu_k = 0`,
  the product of the transverse eigenvalues (the invasion rates of the strategies not in use,
  :meth:`~evogame.solvers.continuation_system.Face.transverse`; a repeated one counted once, as the
  symmetric populations of a symmetric game have it everywhere): a strategy not in use can invade on one
  side and not on the other, and the branch of the larger face that carries it crosses the face there.
  At a corner the face has no coordinates (``u = (a_s, b_s)``) and the system is the single equation
  ``g = 0``.  These curves are the stability boundaries of the game's rest points on the faces.

``G`` and ``G_z``, ``G_a``, ``G_b`` are the exact derivatives (compiled once); the gradient of the
scalar test function by central differences of it (step ``1e-6``).  Codimension-two points are
located by regula falsi on the arc where a test function changes sign:

* on a fold curve, with ``q``, ``p`` the right and left null vectors of ``G_z`` (unit, oriented
  continuously): **cusp** (``CP``) where :math:`p \cdot B(q, q)` (the fold's quadratic coefficient
  times :math:`p \cdot q`) vanishes; **Bogdanov-Takens** (``BT``) where :math:`p \cdot q` vanishes
  (a double zero eigenvalue); **zero-Hopf** (``ZH``) where :math:`\prod_{i<j} (\lambda_i + \lambda_j)`
  over the other eigenvalues vanishes with a pair :math:`\pm i \omega` there;
* on a Hopf curve, with :math:`\kappa = \lambda_1 \lambda_2` of the pair of least :math:`|\lambda_1 +
  \lambda_2|` (:math:`\omega^2` on the Hopf part, :math:`-a^2` on the neutral saddle part):
  **Bogdanov-Takens** where :math:`\kappa` changes sign (:math:`\omega \to 0`); **zero-Hopf** where
  :math:`\det G_z` changes sign; **Bautin** (``GH``) where the first Lyapunov coefficient changes sign
  (not where it is zero within rounding at either end: a degenerate Hopf curve, e.g. of centres).
* on a branch-point curve: **double exchange** (``BP2``) where the product of the other transverse
  eigenvalues changes sign: a second strategy not in use starts to invade at the same rest point, where
  two branch-point curves of the face cross (located with a patient corrector: the defining system is
  singular at the crossing).  Other codimension-two points on branch-point curves (where one meets a
  fold or a Hopf curve of the face) are not looked for.

References
----------
Yu. A. Kuznetsov, *Elements of Applied Bifurcation Theory*, 3rd ed., Springer 2004 (ch. 8, sec. 10.2).
W. Govaerts, *Numerical Methods for Bifurcations of Dynamical Equilibria*, SIAM 2000 (bialternate products).
"""
from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import sympy

from ...solvers.arclength import Settings, Step, at_parameter, correct, tangent, trace
from .lyapunov import DEGENERATE, first_lyapunov_coefficient
from ...solvers.continuation_system import ContinuationSystem, Face

__all__ = ["PlainField", "TwoParameterSystem", "DefiningCurve", "bialternate", "whole_space", "follow", "start_point",
           "FOLD", "HOPF", "BRANCH", "CUSP", "BOGDANOV_TAKENS", "BAUTIN", "ZERO_HOPF", "DOUBLE_EXCHANGE",
           "LABELS"]

FOLD, HOPF, BRANCH = "fold", "Hopf", "branch point"
CUSP, BOGDANOV_TAKENS, BAUTIN, ZERO_HOPF = "cusp", "Bogdanov-Takens", "Bautin", "zero-Hopf"
DOUBLE_EXCHANGE = "double exchange"
LABELS = {FOLD: "LP", HOPF: "H", BRANCH: "BP", CUSP: "CP", BOGDANOV_TAKENS: "BT", BAUTIN: "GH", ZERO_HOPF: "ZH",
          DOUBLE_EXCHANGE: "BP2"}
#: the step of the central differences of the test function (in scaled coordinates)
DIFF_STEP = 1e-6
#: the regula falsi stops when the arc interval is below this
ARC_TOL = 1e-13
#: transverse eigenvalues this close (relative to the Jacobian's largest entry) are one repeated eigenvalue
SAME_EIGENVALUE = 1e-10


class PlainField:
    """A field given by sympy expressions in ``variables`` and ``parameters`` (no game): a normal form.

    It has what :class:`~.system.ContinuationSystem` reads from a dynamics.
    """

    def __init__(self, variables, expressions, parameters):
        self.variables = tuple(variables)
        self.parameters = tuple(parameters)
        self.vector_field = sympy.Matrix(list(expressions))
        self.jacobian = self.vector_field.jacobian(sympy.Matrix(self.variables))

    def parameter_vector(self, values) -> np.ndarray:
        return np.array([float(values[str(p)]) for p in self.parameters], dtype=float)


def whole_space(dimension: int) -> Face:
    """The chart of the whole space ``R^d`` (a plain field: no faces)."""
    return Face((), np.zeros(dimension), np.eye(dimension), tuple(range(dimension)), np.zeros((dimension, 0)),
                False, ())


class TwoParameterSystem:
    """``F``, ``F_x``, ``F_a``, ``F_b`` (and the second and third state derivatives) in two parameters.

    Two :class:`~.system.ContinuationSystem` (one per parameter, compiled once each); each carries the
    other parameter's current value in its base vector.
    """

    def __init__(self, dynamics, first: str, second: str, values):
        self.a = ContinuationSystem(dynamics, first, values)
        self.b = ContinuationSystem(dynamics, second, values)

    def _at(self, a: float, b: float) -> None:
        if self.a.base[self.b.index] != b:
            self.a.base[self.b.index] = b
            self.a._last = (None, None)       # its cache is keyed by (x, a) only
        if self.b.base[self.a.index] != a:
            self.b.base[self.a.index] = a
            self.b._last = (None, None)

    def derivatives(self, x, a: float, b: float):
        """``(F, F_x, F_a, F_b)`` at ``(x, a, b)``."""
        self._at(a, b)
        F, J, Fa = self.a.derivatives(x, a)
        return F, J, Fa, self.b.dlam(x, b)

    def second(self, x, a, b):
        self._at(a, b)
        return self.a.second(x, a)

    def third(self, x, a, b):
        self._at(a, b)
        return self.a.third(x, a)


def bialternate(A: np.ndarray) -> np.ndarray:
    """The bialternate product ``2 A (.) I`` of an ``(m, m)`` matrix: ``m(m-1)/2`` square, eigenvalues
    ``lambda_i + lambda_j`` (``i < j``); rows and columns are the pairs ``(p, q)``, ``p > q``."""
    m = len(A)
    pairs = [(p, q) for p in range(m) for q in range(p)]
    out = np.zeros((len(pairs), len(pairs)))
    for i, (p, q) in enumerate(pairs):
        for j, (r, s) in enumerate(pairs):
            if r == p and s == q:
                out[i, j] = A[p, p] + A[q, q]
            elif r == q:
                out[i, j] = -A[p, s]
            elif r != p and s == q:
                out[i, j] = A[p, r]
            elif r == p and s != q:
                out[i, j] = A[q, s]
            elif s == p:
                out[i, j] = -A[q, r]
    return out


def _distinct(values, J) -> np.ndarray:
    """``values`` with each group equal within rounding (relative to ``J``'s largest entry) counted once."""
    tol = SAME_EIGENVALUE * max(1.0, float(np.abs(J).max(initial=0.0)))
    kept: list = []
    for mu in values:
        if all(abs(mu - k) > tol for k in kept):
            kept.append(mu)
    return np.array(kept, dtype=complex)


class DefiningCurve:
    """The fold, Hopf or branch-point curve ``{G = 0, g = 0}`` in ``u = (z, a_s, b_s)`` (see the module docstring).

    It has the interface :func:`~.arclength.trace` reads (``residual``, ``derivative``); the last
    coordinate is ``b_s``, so an end of ``b``'s interval is an interval end of the trace.
    """

    def __init__(self, system: TwoParameterSystem, face: Face, kind: str, box):
        self.system, self.face, self.kind = system, face, kind
        (self.lo_a, hi_a), (self.lo_b, hi_b) = box
        self.span_a, self.span_b = hi_a - self.lo_a, hi_b - self.lo_b
        self.rows, self.m = list(face.rows), face.dimension
        #: whether repeated transverse eigenvalues count once (set at the start: see :meth:`across`)
        self.repeated = False

    def parameters(self, u) -> tuple[float, float]:
        return self.lo_a + self.span_a * float(u[-2]), self.lo_b + self.span_b * float(u[-1])

    def scaled(self, a: float, b: float) -> np.ndarray:
        return np.array([(a - self.lo_a) / self.span_a, (b - self.lo_b) / self.span_b])

    def state(self, u) -> np.ndarray:
        return self.face.state(u[:self.m])

    def face_jacobian(self, u) -> np.ndarray:
        _, J, _, _ = self.system.derivatives(self.state(u), *self.parameters(u))
        return (J[self.rows] @ self.face.P).reshape(self.m, self.m)

    def test(self, u) -> float:
        if self.kind == BRANCH:
            return self.invasion(u)
        A = self.face_jacobian(u)
        return float(np.linalg.det(A if self.kind == FOLD else bialternate(A)))

    def invasion(self, u) -> float:
        """The product of the transverse eigenvalues at ``u``, each repeated one once (1 on a face with none)."""
        _, J, _, _ = self.system.derivatives(self.state(u), *self.parameters(u))
        across = self.across(J)
        return float(np.real(np.prod(across))) if len(across) else 1.0

    def across(self, J) -> np.ndarray:
        """The transverse eigenvalues of ``J``; on a curve whose start has a repeated one, one of each group
        equal within rounding.

        In a symmetric game two populations' invasion rates at a symmetric rest point are equal for every
        parameter value; their product is a square, whose zero is not a regular root of the defining system.
        Elsewhere two eigenvalues are equal only at isolated points (a double exchange), where grouping them
        would make the test function jump: there the product is kept.
        """
        across = self.face.transverse(J)
        return _distinct(across, J) if self.repeated else across

    def residual(self, u) -> np.ndarray:
        F = self.system.derivatives(self.state(u), *self.parameters(u))[0]
        return np.append(F[self.rows], self.test(u))

    def full_residual(self, u) -> np.ndarray:
        return self.system.derivatives(self.state(u), *self.parameters(u))[0]

    def derivative(self, u):
        x, (a, b) = self.state(u), self.parameters(u)
        _, J, Fa, Fb = self.system.derivatives(x, a, b)
        Gz = (J[self.rows] @ self.face.P).reshape(self.m, self.m)
        top = np.hstack([Gz, (Fa[self.rows] * self.span_a)[:, None], (Fb[self.rows] * self.span_b)[:, None]])
        grad = np.empty(len(u))
        for k in range(len(u)):
            e = np.zeros(len(u))
            e[k] = DIFF_STEP
            grad[k] = (self.test(u + e) - self.test(u - e)) / (2 * DIFF_STEP)
        return np.vstack([top, grad]), J

    def distance(self, u, target, settings: Settings) -> float:
        """How far the scaled parameters ``target`` lie from the curve, ``u`` a point of the curve near them.

        From ``u`` with its parameters set to ``target``, Newton on the defining system with the parameter along
        which the curve moves faster at ``u`` fixed (regular where the curve was traced) finds the curve's point;
        the distance is then the other parameter's difference from ``target`` (``inf`` without convergence).
        """
        u = np.array(u, dtype=float)
        D, _ = self.derivative(u)
        t = np.linalg.svd(np.vstack([D, np.zeros(len(u))]))[2][-1]
        fixed = len(u) - 2 if abs(t[-2]) >= abs(t[-1]) else len(u) - 1
        free = [k for k in range(len(u)) if k != fixed]
        u[-2:] = target          # on the curve already when the target is (where another curve may cross it)
        for _ in range(2 * settings.max_iter):
            D, _ = self.derivative(u)
            try:
                step = np.linalg.solve(D[:, free], -self.residual(u))
            except np.linalg.LinAlgError:
                return np.inf
            u[free] += step
            if np.linalg.norm(step) <= settings.tol * (1 + np.linalg.norm(u)):
                break
        if np.linalg.norm(self.residual(u), np.inf) > settings.residual:
            return np.inf
        return float(np.max(np.abs(u[-2:] - target)))

    # -- the codimension-two test functions --------------------------------------------------------
    def face_tensors(self, u):
        """``B`` and ``C`` of the face field (the state's second and third derivatives, projected)."""
        x, (a, b), P = self.state(u), self.parameters(u), self.face.P
        B = np.einsum("ijk,ja,kb->iab", self.system.second(x, a, b)[self.rows], P, P)
        C = np.einsum("ijkl,ja,kb,lc->iabc", self.system.third(x, a, b)[self.rows], P, P, P)
        return B, C

    def tests(self, u, oriented=None) -> dict:
        """The codimension-two test functions at ``u`` (``oriented``: the null vectors to orient along).

        On a branch-point curve: the eigenvalues of the whole Jacobian (along and across the face) and the
        product of the transverse eigenvalues but the one nearest zero (``double exchange``).
        """
        if self.kind == BRANCH:
            _, J, _, _ = self.system.derivatives(self.state(u), *self.parameters(u))
            out = {"eigenvalues": np.linalg.eigvals(J)}
            across = self.across(J)
            if len(across) > 1:
                rest = np.delete(across, np.argmin(np.abs(across)))
                out[DOUBLE_EXCHANGE] = float(np.real(np.prod(rest)))
            return out
        A = self.face_jacobian(u)
        ev = np.linalg.eigvals(A)
        out = {"eigenvalues": ev}
        if self.kind == FOLD:
            U, _, Vt = np.linalg.svd(A)
            p, q = U[:, -1], Vt[-1]
            if oriented is not None:
                p = p if p @ oriented[0] >= 0 else -p
                q = q if q @ oriented[1] >= 0 else -q
            B, _ = self.face_tensors(u)
            rest = np.delete(ev, np.argmin(np.abs(ev)))
            out.update(vectors=(p, q), **{CUSP: float(p @ np.einsum("ijk,j,k->i", B, q, q)),
                                          BOGDANOV_TAKENS: float(p @ q),
                                          ZERO_HOPF: _pair_product(rest)})
        else:
            i, j = min(itertools.combinations(range(len(ev)), 2), key=lambda ij: abs(ev[ij[0]] + ev[ij[1]]))
            kappa = float(np.real(ev[i] * ev[j]))
            out.update(**{BOGDANOV_TAKENS: kappa, ZERO_HOPF: float(np.linalg.det(A))})
            if kappa > 0 and self.m >= 2:
                try:
                    B, C = self.face_tensors(u)
                    out["hopf"] = first_lyapunov_coefficient(A, B, C)
                    out[BAUTIN] = out["hopf"].l1
                except (ValueError, np.linalg.LinAlgError):
                    pass
        return out


def _pair_product(ev) -> float:
    """``prod_{i<j} Re(lambda_i + lambda_j)`` (1 with fewer than two eigenvalues)."""
    return float(np.prod([np.real(a + b) for a, b in itertools.combinations(ev, 2)])) if len(ev) > 1 else 1.0


def _changes(kind: str, curve_kind: str, old: dict, new: dict) -> bool:
    """Whether the test function ``kind`` changes sign between two points (and counts there)."""
    if kind not in old or kind not in new or old[kind] * new[kind] >= 0:
        return False
    if kind == BAUTIN:      # a degenerate Hopf curve (l1 zero within rounding) has no Bautin point
        return old["hopf"].verdict != DEGENERATE and new["hopf"].verdict != DEGENERATE
    return True


def _locate(curve: DefiningCurve, prev: Step, new: Step, kind: str, settings: Settings) -> Step | None:
    """The point on the arc from ``prev`` to ``new`` where the test ``kind`` vanishes (Illinois regula falsi)."""
    oriented = prev.info["tests"].get("vectors")
    if kind == DOUBLE_EXCHANGE:
        # two branch-point curves of the face cross there: the corrector converges only linearly near it
        settings = dataclasses.replace(settings, max_iter=80)
    u = _zero_on_arc(curve, prev, new, lambda v: curve.tests(v, oriented).get(kind), settings,
                     (prev.info["tests"][kind], new.info["tests"][kind]))
    if u is None:
        return None
    D, _ = curve.derivative(u)
    return Step(np.asarray(u, dtype=float), tangent(D, prev.t), kind, {"tests": curve.tests(u, oriented)})


def _zero_on_arc(curve: DefiningCurve, prev: Step, new: Step, fn, settings: Settings, ends=None):
    """The point ``u`` of the curve on the arc from ``prev`` to ``new`` where ``fn(u)`` vanishes (Illinois regula
    falsi on the arc length, each trial corrected onto the curve), or None; ``ends``: ``fn`` at both ends."""
    a, b = 0.0, float(prev.t @ (new.u - prev.u))
    fa, fb = ends if ends is not None else (fn(prev.u), fn(new.u))
    u, side = new.u, 0
    for _ in range(60):
        if abs(b - a) <= ARC_TOL or fa == fb:
            break
        c = (fa * b - fb * a) / (fa - fb)
        result = correct(curve, prev.u, prev.t, c, settings) if c else (prev.u, 0)
        fc = None if result is None else fn(result[0])
        if fc is None:
            return None
        u = result[0]
        if fc * fb > 0:
            b, fb = c, fc
            fa = fa / 2 if side == -1 else fa      # Illinois: halve the end kept twice
            side = -1
        elif fa * fc > 0:
            a, fa = c, fc
            fb = fb / 2 if side == 1 else fb
            side = 1
        else:
            break
    return u


def _watcher(curve: DefiningCurve, settings: Settings):
    """The trace's watcher: codimension-two points located, and a stop where ``a`` leaves its interval or
    the state leaves the state space (the curve's last point located there: ``why`` in its ``info``)."""
    def watch(prev: Step, new: Step):
        old = prev.info.setdefault("tests", curve.tests(prev.u))
        new.info["tests"] = curve.tests(new.u, old.get("vectors"))
        located = []
        for kind in (CUSP, BOGDANOV_TAKENS, ZERO_HOPF, BAUTIN, DOUBLE_EXCHANGE):
            if _changes(kind, curve.kind, old, new.info["tests"]):
                step = _locate(curve, prev, new, kind, settings)
                if step is not None and _confirmed(curve, step):
                    located.append(step)
        located.sort(key=lambda s: float(prev.t @ (s.u - prev.u)))
        shares = curve.face.shares(curve.state(new.u))
        if not 0.0 <= new.u[-2] <= 1.0:
            bound = 1.0 if new.u[-2] > 1.0 else 0.0
            located.append(_exit(curve, prev, new, lambda u: float(u[-2]) - bound, "left the box", settings))
        elif len(shares) and shares.min() < -1e-12:
            # where a share reaches zero the rest points of the smaller face cross the face's (a singular point of
            # the defining system, a root the corrector places only to its linear rate): the last point inside ends
            located.append(_last_inside(prev, "left the state space"))
        else:
            return located, False
        return [s for s in located[:-1] if _before(prev, s, located[-1])] + located[-1:], True
    return watch


def _exit(curve: DefiningCurve, prev: Step, new: Step, fn, why: str, settings: Settings) -> Step:
    """The curve's last point, where ``fn`` (the first parameter's distance to its bound) vanishes between
    ``prev`` and ``new``; ``prev`` itself when it cannot be located."""
    u = _zero_on_arc(curve, prev, new, fn, settings)
    if u is None or abs(fn(u)) > 1e-12:
        return _last_inside(prev, why)
    D, _ = curve.derivative(u)
    return Step(np.asarray(u, dtype=float), tangent(D, prev.t), "end", {"why": why, "tests": curve.tests(u)})


def _last_inside(prev: Step, why: str) -> Step:
    """A marker: the curve ends at ``prev`` (:func:`follow` drops it)."""
    return Step(prev.u, prev.t, "end", {"why": why, "tests": prev.info["tests"], "repeat": True})


def _before(prev: Step, step: Step, end: Step) -> bool:
    return float(prev.t @ (step.u - prev.u)) < float(prev.t @ (end.u - prev.u))


def _confirmed(curve: DefiningCurve, step: Step) -> bool:
    """A zero-Hopf point needs a pair of imaginary eigenvalues there (not a neutral saddle)."""
    if step.kind != ZERO_HOPF:
        return True
    ev = step.info["tests"]["eigenvalues"]
    scale = max(1.0, float(np.abs(ev).max(initial=0.0)))
    return bool(np.any((np.abs(ev.real) <= 1e-6 * scale) & (ev.imag > 1e-6 * scale)))


def follow(curve: DefiningCurve, u0: np.ndarray, settings: Settings) -> tuple[list, tuple]:
    """Trace the curve both ways from ``u0``: ``(steps in arc order, (why one end stopped, why the other))``."""
    traced = []
    for direction in (1.0, -1.0):
        steps, why = trace(curve, u0, direction, settings, _watcher(curve, settings))
        if why == "stopped":
            why = steps[-1].info["why"]
            if steps[-1].info.get("repeat"):       # not located: the last point inside is the end
                steps[-2].kind = "end"
                steps.pop()
        traced.append((steps, why))
    (fwd, why_f), (bwd, why_b) = traced
    fwd[0].kind = "start"
    return list(reversed(bwd[1:])) + fwd, (why_b, why_f)


def start_point(curve: DefiningCurve, x, a: float, b: float, settings: Settings) -> np.ndarray | None:
    """The curve's point at ``b`` near the special point ``(x, a)`` (Newton in ``(z, a)``), or None."""
    u = np.concatenate([curve.face.coordinates(x), curve.scaled(a, b)])
    if curve.kind == BRANCH:
        J = curve.system.derivatives(curve.state(u), a, b)[1]
        across = curve.face.transverse(J)
        curve.repeated = len(_distinct(across, J)) < len(across)
    return at_parameter(curve, u, u[-1], settings)
