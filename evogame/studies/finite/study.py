"""The finite-population analysis of a scenario: one call from the scenario to a :class:`FiniteResult`.

``finite(scenario, sizes, beta, mutation)`` applies the mechanisms, fixes the
parameter values, builds the finite-population payoffs
(:mod:`evogame.studies.finite.payoffs`), every single-mutant fixation probability and
the small-mutation limit (:mod:`evogame.studies.finite.fixation`), and with ``mu > 0``
the full chain's stationary distribution (:mod:`evogame.studies.finite.stationary`).
``finite_sweep`` repeats it along a parameter or a mechanism's strength: the
finite-population counterpart of a threshold.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

from ...dynamics import derive, with_structural
from ...errors import ScenarioError, did_you_mean
from ...scenario import Scenario, as_scenario
from .fixation import embedded_chain, invasions
from .payoffs import FinitePayoffs, edge_counts
from .process import Process, StateSpace, transition_probabilities
from .result import FiniteResult, Invasion, SmallMutationLimit, Stationary
from .stationary import gth_stationary, stationary_distribution, transition_matrix

__all__ = ["finite", "finite_sweep", "FiniteSweep", "population_sizes", "finite_payoffs"]


def population_sizes(game, sizes) -> tuple[int, ...]:
    """``Z`` for every population: one number for all, or one per population."""
    sizes = [sizes] if np.isscalar(sizes) else list(sizes)
    if len(sizes) == 1:
        sizes = sizes * len(game.populations)
    if len(sizes) != len(game.populations):
        raise ScenarioError(f"{len(sizes)} population sizes for {len(game.populations)} populations",
                            argument="sizes", expected="one size for all populations, or one per population ("
                                                       + ", ".join(p.name for p in game.populations) + ")")
    return tuple(sizes)


def finite_payoffs(subject, sizes, params: Mapping | None = None):
    """``(game, values, FinitePayoffs)`` of a scenario (or game) with parameter overrides ``params``."""
    game, overrides = with_structural(as_scenario(subject).game, params)
    values = game.values(overrides)
    dynamics = derive(game)
    return game, values, FinitePayoffs(dynamics, dynamics.parameter_vector(values), population_sizes(game, sizes))


def finite(subject: Scenario, sizes, beta: float = 1.0, mutation: float = 0.0, *, mechanisms: Sequence = (),
           strength=1, params: Mapping | None = None, full: bool | None = None) -> FiniteResult:
    """Finite populations of a scenario under the pairwise-comparison (Fermi) process.

    Parameters
    ----------
    subject : a Scenario (or Game).
    sizes : ``Z`` for every population, or one per population.
    beta : selection intensity; mutation : exploration probability ``mu``.
    mechanisms, strength : mechanisms of the scenario to apply first, and their strength.
    params : parameter overrides.
    full : compute the full chain's stationary distribution (needs ``mu > 0``);
        default: when ``mu > 0`` and the state space has at most 10^6 states.

    Returns
    -------
    FiniteResult
    """
    from ..mechanisms import apply

    scenario = as_scenario(subject)
    if mechanisms:
        scenario = apply(scenario, list(mechanisms), strength)
    game, values, payoffs = finite_payoffs(scenario, sizes, params)
    process = Process(payoffs.sizes, float(beta), float(mutation))
    notes = []
    target = scenario.target
    if target is None:
        target = tuple(0 for _ in game.populations)
        notes.append("the scenario declares no [game] target: the sharing level is the share of every "
                     "population's first strategy")
    small = _small_mutation_limit(game, payoffs, process)
    stationary = None
    space = StateSpace(process.sizes, tuple(p.n for p in game.populations))
    if full and process.mutation == 0:
        raise ScenarioError("the full chain's stationary distribution needs exploration", argument="mutation",
                            expected="mu > 0")
    if process.mutation > 0 and (full or (full is None and space.size <= space.limit)):
        stationary = _full_chain(game, space, payoffs, process, target, small)
    elif process.mutation > 0:
        notes.append(f"the full chain has {space.size} states (> {space.limit}): only the small-mutation limit")
    gradient = None
    if len(game.populations) == 1 and game.populations[0].n == 2:
        gradient = gradient_of_selection(payoffs, process)
    mechs = tuple(game.origin.strengths()) if game.origin else ()
    return FiniteResult(game.name, game.title, process, dict(values), mechs, game.profile_label(target), target,
                        {p.name: p.strategies[t] for p, t in zip(game.populations, target)}, small, stationary,
                        gradient, None if payoffs.degree is None else payoffs.degree + 1, tuple(notes))


def gradient_of_selection(payoffs, process) -> np.ndarray:
    """``G(k) = T+(k) - T-(k)``, ``k = 0..Z`` players of the first of two strategies (one population)."""
    Z = process.sizes[0]
    counts = edge_counts(2, Z, 1, 0)
    T = transition_probabilities(counts, payoffs([counts])[0], process.beta, process.mutation)
    return T[:, 1, 0] - T[:, 0, 1]


def _small_mutation_limit(game, payoffs, process) -> SmallMutationLimit:
    found = invasions(game, payoffs, process)
    profiles, M = embedded_chain(game, found, process)
    pi = gth_stationary(M)
    rows = []
    for resident, p, t, rho in found:
        after = resident[:p] + (t,) + resident[p + 1:]
        rows.append(Invasion(game.profile_label(resident), game.profile_label(after), game.populations[p].name,
                             game.populations[p].strategies[t], rho, 1.0 / process.sizes[p]))
    return SmallMutationLimit(tuple(game.profile_label(s) for s in profiles), tuple(profiles), pi, tuple(rows),
                              float(np.abs(pi @ M - pi).max()))


def _full_chain(game, space, payoffs, process, target, small) -> Stationary:
    P = transition_matrix(space, payoffs, process)
    likely = small.indices[int(np.argmax(small.distribution))]      # the limit's most likely corner
    pi, residual = stationary_distribution(P, guess=space.index(_corner(game, likely, process.sizes)))
    local = space.local_indices()
    marginals, shares = [], {}
    for p, pop in enumerate(game.populations):
        count = space.counts[p][local[p], target[p]]
        marginal = np.bincount(count, weights=pi, minlength=process.sizes[p] + 1)
        marginals.append((pop.name, marginal))
        shares[pop.name] = float(marginal @ np.arange(process.sizes[p] + 1) / process.sizes[p])
    corners = {}
    for idx, _ in game.pure_states():
        corners[game.profile_label(idx)] = float(pi[space.index(_corner(game, idx, process.sizes))])
    return Stationary(space.size, pi, tuple(marginals), corners[game.profile_label(target)], shares, corners,
                      residual)


def _corner(game, profile, sizes) -> list[np.ndarray]:
    """The count vectors of a monomorphic profile."""
    return [np.eye(pop.n, dtype=np.int64)[i] * z for pop, i, z in zip(game.populations, profile, sizes)]


@dataclass(frozen=True)
class FiniteSweep:
    """The stationary sharing level along one parameter (or a mechanism's strength).

    ``rows``: per value, ``value``, ``target_probability`` and ``mean_shares``
    of the small-mutation limit, and with mutation those of the full chain
    (``full_target_probability``, ``full_mean_shares``).
    """

    name: str
    process: Process
    target: str
    rows: tuple = field(repr=False)

    def to_dict(self) -> dict:
        return {"parameter": self.name, "process": self.process.to_dict(), "target": self.target,
                "rows": [dict(r) for r in self.rows]}


def finite_sweep(subject: Scenario, name: str, values, sizes, beta: float = 1.0, mutation: float = 0.0, *,
                 mechanisms: Sequence = (), strength=1, params: Mapping | None = None) -> FiniteSweep:
    """:func:`finite` at every value of parameter ``name`` (``"strength"``: the mechanisms' strength)."""
    scenario = as_scenario(subject)
    known = ["strength"] * bool(mechanisms) + list(scenario.game.parameters)
    if name not in known:
        raise ScenarioError(f"unknown parameter '{name}'", argument="param", expected="one of " + ", ".join(known),
                            suggestion=did_you_mean(name, known))
    rows, result = [], None
    for v in values:
        over = dict(params or {})
        if name != "strength":
            over[name] = float(v)
        result = finite(scenario, sizes, beta, mutation, mechanisms=mechanisms,
                        strength=float(v) if name == "strength" else strength, params=over)
        sml = result.to_dict()["small_mutation_limit"]
        row = {"value": float(v), "target_probability": sml["target_probability"], "mean_shares": sml["mean_shares"]}
        if result.stationary is not None:
            row.update(full_target_probability=result.stationary.target_probability,
                       full_mean_shares=dict(result.stationary.mean_shares))
        rows.append(row)
    target = result.target if result else ""
    return FiniteSweep(name, Process(population_sizes(scenario.game, sizes), float(beta), float(mutation)), target,
                       tuple(rows))
