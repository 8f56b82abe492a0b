"""Presets: named settings of a game's parameters, compared side by side.

A preset is a named institutional arrangement that sets several parameters
at once -- the government-enterprise platform structures of seed 004
(co-creation, network, enterprise-led, government-led) differ in role
allocation, cost/profit/responsibility split and decision power, and are
four presets of one game (the section is parsed by :mod:`evogame.scenario.presets`).

:func:`compare_presets` answers "which structure promotes collaboration
most": for every preset, the asymptotically stable states, whether the
scenario's target (full collaboration) is among them with its eigenvalues,
the basin share of the target (:func:`evogame.basins.basins`) with its
sampling error, and the payoff reasons: for every population, the payoff
advantage of its target strategy over its best alternative

* at the target (``margin``; positive for every population iff nobody
  wants to leave full collaboration; for two strategies it is minus the
  target's eigenvalue in that population's direction), and
* when everybody else plays otherwise (``first_mover``: the other
  populations at their non-target strategies, uniformly mixed when there are
  several; for a single population, the population itself) -- what a
  pioneer gains or loses.

The verdict names the preset whose target has the largest basin among those
where the target is asymptotically stable, and says which numbers make the
difference with the runner-up.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

import numpy as np
import sympy

from ..engine.analysis import analyze
from ..dynamics import chosen_dynamics, derive, with_structural
from ..errors import ScenarioError
from ..util.formatting import aligned, number
from ..game import Game, Origin
from ..scenario import Preset, Scenario, as_scenario
from ..scenario.presets import check_value
from .basins import DEFAULT_SAMPLES, basins

__all__ = ["presets", "apply_preset", "preset_values", "PresetComparison", "compare_presets", "target_profile",
           "payoff_reasons"]


def presets(subject: Scenario | Game) -> dict[str, Preset]:
    """The presets a scenario declares (name -> Preset, file order); none for a bare game."""
    return dict(as_scenario(subject).presets)


def preset_values(subject: Scenario | Game, name: str, params: Mapping | None = None) -> dict:
    """The parameter values a preset sets (exact numbers).

    Expressions are evaluated at the game's values with ``params`` applied
    (the values before the preset).
    """
    scenario = as_scenario(subject)
    game = scenario.game
    preset = scenario.preset(name)
    before = game.values(params)
    subs = {game.parameters[n].symbol: v for n, v in before.items()}
    out = {}
    for pname, expr in preset.set.items():
        value = sympy.nsimplify(expr.xreplace(subs)) if expr.free_symbols else expr
        check_value(game, pname, value, scenario.file, f"presets.{name}.set.{pname}")
        out[pname] = value
    return out


def apply_preset(subject: Scenario | Game, name: str, params: Mapping | None = None) -> Scenario:
    """The scenario with a preset's values (and ``params``) as its game's defaults.

    The game's ``origin`` names the preset (and keeps the game before it).
    """
    scenario = as_scenario(subject)
    game = scenario.game
    values = {**dict(params or {}), **preset_values(scenario, name, params)}
    before = game.origin if game.origin is not None and game.origin.mechanisms else None
    origin = Origin(before.base, before.mechanisms, name) if before else Origin(game, (), name)
    new = replace(game.with_values(**values), title=f"{game.title}: {scenario.preset(name).label()}",
                  origin=origin)
    return scenario.with_game(new)


def target_profile(subject: Scenario | Game, target: str | None = None) -> tuple[int, ...]:
    """Strategy indices of the target profile (default: the scenario's ``[game] target``)."""
    scenario = as_scenario(subject)
    if target:
        return scenario.game.profile(target, key="game.target")
    if scenario.target is None:
        raise ScenarioError("the scenario declares no target (full collaboration)", file=scenario.file,
                            key="game.target", expected="a profile such as 'a.b.c' (one strategy per population)")
    return scenario.target


def _state(game: Game, weights: Sequence[np.ndarray]) -> np.ndarray:
    """Reduced coordinates of a state given per population its full share vector."""
    return np.concatenate([np.asarray(w, float)[:-1] for w in weights]) if weights else np.zeros(0)


def payoff_reasons(game: Game, values: Mapping, target: tuple[int, ...]) -> dict:
    """Per population, the target strategy's payoff advantage at the target and as first mover.

    ``margin[p] = f_{p,t_p}(target) - max_{j != t_p} f_{p,j}(target)``;
    ``first_mover[p]`` the same at the state where every other population
    (for one population: the population itself) plays its non-target
    strategies, uniformly mixed.
    """
    dyn = derive(game)
    fn = dyn.fitness_function()
    pvec = dyn.parameter_vector(values)
    pops = game.populations
    at_target = [np.eye(p.n)[t] for p, t in zip(pops, target)]
    others = []
    for p, t in zip(pops, target):
        w = np.full(p.n, 1.0 / (p.n - 1))
        w[t] = 0.0
        others.append(w)

    def fitness(weights):
        vals = fn(*_state(game, weights), *pvec)
        out, k = [], 0
        for p in pops:
            out.append(np.array([float(v) for v in vals[k:k + p.n]]))
            k += p.n
        return out

    f_target = fitness(at_target)
    margin, first = {}, {}
    for q, (pop, t) in enumerate(zip(pops, target)):
        weights = [at_target[q] if r == q and len(pops) > 1 else others[r] for r in range(len(pops))]
        f_first = fitness(weights)
        rest = [j for j in range(pop.n) if j != t]
        margin[pop.name] = float(f_target[q][t] - max(f_target[q][j] for j in rest))
        first[pop.name] = float(f_first[q][t] - max(f_first[q][j] for j in rest))
    return {"margin": margin, "first_mover": first}


@dataclass
class PresetComparison:
    """The result of :func:`compare_presets`.

    Attributes
    ----------
    target : label of the target profile, e.g. ``"(coordinate, empower, collaborate)"``.
    rows : one dict per preset (and ``baseline``, the game's own defaults,
        first): ``name``, ``label_en``, ``label_zh``, ``values`` (what the
        preset sets), ``stable`` (labels of the asymptotically stable
        states), ``target_classification``, ``target_eigenvalues``,
        ``target_stable``, ``basin_share``, ``standard_error``,
        ``not_converged``, ``margin`` and ``first_mover`` (population ->
        payoff advantage, see the module docstring).
    best : the preset whose target basin is largest (target stable), or None (none stable, or a tie on
        every measure).
    tie : when several presets share the largest basin: ``presets``, the tied names; ``broken_by``, the
        measure that decided (the weakest link's payoff advantage at full collaboration), or None.
    verdict : one paragraph; ``reasons`` the numbers behind it, one line each.
    samples, seed : basin sampling.
    """

    game: Game = field(repr=False)
    target: str
    rows: list
    best: str | None
    verdict: str
    reasons: list
    samples: int
    seed: int
    distinguishable: bool = True
    tie: dict | None = None

    def row(self, name: str) -> dict:
        for r in self.rows:
            if r["name"] == name:
                return r
        raise KeyError(name)

    def to_dict(self) -> dict:
        return {"game": self.game.name, "title": self.game.title, "target": self.target,
                "samples": self.samples, "seed": self.seed, "presets": [dict(r) for r in self.rows],
                "best": self.best, "distinguishable": self.distinguishable, "tie": self.tie,
                "verdict": self.verdict, "reasons": list(self.reasons)}

    def table(self) -> str:
        pops = [p.name for p in self.game.populations]
        head = ["preset", "target", "basin of target", *[f"margin {p}" for p in pops],
                *[f"first mover {p}" for p in pops], "stable states"]
        rows = [head]
        for r in self.rows:
            share = f"{r['basin_share']:.3f} ± {r['standard_error']:.3f}"
            rows.append([r["name"], r["target_classification"], share,
                         *[f"{r['margin'][p]:.3g}" for p in pops], *[f"{r['first_mover'][p]:.3g}" for p in pops],
                         "; ".join(r["stable"]) or "none"])
        return "\n".join(aligned(rows))

    def __repr__(self) -> str:
        shares = ", ".join(f"{r['name']} {r['basin_share']:.3f}" for r in self.rows)
        return f"<PresetComparison of {self.game.name!r} (target {self.target}): {shares}; best {self.best}>"


def compare_presets(subject: Scenario | Game, names: Sequence[str] | None = None, *, params: Mapping | None = None,
                    samples: int = DEFAULT_SAMPLES, seed: int = 0, t_end: float | None = None,
                    baseline: bool = True, dynamics=None, progress=None) -> PresetComparison:
    """Compare presets side by side: stable states, basin of the target, payoff reasons.

    Parameters
    ----------
    subject : a Scenario with ``[presets]`` and a ``target``.
    names : presets to compare (default: all, in file order).
    params : overrides applied before every preset (and to the baseline).
    samples, seed, t_end : basin sampling (see :func:`evogame.basins.basins`).
    baseline : also report the game's own defaults (first row; never the verdict).
    dynamics : the dynamics (default: the scenario's ``[dynamics]``, else the replicator).
    progress : called with the name of each preset as its analysis starts.

    Returns
    -------
    PresetComparison
    """
    scenario = as_scenario(subject)
    game = scenario.game
    known = scenario.presets
    if not known:
        raise ScenarioError("the scenario declares no presets", file=scenario.file, key="presets",
                            expected="[presets.<name>] tables")
    names = list(names) if names else list(known)
    for n in names:
        scenario.preset(n)
    target = target_profile(scenario)
    target_strategies = tuple(p.strategies[i] for p, i in zip(game.populations, target))
    runs = ([("baseline", None)] if baseline else []) + [(n, known[n]) for n in names]
    rows = []
    dynamics = chosen_dynamics(scenario, dynamics)
    for name, preset in runs:
        if progress:
            progress(name)
        over = dict(params or {})
        if preset is not None:
            over.update(preset_values(scenario, name, params))
        work, rest = with_structural(game, over)
        analysis = analyze(work, rest, dynamics=dynamics)
        result = basins(work, rest, samples=samples, seed=seed, t_end=t_end, analysis=analysis, dynamics=dynamics)
        point = analysis.find(*target_strategies)
        reasons = payoff_reasons(work, analysis.values, target)
        rows.append({
            "name": name,
            "label_en": preset.label_en if preset else "Baseline (scenario defaults)",
            "label_zh": preset.label_zh if preset else "基准",
            "values": {k: float(v) for k, v in over.items()} if preset else {},
            "stable": [p.label for p in analysis.stable],
            "target_classification": point.classification if point else "not a rest point",
            "target_eigenvalues": ([[float(e.real), float(e.imag)] for e in point.eigenvalues] if point else []),
            "target_stable": bool(point and point.asymptotically_stable),
            "basin_share": result.share(target_strategies),
            "standard_error": result.standard_error(target_strategies),
            "not_converged": result.not_converged_share,
            **reasons,
        })
    best, verdict, lines, distinct = _verdict(game, rows, target, samples)
    label = game.profile_label(target)
    return PresetComparison(game, label, rows, best, verdict, lines, int(samples), int(seed), distinct,
                            _tie(rows))


def _verdict(game: Game, rows, target, samples):
    label = game.profile_label(target)
    candidates = [r for r in rows if r["name"] != "baseline"]
    stable = sorted((r for r in candidates if r["target_stable"]),
                    key=lambda r: (-r["basin_share"], -min(r["margin"].values())))
    if not stable:
        return None, (f"No preset makes full collaboration {label} asymptotically stable under the stated "
                      "parameters; none promotes it."), [], True
    tied = _tied(rows) or [stable[0]]
    if len(tied) > 1 and len({min(r["margin"].values()) for r in tied}) == 1:
        names = ", ".join(r["name"] for r in tied)
        return None, (f"A tie: {names} make full collaboration {label} asymptotically stable with the same "
                      f"basin ({tied[0]['basin_share']:.3f} of the state space) and the same weakest-link payoff "
                      f"advantage ({_num(min(tied[0]['margin'].values()))}); no preset promotes collaboration "
                      "more than the others on these measures."), [], False
    best = stable[0]
    others = sorted((r for r in candidates if r is not best), key=lambda r: -r["basin_share"])
    text = _headline(best, others, tied, label)
    distinct = True
    lines = []
    if others:
        runner = others[0]
        gap = best["basin_share"] - runner["basin_share"]
        err = math.hypot(best["standard_error"], runner["standard_error"])
        if len(tied) == 1 and gap <= 2 * err:
            distinct = False
            text += (f" The lead over {runner['name']} ({gap:.3f}) is within two standard errors "
                     f"({2 * err:.3f}) at {samples} samples: increase --samples to separate them.")
        lines = _reason_lines(game, best, runner)
        weakest = min(best["margin"], key=best["margin"].get)
        text += (f" Its weakest link at full collaboration is {weakest} (payoff advantage "
                 f"{_num(best['margin'][weakest])}).")
    return best["name"], text, lines, distinct


def _tied(rows) -> list:
    """The presets that make the target stable with the largest basin, when more than one does (a tie)."""
    stable = [r for r in rows if r["name"] != "baseline" and r["target_stable"]]
    top = max((r["basin_share"] for r in stable), default=None)
    tied = [r for r in stable if r["basin_share"] == top]
    return tied if len(tied) > 1 else []


def _tie(rows) -> dict | None:
    """``presets`` tied on the basin and the measure that broke the tie (``None`` when nothing did)."""
    tied = _tied(rows)
    if not tied:
        return None
    margins = {r["name"]: min(r["margin"].values()) for r in tied}
    broken = len(set(margins.values())) > 1
    return {"presets": [r["name"] for r in tied], "measure": "basin_share",
            "broken_by": "weakest-link payoff advantage at full collaboration" if broken else None,
            "weakest_link_advantage": margins}


def _headline(best, others, tied, label) -> str:
    """The verdict's first sentences: the winner, and -- on a tie in the basin -- the measure that broke it."""
    ranking = ", ".join(f"{r['name']} {r['basin_share']:.3f} ± {r['standard_error']:.3f}"
                        + ("" if r["target_stable"] else f" (target {r['target_classification']})")
                        for r in others)
    stated = (f"full collaboration {label} is asymptotically stable (eigenvalues "
              f"{', '.join(_num(e[0]) for e in best['target_eigenvalues'])}) and its basin covers "
              f"{best['basin_share']:.3f} ± {best['standard_error']:.3f} of the state space"
              + (f" (others: {ranking})." if ranking else "."))
    if len(tied) == 1:
        return f"{_named(best)} promotes collaboration most under the stated parameters: {stated}"
    names = ", ".join(r["name"] for r in tied)
    margins = ", ".join(f"{r['name']} {_num(min(r['margin'].values()))}" for r in tied)
    return (f"A tie on the basin of full collaboration: {names} each cover {best['basin_share']:.3f} of the "
            f"state space. The tie is broken by the weakest link's payoff advantage at full collaboration "
            f"(the smallest over the populations: {margins}): {_named(best)} is ahead on "
            f"that measure; {stated}")


def _named(row) -> str:
    """A preset's name, with its English label when it has one."""
    label = row.get("label_en")
    return f"{row['name']} ({label})" if label and label != row["name"] else row["name"]


def _reason_lines(game: Game, best, runner) -> list[str]:
    """The numbers behind the verdict, one line each: margins, first-mover advantages, differing values."""
    lines = []
    for pop in game.populations:
        p = pop.name
        lines.append(f"{p}: advantage of its target strategy at full collaboration "
                     f"{_num(best['margin'][p])} under {best['name']} vs {_num(runner['margin'][p])} "
                     f"under {runner['name']}; as first mover {_num(best['first_mover'][p])} vs "
                     f"{_num(runner['first_mover'][p])}")
    diff = [k for k in best["values"] if not math.isclose(best["values"][k], runner["values"].get(k, math.nan))]
    if diff:
        lines.append("parameters that differ: " + ", ".join(
            f"{k} {_num(best['values'][k])} vs {_num(runner['values'].get(k, math.nan))}" for k in diff))
    return lines


def _num(v: float) -> str:
    return number(v, 4)
