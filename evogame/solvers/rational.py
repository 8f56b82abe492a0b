"""Exact arithmetic without sympy: rational expressions compiled to ``fractions.Fraction`` code.

Substituting numbers into a sympy matrix rebuilds every expression tree; at a
rational point the same value is a few hundred Fraction operations.
:func:`fraction_function` compiles expressions built only from ``+``, ``*``,
integer powers, symbols and rational numbers (every payoff table of a matrix
game, every replicator Jacobian of one) to a Python function that evaluates
them exactly on Fractions; anything else (``exp``, a float, ``sqrt``) is
refused with None, and the caller keeps sympy.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Sequence

import sympy
from sympy.printing.pycode import PythonCodePrinter

__all__ = ["fraction_function", "is_rational_expression", "to_fraction", "to_sympy"]


class _FractionPrinter(PythonCodePrinter):
    """Python code whose rational constants are Fractions (``3/10`` would be a float)."""

    def _print_Rational(self, expr):
        return f"Fraction({expr.p}, {expr.q})"

    def _print_Integer(self, expr):
        return str(expr.p)

    def _print_Half(self, expr):
        return "Fraction(1, 2)"


_ALLOWED = (sympy.Add, sympy.Mul, sympy.Symbol, sympy.Rational)


def is_rational_expression(expr: sympy.Expr) -> bool:
    """Whether ``expr`` is built from ``+``, ``*``, integer powers, symbols and rational numbers only."""
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Pow):
            if not node.exp.is_Integer:
                return False
        elif not isinstance(node, _ALLOWED):
            return False
    return True


def fraction_function(exprs: Sequence[sympy.Expr], symbols: Sequence[sympy.Symbol]):
    """``f(*values) -> list of Fractions``: the expressions evaluated exactly; None if one is not rational.

    The values must be Fractions or ints; a division by zero raises ``ZeroDivisionError``.
    """
    exprs = [sympy.sympify(e) for e in exprs]
    if not all(is_rational_expression(e) for e in exprs):
        return None
    return sympy.lambdify(list(symbols), list(exprs), modules=[{"Fraction": Fraction}],
                          printer=_FractionPrinter, cse=len(exprs) > 1)


def to_fraction(value) -> Fraction | None:
    """A sympy (or Python) number as a Fraction; None when it is not rational."""
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    value = sympy.sympify(value)
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    return None


def to_sympy(value: Fraction) -> sympy.Rational:
    return sympy.Rational(value.numerator, value.denominator)
