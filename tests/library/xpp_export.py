"""A dynamics' vector field as an XPPAUT ``.ode`` model, and AUTO (xpplab) runs on it: the independent baseline
of the continuation tests (tests/library/test_continuation_xpplab.py) and of benchmarks/continuation.py.

xpplab (GPL-2.0-or-later: XPPAUT 8's own C code, AUTO among it) is an optional test dependency (the
``baselines`` extra); evogame never imports it.  This module imports it only inside :func:`auto_model`.

The export is plain text: sympy's expressions printed in XPP's syntax (``^`` for powers, ``ln`` for the natural
logarithm), common subexpressions as XPP's fixed quantities (``s1 = ...``, evaluated before the equations) so
that no formula line grows long, every parameter of the dynamics as a ``par`` (the continued one included) and
the state variables with an initial value at a rest point.  XPP's names ignore case, so ``r`` and ``R`` (both in
``scenarios/tripartite_sharing.toml``) would collide: every name is replaced by a short neutral one (``x1``...,
``p1``..., ``s1``...), and :class:`OdeModel` keeps the translation.
"""
from __future__ import annotations

import itertools
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import sympy
from sympy.printing.str import StrPrinter

__all__ = ["OdeModel", "ode_model", "auto_model", "auto_branch", "hopf_points", "cycle_branch", "fold_points",
           "two_parameter_curve", "value_at"]

#: XPPAUT reads a line into a fixed buffer: a 979-character equation loads, a 1024-character one fails to compile
#: ("parentheses don't match", measured with xpplab 0.1.2); the fixed quantities keep lines far shorter
MAX_LINE = 900


class _XppPrinter(StrPrinter):
    """sympy's ``str`` printer with XPP's operators and exact numbers in full precision."""

    def _print_Pow(self, expr):
        if expr.exp == sympy.S.Half:
            return f"sqrt({self._print(expr.base)})"
        return f"({self._print(expr.base)})^({self._print(expr.exp)})"

    def _print_Rational(self, expr):
        return f"({expr.p}/{expr.q})" if expr.q != 1 else str(expr.p)

    def _print_Float(self, expr):
        return repr(float(expr))

    def _print_log(self, expr):
        return f"ln({self._print(expr.args[0])})"

    def _print_Abs(self, expr):
        return f"abs({self._print(expr.args[0])})"


@dataclass(frozen=True)
class OdeModel:
    """The text of an ``.ode`` file and the translation of evogame's names into its names.

    Attributes
    ----------
    text : the file's text.
    variables : evogame's state variable -> its XPP name, in the dynamics' order.
    parameters : evogame's parameter name -> its XPP name.
    """

    text: str
    variables: dict
    parameters: dict


def ode_model(dynamics, values: Mapping, state: Sequence[float], title: str = "evogame dynamics") -> OdeModel:
    """The ``.ode`` model of ``dynamics.vector_field`` with the parameters at ``values`` and the state at ``state``.

    Parameters
    ----------
    dynamics : an evogame Dynamics (``variables``, ``parameters``, symbolic ``vector_field``) or a PlainField-like
        object with the same three attributes.
    values : every parameter's value (name -> number).
    state : the initial value of each state variable (a rest point, where AUTO starts).
    """
    variables = {str(v): f"x{i}" for i, v in enumerate(dynamics.variables, start=1)}
    parameters = {str(p): f"p{i}" for i, p in enumerate(dynamics.parameters, start=1)}
    rename = {v: sympy.Symbol(variables[str(v)]) for v in dynamics.variables}
    rename.update({p: sympy.Symbol(parameters[str(p)]) for p in dynamics.parameters})
    field = [sympy.sympify(f).xreplace(rename) for f in dynamics.vector_field]
    fixed, reduced = sympy.cse(field, symbols=sympy.numbered_symbols("s", start=1), optimizations="basic")
    printer = _XppPrinter()
    lines = [f"# {title} (exported by tests/library/xpp_export.py)"]
    lines += [f"{name} = {printer.doprint(expr)}" for name, expr in fixed]
    lines += [f"{name}' = {printer.doprint(expr)}" for name, expr in zip(variables.values(), reduced)]
    lines += [f"par {xpp}={float(values[name])!r}" for name, xpp in parameters.items()]
    lines += [f"init {xpp}={float(x)!r}" for xpp, x in zip(variables.values(), state)]
    lines.append("done")
    too_long = [line for line in lines if len(line) > MAX_LINE]
    if too_long:
        raise ValueError(f"a line of {len(too_long[0])} characters: XPP would truncate it")
    return OdeModel("\n".join(lines) + "\n", variables, parameters)


#: AUTO's settings for every run: tight Newton tolerances, special points located to 1e-10
SETTINGS = dict(epsl=1e-10, epsu=1e-10, epss=1e-10, dsmin=1e-6, ds=0.01, dsmax=0.05, nmax=2000, npr=1000)


#: the .ode files of this process, in one directory removed at exit (xpplab runs the engine in the model file's
#: directory, which must outlive the model; its ``Model.from_text`` would leave one directory per model behind)
_FILES = tempfile.TemporaryDirectory(prefix="evogame-xpp-")
_COUNT = itertools.count(1)


def auto_model(dynamics, values: Mapping, state: Sequence[float], title: str = "evogame dynamics"):
    """An xpplab Model of the exported field, and the :class:`OdeModel` (for the names)."""
    import xpplab

    ode = ode_model(dynamics, values, state, title)
    path = Path(_FILES.name) / f"evogame{next(_COUNT)}.ode"
    path.write_text(ode.text)
    return xpplab.Model(path), ode


def auto_branch(model, ode: OdeModel, parameter: str, interval, settings: Mapping | None = None):
    """AUTO's branch of rest points through the model's initial state (Newton-polished), in ``interval`` of the
    continued parameter, from the start value towards the interval's other end: an xpplab Diagram."""
    lo, hi = sorted(float(v) for v in interval)
    start = float(model.parameters[ode.parameters[parameter]])
    step = SETTINGS["ds"] if start < hi else -SETTINGS["ds"]
    model.auto.set(**{**SETTINGS, "parmin": lo, "parmax": hi, "ds": step, **(settings or {})})
    return model.auto.equilibria(ode.parameters[parameter])


def hopf_points(model, ode: OdeModel, parameter: str, interval, settings: Mapping | None = None) -> list:
    """AUTO's Hopf points (``HB``) on the branch of rest points through the model's initial state, as
    xpplab Points (``.value`` the parameter), in ``interval`` of the continued parameter."""
    return auto_branch(model, ode, parameter, interval, settings).special("HB")


def fold_points(model, ode: OdeModel, parameter: str, interval, settings: Mapping | None = None) -> list:
    """AUTO's folds (``LP``) on the branch of rest points through the model's initial state."""
    return auto_branch(model, ode, parameter, interval, settings).special("LP")


def cycle_branch(model, hopf, settings: Mapping | None = None) -> tuple[np.ndarray, np.ndarray, list]:
    """AUTO's periodic orbits continued from the Hopf point ``hopf``: ``(parameters, periods, points)``, the
    points of the branch in AUTO's order (the Hopf point itself first)."""
    orbits = model.auto.continue_from(hopf, "periodic", **{"ntst": 40, **(settings or {})})
    points = [p for p in orbits if p.periodic]
    return (np.array([p.value for p in points]), np.array([p.period for p in points]), points)


def two_parameter_curve(model, ode: OdeModel, point, second: str, window, settings: Mapping | None = None):
    """AUTO's curve of Hopf points or folds through ``point`` (an ``HB`` or ``LP``) in the continued parameter and
    ``second``: the stretch through ``point`` while ``second`` stays in ``window``, followed both ways (AUTO goes
    one way per run), as an array of ``(first, second)`` rows sorted by ``second``."""
    lo, hi = window
    rows = []
    for direction in (1.0, -1.0):
        run = model.auto.continue_from(point, "two-parameter", second=ode.parameters[second],
                                       **{"ds": 0.01 * direction, "dsmax": 0.01, "nmax": 400, **(settings or {})})
        for p in run:
            if not p.two_parameter:
                continue
            if not lo <= p.value2 <= hi:
                break
            rows.append((p.value, p.value2))
    return np.array(sorted(set(rows), key=lambda r: r[1]))


def value_at(abscissae: np.ndarray, ordinates: np.ndarray, x: float) -> float:
    """The ordinate at ``x`` on a curve AUTO computed (a period against the parameter, a second parameter against
    the first): the cubic through its four points nearest ``x``, on a stretch where the abscissa is monotone."""
    abscissae, ordinates = np.asarray(abscissae, dtype=float), np.asarray(ordinates, dtype=float)
    k = int(np.argmin(np.abs(abscissae - x)))
    window = slice(max(0, k - 2), min(len(abscissae), k + 2))
    a, o = abscissae[window], ordinates[window]
    if not (np.all(np.diff(a) > 0) or np.all(np.diff(a) < 0)):
        raise ValueError(f"AUTO's curve turns near {x}: no single value there")
    if not min(a) <= x <= max(a):
        raise ValueError(f"{x} is outside AUTO's curve")
    return float(np.polyval(np.polyfit(a - x, o, len(a) - 1), 0.0))
