"""Exact parameter values of Hopf points on two-dimensional faces, where sympy solves them within a budget.

On a face of dimension 2 with chart ``x = x0 + P z`` the Hopf points solve ``G(z, lam) = 0`` and
``tr G_z(z, lam) = 0`` (with ``det G_z > 0``: the pair ``+-i omega``): three polynomial equations (after
clearing denominators) in three unknowns.  sympy's ``solve`` gets :data:`BUDGET` seconds per branch; the
solution whose parameter and state lie within :data:`NEAR` of the numeric Hopf point is reported as the
point's ``exact`` value.  Fields with exponentials (logit) are not polynomial: nothing is reported there.
"""
from __future__ import annotations

import numpy as np
import sympy

from ...game.model import exact
from ...util.timelimit import Timeout, time_limit
from .events import HOPF

__all__ = ["exact_hopf_values", "BUDGET", "NEAR"]

#: seconds of sympy per branch
BUDGET = 2.0
#: a solution within this (relative in the parameter, absolute in the state) is the numeric point's
NEAR = 1e-6


def exact_hopf_values(tracer, dyn, values, parameter: str) -> None:
    """Set ``exact`` on the Hopf points of two-dimensional face branches where sympy solves the conditions."""
    symbol = dyn.parameters[[str(s) for s in dyn.parameters].index(parameter)]
    subs = {s: exact(values[str(s)]) for s in dyn.parameters if str(s) != parameter}
    for branch in tracer.branches:
        face = tracer.curve(branch.support).face
        todo = [s for s in branch.special if s.kind == HOPF and s.exact is None]
        if face.dimension != 2 or not todo:
            continue
        try:
            with time_limit(BUDGET):
                solutions = _solutions(dyn, face, subs, symbol)
        except (Timeout, NotImplementedError, sympy.PolynomialError):
            continue
        for s in todo:
            for sol, z, lam in solutions:
                if (abs(lam - s.parameter) <= NEAR * max(1.0, abs(s.parameter))
                        and np.max(np.abs(face.state(z) - s.state)) <= NEAR):
                    s.exact = sympy.sstr(sol)
                    break


def _solutions(dyn, face, subs, symbol) -> list:
    """The real solutions ``(exact parameter, z (float), parameter (float))`` of the Hopf conditions on ``face``."""
    z = sympy.symbols("z0:2")
    point = {v: int(round(c)) + sum(int(round(p)) * zi for p, zi in zip(row, z))
             for v, c, row in zip(dyn.variables, face.x0, face.P)}
    field = [dyn.vector_field[r].xreplace(subs).xreplace(point) for r in face.rows]
    if any(f.has(sympy.exp, sympy.log) for f in field):
        return []
    Gz = sympy.Matrix(field).jacobian(list(z))
    equations = [sympy.numer(sympy.together(e)) for e in (*field, Gz.trace())]
    out = []
    for sol in sympy.solve(equations, [*z, symbol], dict=True):
        if set(sol) != {*z, symbol} or not all(v.is_real for v in sol.values()):
            continue
        det = Gz.det().xreplace(sol)
        if not det.is_positive:             # a neutral saddle (real eigenvalues +-a), not a Hopf point
            continue
        out.append((sympy.nsimplify(sol[symbol]) if sol[symbol].is_Rational else sol[symbol],
                    np.array([float(sol[zi]) for zi in z]), float(sol[symbol])))
    return out
