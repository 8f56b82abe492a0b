"""BNN and Smith: their rest points are the Nash equilibria; at a kink there is no Jacobian (issue 10, part 2).

The oracle solves 2x2 bimatrix games by hand: a pure profile is an
equilibrium when each strategy is a best reply; the mixed equilibrium makes
each population indifferent, ``q* = (B22 - B21)/(B11 - B12 - B21 + B22)`` etc.
"""
import itertools
import json

import numpy as np
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import SCENARIOS, load
from evogame.engine.analysis import analyze
from evogame.cli import main
from evogame.game import Game, Population
from evogame.dynamics.simulation import simulate
from evogame.solvers.stability import ASYMPTOTICALLY_STABLE, NOT_DIFFERENTIABLE

PAIR = [Population("row", ("a", "b")), Population("col", ("a", "b"))]


def bimatrix_nash(A, B):
    """Every Nash equilibrium of a generic 2x2 game as (p, q): shares of the first strategies."""
    out = []
    for i, j in itertools.product(range(2), repeat=2):
        if A[i, j] >= A[1 - i, j] and B[i, j] >= B[i, 1 - j]:
            out.append((1.0 - i, 1.0 - j))
    da, db = A[0, 0] - A[1, 0] - A[0, 1] + A[1, 1], B[0, 0] - B[0, 1] - B[1, 0] + B[1, 1]
    if da != 0 and db != 0:
        q, p = (A[1, 1] - A[0, 1]) / da, (B[1, 1] - B[1, 0]) / db
        if 0 < p < 1 and 0 < q < 1:
            out.append((p, q))
    return sorted(out)


@settings(deadline=None, max_examples=25)
@given(st.lists(st.integers(-5, 5), min_size=8, max_size=8), st.sampled_from(["bnn", "smith"]))
def test_rest_points_are_the_nash_equilibria_of_2x2_games(entries, dynamics):
    A = np.array(entries[:4], float).reshape(2, 2)
    B = np.array(entries[4:], float).reshape(2, 2)
    assume(np.all(A[0] != A[1]) and np.all(B[:, 0] != B[:, 1]))     # generic: no ties in best replies
    game = Game.from_payoff_table(PAIR, {(i, j): (int(A[i, j]), int(B[i, j])) for i in range(2) for j in range(2)})
    found = sorted((p.shares[0][0], p.shares[1][0]) for p in analyze(game, dynamics=dynamics).rest_points)
    expected = bimatrix_nash(A, B)
    assert len(found) == len(expected)
    np.testing.assert_allclose(found, expected, atol=1e-9)


@settings(deadline=None, max_examples=12)
@given(st.lists(st.integers(-30, 30), min_size=24, max_size=24), st.sampled_from(["bnn", "projection"]))
def test_three_population_rest_points_are_nash_and_every_pure_equilibrium_is_found(entries, dynamics):
    pops = [Population(f"p{k}", ("a", "b")) for k in range(3)]
    profiles = list(itertools.product(range(2), repeat=3))
    table = {s: tuple(entries[3 * n:3 * n + 3]) for n, s in enumerate(profiles)}
    game = Game.from_payoff_table(pops, table)
    u = {s: np.array(v, float) for s, v in table.items()}

    def payoffs(x):              # expected payoff of each strategy of each population at shares x
        out = np.zeros((3, 2))
        for s in profiles:
            for k in range(3):
                weight = np.prod([x[m][s[m]] for m in range(3) if m != k])
                out[k, s[k]] += u[s][k] * weight
        return out

    a = analyze(game, dynamics=dynamics)
    for p in a.rest_points:
        x = [np.array(v) for v in p.shares]
        f = payoffs(x)
        for k in range(3):
            assert np.max(f[k]) <= x[k] @ f[k] + 1e-7           # no strategy earns more than the mean
    pure_found = {tuple(int(np.argmax(v)) for v in p.shares) for p in a.rest_points if p.is_pure}
    pure_nash = {s for s in profiles
                 if all(u[s][k] >= u[tuple(1 - s[m] if m == k else s[m] for m in range(3))][k] for k in range(3))}
    assert pure_found == pure_nash


def test_rps_paths_converge_under_bnn_and_smith_but_cycle_under_the_replicator():
    # Hofbauer and Sandholm (2009): in a (null-)stable game such as zero-sum RPS the Nash equilibrium attracts
    starts = np.array([[0.8, 0.1], [0.1, 0.1], [0.3, 0.6]])
    for dynamics in ("bnn", "smith"):
        sim = simulate(load("rps"), starts, 1000.0, n_points=3, dynamics=dynamics)
        assert np.max(np.abs(sim.final - 1 / 3)) < 2e-3
        assert np.all(np.max(np.abs(sim.paths[:, 1] - 1 / 3), axis=1) < np.max(np.abs(starts - 1 / 3), axis=1))
    replicator = simulate(load("rps"), starts, 1000.0, n_points=3)
    assert np.min(np.max(np.abs(replicator.final - 1 / 3), axis=1)) > 0.05


def test_a_kink_has_no_jacobian_and_a_strict_equilibrium_under_smith_has_one():
    scenario = load("vertical")
    (bnn,) = analyze(scenario, dynamics="bnn").rest_points           # (loose, passive): the only equilibrium
    assert bnn.label == "(loose, passive)" and bnn.classification == NOT_DIFFERENTIABLE
    assert len(bnn.eigenvalues) == 0 and np.all(np.isnan(bnn.jacobian))
    assert bnn.classified_by.startswith("no Jacobian") and "paths started 0.001 away" in bnn.classified_by
    (smith,) = analyze(scenario, dynamics="smith").rest_points
    assert smith.label == "(loose, passive)" and smith.classification == ASYMPTOTICALLY_STABLE
    assert np.all(np.real(smith.eigenvalues) < 0)


def test_analyze_command_reports_not_differentiable_points():
    out = CliRunner().invoke(main, ["analyze", str(SCENARIOS / "rps.toml"), "--dynamics", "smith", "--json",
                                    "--no-cache"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    (centre,) = doc["rest_points"]
    assert centre["classification"] == NOT_DIFFERENTIABLE and centre["eigenvalues"] == []
    assert doc["dynamics"] == "smith"


def test_compare_and_basins_under_another_dynamics():
    from evogame.studies.basins import basins
    from evogame.studies.compare import compare
    result = compare(load("vertical"), ["dynamic_penalty"], dynamics="smith")
    rows = {r["face"]: r for r in result.rows}
    interior = rows["(strict/loose, active/passive)"]
    assert interior["change"] == "appears" and interior["with"]["classification"] == NOT_DIFFERENTIABLE
    b = basins(load("rps"), samples=64, dynamics="logit:eta=0.5")
    assert b.analysis.dynamics == "logit:eta=0.5" and b.labels and b.shares[0] == 1.0
