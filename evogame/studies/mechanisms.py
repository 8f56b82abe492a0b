"""Mechanisms: named, switchable changes of a game, scaled by a strength ``s``.

A mechanism (incentive compatibility, platform empowerment, clear
responsibilities, trust, escalated coordination, issue bundling, ...) is
declared in a scenario file and changes the baseline game in two ways:

* ``set`` -- parameter overrides ``p -> e_p(parameters, s)``, substituted into
  every payoff; the right-hand side's names mean the parameter values *before*
  the mechanism (the baseline, for the first mechanism);
* ``add`` -- extra payoff terms, one per pure profile and population for
  payoff-table games (turned into expected payoffs exactly as the table is:
  ``f_{p,i} += sum_{s: s_p = i} a_p(s) prod_{q != p} x_{q, s_q}``), or one per
  ``"population.strategy"`` for ``[fitness]`` games (may use the state names).

The strength ``s`` (the reserved name ``strength``) scales the change:
``s = 0`` is the baseline, ``s = 1`` the mechanism as described.  Form::

    [[mechanisms]]
    name = "platform"
    label_en = "Platform empowerment"
    label_zh = "平台赋能"
    description = "A shared platform cuts the subordinate's execution cost ..."
    seed = "seed 002 (platform assistance)"
    set = { c_D = "c_D*(1 - 0.8*strength)" }
    add = { "strict.active" = ["0", "2*strength"] }

Composition.  Mechanisms apply in the order given.  Every right-hand side of
a mechanism (``set`` and ``add``) sees the parameter values produced by the
mechanisms before it (and not those after it): with ``A: c_D -> c_D - 1``
then ``B: c_D -> c_D/2`` the effective value is ``(c_D - 1)/2``.  Formally
each mechanism updates a map ``M`` from parameter symbols to expressions in
the baseline parameters (initially the identity): ``M[p] <- e_p(M)``; its
extra terms are ``a(M)``; the applied game's payoffs are ``u(M) + sum a``.
Applying a mechanism to an already applied game composes from the baseline,
so ``apply(apply(g, [A]), [B])`` equals ``apply(g, [A, B])``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import sympy

from ..errors import ScenarioError, did_you_mean, unknown_name
from ..game import Game, Parameter, exact, parameter_symbol

__all__ = ["Mechanism", "validate_mechanisms", "mechanisms", "apply", "STRENGTH", "strength_symbol",
           "MECHANISM_KEYS"]

#: the reserved name of a mechanism's strength in expressions
STRENGTH = "strength"
MECHANISM_KEYS = ("name", "label_en", "label_zh", "description", "seed", "set", "add")


def strength_symbol() -> sympy.Symbol:
    """The symbol ``strength`` (a real parameter, like every parameter symbol)."""
    return parameter_symbol(STRENGTH)


@dataclass(frozen=True)
class Mechanism:
    """A parsed mechanism.

    Attributes
    ----------
    name : identifier used on the command line.
    label_en, label_zh : display names.
    description, seed : what it does and which seed it comes from.
    set : parameter name -> sympy expression in the parameter symbols and
        ``strength``.
    add : for payoff-table games, profile index tuple -> one expression per
        population; for symmetric games, ``(row, column)`` -> 1-tuple; for
        ``[fitness]`` games, ``(population index, strategy index)`` -> 1-tuple.
    add_keys : the ``add`` keys as written in the file (same order as ``add``).
    """

    name: str
    label_en: str = ""
    label_zh: str = ""
    description: str = ""
    seed: str = ""
    set: dict = field(default_factory=dict)
    add: dict = field(default_factory=dict)
    add_keys: tuple = ()

    def label(self, lang: str = "en") -> str:
        return (self.label_zh if lang == "zh" else self.label_en) or self.name

    @property
    def parameters(self) -> set[str]:
        """Names of the parameters the mechanism overrides."""
        return set(self.set)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "label_en": self.label_en,
            "label_zh": self.label_zh,
            "description": self.description,
            "seed": self.seed,
            "set": {k: sympy.sstr(v) for k, v in self.set.items()},
            "add": {k: [sympy.sstr(e) for e in v] for k, v in zip(self.add_keys, self.add.values())},
        }

    def __repr__(self) -> str:
        parts = [f"{k} -> {sympy.sstr(v)}" for k, v in self.set.items()]
        if self.add:
            parts.append(f"{len(self.add)} extra payoff terms")
        return f"<Mechanism {self.name!r}: {'; '.join(parts)}>"


# -- parsing -------------------------------------------------------------------

def _kind(game: Game) -> str:
    if game.payoff_table is not None:
        return "table"
    if game.matrix is not None:
        return "symmetric"
    return "fitness"


def _text(v, file, key, required):
    if v is None:
        if required:
            raise ScenarioError("missing", file=file, key=key, expected="a non-empty string")
        return ""
    if not isinstance(v, str) or (required and not v.strip()):
        raise ScenarioError("a non-empty string was expected", file=file, key=key, found=repr(v)[:60])
    return v


def _expression(value, names, file, key) -> sympy.Expr:
    from ..expressions import parse_expression
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ScenarioError("an expression (string or number) was expected", file=file, key=key,
                            found=repr(value)[:60])
    if isinstance(value, (int, float)):
        try:
            return exact(value)
        except ValueError:
            raise ScenarioError("a finite number was expected", file=file, key=key, found=repr(value)) from None
    return parse_expression(value, names, file=file, key=key)


def parse_mechanism(game: Game, raw, file: str | None, position: int) -> Mechanism:
    """Parse and check one ``[[mechanisms]]`` table (see the module docstring)."""
    where = f"mechanisms[{position}]"
    if not isinstance(raw, Mapping):
        raise ScenarioError("a table was expected", file=file, key=where, found=repr(raw)[:60])
    name = raw.get("name")
    if not isinstance(name, str) or not name.isidentifier():
        raise ScenarioError("a mechanism needs a name (letters, digits, underscores)", file=file,
                            key=f"{where}.name", found=repr(name)[:60])
    where = f"mechanisms.{name}"
    for k in raw:
        if k not in MECHANISM_KEYS:
            raise ScenarioError(f"unknown key '{k}'", file=file, key=f"{where}.{k}",
                                expected="one of " + ", ".join(MECHANISM_KEYS),
                                suggestion=did_you_mean(k, MECHANISM_KEYS))
    label_en = _text(raw.get("label_en"), file, f"{where}.label_en", False)
    label_zh = _text(raw.get("label_zh"), file, f"{where}.label_zh", False)
    description = _text(raw.get("description"), file, f"{where}.description", True)
    seed = _text(raw.get("seed"), file, f"{where}.seed", True)
    if "set" not in raw and "add" not in raw:
        raise ScenarioError("the mechanism changes nothing", file=file, key=where,
                            expected="a 'set' table (parameter overrides) and/or an 'add' table (extra payoffs)")
    names = {n: p.symbol for n, p in game.parameters.items()}
    names[STRENGTH] = strength_symbol()

    overrides = {}
    set_raw = raw.get("set", {})
    if not isinstance(set_raw, Mapping):
        raise ScenarioError("a table parameter -> expression was expected", file=file, key=f"{where}.set",
                            found=repr(set_raw)[:60])
    for pname, value in set_raw.items():
        key = f"{where}.set.{pname}"
        if pname == STRENGTH:
            raise ScenarioError("'strength' is the mechanism's strength, not a parameter", file=file, key=key,
                                expected="a parameter name")
        if pname not in game.parameters:
            raise ScenarioError(f"unknown parameter '{pname}'", file=file, key=key,
                                expected="a parameter declared in [parameters]",
                                suggestion=did_you_mean(pname, game.parameters))
        overrides[pname] = _expression(value, names, file, key)

    add, add_keys = {}, []
    add_raw = raw.get("add", {})
    if not isinstance(add_raw, Mapping):
        raise ScenarioError("a table profile -> payoffs was expected", file=file, key=f"{where}.add",
                            found=repr(add_raw)[:60])
    kind = _kind(game)
    pops = game.populations
    for pkey, value in add_raw.items():
        key = f"{where}.add.{pkey}"
        values = value if isinstance(value, list) else [value]
        if kind == "fitness":
            idx = _population_strategy(game, pkey, file, key)
            count, anames = 1, {**names, **game.state_names()}
        elif kind == "symmetric":
            idx = _profile(pkey, [pops[0], pops[0]], file, key)
            count, anames = 1, names
        else:
            idx = _profile(pkey, pops, file, key)
            count, anames = len(pops), names
        if len(values) != count:
            raise ScenarioError(f"{count} expression{'s' if count > 1 else ''} "
                                f"{'(one per population)' if count > 1 else ''} expected".replace("  ", " "),
                                file=file, key=key, found=f"{len(values)}")
        if idx in add:
            raise ScenarioError("the same term is given twice", file=file, key=key)
        add[idx] = tuple(_expression(v, anames, file, key) for v in values)
        add_keys.append(pkey)
    return Mechanism(name, label_en, label_zh, description, seed, overrides, add, tuple(add_keys))


def _profile(pkey: str, populations, file, key) -> tuple[int, ...]:
    parts = pkey.split(".")
    if len(parts) != len(populations):
        raise ScenarioError(f"profile '{pkey}' names {len(parts)} strategies", file=file, key=key,
                            expected=f"{len(populations)} strategy names joined by '.'")
    idx = []
    for part, pop in zip(parts, populations):
        if part not in pop.strategies:
            raise ScenarioError(f"unknown strategy '{part}' of population '{pop.name}'", file=file, key=key,
                                expected="one of " + ", ".join(pop.strategies),
                                suggestion=did_you_mean(part, pop.strategies))
        idx.append(pop.strategies.index(part))
    return tuple(idx)


def _population_strategy(game: Game, pkey: str, file, key) -> tuple[int, int]:
    parts = pkey.split(".")
    names = [p.name for p in game.populations]
    if len(parts) != 2:
        raise ScenarioError(f"'{pkey}' is not 'population.strategy'", file=file, key=key,
                            expected="a key population.strategy (a [fitness] game)")
    if parts[0] not in names:
        raise ScenarioError(f"unknown population '{parts[0]}'", file=file, key=key,
                            suggestion=did_you_mean(parts[0], names))
    p = names.index(parts[0])
    if parts[1] not in game.populations[p].strategies:
        raise ScenarioError(f"unknown strategy '{parts[1]}' of population '{parts[0]}'", file=file, key=key,
                            suggestion=did_you_mean(parts[1], game.populations[p].strategies))
    return p, game.populations[p].strategies.index(parts[1])


def validate_mechanisms(game: Game, file: str | None) -> dict[str, Mechanism]:
    """Parse and check the ``[[mechanisms]]`` section of a scenario.

    Stores the parsed mechanisms in ``game.scenario["mechanisms_parsed"]``
    (name -> Mechanism, in file order) and returns them.  Raises
    :class:`ScenarioError` naming the file and the key
    (``mechanisms.<name>.set.<parameter>`` ...) on the first mistake.
    """
    raw = game.scenario.get("mechanisms", [])
    if not isinstance(raw, list):
        raise ScenarioError("a list of [[mechanisms]] tables was expected", file=file, key="mechanisms",
                            found=repr(raw)[:60])
    if STRENGTH in game.parameters:
        raise ScenarioError("'strength' is reserved for a mechanism's strength", file=file,
                            key=f"parameters.{STRENGTH}", expected="another parameter name")
    out: dict[str, Mechanism] = {}
    for k, item in enumerate(raw):
        mech = parse_mechanism(game, item, file, k)
        if mech.name in out:
            raise ScenarioError(f"mechanism '{mech.name}' is declared twice", file=file,
                                key=f"mechanisms.{mech.name}", expected="distinct mechanism names")
        out[mech.name] = mech
    game.scenario["mechanisms_parsed"] = out
    return out


def mechanisms(game: Game) -> dict[str, Mechanism]:
    """The mechanisms a game's scenario declares (name -> Mechanism, file order)."""
    base = game.scenario.get("_base_game")
    if base is not None:
        return mechanisms(base)
    parsed = game.scenario.get("mechanisms_parsed")
    if parsed is None:
        parsed = validate_mechanisms(game, game.scenario.get("file")) if "mechanisms" in game.scenario else {}
    return dict(parsed)


def get(game: Game, name: str) -> Mechanism:
    """One mechanism by name; a ScenarioError with a suggestion when unknown."""
    known = mechanisms(game)
    if name not in known:
        raise unknown_name("mechanism", name, known, file=game.scenario.get("file"), key="--mechanism",
                           section="[[mechanisms]]")
    return known[name]


# -- applying ------------------------------------------------------------------

def _entries(game: Game, items, strength) -> list[tuple[Mechanism, object]]:
    """Normalise the ``mechanisms`` argument of :func:`apply` to (Mechanism, strength)."""
    if isinstance(items, (str, Mechanism)):
        items = [items]
    out = []
    for item in items:
        if isinstance(item, tuple):
            m, s = item
        else:
            m, s = item, strength
        if isinstance(m, str):
            m = get(game, m)
        if not isinstance(m, Mechanism):
            raise TypeError(f"a mechanism name or Mechanism was expected, not {type(m).__name__}")
        if s != "symbolic":
            try:
                s = exact(s)
            except (TypeError, ValueError):
                raise ScenarioError(f"strength {s!r} of mechanism '{m.name}' is not a finite number",
                                    key="--strength", expected="a number (0 = baseline, 1 = as described)") from None
        out.append((m, s))
    return out


def overrides(game: Game, items, strength=1) -> tuple[dict, list]:
    """The composed substitution and extra terms of a list of mechanisms.

    Returns ``(M, extra)``: ``M`` maps every overridden parameter symbol to its
    expression in the baseline parameters (and the symbol ``strength`` where a
    strength is symbolic); ``extra`` lists ``(index, terms)`` pairs as in
    ``Mechanism.add``, already composed.
    """
    s_sym = strength_symbol()
    M: dict = {}
    extra = []
    for mech, s in _entries(game, items, strength):
        local = dict(M)
        if s != "symbolic":
            local[s_sym] = s
        new = {}
        for pname, e in mech.set.items():
            new[game.parameters[pname].symbol] = sympy.expand(e.xreplace(local))
        for idx, terms in mech.add.items():
            extra.append((idx, tuple(sympy.expand(t.xreplace(local)) for t in terms)))
        M.update(new)
    return M, extra


def apply(game: Game, items: Sequence, strength=1) -> Game:
    """A new game with mechanisms applied.

    Parameters
    ----------
    game : Game (with a scenario declaring the mechanisms).
    items : mechanism names, :class:`Mechanism` objects, or ``(name, strength)``
        pairs (a pair fixes that mechanism's strength).
    strength : the strength of the others: a number (0 = baseline, 1 = as
        described) or ``"symbolic"``; then ``strength`` becomes a parameter
        of the returned game (default value 1), so that
        ``analyze(applied, symbolic=True)`` gives conditions in it.  Give
        ``("symbolic", v)`` for a symbolic strength with default value ``v``.

    Returns
    -------
    Game
        Payoffs ``u(M) + sum of extra terms`` (see the module docstring); the
        original scenario (file, target, sections) is kept, with
        ``scenario["applied_mechanisms"]`` listing ``(name, strength)``.
    """
    default = 1
    if isinstance(strength, tuple) and strength and strength[0] == "symbolic":
        strength, default = "symbolic", strength[1]
    base = game.scenario.get("_base_game")
    if base is not None:  # compose from the baseline, keeping the game's current default values
        changed = {n: p.value for n, p in game.parameters.items()
                   if n in base.parameters and p.value != base.parameters[n].value}
        if changed:
            base = base.with_values(**changed)
        previous = [(m, s) for m, s in game.scenario.get("_applied_entries", [])]
        if base.parameters.get(STRENGTH) is None and STRENGTH in game.parameters:
            default = game.parameters[STRENGTH].value
        entries = previous + _entries(base, items, strength)
        return _build(base, entries, default)
    return _build(game, _entries(game, items, strength), default)


def _build(game: Game, entries, default) -> Game:
    M, extra = overrides(game, entries)
    symbolic = any(s == "symbolic" for _, s in entries)
    params = dict(game.parameters)
    if symbolic:
        if STRENGTH in params:
            raise ScenarioError("'strength' is reserved for a mechanism's strength", key=f"parameters.{STRENGTH}")
        value = exact(default)
        params[STRENGTH] = Parameter(STRENGTH, value, "strength of the mechanism(s): 0 = baseline, "
                                     "1 = as described", (0.0, float(max(1, value))), "mechanism strength")
    kind = _kind(game)
    pops = game.populations
    common = dict(name=game.name, title=_title(game, entries), description=game.description)
    if kind == "table":
        table = {idx: [u.xreplace(M) for u in payoffs] for idx, payoffs in game.payoff_table.items()}
        for idx, terms in extra:
            table[idx] = [u + t for u, t in zip(table[idx], terms)]
        new = Game.from_payoff_table(pops, {k: tuple(sympy.expand(u) for u in v) for k, v in table.items()},
                                     list(params.values()), **common)
    elif kind == "symmetric":
        matrix = [[a.xreplace(M) for a in row] for row in game.matrix]
        for (i, j), (t,) in extra:
            matrix[i][j] = matrix[i][j] + t
        matrix = [[sympy.expand(a) for a in row] for row in matrix]
        new = Game.symmetric(pops[0], matrix, list(params.values()), **common)
    else:
        fitness = [[f.xreplace(M) for f in fp] for fp in game.fitness]
        for (p, i), (t,) in extra:
            fitness[p][i] = fitness[p][i] + t
        new = Game(pops, [[sympy.expand(f) for f in fp] for fp in fitness], list(params.values()), **common)
    new.scenario = dict(game.scenario)
    new.scenario["_base_game"] = game
    new.scenario["_applied_entries"] = list(entries)
    new.scenario["applied_mechanisms"] = [(m.name, "symbolic" if s == "symbolic" else float(s))
                                          for m, s in entries]
    return new


def _title(game: Game, entries) -> str:
    if not entries:
        return game.title
    parts = [m.name + ("" if s == "symbolic" else f" (s={float(s):g})") for m, s in entries]
    return f"{game.title} with {' + '.join(parts)}"


def applied_description(game: Game) -> str:
    """``"platform (s=1) + responsibility (s=0.5)"`` for an applied game, else ``"baseline"``."""
    items = game.scenario.get("applied_mechanisms")
    if not items:
        return "baseline"
    return " + ".join(f"{n} (s={'s' if s == 'symbolic' else f'{s:g}'})" for n, s in items)


# -- compare -------------------------------------------------------------------

@dataclass
class CompareResult:
    """Baseline vs with-mechanism(s) rest points, matched by face and position.

    Attributes
    ----------
    mechanisms : ``(name, strength)`` pairs applied.
    rows : one per rest point of either game: ``face``, ``baseline`` and
        ``with`` (each a dict ``label, state, eigenvalues, classification``
        or None when the point does not exist there) and ``change`` (
        ``"unchanged"``, ``"<old> -> <new>"``, ``"appears"``, ``"disappears"``).
    baseline_stable, with_stable : labels of the asymptotically stable points.
    """

    scenario: str
    mechanisms: list
    rows: list
    baseline_stable: list
    with_stable: list
    baseline: object = field(repr=False, default=None)
    applied: object = field(repr=False, default=None)

    @property
    def changed(self) -> list[dict]:
        """Rows whose classification changed, or that appear or disappear."""
        return [r for r in self.rows if r["change"] != "unchanged"]

    def to_dict(self) -> dict:
        return {
            "scenario": self.scenario,
            "mechanisms": [{"name": n, "strength": s} for n, s in self.mechanisms],
            "baseline_stable": list(self.baseline_stable),
            "with_stable": list(self.with_stable),
            "rows": [dict(r) for r in self.rows],
            "changed": [dict(r) for r in self.changed],
        }

    def table(self) -> str:
        """Side-by-side text table."""
        def fmt_state(side):
            if side is None:
                return "-"
            return "; ".join("(" + ", ".join(f"{v:.4g}" for v in vec) + ")" for vec in side["state"])

        what = " + ".join(f"{n} (s={s:g})" for n, s in self.mechanisms)
        head = ("rest point", "baseline state", "baseline", "with state", "with mechanism", "change")
        rows = [head]
        for r in self.rows:
            b, w = r["baseline"], r["with"]
            rows.append(((b or w)["label"], fmt_state(b), b["classification"] if b else "-",
                         fmt_state(w), w["classification"] if w else "-", r["change"]))
        widths = [max(len(x[i]) for x in rows) for i in range(len(head))]
        lines = [f"baseline vs with {what}"]
        lines += ["  ".join(c.ljust(wd) for c, wd in zip(row, widths)).rstrip() for row in rows[:1]]
        lines.append("  ".join("-" * wd for wd in widths))
        lines += ["  ".join(c.ljust(wd) for c, wd in zip(row, widths)).rstrip() for row in rows[1:]]
        lines.append("stable at baseline: " + (", ".join(self.baseline_stable) or "none"))
        lines.append(f"stable with {what}: " + (", ".join(self.with_stable) or "none"))
        ch = self.changed
        lines.append("changed: " + ("; ".join(f"{(r['baseline'] or r['with'])['label']} {r['change']}" for r in ch)
                                    if ch else "nothing"))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<CompareResult {self.scenario}: stable {self.baseline_stable} -> {self.with_stable}, "
                f"{len(self.changed)} changed>")


def compare(game: Game, items: Sequence, strength=1, *, params: Mapping | None = None, rtol: float | None = None,
            budget: float | None = 10.0) -> CompareResult:
    """Analyse the baseline and the game with mechanisms applied, and match their rest points.

    Rest points are matched face by face (the same support); several on one
    face are paired greedily by distance of their states.  ``params``
    overrides default values in both games.
    """
    import numpy as np

    from ..analysis import analyze
    from ..restpoints import face_label
    from ..stability import RTOL

    rtol = RTOL if rtol is None else rtol
    if not items:
        raise ScenarioError("compare needs a mechanism", file=game.scenario.get("file"), key="--mechanism",
                            expected="--mechanism NAME (repeatable)")
    from ..dynamics import structural_parameters
    structural = {k: v for k, v in (params or {}).items() if k in structural_parameters(game)}
    if structural:   # a sum limit fixes the polynomial degree: it must be a default value, not an override
        game = game.with_values(**structural)
        params = {k: v for k, v in params.items() if k not in structural}
    applied = apply(game, items, strength)
    base = analyze(game, params, rtol=rtol, budget=budget)
    new = analyze(applied, params, rtol=rtol, budget=budget)

    def side(p):
        return {"label": p.label, "state": p.shares,
                "eigenvalues": [[float(e.real), float(e.imag)] for e in p.eigenvalues],
                "classification": p.classification}

    rows = []
    supports = []
    for p in base.rest_points + new.rest_points:
        if p.support not in supports:
            supports.append(p.support)
    for S in supports:
        left = [p for p in base.rest_points if p.support == S]
        right = [p for p in new.rest_points if p.support == S]
        pairs = []
        free = list(range(len(right)))
        for p in left:
            if free:
                k = min(free, key=lambda k: float(np.max(np.abs(right[k].state - p.state), initial=0)))
                free.remove(k)
                pairs.append((p, right[k]))
            else:
                pairs.append((p, None))
        pairs += [(None, right[k]) for k in free]
        for p, q in pairs:
            if p is None:
                change = "appears"
            elif q is None:
                change = "disappears"
            elif p.classification == q.classification:
                change = "unchanged"
            else:
                change = f"{p.classification} -> {q.classification}"
            rows.append({"face": face_label(game, S), "baseline": side(p) if p else None,
                         "with": side(q) if q else None, "change": change})
    mechs = [(n, s if s == "symbolic" else float(s)) for n, s in applied.scenario["applied_mechanisms"]]
    return CompareResult(game.name, mechs, rows, [p.label for p in base.stable], [p.label for p in new.stable],
                         base, new)
