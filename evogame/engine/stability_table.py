"""The stability table of the papers: one row per equilibrium, its eigenvalues, their signs, the conclusion.

Papers in the field print, after the equilibrium points, a table with one
row per equilibrium ``E1, E2, ...``: the Jacobian's eigenvalues
``lambda_1 ... lambda_d`` as expressions in the parameters, the sign of each
(at the chosen values; where the declared parameter ranges decide it, for
every value in them), and the conclusion ("ESS", "saddle", "unstable
source", "ESS if ..." with the condition).  :func:`stability_table` builds it
from an analysis with symbolic rest points (``analyze(..., symbolic=True)``):

* the rows follow the E-numbers of the rest-point table (corners first);
  symbolic rest points that do not exist at the values come after them,
  with the reason (a share outside ``(0, 1)``, or not real);
* a sign at the values is the sign of the real part of the symbolic
  eigenvalue evaluated exactly there (60 digits; ``0`` when the real part is
  zero to 1e-30 relative), so the signs are those of the engine's eigenvalues;
* a sign under the ranges comes from interval arithmetic over the box of
  declared ranges (:func:`evogame.solvers.stability.sign_in_ranges`): ``+`` / ``-``
  strictly everywhere, ``>= 0`` / ``<= 0`` when zero is reached on the
  boundary only, undecided otherwise;
* the conclusion names the engine's classes (``"ESS"`` for an
  asymptotically stable pure point, the engine's words for a mixed one) and
  gives the stability condition where the ranges do not decide it.

Long eigenvalue expressions get short names ``A_1, A_2, ...`` (their
negations ``-A_k``) defined under the table, so that the table fits the page.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field

import numpy as np
import sympy

from ..solvers import stability as st
from ..game.faces import face_label, full_state
from ..util.formatting import number

__all__ = ["StabilityRow", "StabilityTable", "stability_table", "conclusion_class", "ESS",
           "LONG_EXPRESSION"]

#: what the papers call an asymptotically stable pure equilibrium
ESS = "ESS"
#: an eigenvalue (or condition) longer than this many characters (``sympy.sstr``) gets a short name
LONG_EXPRESSION = 22
#: a real part this small relative to the eigenvalue's size counts as zero (60-digit evaluation)
ZERO_RELATIVE = 1e-30


@dataclass(frozen=True)
class StabilityRow:
    """One equilibrium of the stability table.

    Attributes
    ----------
    name, label : ``E1`` and ``(strict, active)`` (the face for a point that does not exist at the values).
    pure : whether the point is a pure profile.
    eigenvalues : the symbolic eigenvalues (sympy, with multiplicity), or None when not derived.
    signs : per eigenvalue, the sign of its real part at the values (``"+"``, ``"-"``, ``"0"``);
        None where the point does not exist there.
    signs_in_ranges : per eigenvalue, ``"+"``, ``"-"``, ``">= 0"``, ``"<= 0"`` or None (undecided) for
        every value in the declared ranges; empty without ranges.
    classification : the engine's class at the values (``stability.CLASSES``), None when absent there.
    conclusion : the general conclusion (a class, ``"ESS if ..."``, ``"never ..."``) as text.
    kind : what the conclusion says, for the renderers' words: ``"class"`` (a class that holds wherever
        the point exists in the ranges, or at the values when no symbolic form was derived), ``"if"``
        (stable iff ``condition``), ``"never"``, ``"never in ranges"``, ``"zero trace"`` (never: the
        eigenvalues within its face sum to zero) or ``"unstable in ranges"``.
    condition : the stability condition within the declared ranges (sympy), where it decides the conclusion.
    absent : why the point is not a rest point in the state space at the values ("" when it is).
    """

    name: str
    label: str
    pure: bool
    eigenvalues: tuple | None
    signs: tuple | None
    signs_in_ranges: tuple
    classification: str | None
    conclusion: str
    kind: str = "class"
    condition: object = None
    absent: str = ""

    def to_dict(self) -> dict:
        return {"name": self.name, "label": self.label, "pure": self.pure,
                "eigenvalues": None if self.eigenvalues is None else [sympy.sstr(e) for e in self.eigenvalues],
                "signs_at_values": None if self.signs is None else list(self.signs),
                "signs_in_ranges": list(self.signs_in_ranges),
                "classification_at_values": self.classification, "conclusion": self.conclusion,
                "conclusion_kind": self.kind,
                "condition": None if self.condition is None else sympy.sstr(self.condition),
                "absent_at_values": self.absent or None}


@dataclass(frozen=True)
class StabilityTable:
    """The rows in E order and the short names of long expressions (``A_1 -> expression``)."""

    rows: tuple
    dimension: int
    names: dict = field(default_factory=dict)
    has_ranges: bool = False

    def to_dict(self) -> dict:
        return {"rows": [r.to_dict() for r in self.rows],
                "names": {str(k): sympy.sstr(v) for k, v in self.names.items()}}

    def short(self, expr):
        """``expr`` with its short name (``A_k`` or ``-A_k``) where it has one."""
        for name, long in self.names.items():
            if _same(expr, long):
                return name
            if _same(expr, -long):
                return -name
        return expr

    def short_condition(self, condition):
        """A condition (a conjunction of inequalities) with long sides replaced by their short names."""
        if condition is None or condition in (sympy.true, sympy.false):
            return condition
        parts = condition.args if isinstance(condition, sympy.And) else (condition,)
        out = [_positive_side(type(p)(self.short(p.lhs), self.short(p.rhs)))
               if isinstance(p, sympy.core.relational.Relational) else p for p in parts]
        return sympy.And(*out, evaluate=False) if len(out) > 1 else out[0]


def _positive_side(relation):
    """``-A < 0`` as ``A > 0``: an inequality with zero on the right, written without a leading minus."""
    lhs, rhs = relation.lhs, relation.rhs
    if rhs == 0 and lhs.could_extract_minus_sign():
        return _flipped(relation)(-lhs, 0)
    return relation


_FLIP = {sympy.StrictLessThan: sympy.StrictGreaterThan, sympy.StrictGreaterThan: sympy.StrictLessThan,
         sympy.LessThan: sympy.GreaterThan, sympy.GreaterThan: sympy.LessThan}


def _flipped(relation):
    return _FLIP.get(type(relation), type(relation))


def _same(a, b) -> bool:
    """Whether two expressions are equal: structurally, or by their values at two fixed generic points.

    (Two rational functions -- or square roots of them -- that agree at generic points are equal; the
    values take microseconds where expanding the difference takes seconds.)"""
    if a == b:
        return True
    fa, fb = _fingerprint(a), _fingerprint(b)
    return fa is not None and fb is not None and all(abs(x - y) <= 1e-12 * max(1.0, abs(x)) for x, y in zip(fa, fb))


@functools.lru_cache(maxsize=4096)
def _fingerprint(expr):
    """The values of ``expr`` at two generic points of its parameters (None when undefined there).

    Each parameter's value depends on its name only, so that every expression is evaluated at the same points.
    """
    try:
        # evalf with subs: numeric throughout (exact rationals under a square root would be factored as integers)
        return tuple(complex(expr.evalf(30, subs={s: sympy.Float(_generic_value(str(s), j), 30)
                                                  for s in expr.free_symbols}))
                     for j in range(2))
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def _generic_value(name: str, j: int) -> sympy.Rational:
    """A generic value of the parameter ``name`` (the ``j``-th point): from a hash of the name, so that every
    expression is evaluated at the same point."""
    digest = hashlib.sha256(f"{name}/{j}".encode()).digest()
    return sympy.Rational(1000 + int.from_bytes(digest[:4], "big") % 100_003, 9973)


def conclusion_class(classification: str, pure: bool) -> str:
    """The engine's class as the table says it: ``"ESS"`` for an asymptotically stable pure point."""
    return ESS if pure and classification == st.ASYMPTOTICALLY_STABLE else classification


# -- building -------------------------------------------------------------------------------------

def stability_table(analysis) -> StabilityTable:
    """The stability table of an analysis with symbolic rest points (``analyze(..., symbolic=True)``).

    Rest points without a symbolic counterpart keep their row, with their
    numeric signs and class; symbolic points that do not exist at the values
    come after the others, in E order, with the reason.
    """
    game = analysis.game
    ranges = {p.symbol: tuple(sympy.nsimplify(v) for v in p.range) for p in game.parameters.values()
              if p.range is not None}
    exact = {game.parameters[n].symbol: sympy.nsimplify(v) for n, v in analysis.values.items()}
    symbolic = {s.get("name"): s for s in analysis.symbolic_rest_points or ()}
    rows = []
    for point in analysis.rest_points:
        sp = symbolic.pop(point.name, None)
        rows.append(_row(game, point, sp, exact, ranges))
    for sp in sorted(symbolic.values(), key=lambda s: _number(s.get("name", ""))):
        rows.append(_row(game, None, sp, exact, ranges))
    table = StabilityTable(tuple(rows), game.dimension, {}, bool(ranges))
    return _with_short_names(table)


def _number(name: str) -> int:
    return int(name[1:]) if name[1:].isdigit() else 10 ** 6


def _row(game, point, sp, exact, ranges) -> StabilityRow:
    """One row: from the numeric point (None when absent at the values) and its symbolic counterpart."""
    support = point.support if point is not None else sp["support"]
    pure = all(len(S) == 1 for S in support)
    eigenvalues = None if sp is None or sp.get("eigenvalues") is None else tuple(sp["eigenvalues"])
    in_ranges = tuple(st.sign_in_ranges(e, ranges) for e in eigenvalues) if eigenvalues and ranges else ()
    if point is None:
        name, label = sp.get("name", ""), face_label(game, support)
        signs, cls, absent = None, None, _absent_reason(game, sp, exact)
    else:
        name, label, cls, absent = point.name, point.label, point.classification, ""
        signs = (tuple(_sign_at(e, exact) for e in eigenvalues) if eigenvalues is not None
                 else tuple(_numeric_sign(e, point.tolerance) for e in point.eigenvalues))
    kind, conclusion, condition = _conclusion(sp, pure, in_ranges, cls)
    return StabilityRow(name, label, pure, eigenvalues, signs, in_ranges, cls, conclusion, kind, condition, absent)


def _sign_at(expr, exact) -> str:
    """The sign of the real part of ``expr`` at the exact values (60 digits; tiny real parts are 0)."""
    value = complex(sympy.N(expr.xreplace(exact), 60))
    if not np.isfinite(value):
        return "?"
    if abs(value.real) <= ZERO_RELATIVE * max(1.0, abs(value)):
        return "0"
    return "+" if value.real > 0 else "-"


def _numeric_sign(eigenvalue: complex, tolerance: float) -> str:
    re = float(np.real(eigenvalue))
    return "0" if abs(re) <= tolerance else ("+" if re > 0 else "-")


def _conclusion(sp, pure: bool, in_ranges: tuple, cls) -> tuple[str, str, object]:
    """``(kind, conclusion, condition)``: the general conclusion, and the condition it states for ``"if"``."""
    stable = ESS if pure else st.ASYMPTOTICALLY_STABLE
    if sp is None:
        return ("class", conclusion_class(cls, pure), None) if cls else ("never", "not derived", None)
    if in_ranges and "+" in in_ranges:
        # an eigenvalue positive on the whole box: unstable wherever the point exists (Lyapunov)
        if all(s == "+" for s in in_ranges):
            return "class", st.UNSTABLE_SOURCE, None
        if "-" in in_ranges and all(s in ("+", "-") for s in in_ranges):
            return "class", st.SADDLE, None
        return "unstable in ranges", "unstable in the declared ranges", None
    condition, verdict = sp["condition"], sp.get("verdict")
    if sp.get("criterion") == "zero trace":
        return ("zero trace", "never asymptotically stable (the eigenvalues within its face sum to zero)",
                None)
    if verdict == st.NEVER:
        return "never in ranges", f"never {stable} in the declared ranges", None
    if condition is sympy.false:
        return "never", f"never {stable}", None
    if condition is sympy.true or verdict == st.ALWAYS:
        return "class", stable, None
    return "if", f"{stable} if", sp.get("condition_in_ranges", condition)


def _absent_reason(game, sp, exact) -> str:
    """Why a symbolic rest point is not in the state space at the values, in words."""
    try:
        state = [complex(sympy.N(v.xreplace(exact), 30)) for v in sp["state"]]
    except (TypeError, ZeroDivisionError, ValueError):
        return "its coordinates are not defined at the values"
    if not all(np.isfinite(v) for v in state):
        return "its coordinates are not defined at the values (a division by zero)"
    if any(abs(v.imag) > 1e-12 for v in state):
        return "its coordinates are not real at the values"
    shares = full_state(game, np.array([v.real for v in state]))
    # a share above 1 means another below 0: the negative ones say it
    outside = [f"the share of {pop.name} playing {pop.strategies[i]} would be {number(vec[i], 4)}"
               for pop, S, vec in zip(game.populations, sp["support"], shares) for i in S
               if len(S) > 1 and vec[i] <= 0]
    if not outside:
        return "a share would be 0 or 1 at the values: the point lies on a smaller face"
    return "; ".join(outside) + " (a share lies between 0 and 1)"


def _with_short_names(table: StabilityTable) -> StabilityTable:
    """Name every long eigenvalue expression ``A_k`` (a negation of a named one is ``-A_k``)."""
    names: dict = {}
    for row in table.rows:
        for e in row.eigenvalues or ():
            if len(sympy.sstr(e)) <= LONG_EXPRESSION or _named(names, e):
                continue
            names[sympy.Symbol(f"A_{len(names) + 1}")] = e
    return StabilityTable(table.rows, table.dimension, names, table.has_ranges)


def _named(names: dict, expr) -> bool:
    return any(_same(expr, v) or _same(expr, -v) for v in names.values())
