"""Bifurcation points of a vectorised sweep, bisected together.

:func:`evogame.studies.sweeps.sweep1d` locates every change of a rest point's
class between two grid values by bisection on one of its properties (its
existence, its number of unstable eigenvalues, or its class).  Each step of a
bisection is one evaluation of the compiled rest points at one value; a sweep
of a 2x2x2 game has a dozen such changes, each ~36 steps.  Here all of them
take their steps in lockstep: step ``n`` of every bisection still running is
one call of :meth:`~evogame.engine.parametric.ParametricRestPoints.evaluate` on the
array of their midpoints.  Every value is computed elementwise (the compiled
expressions, one eigenvalue problem and one tolerance per value), so each
bisection visits the same midpoints, reads the same properties and ends at
the same point as one bisection at a time (:func:`bisect_one`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..engine.parametric import ABSENT

__all__ = ["Bracket", "bisect_one", "bisect_together", "property_of"]


@dataclass
class Bracket:
    """One change of a rest point between grid values ``a`` and ``b`` (``a < b``).

    ``kind`` is the property bisected: ``"existence"``, ``"eigenvalue"``
    (the number of eigenvalues with positive real part) or
    ``"classification"``; ``check_b``: skip the change when the property is
    the same at ``b`` as at ``a`` (an eigenvalue touching zero at one grid
    value).
    """

    key: tuple
    kind: str
    a: float
    b: float
    check_b: bool = False


def property_of(kind: str, code: int, npos: int):
    """The property a bisection of ``kind`` compares, from a rest point's class code and unstable count."""
    if kind == "existence":
        return code != ABSENT
    if kind == "eigenvalue":
        return int(npos) if code != ABSENT else -1
    return int(code)


def _stop(a: float, b: float, m: float, tol: float) -> bool:
    return not a < m < b or b - a <= tol


def bisect_one(bracket: Bracket, prop: Callable[[float], object], steps: int, tol: float):
    """``(a, b)`` at the end of the bisection of one bracket; None when ``check_b`` finds no change.

    ``prop(v)`` is the bracket's property at ``v``.
    """
    a, b = bracket.a, bracket.b
    pa = prop(a)
    if bracket.check_b and prop(b) == pa:
        return None
    for _ in range(steps):
        m = 0.5 * (a + b)
        if _stop(a, b, m, tol):
            break
        if prop(m) == pa:
            a = m
        else:
            b = m
    return a, b


def bisect_together(brackets: list[Bracket], evaluate: Callable[[np.ndarray], dict], steps: int, tol: float):
    """:func:`bisect_one` of every bracket, one ``evaluate`` call per step for all of them.

    ``evaluate(values)`` returns the compiled rest points at the values
    ``(n,)``: ``{"keys", "codes" (K, n), "npos" (K, n)}``.  Returns one
    ``(a, b)`` or None per bracket, as :func:`bisect_one` would.
    """
    if not brackets:
        return []
    rows: dict = {}

    def props(values, which):
        ev = evaluate(np.asarray(values, dtype=float))
        if not rows:
            rows.update({k: i for i, k in enumerate(ev["keys"])})
        out = []
        for col, j in enumerate(which):
            r = rows.get(brackets[j].key)
            code, npos = (ABSENT, -1) if r is None else (int(ev["codes"][r, col]), int(ev["npos"][r, col]))
            out.append(property_of(brackets[j].kind, code, npos))
        return out

    everyone = list(range(len(brackets)))
    pa = props([br.a for br in brackets], everyone)
    checked = [j for j in everyone if brackets[j].check_b]
    pb = dict(zip(checked, props([brackets[j].b for j in checked], checked))) if checked else {}
    a = [br.a for br in brackets]
    b = [br.b for br in brackets]
    active = [j for j in everyone if not (j in pb and pb[j] == pa[j])]
    result: list = [None] * len(brackets)
    for _ in range(steps):
        going = []
        for j in active:
            m = 0.5 * (a[j] + b[j])
            if not _stop(a[j], b[j], m, tol):
                going.append((j, m))
        for j in set(active) - {j for j, _ in going}:
            result[j] = (a[j], b[j])
        active = [j for j, _ in going]
        if not going:
            break
        seen = props([m for _, m in going], active)
        for (j, m), p in zip(going, seen):
            if p == pa[j]:
                a[j] = m
            else:
                b[j] = m
    for j in active:             # out of steps
        result[j] = (a[j], b[j])
    return result
