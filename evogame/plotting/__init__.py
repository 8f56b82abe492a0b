"""Publication figures: phase portraits, evolution paths, sensitivity, regime maps,
bifurcation diagrams and basins, in one project style (:mod:`.style`).

Every function returns the matplotlib Figure (nothing is shown; no pyplot
state is touched); :func:`save_figure` writes PDF, SVG or PNG with the same
bytes for the same input.

The modules here draw: a game (portraits and paths integrate it through the
engine) or a study's result (``regime_map_figure``, ``bifurcation_figure``,
``curve_diagram``, ``basin_map_figure``, ``sensitivity_figure``).  They compute no study.  The
conveniences that do, ``regime_figure``, ``bifurcation``, ``curves_figure``, ``sensitivity`` and
``basins_figure``, are the figure recipes of :mod:`evogame.plotting.recipes`, offered
here too and loaded on first use.

    >>> from evogame.plotting import portrait, save_figure       # doctest: +SKIP
    >>> save_figure(portrait(game), "vertical.svg")               # doctest: +SKIP
"""
import importlib

from .basins import basin_map_figure
from .paths import paths
from .portraits import portrait, portrait_kind
from .regimes import bifurcation_figure, regime_map_figure
from .sensitivities import sensitivity_figure
from .style import CJKFontWarning, MARKS, save_figure

#: conveniences that compute a study, then draw: recipes of .recipes (loaded on first use: a recipe computes
#: a study, and evogame.plotting must stay importable without the studies layer)
_RECIPES = ("sensitivity", "regime_figure", "bifurcation", "basins_figure", "curves_figure")
#: the two-parameter diagram of a CurveSet (it reads the studies' Lyapunov tolerance: loaded on first use too)
_LAZY = {"curve_diagram": "evogame.plotting.curves"}


def __getattr__(name):
    if name in _RECIPES:
        return getattr(importlib.import_module("evogame.plotting.recipes"), name)
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["portrait", "portrait_kind", "paths", "sensitivity", "sensitivity_figure", "regime_figure",
           "regime_map_figure", "bifurcation", "bifurcation_figure", "curves_figure", "curve_diagram",
           "basins_figure", "basin_map_figure",
           "save_figure", "CJKFontWarning", "MARKS"]
