"""Publication figures: phase portraits, evolution paths, sensitivity, regime maps,
bifurcation diagrams and basins, in one project style (:mod:`.style`).

Every function returns the matplotlib Figure (nothing is shown; no pyplot
state is touched); :func:`save_figure` writes PDF, SVG or PNG with the same
bytes for the same input.

    >>> from evogame.plotting import portrait, save_figure       # doctest: +SKIP
    >>> save_figure(portrait(game), "vertical.svg")               # doctest: +SKIP
"""
from .basins import basins_figure
from .paths import paths
from .portraits import portrait, portrait_kind
from .regimes import bifurcation, bifurcation_figure, regime_figure, regime_map_figure
from .sensitivity import sensitivity
from .style import CJKFontWarning, MARKS, save_figure

__all__ = ["portrait", "portrait_kind", "paths", "sensitivity", "regime_figure", "regime_map_figure",
           "bifurcation", "bifurcation_figure", "basins_figure", "save_figure", "CJKFontWarning", "MARKS"]
