"""Figure recipes: for each kind, what the figure needs computed, drawn and saved.

The one place where figures meet the studies.  A recipe computes what its
figure needs through :mod:`evogame.studies` (a regime map and the target's
threshold, a one-parameter sweep, basins, the game at each strength of a
mechanism) and hands the result to :mod:`evogame.plotting`, which only draws.
``evogame figure`` draws one kind with its recipe; a report draws every kind
that applies with :func:`draw_report_figures`.

Kinds: ``portrait`` (the game's geometry), ``paths``, ``sensitivity`` and
``bifurcation`` (one per focus mechanism), ``regime`` (two parameters the
mechanisms change and the target depends on), ``curves`` (the two-parameter
diagram, where a mechanism's continuation finds folds or Hopf points),
``basins`` (when multistable).
In a report, a kind that does not apply is skipped with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from ..engine.analysis import analyze
from ..errors import AnalysisError, EvogameError, ScenarioError
from .captions import (basins_caption, bifurcation_caption, paths_caption, portrait_caption,
                              regime_caption, sensitivity_caption)
from ..game.faces import face_label
from ..game.model import Game, game_of
from .basins import basin_map_figure
from .paths import paths
from .portraits import portrait, portrait_kind
from .regimes import bifurcation_figure, regime_map_figure
from .sensitivities import sensitivity_figure
from .branches import branch_caption, branch_diagram
from .curves_recipe import curves_figure, report_curves, strength_run  # noqa: F401 (curves_figure re-exported)
from .common import default_initial_states
from .noise_recipe import (DEFAULT_SIGMAS, SETTLED_WITHIN, SETTLING_MULTIPLE,  # noqa: F401 (re-exported)
                           noise_figure, noise_window, settling_time)
from .style import Labels, new_figure, resolve_language, rest_point_legend_handles, save_figure, style
from ..scenario import Scenario, as_scenario
from ..studies.basins import DEFAULT_SAMPLES, BasinResult, basins
from ..studies.mechanisms import apply
from ..studies.sweeps import regime_map, sweep1d
from ..studies.thresholds import threshold

__all__ = ["FIGURE_KINDS", "sensitivity", "bifurcation", "regime_figure", "curves_figure", "basins_figure",
           "delay_figure", "perception_figure",
           "target_threshold", "draw_report_figures", "FigureEntry"]

FIGURE_KINDS = ("portrait", "paths", "sensitivity", "bifurcation", "regime", "curves", "basins")

_SENSITIVITY_STRENGTHS = (0.0, 0.25, 0.5, 0.75, 1.0)


# -- recipes: compute what a figure needs, then draw it ---------------------------------------

def sensitivity(subject: Game | Scenario, values: Sequence[float], *, parameter: str | None = None,
                mechanism: str | None = None, initial=None, t_end: float | None = None,
                params: Mapping | None = None, lang: str = "en", width="single", n_points: int = 301,
                resolved=None):
    """Paths for several values of one parameter or one mechanism strength, overlaid.

    A mechanism's strength ``s`` (0 = baseline, 1 = as described) is varied
    by applying the mechanism at each value with
    :func:`evogame.studies.mechanisms.apply`; the parameters are those of
    :func:`evogame.plotting.sensitivities.sensitivity_figure`, which draws.
    """
    games = None
    if mechanism is not None and parameter is None:
        games = [apply(subject, [(mechanism, float(v))]) for v in values]
    return sensitivity_figure(subject, values, parameter=parameter, mechanism=mechanism, games=games,
                              initial=initial, t_end=t_end, params=params, lang=lang, width=width,
                              n_points=n_points, resolved=resolved)


def bifurcation(subject: Game | Scenario, name: str, values, mechanisms: Sequence = (), *,
                params: Mapping | None = None, lang: str = "en", width="single", resolved=None):
    """Continue every rest point (and the cycles of its Hopf points) and draw the bifurcation diagram.

    ``name`` is a parameter, or ``"strength"`` of ``mechanisms``; ``params``
    are held fixed.  The branches come from :func:`evogame.continue_rest_points`
    over ``[values[0], values[-1]]`` and are drawn by
    :func:`evogame.plotting.branches.branch_diagram`; a dynamics with kinks (no
    Jacobian to continue with) is swept on the grid ``values`` instead.
    """
    from ..studies.continuation import continue_rest_points

    scenario = as_scenario(subject)
    base = scenario.with_game(scenario.game.with_values(**(params or {})))
    values = np.asarray(values, dtype=float)
    try:
        result = continue_rest_points(base, None if name == "strength" else name, (values[0], values[-1]),
                                      mechanism=list(mechanisms))
    except AnalysisError:
        return bifurcation_figure(sweep1d(base, name, values, mechanisms), lang=lang, width=width,
                                  resolved=resolved)
    return branch_diagram(result, lang=lang, width=width, resolved=resolved)


def regime_figure(subject: Game | Scenario, x_name: str, x, y_name: str, y, mechanisms: Sequence = (), *,
                  params: Mapping | None = None, target: str | None = None, lang: str = "en",
                  width="single", resolved=None, draw_threshold: bool = True):
    """Compute a regime map (and the target's threshold) and draw it.

    ``params`` are held fixed (the game's defaults otherwise); ``target`` is
    the state whose threshold curve is drawn (default: the scenario's
    ``[game] target``; no curve when the scenario has none).
    """
    result, thr, thr_game = _regime_study(subject, x_name, x, y_name, y, mechanisms, params, target,
                                          draw_threshold)
    return regime_map_figure(result, thr, lang=lang, width=width, resolved=resolved, threshold_game=thr_game)


def _regime_study(subject, x_name, x, y_name, y, mechanisms, params, target, draw_threshold: bool = True,
                  known=None):
    """The regime map, the target's threshold with a closed form in one axis (or None) and its game.

    ``known``: thresholds already computed for ``subject`` (see :func:`target_threshold`)."""
    scenario = as_scenario(subject)
    base = scenario.with_game(scenario.game.with_values(**(params or {})))
    result = regime_map(base, x_name, x, y_name, y, mechanisms)
    thr, thr_game = None, None
    if draw_threshold and (target or base.target is not None):
        thr, thr_game = target_threshold(base, mechanisms, target, x_name, y_name, known=known)
    return result, thr, thr_game


def target_threshold(scenario: Scenario, mechanisms, target, x_name: str, y_name: str, *, known=None):
    """The target's threshold in one of the axes (closed form if any), and the game it refers to.

    ``(None, None)`` when neither axis has a threshold with a closed form.  ``known`` maps parameter
    names to their thresholds ``threshold(scenario, param=name)`` already computed (no mechanisms, the
    scenario's target): those are reused.
    """
    work = apply(scenario, mechanisms, ("symbolic", 1)).game if mechanisms else scenario.game
    for name in (x_name, y_name):
        try:
            if name == "strength":
                if not mechanisms:
                    continue
                res = threshold(scenario, mechanisms, target=target)
            elif known and name in known and not mechanisms and target is None:
                res = known[name]
            else:
                res = threshold(scenario, mechanisms, target=target, param=name)
        except (AnalysisError, ValueError):
            continue
        if res.expression:
            return res, work
    return None, None


def perception_figure(subject: Scenario, mechanisms: Sequence = (), lam_values=None, *, alphas=None,
                      target: str | None = None, width="single", lang: str = "en"):
    """Perceived payoffs against loss aversion: with mechanisms, their threshold strength as a curve in ``lam``
    (one per ``alpha``: :func:`evogame.studies.perception.threshold_curve`); without, the stable set on the
    (``lam``, ``alpha``) plane (a regime map)."""
    from .perception import threshold_curve_figure
    from ..studies.perception import behavioural_names, threshold_curve

    scenario = as_scenario(subject)
    lam_name, alpha_name = behavioural_names(scenario)
    lams = _declared_grid(scenario.game, lam_name, 41) if lam_values is None else lam_values
    if mechanisms:
        return threshold_curve_figure(threshold_curve(scenario, mechanisms, lams, alphas, target=target),
                                      width=width)
    alphas = _declared_grid(scenario.game, alpha_name, 31) if alphas is None else alphas
    return regime_figure(scenario, lam_name, lams, alpha_name, alphas, target=target, lang=lang, width=width)


def _declared_grid(game: Game, name: str, n: int) -> np.ndarray:
    """``n`` values over a parameter's declared range (a behavioural parameter always has one)."""
    p = game.parameters[name]
    lo, hi = p.range if p.range is not None else (0.0, max(1.0, 2 * abs(float(p.value))))
    return np.linspace(lo, hi, n)


def basins_figure(subject, params: Mapping | None = None, *, samples: int = DEFAULT_SAMPLES, seed: int = 0,
                  lang: str = "en", width="single", resolved=None):
    """Draw the basins of attraction of a game (or of a computed BasinResult).

    Parameters
    ----------
    subject : a Game or Scenario (the basins are estimated with ``samples``
        starts and ``seed``) or a :class:`~evogame.studies.basins.BasinResult`.
    params : parameter overrides (with a Game or Scenario).

    Returns
    -------
    matplotlib.figure.Figure
    """
    result = subject if isinstance(subject, BasinResult) else basins(subject, params, samples=samples, seed=seed)
    return basin_map_figure(result, lang=lang, width=width, resolved=resolved)


def delay_figure(subject, *, sweep=None, mechanisms: Sequence = (), delays: Sequence[float] | None = None,
                 initial=None, t_end: float | None = None, params: Mapping | None = None, lang: str = "en",
                 width="single", resolved=None):
    """The information-delay figures (:mod:`evogame.studies.delay`).

    Without ``sweep``: paths of the delayed replicator at ``tau = 0.5 tau*`` and ``1.5 tau*`` (or at
    ``delays``) of the rest point a delay destabilises first (``mechanisms`` applied at strength 1).  With
    ``sweep = (name, values)``: that rest point's ``tau*`` against a parameter, or against ``"strength"`` of
    ``mechanisms``.
    """
    from ..studies.delay.study import critical_delay_curve, delay_paths
    from .delay import critical_delay_figure, delay_paths_figure
    scenario = as_scenario(subject)
    if sweep is None:
        applied = apply(scenario, list(mechanisms)) if mechanisms else scenario
        result = delay_paths(applied, delays=delays, initial=initial, t_end=t_end, params=params)
        return delay_paths_figure(result, lang=lang, width=width, resolved=resolved)
    name, values = sweep
    curve = critical_delay_curve(scenario, name, values, mechanisms, params)
    resolved = resolve_language(lang) if resolved is None else resolved     # warns once about a missing font
    labels = Labels(scenario.game, resolved[0])
    if name == "strength":
        quantity = ", ".join(scenario.mechanism(m).label(labels.lang) for m in mechanisms) + \
            f": {labels.word('strength')} $s$"
    else:
        quantity = labels.parameter(name)
    return critical_delay_figure(curve, scenario.game, quantity=quantity, lang=lang, width=width,
                                 resolved=resolved)


# -- a report's figures ---------------------------------------------------------------------------

@dataclass
class FigureEntry:
    kind: str
    name: str
    caption: str
    files: dict            # format -> path relative to the report's directory

    def to_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name, "caption": self.caption, "files": dict(self.files)}


@dataclass
class _Album:
    """A report's figures as they are saved (``figdir``, paths relative to ``out``) and those skipped."""

    figdir: Path
    out: Path
    formats: Sequence[str]
    resolved: tuple | None
    width: object
    figures: list = field(default_factory=list)
    skipped: list = field(default_factory=list)

    @property
    def look(self) -> dict:
        """The drawing options every report figure shares."""
        return {"resolved": self.resolved, "width": self.width}

    def save(self, fig, kind: str, name: str, caption: str):
        files = {}
        for k, fmt_ in enumerate(self.formats):
            path = self.figdir / f"{name}.{fmt_}"
            save_figure(fig, path)
            files[fmt_] = path.relative_to(self.out).as_posix()
            if k == 0:
                # every format gets the layout of the first save: the second pass of constrained layout
                # (~0.2 s a figure) only moved axes by fractions of a point, so the PDF differed from the SVG
                fig.set_layout_engine("none")
        self.figures.append(FigureEntry(kind, name, caption, files))
        # free the figure's memory now (no pyplot registry is involved)
        fig.clear()

    def skip(self, kind: str, reason: str):
        self.skipped.append((kind, reason))


#: the dynamics compared by default in the ``dynamics`` figure (Dynamo's usual four)
DEFAULT_DYNAMICS = ("replicator", "logit:eta=0.5", "bnn", "smith")


def dynamics_figure(subject: Game | Scenario, dynamics: Sequence = DEFAULT_DYNAMICS, params: Mapping | None = None,
                    *, lang: str = "en", width="double"):
    """The same game under two to four dynamics side by side: one phase portrait each, one legend of marks.

    Each panel is the portrait of :func:`evogame.plotting.portrait` drawn
    with the analysis under that dynamics (its field, its rest points and
    their classes); the panel's title names the dynamics.
    """
    dynamics = list(dynamics)
    if not 2 <= len(dynamics) <= 4:
        raise ScenarioError(f"{len(dynamics)} dynamics given", argument="dynamics",
                            expected="two to four dynamics to compare")
    if portrait_kind(subject) == "cube":
        raise AnalysisError("the dynamics figure draws line, simplex and square portraits (not the cube)")
    analyses = [analyze(subject, params, dynamics=d) for d in dynamics]
    labels = Labels(game_of(subject), resolve_language(lang)[0])
    columns = 2 if len(dynamics) == 4 else len(dynamics)
    rows = (len(dynamics) + columns - 1) // columns
    fig = new_figure(width, 0.5 * rows * 2 / columns * 1.1 + 0.12)
    with style(width):
        axes = fig.subplots(rows, columns, squeeze=False).ravel()
        for ax, a in zip(axes, analyses):
            portrait(subject, params, ax=ax, analysis=a, lang=lang, width=width)
            if ax.get_legend() is not None:
                ax.get_legend().remove()
            ax.set_title(a.dynamics)
        classes = {p.classification for a in analyses for p in a.rest_points}
        fig.legend(handles=rest_point_legend_handles(classes, labels), loc="outside lower center",
                   ncol=len(classes) or 1)
    return fig


def draw_report_figures(base, work, analysis, focus, kinds, figdir: Path, out: Path, resolved, width, formats):
    """Draw the report's figures of ``kinds`` into ``figdir``; returns ``(figures, skipped)``.

    ``base`` is the scenario at the report's values, ``work`` the same with
    the report's mechanisms applied, ``focus`` the mechanisms whose
    sensitivity and bifurcation diagrams are drawn.
    """
    album = _Album(figdir, out, formats, resolved, width)
    if "portrait" in kinds:
        _report_portrait(album, work, analysis)
    if "paths" in kinds:
        fig = paths(work, **album.look)
        album.save(fig, "paths", "paths", paths_caption(as_scenario(work), fig.axes[0].get_xlim()[1],
                                                        len(default_initial_states(work))))
    if "sensitivity" in kinds:
        _report_sensitivity(album, base, focus)
    if "bifurcation" in kinds:
        _report_bifurcation(album, base, focus)
    if "regime" in kinds:
        _report_regime(album, base, focus)
    if "curves" in kinds:
        report_curves(album, base, focus, lambda: _regime_axes(base, focus))
    if "basins" in kinds:
        _report_basins(album, work, analysis)
    return album.figures, album.skipped


def _report_portrait(album: _Album, work, analysis):
    try:
        geometry = portrait_kind(work)
        fig = portrait(work, analysis=analysis, **album.look)
        album.save(fig, "portrait", "portrait", portrait_caption(fig, geometry))
    except AnalysisError as exc:
        album.skip("portrait", str(exc))


def _report_sensitivity(album: _Album, base, focus):
    if not focus:
        album.skip("sensitivity", "the scenario declares no mechanism (draw one with "
                                  "`evogame figure sensitivity --vary NAME=v1,v2,...`)")
    for name in focus:
        fig = sensitivity(base, _SENSITIVITY_STRENGTHS, mechanism=name, **album.look)
        album.save(fig, "sensitivity", f"sensitivity_{name}", sensitivity_caption(fig, name, _SENSITIVITY_STRENGTHS))


def _report_bifurcation(album: _Album, base, focus):
    if not focus:
        album.skip("bifurcation", "the scenario declares no mechanism (draw one with "
                                  "`evogame figure bifurcation --sweep NAME=LO:HI:N`)")
    for name in focus:
        try:
            run = strength_run(base, name)
            fig = (branch_diagram(run, **album.look) if run is not None else
                   bifurcation(base, "strength", np.linspace(0.0, 1.0, 101), [name], **album.look))
        except EvogameError as exc:
            album.skip("bifurcation", f"{name}: {exc}")
            continue
        caption = (branch_caption(fig, f"the strength s of '{name}'") if fig.get_gid() == "branches"
                   else bifurcation_caption(fig, name))
        album.save(fig, "bifurcation", f"bifurcation_{name}", caption)


def _report_regime(album: _Album, base, focus):
    known = {}
    axes = _regime_axes(base, focus, known)
    if axes is None:
        album.skip("regime", "no two parameters changed by the mechanisms on which the target's stability "
                             "depends (or no target state); draw one with "
                             "`evogame figure regime --sweep X=LO:HI:N --sweep Y=LO:HI:N`")
        return
    (xn, xv), (yn, yv) = axes
    try:
        result, thr, thr_game = _regime_study(base, xn, xv, yn, yv, (), None, None, known=known)
        fig = regime_map_figure(result, thr, threshold_game=thr_game, **album.look)
        target = Labels(base.game).profile(face_label(base.game, [(i,) for i in base.target]))
        album.save(fig, "regime", f"regime_{xn}_{yn}", regime_caption(fig, xn, yn, target, thr))
    except EvogameError as exc:
        album.skip("regime", str(exc))


def _report_basins(album: _Album, work, analysis):
    if len(analysis.stable) < 2:
        album.skip("basins", f"not multistable: {len(analysis.stable)} asymptotically stable rest point(s)")
        return
    try:
        fig = basins_figure(work, **album.look)
    except EvogameError as exc:
        album.skip("basins", str(exc))
        return
    album.save(fig, "basins", "basins", basins_caption(fig))


def _regime_axes(base: Scenario, focus, found: dict | None = None):
    """Two parameters the mechanisms change and the target's stability depends on, with ranges.

    In mechanism order: every parameter a focus mechanism overrides whose
    threshold for the target is not "independent"; the range is
    ``[0, 2 x value]`` within the declared range (or the declared range when
    the value is 0).  The thresholds computed are added to ``found`` (name -> result).
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
            if found is not None:
                found[pname] = res
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
