"""sympy expressions -> JavaScript functions, with sympy's JavaScript code printer.

The page computes from the engine's own expressions: the vector field, its Jacobian, each face's rest-point
equations and closed forms are printed by :func:`sympy.printing.jscode` after common-subexpression
elimination, as functions of the reduced state ``z`` (an array), the face's unknowns ``u`` and the parameter
vector ``p`` (the order of :attr:`Dynamics.parameters`).  No maths is written by hand per game.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import sympy
from sympy.printing.jscode import JavascriptCodePrinter

__all__ = ["js_function", "array_symbols"]


class _Printer(JavascriptCodePrinter):
    """sympy's printer with small integer powers as products (``Math.pow`` is slow in a hot loop)."""

    def _print_Pow(self, expr):
        if expr.exp.is_Integer and 2 <= int(expr.exp) <= 4:
            return "(" + "*".join([f"({self._print(expr.base)})"] * int(expr.exp)) + ")"
        if expr.exp.is_Integer and -4 <= int(expr.exp) <= -1:
            return "(1/(" + "*".join([f"({self._print(expr.base)})"] * -int(expr.exp)) + "))"
        return super()._print_Pow(expr)

    def _print_Rational(self, expr):
        return f"({int(expr.p)}/{int(expr.q)})"

    def _print_Integer(self, expr):
        return str(int(expr))


_PRINTER = _Printer({"strict": False})


def array_symbols(symbols: Sequence[sympy.Symbol], array: str) -> dict:
    """``{symbol: Symbol("array[i]")}``: each symbol becomes an element of a JavaScript array."""
    return {s: sympy.Symbol(f"{array}[{i}]") for i, s in enumerate(symbols)}


def js_function(arguments: Sequence[str], exprs: Sequence[sympy.Expr], names: Mapping) -> str:
    """A JavaScript function expression ``function(args) { ...; return [e1, e2, ...]; }``.

    Parameters
    ----------
    arguments : the JavaScript argument names (e.g. ``["z", "p"]``).
    exprs : the expressions returned, in order (an array).
    names : symbol -> its JavaScript spelling (:func:`array_symbols`); every free symbol must be in it.
    """
    exprs = [sympy.sympify(e).xreplace(dict(names)) for e in exprs]
    temps, reduced = sympy.cse(exprs, symbols=sympy.numbered_symbols("t")) \
        if exprs else ([], [])
    body = [f"const {t} = {_PRINTER.doprint(e)};" for t, e in temps]
    body.append("return [" + ", ".join(_PRINTER.doprint(e) for e in reduced) + "];")
    return f"function({', '.join(arguments)}) {{ " + " ".join(body) + " }"
