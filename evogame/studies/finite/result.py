"""Typed results of the finite-population analysis, with ``to_dict`` and a text form."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...util.formatting import number

__all__ = ["Invasion", "SmallMutationLimit", "Stationary", "FiniteResult", "FORMULAS"]

#: the formulas every result states (docs/explanation/theory.md derives them)
FORMULAS = {
    "transition": "T_{a->b}(i) = (i_a/Z) [(1 - mu) (i_b/(Z - 1)) phi(pi_b - pi_a) + mu/(n - 1)], "
                  "phi(D) = 1/(1 + exp(-beta D)), times w_p = 1/P for the revising population",
    "fixation": "rho_{a->b} = 1/(1 + sum_{i=1}^{Z-1} exp(-beta sum_{j=1}^{i} (pi_b(j) - pi_a(j)))), j mutants",
    "small_mutation_limit": "embedded chain over pure profiles: s -> s' (population p from a to b) with "
                            "probability w_p rho_{a->b}/(n_p - 1); stationary distribution by GTH elimination",
    "full_chain": "pi P = pi, sum pi = 1 on the product of count simplices (sparse LU)",
    "gradient": "G(k) = T+(k) - T-(k), k players of the first strategy",
    "payoffs_one_population": "pi_a(i) = sum_{|k|=d} prod_b C(i_b - [b=a], k_b)/C(Z-1, d) a_a(k), a_a(k) the "
                              "Bernstein coefficients of the expected payoff (degree d): groups of d co-players "
                              "drawn without replacement, no self-interaction",
    "payoffs_populations": "pi_{p,a}(i) = f_{p,a}(x), x_q = i_q/Z_q: expected payoff against the other "
                           "populations' current shares",
}


@dataclass(frozen=True)
class Invasion:
    """A single mutant's fixation: in population ``population`` of the resident profile, ``mutant`` takes over.

    ``probability`` is ``rho``; ``neutral`` is ``1/Z`` of that population.
    """

    resident: str
    invader: str
    population: str
    mutant: str
    probability: float
    neutral: float

    @property
    def relative(self) -> float:
        """``rho / (1/Z)``: above 1 selection favours the mutant, below 1 it opposes it."""
        return self.probability / self.neutral

    def to_dict(self) -> dict:
        return {"resident": self.resident, "invader": self.invader, "population": self.population,
                "mutant": self.mutant, "fixation_probability": self.probability, "neutral": self.neutral,
                "relative_to_neutral": self.relative}


@dataclass(frozen=True)
class SmallMutationLimit:
    """The stationary distribution over the pure profiles as ``mu -> 0``, and the fixations it is built from."""

    profiles: tuple[str, ...]
    indices: tuple[tuple[int, ...], ...] = field(repr=False)
    distribution: np.ndarray = field(repr=False)
    invasions: tuple[Invasion, ...] = field(repr=False)
    residual: float

    def to_dict(self) -> dict:
        return {"distribution": {s: float(p) for s, p in zip(self.profiles, self.distribution)},
                "invasions": [i.to_dict() for i in self.invasions], "residual": self.residual}


@dataclass(frozen=True)
class Stationary:
    """The full chain's stationary distribution (exploration ``mu > 0``).

    Attributes
    ----------
    states : number of states (product over populations of ``C(Z_p + n_p - 1, n_p - 1)``).
    distribution : ``pi`` in the state order of :class:`~evogame.studies.finite.process.StateSpace`.
    marginals : per population, the distribution of the number of its target-strategy players (``0..Z_p``).
    target_probability : ``pi`` of the monomorphic target profile.
    mean_shares : per population, the mean share of its target strategy.
    corners : ``pi`` of every monomorphic profile (compare with the small-mutation limit).
    residual : ``max |pi P - pi|``.
    """

    states: int
    distribution: np.ndarray = field(repr=False)
    marginals: tuple = field(repr=False)
    target_probability: float
    mean_shares: dict
    corners: dict
    residual: float

    def to_dict(self, full: bool) -> dict:
        out = {"states": self.states, "target_probability": self.target_probability,
               "mean_shares": dict(self.mean_shares), "corners": dict(self.corners),
               "marginals": {k: list(map(float, v)) for k, v in self.marginals},
               "residual": self.residual}
        if full:
            out["distribution"] = [float(v) for v in self.distribution]
        return out


@dataclass(frozen=True)
class FiniteResult:
    """Finite populations under the pairwise-comparison process: fixation, stationary distributions, gradient.

    Attributes
    ----------
    game : the analysed game's name; title its title.
    process : the :class:`~evogame.studies.finite.process.Process`.
    values : the parameter values used.
    mechanisms : ``(name, strength)`` of the applied mechanisms.
    target : the target profile (``[game] target``, else every population's first strategy);
        target_index its strategy indices.
    target_strategies : per population, the strategy whose share is "the sharing level".
    small_mutation : :class:`SmallMutationLimit`.
    stationary : :class:`Stationary` with mutation, else None.
    gradient : ``G(k)``, ``k = 0..Z``, for one population of two strategies (else None), with the
        process's mutation.
    group_size : players per group of a one-population game (``d + 1``), else None.
    notes : what was assumed or left out.
    """

    game: str
    title: str
    process: object
    values: dict
    mechanisms: tuple
    target: str
    target_index: tuple[int, ...]
    target_strategies: dict
    small_mutation: SmallMutationLimit
    stationary: Stationary | None = None
    gradient: np.ndarray | None = field(default=None, repr=False)
    group_size: int | None = None
    notes: tuple[str, ...] = ()

    @property
    def sharing_level(self) -> dict:
        """Mean share of every population's target strategy: full chain if computed, else the limit."""
        if self.stationary is not None:
            return dict(self.stationary.mean_shares)
        return self._limit_shares()

    def _limit_shares(self) -> dict:
        sml = self.small_mutation
        return {pop: float(sum(v for idx, v in zip(sml.indices, sml.distribution) if idx[p] == self.target_index[p]))
                for p, pop in enumerate(self.target_strategies)}

    def to_dict(self) -> dict:
        sml = self.small_mutation
        out = {"game": self.game, "process": self.process.to_dict(), "formulas": dict(FORMULAS),
               "parameters": {k: float(v) for k, v in self.values.items()},
               "mechanisms": [{"name": n, "strength": s} for n, s in self.mechanisms],
               "target": self.target, "target_strategies": dict(self.target_strategies),
               "group_size": self.group_size, "sampled": False,
               "small_mutation_limit": {**sml.to_dict(),
                                        "target_probability": float(dict(zip(sml.profiles, sml.distribution))
                                                                    .get(self.target, 0.0)),
                                        "mean_shares": self._limit_shares()},
               "stationary": (self.stationary.to_dict(full=self.stationary.states <= 5000)
                              if self.stationary is not None else None),
               "gradient": None if self.gradient is None else [float(g) for g in self.gradient],
               "sharing_level": self.sharing_level, "notes": list(self.notes)}
        return out

    def text(self) -> str:
        """A few readable blocks: the process, the invasion table, the stationary distributions."""
        p = self.process
        lines = [f"{self.title}: finite populations, pairwise comparison (Fermi), Z = "
                 f"{', '.join(map(str, p.sizes))}, beta = {number(p.beta)}, mu = {number(p.mutation)}"]
        if self.mechanisms:
            lines.append("mechanisms: " + ", ".join(f"{n} (strength {number(s)})" for n, s in self.mechanisms))
        lines.append(f"target: {self.target}")
        lines.append("")
        lines.append("fixation of a single mutant (rho; neutral 1/Z):")
        rows = [("resident", "invader", "population", "rho", "rho/(1/Z)")]
        rows += [(i.resident, i.invader, i.population, number(i.probability, 4), number(i.relative, 4))
                 for i in self.small_mutation.invasions]
        lines += _table(rows)
        lines.append("")
        lines.append("stationary distribution, small-mutation limit:")
        lines += _table([("profile", "probability")] + [(s, number(v, 4)) for s, v in
                                                        zip(self.small_mutation.profiles,
                                                            self.small_mutation.distribution)])
        if self.stationary is not None:
            st = self.stationary
            lines.append("")
            lines.append(f"stationary distribution of the full chain with mu = {number(p.mutation)} "
                         f"({st.states} states, residual {number(st.residual, 2)}):")
            lines.append(f"  probability of the target {self.target}: {number(st.target_probability, 4)}")
            lines += [f"  probability of {s}: {number(v, 4)}" for s, v in st.corners.items() if s != self.target]
        lines.append("")
        lines.append("mean sharing level (share of the target strategy): "
                     + ", ".join(f"{pop} '{self.target_strategies[pop]}' {number(v, 4)}"
                                 for pop, v in self.sharing_level.items()))
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def _table(rows) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    out.insert(1, "  " + "  ".join("-" * w for w in widths))
    return out
