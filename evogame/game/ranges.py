"""Conditions and signs under the parameters' declared ranges, by interval arithmetic over the box of ranges
(sympy's ``AccumBounds``: an enclosure, so what it decides holds for every value in the ranges)."""
from __future__ import annotations

import sympy

__all__ = ["ALWAYS", "NEVER", "within_ranges", "sign_in_ranges", "is_real_expression"]


def is_real_expression(e: sympy.Expr) -> bool:
    """True when ``e`` is real for every real parameter value (no I, no roots of unknown sign)."""
    if e.has(sympy.I):
        return False
    for p in e.atoms(sympy.Pow):
        if not p.exp.is_integer:
            base = p.base
            if not (base.is_nonnegative):
                return False
    return True


#: what :func:`within_ranges` says when the declared ranges decide a condition
ALWAYS, NEVER = "always holds", "never holds"


def within_ranges(condition, ranges: dict) -> tuple:
    """A stability condition simplified under the parameters' declared ranges: ``(condition, verdict)``.

    ``ranges`` maps a parameter symbol to ``(lo, hi)``.  Each inequality of
    the conjunction is evaluated by interval arithmetic over the box of
    ranges (sympy's ``AccumBounds``: an enclosure, so what it decides is
    decided for every value in the ranges): one that holds on the whole box
    is dropped, one that fails on the whole box makes the condition false
    (verdict :data:`NEVER`); when every part is dropped the verdict is
    :data:`ALWAYS`.  An inequality with a parameter without a declared range
    (or the strength of a mechanism) is kept as it is; so is one the interval
    arithmetic cannot decide.
    """
    if condition is sympy.true or condition is sympy.false:   # decided already, whatever the ranges
        return condition, None
    parts = list(condition.args) if isinstance(condition, sympy.And) else [condition]
    kept = []
    for part in parts:
        decided = _decided(part, ranges)
        if decided is False:
            return sympy.false, NEVER
        if decided is None:
            kept.append(part)
    if not kept:
        return sympy.true, ALWAYS
    return sympy.And(*kept), None


def _decided(part, ranges: dict):
    """True / False when ``part`` holds / fails for every value in the ranges, else None."""
    if not isinstance(part, sympy.core.relational.Relational):
        return None
    diff = part.lhs - part.rhs
    if not diff.free_symbols or not diff.free_symbols <= set(ranges):
        return None
    bounds = {s: sympy.AccumBounds(*ranges[s]) for s in diff.free_symbols}
    try:
        value = diff.subs(bounds)
        verdict = type(part)(value, 0)
    except (TypeError, ValueError, NotImplementedError, ZeroDivisionError):
        return None
    if verdict is sympy.true:
        return True
    if verdict is sympy.false:
        return False
    return None


def sign_in_ranges(expr, ranges: dict) -> str | None:
    """The sign of ``expr`` for every value in the box of declared ranges, by interval arithmetic.

    ``"+"`` / ``"-"``: positive / negative everywhere in the box; ``">= 0"`` /
    ``"<= 0"``: never negative / never positive (zero somewhere possible);
    None: the enclosure (sympy's ``AccumBounds``) does not decide, a parameter
    has no declared range, or the expression is not real for every value
    (a square root of an expression of unknown sign).
    """
    if not is_real_expression(expr) or not expr.free_symbols or not expr.free_symbols <= set(ranges):
        return None
    try:
        value = expr.subs({s: sympy.AccumBounds(*ranges[s]) for s in expr.free_symbols})
    except (TypeError, ValueError, NotImplementedError, ZeroDivisionError):
        return None
    lo, hi = (value.min, value.max) if isinstance(value, sympy.AccumBounds) else (value, value)
    if not (lo.is_comparable and hi.is_comparable):
        return None
    if lo > 0:
        return "+"
    if hi < 0:
        return "-"
    if lo >= 0:
        return ">= 0"
    if hi <= 0:
        return "<= 0"
    return None
