"""The figures of a report: for each kind, what it needs computed, drawn and saved.

Kinds: ``portrait`` (the game's geometry), ``paths``, ``sensitivity`` and
``bifurcation`` (one per focus mechanism), ``regime`` (two parameters the
mechanisms change and the target depends on), ``basins`` (when multistable).
A kind that does not apply is skipped with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import AnalysisError, EvogameError
from .game import Game
from .scenario import Scenario
from .studies.thresholds import threshold

FIGURE_KINDS = ("portrait", "paths", "sensitivity", "bifurcation", "regime", "basins")

_SENSITIVITY_STRENGTHS = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass
class FigureEntry:
    kind: str
    name: str
    caption: str
    files: dict            # format -> path relative to the report's directory

    def to_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name, "caption": self.caption, "files": dict(self.files)}



def draw_report_figures(base, work, analysis, focus, kinds, figdir: Path, out: Path, resolved, width, formats):
    """Draw the report's figures of ``kinds`` into ``figdir``; returns ``(figures, skipped)``.

    ``base`` is the scenario at the report's values, ``work`` the same with
    the report's mechanisms applied, ``focus`` the mechanisms whose
    sensitivity and bifurcation diagrams are drawn.
    """
    from . import plotting
    from .plotting.portraits import portrait_kind
    from .plotting.style import save_figure

    figures: list[FigureEntry] = []
    skipped: list[tuple[str, str]] = []

    def save(fig, kind, name, caption):
        files = {}
        for fmt_ in formats:
            path = figdir / f"{name}.{fmt_}"
            save_figure(fig, path)
            files[fmt_] = path.relative_to(out).as_posix()
        figures.append(FigureEntry(kind, name, caption, files))
        # free the figure's memory now (no pyplot registry is involved)
        fig.clear()

    marks = ("filled circle: asymptotically stable; open circle: unstable source; open square: saddle; "
             "half-filled circle: non-hyperbolic")
    if "portrait" in kinds:
        try:
            geometry = portrait_kind(work)
            fig = plotting.portrait(work, analysis=analysis, resolved=resolved, width=width)
            what = {"line": "Phase line: the rate of change against the share, arrows in the direction of "
                            "the flow",
                    "simplex": "Phase portrait on the simplex (streamlines)",
                    "square": "Phase portrait on the unit square (streamlines; dashed: interior nullclines)",
                    "cube": "Phase portrait in the unit cube: trajectories from a 3 x 3 x 3 grid of starts, "
                            "coloured by the attractor reached"}[geometry]
            save(fig, "portrait", "portrait", f"{what}. Rest points: {marks}.")
        except AnalysisError as exc:
            skipped.append(("portrait", str(exc)))
    if "paths" in kinds:
        fig = plotting.paths(work, resolved=resolved, width=width)
        save(fig, "paths", "paths", "Evolution paths from several initial states (the scenario's "
                                    "[simulation] initial states, else the centre and four spread points).")
    mech_ok = bool(focus)
    if "sensitivity" in kinds:
        if not mech_ok:
            skipped.append(("sensitivity", "the scenario declares no mechanism (draw one with "
                                           "`evogame figure sensitivity --vary NAME=v1,v2,...`)"))
        for name in focus:
            fig = plotting.sensitivity(base, _SENSITIVITY_STRENGTHS, mechanism=name, resolved=resolved,
                                       width=width)
            save(fig, "sensitivity", f"sensitivity_{name}",
                 f"Sensitivity of the paths to the strength s of '{name}' (0 = baseline, 1 = as described), "
                 "from the centre of the state space.")
    if "bifurcation" in kinds:
        if not mech_ok:
            skipped.append(("bifurcation", "the scenario declares no mechanism (draw one with "
                                           "`evogame figure bifurcation --sweep NAME=LO:HI:N`)"))
        for name in focus:
            try:
                fig = plotting.bifurcation(base, "strength", np.linspace(0.0, 1.0, 101), [name],
                                           resolved=resolved, width=width)
            except EvogameError as exc:
                skipped.append(("bifurcation", f"{name}: {exc}"))
                continue
            save(fig, "bifurcation", f"bifurcation_{name}",
                 f"Rest points against the strength s of '{name}': solid where asymptotically stable, "
                 "dashed otherwise; dotted lines at the bifurcation points.")
    if "regime" in kinds:
        axes = _regime_axes(base, focus)
        if axes is None:
            skipped.append(("regime", "no two parameters changed by the mechanisms on which the target's "
                                      "stability depends (or no target state); draw one with "
                                      "`evogame figure regime --sweep X=LO:HI:N --sweep Y=LO:HI:N`"))
        else:
            (xn, xv), (yn, yv) = axes
            try:
                fig = plotting.regime_figure(base, xn, xv, yn, yv, resolved=resolved, width=width)
                save(fig, "regime", f"regime_{xn}_{yn}",
                     f"Regime map: the set of asymptotically stable states over ({xn}, {yn}), other "
                     "parameters at their values; black: the target's threshold in closed form; "
                     "cross: the parameter values of this report.")
            except EvogameError as exc:
                skipped.append(("regime", str(exc)))
    if "basins" in kinds:
        _basins_figure(work, analysis, resolved, width, save, skipped)
    return figures, skipped


def _regime_axes(base: Scenario, focus):
    """Two parameters the mechanisms change and the target's stability depends on, with ranges.

    In mechanism order: every parameter a focus mechanism overrides whose
    threshold for the target is not "independent"; the range is
    ``[0, 2 x value]`` within the declared range (or the declared range when
    the value is 0).
    """
    if base.target is None:
        return None
    known = base.mechanisms
    chosen = []
    for name in focus:
        mech = known.get(name)
        if mech is None:
            continue
        for pname in mech.set:
            if pname in (c[0] for c in chosen) or base.game.parameters[pname].integer:
                continue
            try:
                res = threshold(base, param=pname)
            except EvogameError:
                continue
            if res.status == "independent":
                continue
            chosen.append((pname, _range(base.game, pname)))
            if len(chosen) == 2:
                return chosen
    return None


def _range(game: Game, name: str) -> np.ndarray:
    p = game.parameters[name]
    value = float(p.value)
    lo, hi = (p.range if p.range is not None else (0.0, max(1.0, 2 * abs(value))))
    top = min(hi, 2 * value) if value > 0 else hi
    bottom = max(lo, 0.0) if value > 0 else lo
    if top <= bottom:
        bottom, top = lo, hi
    return np.linspace(bottom, top, 121)


def _basins_figure(work, analysis, resolved, width, save, skipped):
    if len(analysis.stable) < 2:
        skipped.append(("basins", f"not multistable: {len(analysis.stable)} asymptotically stable rest point(s)"))
        return
    try:
        from .plotting.basins import basins_figure
    except ImportError as exc:
        skipped.append(("basins", f"basins are not available in this version ({exc})"))
        return
    try:
        fig = basins_figure(work, resolved=resolved, width=width)
    except EvogameError as exc:
        skipped.append(("basins", str(exc)))
        return
    save(fig, "basins", "basins", "Basins of attraction: initial states coloured by the asymptotically "
                                  "stable rest point their path reaches.")
