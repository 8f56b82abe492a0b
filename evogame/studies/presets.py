"""Presets: named settings of a game's parameters, compared side by side.

A preset is a named institutional arrangement that sets several parameters
at once -- the government-enterprise platform structures of seed 004
(co-creation, network, enterprise-led, government-led) differ in role
allocation, cost/profit/responsibility split and decision power, and are
four presets of one game.  Form in a scenario file::

    [presets.network]
    label_en = "Network structure"
    label_zh = "网络型"
    description = "..."
    set = { alpha = 0.5, omega = "2*omega" }   # parameter -> number, or expression
                                               # in the parameters' values before the preset

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
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
import sympy

from ..errors import ScenarioError, did_you_mean, unknown_name
from ..game import Game

__all__ = ["Preset", "PRESET_KEYS", "validate_presets", "presets", "apply_preset", "preset_values",
           "PresetComparison", "compare_presets", "target_profile"]

PRESET_KEYS = ("label_en", "label_zh", "description", "set")


@dataclass(frozen=True)
class Preset:
    """A parsed preset.

    Attributes
    ----------
    name : identifier (``presets.<name>`` in the file).
    label_en, label_zh, description : display texts.
    set : parameter name -> sympy expression in the parameter symbols (a
        number for plain values).
    """

    name: str
    label_en: str = ""
    label_zh: str = ""
    description: str = ""
    set: dict = field(default_factory=dict)

    def label(self, lang: str = "en") -> str:
        return (self.label_zh if lang == "zh" else self.label_en) or self.name

    def to_dict(self) -> dict:
        return {"name": self.name, "label_en": self.label_en, "label_zh": self.label_zh,
                "description": self.description, "set": {k: sympy.sstr(v) for k, v in self.set.items()}}

    def __repr__(self) -> str:
        return f"<Preset {self.name!r}: " + ", ".join(f"{k} = {sympy.sstr(v)}" for k, v in self.set.items()) + ">"


# -- parsing -------------------------------------------------------------------

def _text(v, file, key) -> str:
    if v is None:
        return ""
    if not isinstance(v, str):
        raise ScenarioError("a string was expected", file=file, key=key, found=repr(v)[:60])
    return v


def validate_presets(game: Game, file: str | None) -> dict[str, Preset]:
    """Parse and check the ``[presets]`` section of a scenario.

    Every preset must be a table with the keys of :data:`PRESET_KEYS` (``set``
    required and non-empty); every ``set`` key a declared parameter; every
    value a number or an expression in the parameters, whose value at the
    defaults is a finite real number inside the parameter's declared range
    (an integer for an integer parameter).  Raises :class:`ScenarioError`
    naming the file and the key (``presets.<name>.set.<parameter>``).
    Stores the result in ``game.scenario["presets_parsed"]`` and returns it.
    """
    from ..expressions import parse_expression
    from ..game import exact

    raw = game.scenario.get("presets", {})
    if not isinstance(raw, Mapping):
        raise ScenarioError("a table of presets was expected ([presets.<name>] tables)", file=file,
                            key="presets", found=repr(raw)[:60])
    names = {n: p.symbol for n, p in game.parameters.items()}
    defaults = {p.symbol: p.value for p in game.parameters.values() if p.value is not None}
    out: dict[str, Preset] = {}
    for name, spec in raw.items():
        where = f"presets.{name}"
        if not name.isidentifier():
            raise ScenarioError(f"'{name}' is not a valid preset name", file=file, key=where,
                                expected="letters, digits and underscores")
        if not isinstance(spec, Mapping):
            raise ScenarioError("a table was expected", file=file, key=where, found=repr(spec)[:60],
                                expected=f"[presets.{name}] with label_en, label_zh, description, set")
        for k in spec:
            if k not in PRESET_KEYS:
                raise ScenarioError(f"unknown key '{k}'", file=file, key=f"{where}.{k}",
                                    expected="one of " + ", ".join(PRESET_KEYS),
                                    suggestion=did_you_mean(k, PRESET_KEYS))
        settings = spec.get("set")
        if not isinstance(settings, Mapping) or not settings:
            raise ScenarioError("the preset sets nothing", file=file, key=f"{where}.set",
                                expected="a table parameter -> number or expression", found=repr(settings)[:60])
        parsed = {}
        for pname, value in settings.items():
            key = f"{where}.set.{pname}"
            if pname not in game.parameters:
                raise ScenarioError(f"unknown parameter '{pname}'", file=file, key=key,
                                    expected="a parameter declared in [parameters]",
                                    suggestion=did_you_mean(pname, game.parameters))
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise ScenarioError("a number or an expression was expected", file=file, key=key,
                                    found=repr(value)[:60])
            if isinstance(value, str):
                expr = parse_expression(value, names, file=file, key=key)
            else:
                try:
                    expr = exact(value)
                except ValueError:
                    raise ScenarioError("a finite number was expected", file=file, key=key,
                                        found=repr(value)) from None
            _check_value(game, pname, expr.xreplace(defaults), file, key)
            parsed[pname] = expr
        out[name] = Preset(name, _text(spec.get("label_en"), file, f"{where}.label_en"),
                           _text(spec.get("label_zh"), file, f"{where}.label_zh"),
                           _text(spec.get("description"), file, f"{where}.description"), parsed)
    game.scenario["presets_parsed"] = out
    return out


def _check_value(game: Game, pname: str, value, file, key) -> None:
    """A preset's value must be a finite real number in the parameter's range."""
    param = game.parameters[pname]
    if value.free_symbols:
        missing = ", ".join(sorted(str(s) for s in value.free_symbols))
        raise ScenarioError(f"the value depends on parameters without a default ({missing})", file=file, key=key)
    number = complex(sympy.N(value))
    if not (math.isfinite(number.real) and abs(number.imag) < 1e-12):
        raise ScenarioError("the value is not a finite real number", file=file, key=key, found=sympy.sstr(value))
    if param.range is not None and not param.range[0] <= number.real <= param.range[1]:
        raise ScenarioError(f"value {number.real:g} is outside the declared range "
                            f"[{param.range[0]:g}, {param.range[1]:g}] of '{pname}'", file=file, key=key)
    if param.integer and not (value.is_Integer or (value.is_Rational and value.q == 1)):
        raise ScenarioError(f"'{pname}' is an integer parameter", file=file, key=key,
                            expected="an integer", found=sympy.sstr(value))


def presets(game: Game) -> dict[str, Preset]:
    """The presets a game's scenario declares (name -> Preset, file order)."""
    base = game.scenario.get("_base_game")
    if base is not None and "presets_parsed" not in game.scenario:
        return presets(base)
    parsed = game.scenario.get("presets_parsed")
    if parsed is None:
        parsed = validate_presets(game, game.scenario.get("file")) if "presets" in game.scenario else {}
    return dict(parsed)


def _get(game: Game, name: str) -> Preset:
    known = presets(game)
    if name not in known:
        raise unknown_name("preset", name, known, file=game.scenario.get("file"), key="--preset",
                           section="[presets]")
    return known[name]


def preset_values(game: Game, name: str, params: Mapping | None = None) -> dict:
    """The parameter values a preset sets (exact numbers).

    Expressions are evaluated at the game's values with ``params`` applied
    (the values before the preset).
    """
    preset = _get(game, name)
    before = game.values(params)
    subs = {game.parameters[n].symbol: v for n, v in before.items()}
    out = {}
    for pname, expr in preset.set.items():
        value = sympy.nsimplify(expr.xreplace(subs)) if expr.free_symbols else expr
        _check_value(game, pname, value, game.scenario.get("file"), f"presets.{name}.set.{pname}")
        out[pname] = value
    return out


def apply_preset(game: Game, name: str, params: Mapping | None = None) -> Game:
    """A copy of the game with a preset's values (and ``params``) as its defaults."""
    values = {**dict(params or {}), **preset_values(game, name, params)}
    new = game.with_values(**values)
    preset = _get(game, name)
    new.title = f"{game.title}: {preset.label()}"
    new.scenario = dict(game.scenario)
    new.scenario["applied_preset"] = name
    return new


# -- comparison --------------------------------------------------------------------

def target_profile(game: Game, target: str | None = None) -> tuple[int, ...]:
    """Strategy indices of the target profile (default: the scenario's ``[game] target``)."""
    target = target or game.scenario.get("target")
    if not target:
        raise ScenarioError("the scenario declares no target (full collaboration)", file=game.scenario.get("file"),
                            key="game.target", expected="a profile such as 'a.b.c' (one strategy per population)")
    parts = target.split(".")
    if len(parts) != len(game.populations):
        raise ScenarioError(f"target '{target}' names {len(parts)} strategies", file=game.scenario.get("file"),
                            key="game.target", expected=f"{len(game.populations)} strategy names joined by '.'")
    idx = []
    for part, pop in zip(parts, game.populations):
        if part not in pop.strategies:
            raise ScenarioError(f"unknown strategy '{part}' of population '{pop.name}'",
                                file=game.scenario.get("file"), key="game.target",
                                suggestion=did_you_mean(part, pop.strategies))
        idx.append(pop.strategies.index(part))
    return tuple(idx)


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
    from ..dynamics import derive

    dyn = derive(game)
    flat = [f for fp in dyn.fitness for f in fp]
    fn = game.__dict__.get("_cache_fitness_fn")
    if fn is None:
        fn = sympy.lambdify(list(game.variables) + list(dyn.parameters), flat, modules="numpy")
        game.__dict__["_cache_fitness_fn"] = fn
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
    best : the preset whose target basin is largest (target stable), or None.
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

    def row(self, name: str) -> dict:
        for r in self.rows:
            if r["name"] == name:
                return r
        raise KeyError(name)

    def to_dict(self) -> dict:
        return {"game": self.game.name, "title": self.game.title, "target": self.target,
                "samples": self.samples, "seed": self.seed, "presets": [dict(r) for r in self.rows],
                "best": self.best, "distinguishable": self.distinguishable,
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
        widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def __repr__(self) -> str:
        shares = ", ".join(f"{r['name']} {r['basin_share']:.3f}" for r in self.rows)
        return f"<PresetComparison of {self.game.name!r} (target {self.target}): {shares}; best {self.best}>"


def compare_presets(game: Game, names: Sequence[str] | None = None, *, params: Mapping | None = None,
                    samples: int = 2048, seed: int = 0, t_end: float | None = None,
                    baseline: bool = True) -> PresetComparison:
    """Compare presets side by side: stable states, basin of the target, payoff reasons.

    Parameters
    ----------
    game : Game with ``[presets]`` and a ``target``.
    names : presets to compare (default: all, in file order).
    params : overrides applied before every preset (and to the baseline).
    samples, seed, t_end : basin sampling (see :func:`evogame.basins.basins`).
    baseline : also report the game's own defaults (first row; never the verdict).

    Returns
    -------
    PresetComparison
    """
    from ..analysis import analyze
    from .basins import basins
    from ..dynamics import with_structural

    known = presets(game)
    if not known:
        raise ScenarioError("the scenario declares no presets", file=game.scenario.get("file"), key="presets",
                            expected="[presets.<name>] tables")
    names = list(names) if names else list(known)
    for n in names:
        _get(game, n)
    target = target_profile(game)
    target_strategies = tuple(p.strategies[i] for p, i in zip(game.populations, target))
    runs = ([("baseline", None)] if baseline else []) + [(n, known[n]) for n in names]
    rows = []
    for name, preset in runs:
        over = dict(params or {})
        if preset is not None:
            over.update(preset_values(game, name, params))
        work, rest = with_structural(game, over)
        analysis = analyze(work, rest)
        result = basins(work, rest, samples=samples, seed=seed, t_end=t_end, analysis=analysis)
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
    return PresetComparison(game, label, rows, best, verdict, lines, int(samples), int(seed), distinct)


def _verdict(game: Game, rows, target, samples):
    label = game.profile_label(target)
    candidates = [r for r in rows if r["name"] != "baseline"]
    stable = sorted((r for r in candidates if r["target_stable"]),
                    key=lambda r: (-r["basin_share"], -min(r["margin"].values())))
    if not stable:
        return None, (f"No preset makes full collaboration {label} asymptotically stable under the stated "
                      "parameters; none promotes it."), [], True
    best = stable[0]
    others = sorted((r for r in candidates if r is not best), key=lambda r: -r["basin_share"])
    ranking = ", ".join(f"{r['name']} {r['basin_share']:.3f} ± {r['standard_error']:.3f}"
                        + ("" if r["target_stable"] else f" (target {r['target_classification']})")
                        for r in others)
    text = (f"{best['name']} ({best['label_en']}) promotes collaboration most under the stated parameters: "
            f"full collaboration {label} is asymptotically stable (eigenvalues "
            f"{', '.join(_num(e[0]) for e in best['target_eigenvalues'])}) and its basin covers "
            f"{best['basin_share']:.3f} ± {best['standard_error']:.3f} of the state space"
            + (f" (others: {ranking})." if ranking else "."))
    distinct = True
    lines = []
    if others:
        runner = others[0]
        gap = best["basin_share"] - runner["basin_share"]
        err = math.hypot(best["standard_error"], runner["standard_error"])
        if gap <= 2 * err:
            distinct = False
            text += (f" The lead over {runner['name']} ({gap:.3f}) is within two standard errors "
                     f"({2 * err:.3f}) at {samples} samples: increase --samples to separate them.")
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
        weakest = min(best["margin"], key=best["margin"].get)
        text += (f" Its weakest link at full collaboration is {weakest} (payoff advantage "
                 f"{_num(best['margin'][weakest])}).")
    return best["name"], text, lines, distinct


def _num(v: float) -> str:
    return "nan" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.4g}"
