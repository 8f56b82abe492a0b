"""Rest points on every face of the product of simplices.

A state is a rest point of the replicator dynamics iff, in every population,
all strategies in use earn the same payoff.  evogame enumerates every
*support profile* -- a non-empty subset ``S_p`` of strategies for every
population, i.e. every face from the corners to the interior -- and solves on
that face's relative interior

    f_{p,i}(x) = f_{p,k_p}(x)   for i in S_p, i != k_p,     x_{p,j} = 0 for j not in S_p,

with ``k_p`` the last strategy in ``S_p``; a solution counts when every share
in the support is strictly positive (one with a zero share belongs to a
smaller face and is found there).  Faces are disjoint, so no point is found
twice.

When the payoffs are multi-affine with number coefficients (every payoff
table), faces are solved without sympy by :class:`evogame.solvers.face_solver.FaceSolver`
(exact Fractions on linear faces, roots proved by Krawczyk's test on the
others); a face it cannot decide, and every face of other games, is solved
as follows.  Solving is exact with sympy (rational or symbolic parameters) within a time
budget per face; past the budget, or when sympy cannot solve, a numeric
fallback runs: univariate polynomial roots (complete) or, with several
unknowns, multistart Newton from a quasi-random sample of the face (may miss
points: reported).  Every numeric point is kept only with a residual
``max|F| <= 1e-10``.  A face whose equations leave free unknowns is a
*continuum* of rest points and is reported as one.
"""
from __future__ import annotations

import itertools
import math
from typing import Mapping

import numpy as np
import sympy

from .face_solver import FaceSolver
from ..game.faces import (Candidate, Continuum, Face, SupportOnly, check_face_count, face_count, face_label, face_of,
                    faces, supports)
from ..game.model import Game
from .stability import factored
from ..util.timelimit import Timeout, time_limit

RESIDUAL_TOL = 1e-10
POSITIVE_TOL = 1e-12




def _numerators(eqs) -> list[sympy.Expr]:
    out = []
    for e in eqs:
        num = sympy.expand(sympy.numer(sympy.together(e)))
        if num != 0:
            out.append(num)
    return out


def solve_face(face: Face, *, budget: float | None, numeric_values: Mapping | None = None,
               notes: list | None = None):
    """Solve a face's equations; return (candidates, continua, method).

    ``numeric_values`` (symbol -> float) is given in symbolic mode, to decide
    which symbolic solutions exist at the defaults; in numeric mode the
    equations contain no parameters.
    """
    if face.dimension == 0:
        return [Candidate(face, _reduced(face, {}), exact_state=_reduced_exact(face, {}))], [], "exact"
    eqs = _numerators(face.equations)
    if not eqs:  # every point of the face is a rest point
        return [], [c for c in [_continuum(face, {}, face.unknowns)] if c is not None], "exact"
    try:
        with time_limit(budget):  # the budget covers the exact points' positivity checks too
            sols = _solve_exact(eqs, list(face.unknowns))
            candidates, continua = _exact_points(face, sols, numeric_values)
    except (Timeout, NotImplementedError) as exc:
        why = f"exact solve exceeded {budget:g} s" if isinstance(exc, Timeout) else "sympy could not solve"
        if numeric_values is not None:  # symbolic mode: no numbers to fall back on
            if notes is not None:
                notes.append(f"face {face.support}: {why}; no symbolic rest points reported on this face")
            return [], [], "none"
        if notes is not None:
            notes.append(f"face {face.support}: {why}; numeric fallback used")
        return _numeric_face(face, eqs) + ("numeric",)
    return candidates, continua, "exact"


def _exact_points(face: Face, sols, numeric_values) -> tuple[list, list]:
    """Candidates (isolated solutions inside the face) and continua (solutions with free unknowns)."""
    candidates, continua = [], []
    for sol in sols:
        free = [u for u in face.unknowns if u not in sol]
        if free:
            cont = _continuum(face, sol, free)
            if cont is not None:
                continua.append(cont)
            continue
        cand = _candidate(face, sol, numeric_values)
        if cand is not None:
            candidates.append(cand)
    return candidates, continua


def _solve_exact(eqs, unknowns) -> list[dict]:
    """Exact solutions of polynomial equations (sympy), as dicts unknown -> value.

    One unknown with numeric coefficients: the real roots of the polynomial,
    isolated exactly (rationals or ``CRootOf``) -- complete and fast.  Otherwise
    ``sympy.solve``; unknowns missing from a solution are free (a continuum).
    """
    if len(unknowns) == 1:
        u = unknowns[0]
        polys = [sympy.Poly(e, u) for e in eqs]
        if all(p.free_symbols <= {u} for p in polys):
            g = polys[0]
            for p in polys[1:]:
                g = sympy.gcd(g, p)
            if g.is_zero:
                return [{}]
            if g.degree() <= 0:
                return []
            return [{u: r} for r in dict.fromkeys(g.real_roots())]
    if all(sympy.Poly(e, *unknowns).domain.is_QQ or sympy.Poly(e, *unknowns).domain.is_ZZ for e in eqs):
        sols = _solve_triangular(eqs, unknowns)
        if sols is not None:
            return sols
    return sympy.solve(eqs, unknowns, dict=True)


def _solve_triangular(eqs, unknowns) -> list[dict] | None:
    """Real solutions of a zero-dimensional rational system by a lex Groebner basis.

    The basis is triangular: back-substitute from the last unknown, isolating
    the real roots of each univariate polynomial exactly.  Returns None (let
    ``sympy.solve`` handle it) for positive-dimensional systems or when a
    back-substituted polynomial has irrational coefficients.
    """
    G = sympy.groebner(eqs, *unknowns, order="lex")
    if list(G.exprs) == [1]:
        return []
    if not G.is_zero_dimensional:
        return None
    partial = [{}]
    for k in range(len(unknowns) - 1, -1, -1):
        u = unknowns[k]
        known = set(unknowns[k + 1:])
        rel = [g for g in G.exprs if u in g.free_symbols and g.free_symbols <= known | {u}]
        extended = []
        linear = [sympy.Poly(g, u) for g in rel]
        linear = [p for p in linear if p.degree() == 1]
        for sol in partial:
            solved = False
            for p in linear:  # u = -b/a where a does not vanish: exact even for algebraic sol
                a, b = p.all_coeffs()
                a_val = sympy.expand(a.subs(sol))
                if a_val != 0 and abs(sympy.N(a_val, 50)) > 1e-40:
                    extended.append({**sol, u: sympy.radsimp(-b.subs(sol) / a_val)})
                    solved = True
                    break
            if solved:
                continue
            polys = [sympy.Poly(g.subs(sol), u) for g in rel]
            polys = [p for p in polys if not p.is_zero]
            if not all(p.domain.is_QQ or p.domain.is_ZZ for p in polys):
                return None
            if not polys:
                return None
            g = polys[0]
            for p in polys[1:]:
                g = sympy.gcd(g, p)
            if g.degree() <= 0:
                continue
            for r in dict.fromkeys(g.real_roots()):
                extended.append({**sol, u: r})
        partial = extended
    return partial


def _reduced(face: Face, sol: Mapping) -> np.ndarray:
    return np.array([complex(sympy.N(v.subs(sol), 30)).real for v in face.substitution.values()], dtype=float)


def _reduced_exact(face: Face, sol: Mapping) -> tuple:
    return tuple(factored(sympy.cancel(v.subs(sol))) for v in face.substitution.values())


def _candidate(face: Face, sol, numeric_values) -> Candidate | None:
    shares = [s.subs(sol) for s in face.positive_shares()]
    if numeric_values is None:
        # Exact numbers: decide positivity exactly where sympy can, else at 30 digits.
        for s in shares:
            val = sympy.N(s, 50)
            if abs(sympy.im(val)) > 1e-30:
                return None
            re = sympy.re(val)
            if re <= 0 or abs(re) < 1e-40:  # zero share: the point lies on a smaller face
                return None
        exact_state = _reduced_exact(face, sol)
        state = np.array([float(sympy.re(sympy.N(v, 30))) for v in exact_state])
        return Candidate(face, state, exact_state=exact_state, method="exact")
    # Symbolic: the point exists where every share is positive.
    exact_state = _reduced_exact(face, sol)
    existence = [factored(sympy.cancel(s)) > 0 for s in shares]
    existence = [c for c in existence if c is not sympy.true]
    if any(c is sympy.false for c in existence):
        return None
    try:
        state = np.array([complex(sympy.N(v.subs(numeric_values), 30)) for v in exact_state])
    except (TypeError, ZeroDivisionError):
        state = None
    if state is not None and (np.any(~np.isfinite(state)) or np.any(np.abs(state.imag) > 1e-12)):
        state = None
    return Candidate(face, None if state is None else state.real, exact_state=exact_state,
                     method="exact", existence=existence)


def _continuum(face: Face, sol: Mapping, free) -> Continuum | None:
    """A set of rest points with free unknowns; kept if it meets the face's interior."""
    grid = np.linspace(0.05, 0.95, 7)
    shares = face.positive_shares()
    sample = None
    for vals in itertools.product(grid, repeat=len(free)):
        point = dict(zip(free, [sympy.Rational(str(round(v, 4))) for v in vals]))
        full = {u: sympy.sympify(e).subs(point) for u, e in sol.items()} | point
        try:
            ok = all(float(sympy.N(s.subs(full))) > POSITIVE_TOL for s in shares)
        except TypeError:
            ok = False
        if ok:
            sample = _reduced(face, full)
            break
    if sample is None:
        return None
    eqs = [f"{_name(face, u)} = {sympy.sstr(sympy.sympify(e).subs(_names(face)))}" for u, e in sol.items()]
    return Continuum(face.support, len(free), eqs, [_name(face, u) for u in free], sample)


def _names(face: Face) -> dict:
    return {u: sympy.Symbol(_name(face, u)) for u in face.unknowns}


def _name(face: Face, u: sympy.Symbol) -> str:
    # u_{p}_{i} -> the reduced variable it stands for when it is one, else share_{p,i}
    for var, expr in face.substitution.items():
        if expr == u:
            return str(var)
    return str(u)


def _numeric_face(face: Face, eqs):
    """Numeric fallback on one face; returns (candidates, continua)."""
    unknowns = list(face.unknowns)
    if len(unknowns) == 1 and len(eqs) >= 1:
        u = unknowns[0]
        poly = sympy.Poly(sympy.gcd_list(eqs) if len(eqs) > 1 else eqs[0], u)
        coeffs = np.array([float(c) for c in poly.all_coeffs()])
        roots = np.roots(coeffs) if len(coeffs) > 1 else np.array([])
        f = sympy.lambdify(u, poly.as_expr())
        df = sympy.lambdify(u, poly.as_expr().diff(u))
        points = []
        for r in roots:
            if abs(r.imag) > 1e-8:
                continue
            x = float(r.real)
            for _ in range(50):  # polish with Newton on the exact polynomial
                d = df(x)
                if d == 0:
                    break
                step = f(x) / d
                x -= step
                if abs(step) < 1e-16:
                    break
            points.append([x])
    else:
        points = multistart_roots(face, eqs)
    return accept_roots(face, eqs, points), []


def float_ready(eqs) -> list:
    """The equations with their exact constants evaluated (30 digits) for a float evaluation.

    Exact constants such as ``27*N**(1/25)`` with an integer ``N`` beyond float range (rational powers of
    parameter values: perceived payoffs ``c**(22/25)``) overflow lambdify's float conversion.
    """
    return [sympy.sympify(e).evalf(30) for e in eqs]


def multistart_roots(face: Face, eqs) -> list:
    """Newton (or least squares) from a scrambled Sobol' sample of the unit cube of the face's unknowns."""
    from scipy.optimize import root
    from scipy.stats import qmc

    unknowns = list(face.unknowns)
    eqs = float_ready(eqs)
    F = sympy.lambdify([unknowns], eqs)
    J = sympy.lambdify([unknowns], sympy.Matrix(eqs).jacobian(unknowns))
    m = len(unknowns)
    # a power of two keeps the Sobol' sequence balanced (and scipy quiet)
    starts = qmc.Sobol(m, scramble=True, seed=12345).random_base2(math.ceil(math.log2(64 * m)))
    found = []
    for s in starts:
        if m == len(eqs):
            res = root(lambda v: np.asarray(F(v), float), s, jac=lambda v: np.asarray(J(v), float))
        else:
            from scipy.optimize import least_squares
            res = least_squares(lambda v: np.asarray(F(v), float), s)
        found.append(list(res.x))
    return found


def accept_roots(face: Face, eqs, points, *, min_share: float = 1e-9) -> list[Candidate]:
    """The points that are rest points: residual <= RESIDUAL_TOL, shares > ``min_share`` on the face, distinct.

    A share at zero puts a replicator rest point on a smaller face (found
    there); a dynamics whose rest points are all interior in theory (logit)
    passes a negative ``min_share``: its equilibria can lie closer to a vertex
    than a float can tell.
    """
    unknowns = list(face.unknowns)
    F = sympy.lambdify([unknowns], float_ready(eqs))
    shares = sympy.lambdify([unknowns], face.positive_shares())
    out = []
    for p in points:
        p = np.asarray(p, dtype=float)
        if not np.all(np.isfinite(p)):
            continue
        if np.max(np.abs(np.asarray(F(p), float))) > RESIDUAL_TOL:
            continue
        if np.min(np.asarray(shares(p), float)) <= min_share:
            continue
        if any(np.max(np.abs(p - q)) < 1e-7 for q in [c._u for c in out]):
            continue
        cand = Candidate(face, _reduced(face, dict(zip(unknowns, p))), method="numeric")
        cand._u = p
        out.append(cand)
    return out


def find_rest_points(game: Game, fitness, *, budget: float | None = 10.0,
                     numeric_values: Mapping | None = None):
    """All rest points and continua of ``fitness`` on every face of ``game``.

    Returns ``(candidates, continua, notes)``.  ``fitness`` must already have
    numbers substituted for the parameters, unless ``numeric_values`` is given
    (symbolic mode).
    """
    notes: list[str] = []
    candidates, continua = [], []
    solver = FaceSolver.of(game, fitness) if numeric_values is None else None
    if solver is not None:
        return _find_with_solver(game, fitness, solver, budget)
    for face in faces(game, fitness):
        c, k, _ = solve_face(face, budget=budget, numeric_values=numeric_values, notes=notes)
        candidates.extend(c)
        continua.extend(k)
    return candidates, continua, notes


#: up to this many faces, sympy turns the numeric roots of a nonlinear face into exact algebraic numbers
EXACT_ALGEBRAIC_MAX_FACES = 64


def _find_with_solver(game: Game, fitness, solver: FaceSolver, budget):
    """:func:`find_rest_points` with numeric faces (:mod:`evogame.solvers.face_solver`); sympy only where it must.

    Sympy also rewrites the proved numeric roots of a nonlinear face as exact algebraic numbers in small
    games (:data:`EXACT_ALGEBRAIC_MAX_FACES`); if it cannot within the budget, the proved roots stand.
    """
    check_face_count(game)
    notes, candidates, continua, delegated = [], [], [], []
    small = face_count(game) <= EXACT_ALGEBRAIC_MAX_FACES
    for support in supports(game):
        outcome = solver.solve(support)
        proved = [Candidate(SupportOnly(support), x, exact_state=e, method="exact" if e else "numeric")
                  for x, e in zip(outcome.states, outcome.exact_states)]
        if outcome.delegate is None and not (small and solver.exact is not None and any(
                e is None for e in outcome.exact_states)):
            candidates.extend(proved)
            continue
        if outcome.delegate is not None:
            delegated.append(f"{face_label(game, support)} ({outcome.delegate})")
        face_notes: list[str] = []
        c, k, method = solve_face(face_of(game, fitness, support), budget=budget, notes=face_notes)
        if outcome.delegate is None and method != "exact":   # the exact rewrite failed: keep the proved roots
            c, k = proved, []
            notes.extend(n.replace("numeric fallback used", "the numeric roots proved by Krawczyk's test are kept")
                         for n in face_notes)
        else:
            notes.extend(face_notes)
        candidates.extend(c)
        continua.extend(k)
    if delegated:
        notes.append(f"{len(delegated)} face(s) solved with sympy, not numerically: " + "; ".join(delegated[:5])
                     + ("; ..." if len(delegated) > 5 else ""))
    return candidates, continua, notes
