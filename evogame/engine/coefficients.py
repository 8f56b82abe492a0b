"""Payoff coefficients that are not rational in the parameters, as symbols of their own.

Perceived payoffs (:mod:`evogame.perception`) carry powers with symbolic or
fractional exponents (``P**beta``, ``S**alpha``, the weight
``d**g/(d**g + (1 - d)**g)**(1/g)``), ``Piecewise`` values where a term's sign
can change, and, once the other parameters are set to their exact defaults,
algebraic numbers such as ``2**(3/25)*5**(22/25)``.  The rest-point equations
are still polynomial in the *state*: only their coefficients depend on the
parameters through these expressions.  sympy solves a face in a blink with a
generic symbol in place of each such coefficient, but with the algebraic
numbers themselves it can exhaust its budget on a pair of linear equations
(and the parametric engine then analyses the grid point by point).

:class:`Coefficients` replaces every maximal state-free subexpression that is
not rational in the parameters (a power whose exponent is not an integer, a
``Piecewise``, a function such as ``exp``) by a fresh real symbol ``k_i``
(a ``Dummy``: never one of the game's parameters).  Each ``k_i`` is
compiled on its own as a function of the swept parameters (numpy;
``Piecewise`` through ``numpy.select``, so a kink inside the grid is
evaluated on the correct side at every point) and the formulas in ``k`` are
composed with it: :meth:`Coefficients.compose` gives callables of the swept
parameters alone, the signature of the engine's other compiled functions.
"""
from __future__ import annotations

from typing import Callable, Iterable, Sequence

import numpy as np
import sympy

__all__ = ["Coefficients"]


def _opaque(expr: sympy.Expr) -> bool:
    """Not a rational function of its symbols with rational coefficients."""
    if isinstance(expr, sympy.Pow):
        return not expr.exp.is_Integer
    return bool(expr.is_Function)   # Piecewise, exp, Abs, Max...


class Coefficients:
    """The opaque coefficients of a set of expressions, each a fresh real symbol.

    Parameters
    ----------
    exprs : the expressions (payoffs, Jacobian entries), in the state ``variables`` and the parameters.
    variables : the state symbols: a subexpression that contains one is never replaced.
    swept : the swept parameters' symbols, the arguments of the composed callables.

    Attributes
    ----------
    symbols : the fresh symbols ``k_0, k_1, ...`` (empty when every coefficient is rational).
    exprs : what each stands for, in ``swept`` only.
    """

    def __init__(self, exprs: Iterable[sympy.Expr], variables: Iterable[sympy.Symbol],
                 swept: Sequence[sympy.Symbol]):
        self.swept = list(swept)
        state = set(variables)
        self._forward: dict = {}
        for e in exprs:
            self._collect(sympy.sympify(e), state)
        self.exprs = list(self._forward)
        self.symbols = list(self._forward.values())
        self._back = {s: e for e, s in self._forward.items()}
        self._values = sympy.lambdify(self.swept, self.exprs, modules="numpy") if self.exprs else None

    def _collect(self, expr, state) -> None:
        if not expr.args:
            return
        if _opaque(expr) and not (expr.free_symbols & state):
            if expr not in self._forward:
                self._forward[expr] = sympy.Dummy(f"k_{len(self._forward)}", real=True)  # never a parameter's name
            return
        for a in expr.args:
            self._collect(a, state)

    def __bool__(self) -> bool:
        return bool(self.symbols)

    def abstract(self, expr):
        """``expr`` with every opaque coefficient replaced by its symbol (a Matrix or an expression)."""
        return expr.xreplace(self._forward) if self._forward else expr

    def restore(self, expr):
        """The inverse of :meth:`abstract`: the coefficients written out in the parameters again."""
        return expr.xreplace(self._back) if self._back else expr

    def at(self, values: dict) -> dict:
        """``{k_i: exact value}`` of the coefficients at exact parameter values ``{symbol: value}``."""
        return {s: e.xreplace(values) for e, s in self._forward.items()}

    def values(self, args: Sequence) -> list:
        """The coefficients evaluated on (broadcast) arrays of the swept parameters, real floats."""
        if self._values is None:
            return []
        with np.errstate(all="ignore"):   # the parameters are real even where the engine computes in C
            return [np.asarray(v, dtype=float) for v in self._values(*[np.real(a) for a in args])]

    def compose(self, fn: Callable, lead: int = 0) -> Callable:
        """``fn`` compiled in ``(*lead arguments, *swept, *k)``, as a callable of ``(*lead, *swept)``."""
        if not self.symbols:
            return fn

        def composed(*args):
            return fn(*args, *self.values(args[lead:]))
        return composed
