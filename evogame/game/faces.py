"""The faces of the product of simplices: support profiles, their rest-point equations, what is found there.

A *face* is a support profile: a non-empty set ``S_p`` of strategies in use
for every population, from the corners (one strategy each) to the interior
(all of them), ``prod_p (2^{n_p} - 1)`` in all.  On a face the unknowns are
the shares of ``S_p`` but the last, ``k_p``; the rest-point equations of the
replicator are ``f_{p,i} = f_{p,k_p}`` for ``i`` in ``S_p``.  A
:class:`Candidate` is a point found on a face (by sympy,
:mod:`evogame.solvers.restpoints`, or numerically, :mod:`evogame.solvers.face_solver`), a
:class:`Continuum` a set of rest points with free unknowns.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import sympy

from ..errors import AnalysisError
from .model import Game

__all__ = ["Face", "Candidate", "Continuum", "SupportOnly", "MAX_FACES", "face_count", "face_label", "face_of",
           "faces", "full_state", "interior_face", "supports", "check_face_count"]


@dataclass
class Face:
    """A face of the product of simplices: the strategies in use per population."""

    support: tuple[tuple[int, ...], ...]
    unknowns: tuple[sympy.Symbol, ...]
    substitution: dict          # reduced variable -> expression in unknowns
    shares: tuple               # per population, share expressions in unknowns
    equations: list             # expressions that vanish at rest points

    @property
    def dimension(self) -> int:
        return len(self.unknowns)

    def positive_shares(self) -> list[sympy.Expr]:
        """Shares that must be strictly positive in the relative interior."""
        return [self.shares[p][i] for p, S in enumerate(self.support) for i in S if len(S) > 1]


@dataclass
class Candidate:
    """A rest point found on a face, before stability analysis."""

    face: Face
    state: np.ndarray                     # reduced coordinates, float
    exact_state: tuple | None = None      # reduced coordinates, sympy (exact or symbolic)
    method: str = "exact"                 # "exact" | "numeric"
    existence: list = field(default_factory=list)  # symbolic mode: conditions for existence


@dataclass
class Continuum:
    """A connected set of rest points (a face or a curve on it)."""

    support: tuple[tuple[int, ...], ...]
    dimension: int
    equations: list[str]
    free: list[str]
    sample: np.ndarray | None = None   # one point of the set, reduced coordinates

    def to_dict(self, game: Game) -> dict:
        return {
            "face": face_label(game, self.support),
            "support": [[game.populations[p].strategies[i] for i in S] for p, S in enumerate(self.support)],
            "dimension": self.dimension,
            "equations": self.equations,
            "free_variables": self.free,
            "sample_state": None if self.sample is None else full_state(game, self.sample),
        }


def face_label(game: Game, support) -> str:
    return "(" + ", ".join("/".join(pop.strategies[i] for i in S)
                           for pop, S in zip(game.populations, support)) + ")"


def full_state(game: Game, z: Sequence[float]) -> list[list[float]]:
    """Reduced coordinates -> one probability vector per population."""
    out = []
    for pop, sl in zip(game.populations, game.slices()):
        head = [float(v) for v in z[sl]]
        out.append(head + [1.0 - float(sum(head))])
    return out


#: more faces than this are not enumerated (2^n - 1 faces per population of n strategies)
MAX_FACES = 20_000


def face_count(game: Game) -> int:
    """Number of faces of the product of simplices: ``prod_p (2^{n_p} - 1)``."""
    return math.prod(2 ** p.n - 1 for p in game.populations)


def interior_face(game: Game) -> Face:
    """The relative interior of the product of simplices as a Face (no equations: the caller's)."""
    subs, unknowns, shares = {}, [], []
    for p, (pop, sl) in enumerate(zip(game.populations, game.slices())):
        free = [sympy.Symbol(f"u_{p}_{i}", real=True) for i in range(pop.n - 1)]
        unknowns.extend(free)
        subs.update(dict(zip(game.variables[sl], free)))
        shares.append(tuple(free) + (sympy.Integer(1) - sympy.Add(*free),))
    support = tuple(tuple(range(pop.n)) for pop in game.populations)
    return Face(support, tuple(unknowns), subs, tuple(shares), [])


def faces(game: Game, fitness) -> list[Face]:
    """Every face (support profile) with its rest-point equations.

    Raises :class:`~evogame.errors.AnalysisError` when there are more than
    :data:`MAX_FACES` faces (the enumeration would not end in useful time;
    simulate or sample basins instead).
    """
    check_face_count(game)
    return [face_of(game, fitness, support) for support in supports(game)]


def check_face_count(game: Game) -> None:
    count = face_count(game)
    if count > MAX_FACES:
        raise AnalysisError(f"the game has {count} faces (support profiles); solving every face is limited to "
                            f"{MAX_FACES}: fewer strategies or populations, or use simulate / basins, "
                            "which do not enumerate faces")


@dataclass(frozen=True)
class SupportOnly:
    """A face known by its support alone (a point found without sympy needs no more)."""

    support: tuple


def face_of(game: Game, fitness, support) -> Face:
    """The face of ``support`` (strategies in use per population) with its rest-point equations in sympy."""
    subs, unknowns, shares = {}, [], []
    for p, (pop, S, sl) in enumerate(zip(game.populations, support, game.slices())):
        red = game.variables[sl]
        k = S[-1]
        free = [sympy.Symbol(f"u_{p}_{i}", real=True) for i in S[:-1]]
        unknowns.extend(free)
        value = {i: u for i, u in zip(S[:-1], free)}
        rest = sympy.Integer(1) - sympy.Add(*free)
        if k < pop.n - 1:
            value[k] = rest
        for i in range(pop.n - 1):
            subs[red[i]] = value.get(i, sympy.Integer(0))
        shares.append(tuple(sympy.expand(s.subs(subs)) for s in game.shares[p]))
    eqs = []
    for p, S in enumerate(support):
        k = S[-1]
        for i in S[:-1]:
            eqs.append(fitness[p][i] - fitness[p][k])
    eqs = [e.subs(subs) for e in eqs]
    return Face(tuple(support), tuple(unknowns), subs, tuple(shares), eqs)


def supports(game) -> itertools.product:
    """Every support profile: a non-empty set of strategies per population."""
    per_pop = [[S for k in range(1, p.n + 1) for S in itertools.combinations(range(p.n), k)]
               for p in game.populations]
    return itertools.product(*per_pop)
