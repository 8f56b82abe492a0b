"""What every figure needs from a game: parameter values, the compiled field,
the analysis (for the rest-point marks), labels, initial states and times."""
from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from ..engine.analysis import Analysis, analyze
from ..dynamics import Dynamics, derive
from ..errors import AnalysisError
from ..util.formatting import number
from ..game import Game, game_of
from ..scenario import Scenario, as_scenario
from ..dynamics.simulation import as_initial_states
from .style import Labels, localize, new_figure, resolve_language

#: default final time when the scenario's [simulation] gives none
DEFAULT_T_END = 50.0


@dataclass
class Setting:
    """A game at given parameter values, ready to draw."""

    game: Game
    values: dict
    dyn: Dynamics
    pvec: np.ndarray
    labels: Labels
    cjk_font: str | None
    width: object
    analysis: Analysis | None = None

    def field(self, states: np.ndarray) -> np.ndarray:
        """The replicator field at states ``(..., d)``."""
        return self.dyn.field(states, self.pvec)

    def done(self, fig):
        """Finish a figure: Chinese labels that mix in mathtext become plain text."""
        return localize(fig, self.labels)

    def figure(self, aspect: float, **kwargs):
        return new_figure(self.width, aspect, cjk_font=self.cjk_font, **kwargs)


def prepare(subject: Game | Scenario, params: Mapping | None = None, *, analysis: Analysis | None = None,
            lang: str = "en", width="single", need_analysis: bool = True,
            resolved: tuple[str, str | None] | None = None) -> Setting:
    """Values, compiled field, analysis and labels of a game (or a scenario's game) for drawing.

    ``resolved`` is an already resolved ``(lang, cjk_font)`` pair (so that a
    report warns about a missing CJK font once, not once per figure).
    """
    game = game_of(subject)
    if analysis is not None and analysis.game is not game:
        raise AnalysisError("the analysis passed belongs to another game")
    values = analysis.values if analysis is not None else game.values(params)
    if need_analysis and analysis is None:
        analysis = analyze(subject, params)          # under a scenario's [dynamics], if it has one
    dyn = derive(game, analysis.dynamics if analysis is not None else "replicator")   # the analysis' dynamics
    lang_used, font = resolved if resolved is not None else resolve_language(lang)
    return Setting(game, values, dyn, dyn.parameter_vector(values), Labels(game, lang_used), font, width,
                   analysis)


def shape(subject: Game | Scenario) -> tuple[int, ...]:
    """Number of strategies per population, e.g. ``(2, 2)`` for a 2x2 bimatrix game."""
    return tuple(p.n for p in game_of(subject).populations)


def payoff_differences(setting: Setting):
    """For every two-strategy population, ``g_p(state) = f_{p,1} - f_{p,2}`` compiled.

    The interior nullcline of population ``p`` is the set ``g_p = 0``.
    Returns a list (per population) of functions of ``(..., d)`` states, or
    None for populations with more than two strategies.
    """
    import sympy
    game, dyn = setting.game, setting.dyn
    subs = {game.parameters[n].symbol: v for n, v in setting.values.items()}
    out = []
    for pop, fp in zip(game.populations, dyn.fitness):
        if pop.n != 2:
            out.append(None)
            continue
        expr = sympy.expand((fp[0] - fp[1]).subs(subs))
        fn = sympy.lambdify(list(game.variables), expr, modules="numpy")

        def g(states, fn=fn):
            states = np.asarray(states, dtype=float)
            val = fn(*np.moveaxis(states, -1, 0))
            return np.broadcast_to(np.asarray(val, dtype=float), states.shape[:-1])

        out.append(g)
    return out


def default_initial_states(subject: Game | Scenario, count: int = 5) -> np.ndarray:
    """Initial states for path figures: the scenario's, else a fixed spread.

    Without ``[simulation] initial`` in the scenario: the centre of the state
    space and ``count - 1`` points of an unscrambled Halton sequence (mapped
    to each population's simplex by sorted spacings), the same every time.
    """
    scenario = as_scenario(subject)
    if scenario.simulation.initial is not None:
        return as_initial_states(scenario.game, scenario.simulation.initial)
    return spread_states(scenario.game, count)


def spread_states(game: Game, count: int) -> np.ndarray:
    """``count`` deterministic, well spread states: the centre, then Halton points."""
    from scipy.stats import qmc
    centre = np.concatenate([np.full(p.n - 1, 1.0 / p.n) for p in game.populations])
    if count <= 1:
        return centre[None, :]
    dims = sum(p.n - 1 for p in game.populations)
    halton = qmc.Halton(d=dims, scramble=False).random(count)[1:]   # the first point is 0
    rows = [centre]
    for u in halton:
        parts, k = [], 0
        for p in game.populations:
            v = np.sort(u[k:k + p.n - 1])
            k += p.n - 1
            spacings = np.diff(np.concatenate([[0.0], v, [1.0]]))
            parts.append(spacings[:-1])
        rows.append(np.concatenate(parts))
    return np.array(rows)


def default_t_end(subject: Game | Scenario) -> float:
    """The scenario's ``[simulation] t_end``, else :data:`DEFAULT_T_END`."""
    t_end = as_scenario(subject).simulation.t_end
    return float(DEFAULT_T_END if t_end is None else t_end)


def centre_state(game: Game) -> np.ndarray:
    """The barycentre of the state space (every strategy equally common), reduced."""
    return np.concatenate([np.full(p.n - 1, 1.0 / p.n) for p in game.populations])


def wrap(text: str, limit: int = 34) -> str:
    """Break a long label once, preferably after ': ' (keeps mathtext intact)."""
    if len(text) <= limit:
        return text
    for sep in (": ", "："):
        if sep in text:
            head, tail = text.split(sep, 1)
            return f"{head}{sep.rstrip()}\n{tail}"
    return "\n".join(textwrap.wrap(text, limit))


def title_limit(ax, size: float = 8.0) -> int:
    """How many characters of a ``size``-pt title at the left of ``ax`` fit before the figure's right edge."""
    fig = ax.figure
    width = fig.get_figwidth() * (1.0 - ax.get_position().x0) - 0.05
    return max(16, int(width * 72.0 / (0.52 * size)))


def fmt_number(v: float) -> str:
    return number(v, 3)


def format_state(z) -> str:
    return "(" + ", ".join(fmt_number(v) for v in np.ravel(z)) + ")"
