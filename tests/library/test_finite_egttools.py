"""evogame's finite populations against egttools (the benchmark baseline; skipped when it is not installed).

egttools' ``PairwiseComparison`` uses the same process (Traulsen et al. 2006: the revising individual and its
role model drawn without replacement, exploration to one of the other n - 1 strategies) and the same payoffs
without self-interaction, so fixation probabilities and transition matrices agree to rounding.
"""
from __future__ import annotations

import numpy as np
import pytest

from evogame.studies.finite import Process, StateSpace, finite, finite_payoffs, transition_matrix
from evogame.game import Game, Population

egttools = pytest.importorskip("egttools")

A = np.array([[0.0, -1.0, 1.5], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])


def game():
    return Game.symmetric(Population("players", ("rock", "paper", "scissors")), A.tolist(), name="rps_biased")


_KEEP = []   # egttools' model holds its game by reference: keep the game alive as long as the model


def egt_model(Z):
    from egttools.analytical import PairwiseComparison
    from egttools.games import Matrix2PlayerGameHolder
    holder = Matrix2PlayerGameHolder(3, A)
    _KEEP.append(holder)
    return PairwiseComparison(Z, holder)


@pytest.mark.parametrize("beta", [0.0, 0.5, 2.0])
def test_fixation_probabilities_agree_with_egttools(beta):
    Z = 30
    _, fixation = egt_model(Z).calculate_transition_and_fixation_matrix_sml(beta)
    result = finite(game(), Z, beta=beta)
    names = ("rock", "paper", "scissors")
    for inv in result.small_mutation.invasions:
        a, b = names.index(inv.resident.strip("()")), names.index(inv.invader.strip("()"))
        if fixation[a, b] > 0:
            assert inv.probability == pytest.approx(fixation[a, b], rel=1e-9)
        else:   # egttools returns 0 once sum_i prod_j T-/T+ exceeds 1e7; evogame keeps the small probability
            assert 0 < inv.probability < 1e-7


def test_full_transition_matrix_and_stationary_distribution_agree_with_egttools():
    Z, beta, mu = 25, 1.0, 0.03
    theirs = egt_model(Z).calculate_transition_matrix(beta, mu).toarray()
    g, values, payoffs = finite_payoffs(game(), Z)
    space = StateSpace((Z,), (3,))
    ours = transition_matrix(space, payoffs, Process((Z,), beta, mu)).toarray()
    order = [space.index([egttools.sample_simplex(i, Z, 3)]) for i in range(space.size)]
    assert np.abs(ours[np.ix_(order, order)] - theirs).max() < 1e-12
    result = finite(game(), Z, beta=beta, mutation=mu)
    stationary = egttools.utils.calculate_stationary_distribution_non_hermitian(theirs.T)
    assert np.abs(result.stationary.distribution[order] - stationary).max() < 1e-8
