"""The perceived game: every payoff entry rewritten by prospect theory and mental accounting.

The transform works where the outcomes are, on the payoff entries: each
entry of a payoff table (or of a symmetric matrix) is expanded into
monomials; the monomials of a declared term ``T`` (those equal to ``c·T``
with ``c`` free of ``T``'s symbols) make the term's outcome ``x`` in that
entry, and the product ``P`` of the declared probabilities in them is the
probability of the uncertain event that pays it.  The entry becomes

.. math::

    u' = \\text{rest} + \\sum_{T} w(P_T) \\, v(x_T / P_T - r) + \\sum_{A} v(x_A - r_A),

with ``rest`` the monomials of no declared term (left objective).  The
perceived expected payoffs are then formed from the perceived entries as
usual (shares are not distorted).  For ``[fitness]`` games the expressions
themselves are rewritten (the state may then enter the outcomes).
"""
from __future__ import annotations

import sympy

from ..errors import ScenarioError
from ..game import Game, Parameter, exact
from ..game.ranges import sign_in_ranges
from .model import DEFAULT_NAMES, DEFAULT_RANGES, DEFAULT_VALUES, DESCRIPTIONS, Perception, PerceptionSpec, prospect

__all__ = ["perceived_game", "perceived_payoff", "behavioural_parameters"]


class _Context:
    """What the rewriting of one entry needs: the spec, the ranges, the defaults, where it is (for messages)."""

    def __init__(self, spec: PerceptionSpec, game: Game, file: str | None):
        self.spec, self.file = spec, file
        params = game.parameters
        self.ranges = {p.symbol: tuple(p.range) for p in params.values() if p.range is not None}
        self.ranges.update({v: (0, 1) for v in game.variables})
        self.defaults = {p.symbol: p.value for p in params.values() if p.value is not None}
        self.states = set(game.variables)
        self.notes: list[str] = []

    def state_part(self, m: sympy.Expr) -> sympy.Expr:
        """The product of the state symbols in the monomial ``m`` (1 in a payoff entry): a matching weight."""
        return sympy.Mul(*[b ** e for b, e in _powers(m).items() if b.free_symbols & self.states])

    def kind(self, d: sympy.Expr, declared: str | None, what: str, where: str, key: str) -> str | None:
        """The branch of ``v`` for the outcome ``d``: fixed by the ranges, else declared (checked at the defaults),
        else None (piecewise, and a note says so)."""
        sign = sign_in_ranges(d, self.ranges) if d.free_symbols else ("+" if d > 0 else "-" if d < 0 else ">= 0")
        fixed = {"+": "gain", ">= 0": "gain", "-": "loss", "<= 0": "loss"}.get(sign)
        if fixed is not None:
            if declared is not None and fixed != declared:
                raise ScenarioError(f"{what} is declared a {declared} but its outcome {sympy.sstr(d)} in {where} "
                                    f"is {'never negative' if fixed == 'gain' else 'never positive'} over the "
                                    "declared ranges", file=self.file, key=key,
                                    expected=f"the term listed as a {fixed}, or ranges where it can be a {declared}")
            return fixed
        unranged = sorted(str(s) for s in d.free_symbols if s not in self.ranges)
        if unranged and declared is not None:
            at = d.xreplace(self.defaults)
            if at.is_number and ((declared == "gain" and at < 0) or (declared == "loss" and at > 0)):
                raise ScenarioError(f"{what} is declared a {declared} but its outcome {sympy.sstr(d)} in {where} "
                                    f"is {sympy.sstr(at)} at the default values", file=self.file, key=key,
                                    expected=f"an outcome of a {declared}'s sign")
            self.notes.append(f"{what} in {where}: taken as a {declared} (no declared range for "
                              f"{', '.join(unranged)}, so its sign is assumed, not proven)")
            return declared
        self.notes.append(f"{what} in {where}: the outcome {sympy.sstr(d)} can change sign inside the declared "
                          "ranges, so its value is kept piecewise (gain branch where it is >= 0); the payoff has a "
                          "kink there (not differentiable in the parameters)")
        return None


def _powers(m: sympy.Expr) -> dict:
    return {b: e for b, e in m.as_powers_dict().items() if b.free_symbols}


def _matches(m: sympy.Expr, term: sympy.Expr, ctx: _Context, where: str, key: str) -> bool:
    """True when the monomial ``m`` is ``c·term`` with ``c`` free of the term's symbols."""
    have, need = _powers(m), _powers(term)
    if not all(b in have for b in need):
        return False
    if any(have[b] != e for b, e in need.items()):
        if all(have[b] == e or (e.is_number and have[b].is_number and have[b] > e) for b, e in need.items()):
            raise ScenarioError(f"the term {sympy.sstr(term)} appears non-linearly ({sympy.sstr(m)}) in {where}",
                                file=ctx.file, key=key, expected="terms that appear as additive terms c*term")
        return False
    return True


def _probability(m: sympy.Expr, ctx: _Context, where: str, key: str) -> sympy.Expr:
    """The product of the declared probabilities in the monomial ``m`` (each must appear to the first power)."""
    powers = _powers(m)
    out = sympy.Integer(1)
    for p in ctx.spec.probabilities:
        if p in powers:
            if powers[p] != 1:
                raise ScenarioError(f"the probability {p} appears as {sympy.sstr(p ** powers[p])} in {where}",
                                    file=ctx.file, key=key, expected="a probability to the first power")
            out *= p
    return out


def perceived_payoff(entry: sympy.Expr, population: int, ctx: _Context, where: str, key: str) -> sympy.Expr:
    """One payoff entry of ``population`` rewritten (see the module docstring)."""
    frame = ctx.spec.frames[population]
    if frame is None:
        return entry
    monomials = list(sympy.Add.make_args(sympy.expand(entry)))
    owner: dict[int, sympy.Expr] = {}
    for term in frame.terms:
        for k, m in enumerate(monomials):
            if m != 0 and _matches(m, term, ctx, where, key):
                if k in owner:
                    raise ScenarioError(f"{sympy.sstr(m)} in {where} is both of the term {sympy.sstr(owner[k])} "
                                        f"and of the term {sympy.sstr(term)}", file=ctx.file, key=key,
                                        expected="declared terms that do not overlap")
                owner[k] = term
    out = sympy.Add(*[m for k, m in enumerate(monomials) if k not in owner])
    for kind, terms in (("gain", frame.gains), ("loss", frame.losses)):
        for term in terms:
            mine = [monomials[k] for k in owner if owner[k] == term]
            for weight, group in _by_state(mine, ctx).items():
                out += weight * _term_value(group, term, kind, frame, ctx, where, key)
    for account in frame.accounts:
        mine = [monomials[k] for k in owner if owner[k] in account.terms]
        for m in mine:
            if _probability(m, ctx, where, key) != 1:
                raise ScenarioError(f"the account '{account.name}' holds {sympy.sstr(m)}, weighted by a probability, "
                                    f"in {where}", file=ctx.file, key=key,
                                    expected="accounts of sure outcomes (list a risky term under gains or losses)")
        for weight, group in (_by_state(mine, ctx) or {sympy.Integer(1): []}).items():
            d = sympy.expand(sum(group, sympy.Integer(0)) - account.reference)
            what = f"the account '{account.name}'"
            out += weight * prospect(d, sympy.Integer(1), ctx.spec.symbols, "none",
                                     ctx.kind(d, account.kind, what, where, key))
    return out


def _by_state(monomials, ctx: _Context) -> dict:
    """Monomials grouped by their state part, divided by it: ``{weight: [outcome monomials]}``."""
    out: dict = {}
    for m in monomials:
        w = ctx.state_part(m)
        out.setdefault(w, []).append(m / w)
    return out


def _term_value(mine, term, kind, frame, ctx, where, key):
    """``w(P) v(x/P - r)`` of a term whose monomials in one entry are ``mine`` (all with the probability ``P``)."""
    probs = {_probability(m, ctx, where, key) for m in mine}
    if len(probs) > 1:
        raise ScenarioError(f"the term {sympy.sstr(term)} comes with different probabilities "
                            f"({', '.join(sorted(map(sympy.sstr, probs)))}) in {where}", file=ctx.file,
                            key=key, expected="one uncertain event per term and entry: declare the "
                            "complementary event's probability as its own parameter (q = 1 - p)")
    p = probs.pop()
    d = sympy.expand(sum(m / p for m in mine) - frame.reference)
    what = f"the {kind} term {sympy.sstr(term)}"
    return prospect(d, p, ctx.spec.symbols, ctx.spec.weighting, ctx.kind(d, kind, what, where, key))


def behavioural_parameters(spec: PerceptionSpec, declared) -> list[Parameter]:
    """The behavioural parameters the game lacks, with Tversky & Kahneman's values and default ranges."""
    out = []
    for role in spec.roles_used():
        name = str(spec.symbols[role])
        if name not in declared:
            out.append(Parameter(name, exact(DEFAULT_VALUES[role]), DESCRIPTIONS[role], DEFAULT_RANGES[role],
                                 "prospect theory" if role in ("alpha", "beta", "lambda") else "probability weighting"))
    return out


def perceived_game(game: Game, spec: PerceptionSpec, *, file: str | None = None) -> tuple[Game, Perception]:
    """The game of perceived payoffs and the :class:`Perception` (with the expected-payoff game and notes).

    Raises :class:`ScenarioError` (naming ``file`` and the payoff key) when a
    declared term is missing from every payoff of its population, appears
    non-linearly, or has an outcome of the wrong sign.
    """
    ctx = _Context(spec, game, file)
    params = list(game.parameters.values()) + behavioural_parameters(spec, game.parameters)
    common = {"name": game.name, "title": game.title, "description": game.description}
    seen: set = set()

    def rewrite(entry, p, where, key):
        new = perceived_payoff(entry, p, ctx, where, key)
        frame = spec.frames[p]
        if frame is not None:
            expanded = sympy.Add.make_args(sympy.expand(entry))
            seen.update((p, t) for t in frame.terms if any(_matches(m, t, ctx, where, key) for m in expanded))
        return new

    if game.payoff_table is not None:
        table = {idx: tuple(rewrite(u, p, f"the payoff of {game.populations[p].name} at {game.profile_key(idx)}",
                                    f"payoffs.{game.profile_key(idx)}") for p, u in enumerate(us))
                 for idx, us in game.payoff_table.items()}
        new = Game.from_payoff_table(game.populations, table, params, **common)
    elif game.matrix is not None:
        pop = game.populations[0]
        matrix = [[rewrite(a, 0, f"the payoff at {pop.strategies[i]}.{pop.strategies[j]}",
                           f"payoffs.{pop.strategies[i]}.{pop.strategies[j]}") for j, a in enumerate(row)]
                  for i, row in enumerate(game.matrix)]
        new = Game.symmetric(pop, matrix, params, **common)
    else:
        fitness = [[rewrite(f, p, f"the expected payoff of {pop.name}.{s}", f"fitness.{pop.name}.{s}")
                    for s, f in zip(pop.strategies, fp)] for p, (pop, fp) in enumerate(zip(game.populations,
                                                                                          game.fitness))]
        new = Game(game.populations, fitness, params, **common)
    for frame in {id(f): f for f in spec.frames if f is not None}.values():
        users = [p for p, f in enumerate(spec.frames) if f is frame]
        for term in frame.terms:
            if not any((p, term) in seen for p in users):
                names = ", ".join(f"'{game.populations[p].name}'" for p in users)
                raise ScenarioError(f"the term {sympy.sstr(term)} is not an additive term of any payoff of "
                                    f"{names}", file=file, key="perception",
                                    expected="a product of parameters that appears as c*term in a payoff entry")
    notes = tuple(dict.fromkeys(ctx.notes))
    return new, Perception(spec, game, notes)


def default_symbols(names: dict | None = None) -> dict:
    """Role -> parameter symbol, with ``names`` (role -> name) overriding :data:`DEFAULT_NAMES`."""
    from ..game import parameter_symbol
    return {role: parameter_symbol((names or {}).get(role, DEFAULT_NAMES[role])) for role in DEFAULT_NAMES}
