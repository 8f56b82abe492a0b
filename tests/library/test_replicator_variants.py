"""Maynard Smith's adjusted replicator and the replicator-mutator (issue 10, part 2).

Both are the replicator's relatives: the adjusted field is the replicator's
divided by the (positive) mean payoff, so the rest points are the same and
each eigenvalue is divided by the mean payoff there (one population); the
replicator-mutator with mu = 0 is the replicator itself, and a small mu moves
an interior rest point by O(mu).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import load
from helpers import games
from evogame.engine.analysis import analyze
from evogame.errors import AnalysisError
from evogame.game import Game, Population

common = settings(deadline=None, max_examples=15)


def signature(a):
    return [(p.support, p.classification) for p in a.rest_points]


@common
@given(games(max_populations=2, entries=st.integers(1, 9)))
def test_maynard_smith_has_the_replicators_rest_points_and_classes(game):
    rep, ms = analyze(game), analyze(game, dynamics="maynard_smith")
    assert signature(ms) == signature(rep)
    for r, m in zip(rep.rest_points, ms.rest_points):
        np.testing.assert_allclose(m.state, r.state, atol=1e-12)


@common
@given(games(max_populations=1, entries=st.integers(1, 9)))
def test_maynard_smith_eigenvalues_are_the_replicators_over_the_mean_payoff(game):
    A = np.array([[float(a) for a in row] for row in game.matrix])
    rep, ms = analyze(game), analyze(game, dynamics="maynard_smith")
    for r, m in zip(rep.rest_points, ms.rest_points):
        x = np.array(r.shares[0])
        fbar = x @ A @ x
        np.testing.assert_allclose(np.sort_complex(np.asarray(m.eigenvalues, complex)),
                                   np.sort_complex(np.asarray(r.eigenvalues, complex) / fbar), atol=1e-9)


@common
@given(games(max_populations=2, entries=st.integers(1, 9)))
def test_mutator_without_mutation_is_the_replicator(game):
    rep, mut = analyze(game), analyze(game, dynamics="mutator:mu=0")
    assert signature(mut) == signature(rep)
    for r, m in zip(rep.rest_points, mut.rest_points):
        np.testing.assert_allclose(m.state, r.state, atol=1e-12)
        np.testing.assert_allclose(np.sort_complex(np.asarray(m.eigenvalues, complex)),
                                   np.sort_complex(np.asarray(r.eigenvalues, complex)), atol=1e-9)


def test_small_mutation_moves_the_interior_point_continuously():
    pop = Population("p", ("a", "b"))
    game = Game.symmetric(pop, [[1, 3], [2, 1]])          # a stable interior point at x = 2/3
    interior = [p for p in analyze(game).rest_points if p.is_interior][0].state
    gaps = []
    for mu in (1e-2, 1e-3, 1e-4):
        points = analyze(game, dynamics=f"mutator:mu={mu}").rest_points
        gaps.append(min(np.max(np.abs(p.state - interior)) for p in points))
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 1e-3
    assert gaps[1] / gaps[2] == pytest.approx(10, rel=0.2)       # O(mu)


def test_rps_with_mutation_has_a_stable_centre():
    pop = Population("p", ("r", "p", "s"))
    game = Game.symmetric(pop, [[3, 2, 4], [4, 3, 2], [2, 4, 3]])   # RPS plus 3: positive payoffs
    (centre,) = analyze(game, dynamics="mutator:mu=0.05").rest_points
    np.testing.assert_allclose(centre.state, [1 / 3, 1 / 3], atol=1e-10)
    assert centre.classification == "asymptotically stable"
    assert analyze(game).rest_points[-1].classification == "non-hyperbolic"     # the replicator's centre


@pytest.mark.parametrize("dynamics", ["maynard_smith", "mutator:mu=0.1"])
def test_nonpositive_payoffs_are_refused_with_the_reason(dynamics):
    with pytest.raises(AnalysisError, match="needs positive payoffs.*\\(rock, rock\\) is 0"):
        analyze(load("rps"), dynamics=dynamics)
