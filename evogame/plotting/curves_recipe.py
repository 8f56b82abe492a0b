"""The two-parameter diagram's recipe: the fold and Hopf curves continued in two parameters and the regime map
behind them (re-exported by :mod:`evogame.plotting.recipes`), and where a report draws it.

A report draws it for each focus mechanism whose continuation in its strength (over [0, 1], shared with the
bifurcation figure) meets a fold or a Hopf point: the strength across, a parameter of the report's regime map
up.  Elsewhere it says why it is absent.
"""
from __future__ import annotations

import weakref
from typing import Mapping, Sequence

import numpy as np

from ..errors import AnalysisError, EvogameError, ScenarioError
from ..game.model import Game
from ..scenario import Scenario, as_scenario
from .curves import curve_diagram, curves_caption

__all__ = ["curves_figure", "strength_run", "report_curves", "CURVE_STARTS", "REPORT_CURVES_GRID"]

#: the one-parameter special points whose curves :func:`evogame.continue_curves` continues
CURVE_STARTS = ("fold", "Hopf")
#: the report's grid of the regime map behind the curves, points per axis
REPORT_CURVES_GRID = 41
#: how to draw the figure by hand (the report's reasons end with it)
HOW = "draw one with `evogame figure curves SCENARIO --sweep strength=0:1 --sweep NAME=LO:HI -m MECHANISM`"


def curves_figure(subject: Game | Scenario, first: str, first_values, second: str, second_values,
                  mechanisms: Sequence = (), *, params: Mapping | None = None, lang: str = "en", width="single",
                  resolved=None, regime_method: str = "auto"):
    """The two-parameter diagram: the fold and Hopf curves over the regime map of the same two parameters.

    ``first`` is the parameter of the one-parameter run (or ``"strength"`` of ``mechanisms``), ``second`` a
    parameter; the curves are continued over ``[values[0], values[-1]]`` of each by
    :func:`evogame.continue_curves` (the mechanisms applied at strength 1 unless their strength is
    ``first``), the regime map is computed on the grid ``first_values x second_values`` and
    :func:`evogame.plotting.curves.curve_diagram` draws both; ``params`` are held fixed.  ``regime_method`` is
    the map's ``method`` (:func:`evogame.studies.sweeps.regime_map`; ``"vectorised"`` refuses a map that would
    be analysed cell by cell).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from ..studies.continuation.curves import continue_curves
    from ..studies.sweeps import regime_map

    if second == "strength":
        raise ScenarioError("a mechanism's strength can only be the first of the two parameters", argument="param",
                            expected="strength first (the continued parameter), then a parameter")
    scenario = as_scenario(subject)
    base = scenario.with_game(scenario.game.with_values(**(params or {})))
    x, y = np.asarray(first_values, dtype=float), np.asarray(second_values, dtype=float)
    regimes = regime_map(base, first, x, second, y, mechanisms, method=regime_method)   # the first to refuse
    curves = continue_curves(base, first, (x[0], x[-1]), second, (y[0], y[-1]), mechanism=list(mechanisms))
    return curve_diagram(curves, regimes, lang=lang, width=width, resolved=resolved)


#: the report's continuations in each mechanism's strength, by scenario (kept while the scenario lives): the
#: bifurcation and curves figures share them
_RUNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def strength_run(base: Scenario, name: str):
    """The continuation of every rest point of ``base`` in the strength of mechanism ``name`` over [0, 1],
    computed once per scenario; None for a dynamics with kinks (no Jacobian to continue with)."""
    from ..studies.continuation import continue_rest_points

    runs = _RUNS.setdefault(base, {})
    if name not in runs:
        try:
            runs[name] = continue_rest_points(base, None, (0.0, 1.0), mechanism=[name])
        except AnalysisError:
            runs[name] = None
    return runs[name]


def _meets_curve_start(base: Scenario, name: str) -> bool:
    run = strength_run(base, name)
    return run is not None and any(s.kind in CURVE_STARTS for s in run.special_points)


def report_curves(album, base: Scenario, focus, regime_axes):
    """Draw the report's two-parameter diagrams into ``album`` (or say why there is none).

    ``regime_axes()`` gives the report's regime map's ``(name, values)`` axes, or None: the second parameter
    is the first of them the mechanism sets, else the first of them.
    """
    try:
        found = [name for name in focus if _meets_curve_start(base, name)]
    except EvogameError as exc:
        album.skip("curves", str(exc))
        return
    if not found:
        why = ("no mechanism's continuation in its strength meets a fold or a Hopf point, whose curves this "
               "diagram draws" if focus else "the scenario declares no mechanism")
        album.skip("curves", f"{why} ({HOW})")
        return
    axes = regime_axes()
    if not axes:
        album.skip("curves", f"{', '.join(found)}: the report has no regime map to draw the curves over ({HOW})")
        return
    for name in found:
        sets = base.mechanisms[name].set
        second, values = next((a for a in axes if a[0] in sets), axes[0])
        try:
            # a map analysed cell by cell (numerically found rest points, no closed form in both parameters)
            # costs about 0.1 s a cell, minutes at this grid: refused, and the figure skipped
            fig = curves_figure(base, "strength", np.linspace(0.0, 1.0, REPORT_CURVES_GRID), second,
                                np.linspace(values[0], values[-1], REPORT_CURVES_GRID), [name],
                                regime_method="vectorised", **album.look)
        except AnalysisError as exc:
            album.skip("curves", f"{name}: the regime map in its strength and {second} has no vectorised "
                                 f"evaluation ({str(exc)[:60].rstrip()}...): analysed cell by cell it would take "
                                 f"minutes of CPU at {REPORT_CURVES_GRID} x {REPORT_CURVES_GRID}; {HOW}")
            continue
        except EvogameError as exc:
            album.skip("curves", f"{name}: {exc}")
            continue
        album.save(fig, "curves", f"curves_{name}_{second}",
                   curves_caption(fig, f"the strength s of '{name}'", second))
