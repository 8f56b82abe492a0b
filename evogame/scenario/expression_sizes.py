"""Sizes of expressions, measured without computing them: the guards of the expression parser.

The whitelist parser (:mod:`evogame.scenario.expressions`) refuses, before sympy does
the work, expressions whose numbers or trees would be too large: these
functions measure digits, nodes and nesting (and evaluate bounded real
numbers) for it.
"""
from __future__ import annotations

import math

import mpmath
import sympy

#: a sum of more terms than this is refused (and its binomial sizes are not computed)
MAX_SUM_TERMS = 1000
#: functions whose nesting is limited
NESTING = (sympy.exp, sympy.log, sympy.Abs, sympy.Min, sympy.Max, sympy.binomial)


def show(value: sympy.Basic) -> str:
    """A short, one-line rendering of an expression for error messages."""
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:57] + "..."


def log10_binomial(n: int, m: int) -> float:
    """log10 of binomial(n, m) for 0 <= m <= n/2 (0 when m <= 0)."""
    if m <= 0:
        return 0.0
    if m > MAX_SUM_TERMS:          # at least 2**m
        return math.inf
    if n < 2 ** 52:
        return (math.lgamma(n + 1) - math.lgamma(m + 1) - math.lgamma(n - m + 1)) / math.log(10)
    return sum(math.log10(n - i) - math.log10(i + 1) for i in range(m))


def nodes(value: sympy.Basic, limit: int) -> int:
    """Number of nodes of an expression tree, counting stops past ``limit``."""
    count, stack = 0, [value]
    while stack and count <= limit:
        count += 1
        stack.extend(stack.pop().args)
    return count


def nesting(value: sympy.Expr) -> int:
    """How deeply functions and non-integer powers are nested in ``value``."""
    if value.is_Atom:
        return 0
    inner = max(nesting(arg) for arg in value.args)
    nested = isinstance(value, NESTING) or (value.is_Pow and not value.exp.is_Integer)
    return inner + 1 if nested else inner


def to_float(value: sympy.Expr) -> float:
    """Return the value of a number as a float (inf when too large)."""
    if value.is_Rational:
        try:
            return int(value.p) / int(value.q)
        except OverflowError:
            return math.inf if value > 0 else -math.inf
    return float(mpmath.mpmathify(value(value)))


def value(value: sympy.Expr) -> sympy.Expr:
    """A real number, evaluated (safe: every number built here is real and bounded)."""
    if value.is_Rational:
        return value
    number = value.evalf(20)
    if not number.is_Number:
        raise ValueError(f"{value} is not a real number")
    return number


def log10_abs(value: sympy.Expr) -> float:
    """log10 of the magnitude of a number (-inf for zero)."""
    if value.is_Rational:
        if value == 0:
            return -math.inf
        return math.log10(abs(int(value.p))) - math.log10(int(value.q))
    magnitude = sympy.Abs(value.evalf(20))
    if not magnitude.is_Number:
        raise ValueError(f"cannot evaluate {value}")
    return -math.inf if magnitude == 0 else float(mpmath.log10(mpmath.mpf(magnitude._mpf_)))


def size(value: sympy.Expr) -> float:
    """Digits of the largest number a power of ``value`` would compute."""
    if value.is_Rational:
        return math.log10(max(abs(int(value.p)), int(value.q)))
    if value.is_Mul:
        return sum(size(arg) for arg in value.args)
    if value.is_Pow and value.exp.is_Rational:
        return size(value.base) * abs(to_float(value.exp))
    return 0.0
