"""Mechanisms: named, switchable changes of a game, scaled by a strength ``s``.

A mechanism (incentive compatibility, platform empowerment, clear
responsibilities, trust, escalated coordination, issue bundling, ...) is
declared in a scenario file (parsed by :mod:`evogame.scenario.mechanisms`)
and changes the baseline game in two ways:

* ``set`` -- parameter overrides ``p -> e_p(parameters, s)``, substituted into
  every payoff; the right-hand side's names mean the parameter values *before*
  the mechanism (the baseline, for the first mechanism);
* ``add`` -- extra payoff terms, one per pure profile and population for
  payoff-table games (turned into expected payoffs exactly as the table is:
  ``f_{p,i} += sum_{s: s_p = i} a_p(s) prod_{q != p} x_{q, s_q}``), or one per
  ``"population.strategy"`` for ``[fitness]`` games (may use the state names).

The strength ``s`` scales the change: ``s = 0`` is the baseline, ``s = 1``
the mechanism as described (the file's form: :mod:`evogame.scenario.mechanisms`).

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

from typing import Sequence

import sympy

from ..errors import ScenarioError
from ..game import Game, Origin, Parameter, exact
from ..scenario import STRENGTH, Mechanism, Scenario, as_scenario, strength_symbol
from ..scenario.mechanisms import game_kind

__all__ = ["mechanisms", "apply", "apply_to_game", "composed_overrides"]


def mechanisms(subject: Scenario | Game) -> dict[str, Mechanism]:
    """The mechanisms a scenario declares (name -> Mechanism, file order); none for a bare game."""
    return dict(as_scenario(subject).mechanisms)


def apply(subject: Scenario | Game, items: Sequence, strength=1):
    """The scenario (or game) with mechanisms applied.

    Parameters
    ----------
    subject : a :class:`~evogame.scenario.Scenario` (mechanisms may be named),
        or a bare :class:`~evogame.game.Game` (give :class:`Mechanism` objects).
    items : mechanism names, :class:`Mechanism` objects, or ``(name, strength)``
        pairs (a pair fixes that mechanism's strength).
    strength : the strength of the others: a number (0 = baseline, 1 = as
        described) or ``"symbolic"``; then ``strength`` becomes a parameter
        of the returned game (default value 1), so that
        ``analyze(applied, symbolic=True)`` gives conditions in it.  Give
        ``("symbolic", v)`` for a symbolic strength with default value ``v``.

    Returns
    -------
    Scenario or Game (the kind given)
        Payoffs ``u(M) + sum of extra terms`` (see the module docstring); the
        game's ``origin`` records the baseline and the ``(Mechanism,
        strength)`` pairs; a scenario keeps its file, target and sections.
    """
    scenario = as_scenario(subject)
    entries = _entries(scenario, items, "symbolic" if _is_symbolic(strength) else strength)
    game = apply_to_game(scenario.game, entries, strength[1] if _is_symbolic(strength) else 1)
    return scenario.with_game(game) if isinstance(subject, Scenario) else game


def _is_symbolic(strength) -> bool:
    return isinstance(strength, tuple) and bool(strength) and strength[0] == "symbolic"


def apply_to_game(game: Game, entries: Sequence[tuple[Mechanism, object]], default=1) -> Game:
    """Apply ``(Mechanism, strength)`` pairs; an applied game composes from its baseline.

    ``apply_to_game(apply_to_game(g, [A]), [B])`` equals ``apply_to_game(g, [A, B])``;
    the baseline keeps the game's current default values.
    """
    origin = game.origin
    entries = list(entries)
    if origin is not None and origin.mechanisms:
        base = origin.base
        changed = {n: p.value for n, p in game.parameters.items()
                   if n in base.parameters and p.value != base.parameters[n].value}
        base = base.with_values(**changed)
        if base.parameters.get(STRENGTH) is None and STRENGTH in game.parameters:
            default = game.parameters[STRENGTH].value
        return _build(base, list(origin.mechanisms) + entries, default, origin.preset)
    return _build(game, entries, default, origin.preset if origin is not None else None)


def _entries(scenario: Scenario, items, strength) -> list[tuple[Mechanism, object]]:
    """Normalise the ``items`` argument of :func:`apply` to (Mechanism, strength) pairs."""
    if isinstance(items, (str, Mechanism)):
        items = [items]
    out = []
    for item in items:
        m, s = item if isinstance(item, tuple) else (item, strength)
        if isinstance(m, str):
            m = scenario.mechanism(m)
        if not isinstance(m, Mechanism):
            raise TypeError(f"a mechanism name or Mechanism was expected, not {type(m).__name__}")
        if s != "symbolic":
            try:
                s = exact(s)
            except (TypeError, ValueError):
                raise ScenarioError(f"strength {s!r} of mechanism '{m.name}' is not a finite number",
                                    argument="strength", expected="a number (0 = baseline, 1 = as described)") from None
        out.append((m, s))
    return out


def composed_overrides(game: Game, entries) -> tuple[dict, list]:
    """The composed substitution and extra terms of ``(Mechanism, strength)`` pairs.

    Returns ``(M, extra)``: ``M`` maps every overridden parameter symbol to its
    expression in the baseline parameters (and the symbol ``strength`` where a
    strength is symbolic); ``extra`` lists ``(index, terms)`` pairs as in
    ``Mechanism.add``, already composed.
    """
    s_sym = strength_symbol()
    M: dict = {}
    extra = []
    for mech, s in entries:
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


def _build(game: Game, entries, default, preset: str | None) -> Game:
    M, extra = composed_overrides(game, entries)
    params = dict(game.parameters)
    if any(s == "symbolic" for _, s in entries):
        if STRENGTH in params:
            raise ScenarioError("'strength' is reserved for a mechanism's strength", key=f"parameters.{STRENGTH}")
        value = exact(default)
        params[STRENGTH] = Parameter(STRENGTH, value, "strength of the mechanism(s): 0 = baseline, "
                                     "1 = as described", (0.0, float(max(1, value))), "mechanism strength")
    pops = game.populations
    common = dict(name=game.name, title=_title(game, entries), description=game.description,
                  origin=Origin(game, tuple(entries), preset))
    kind = game_kind(game)
    if kind == "table":
        table = {idx: [u.xreplace(M) for u in payoffs] for idx, payoffs in game.payoff_table.items()}
        for idx, terms in extra:
            table[idx] = [u + t for u, t in zip(table[idx], terms)]
        return Game.from_payoff_table(pops, {k: tuple(sympy.expand(u) for u in v) for k, v in table.items()},
                                      list(params.values()), **common)
    if kind == "symmetric":
        matrix = [[a.xreplace(M) for a in row] for row in game.matrix]
        for (i, j), (t,) in extra:
            matrix[i][j] = matrix[i][j] + t
        return Game.symmetric(pops[0], [[sympy.expand(a) for a in row] for row in matrix],
                              list(params.values()), **common)
    fitness = [[f.xreplace(M) for f in fp] for fp in game.fitness]
    for (p, i), (t,) in extra:
        fitness[p][i] = fitness[p][i] + t
    return Game(pops, [[sympy.expand(f) for f in fp] for fp in fitness], list(params.values()), **common)


def _title(game: Game, entries) -> str:
    if not entries:
        return game.title
    # a strength may be a symbol of its own (the explorer's one slider per mechanism)
    parts = [m.name + ("" if s == "symbolic" else f" (s={float(s):g})" if sympy.sympify(s).is_number
                       else f" (s={s})") for m, s in entries]
    return f"{game.title} with {' + '.join(parts)}"
