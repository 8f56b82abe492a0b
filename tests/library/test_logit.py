"""The logit dynamics (issue 10, part 2, the first canonical dynamics beside the replicator).

dx_i/dt = exp(f_i/eta) / sum_j exp(f_j/eta) - x_i.  At the centre of
Rock-Paper-Scissors the payoffs are equal, the choice probabilities are
1/3 and the logit Jacobian is J_rep/eta - I (the softmax's derivative at
equal payoffs is (diag(p) - p p^T)/eta, the replicator's is diag(x) - x x^T
times the same payoff derivative): its eigenvalues are the replicator's,
divided by eta, minus one -- for w = l = 1, -1 +/- i/(sqrt(3) eta).
"""
import json

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SCENARIOS, load
from evogame.engine.analysis import analyze
from evogame.cli import main
from evogame.errors import ScenarioError
from evogame.game import Game, Population
from evogame.dynamics.simulation import simulate
from evogame.solvers.stability import ASYMPTOTICALLY_STABLE

RPS = SCENARIOS / "rps.toml"


def rps_matrix(w=1.0, l=1.0):
    return np.array([[0.0, -l, w], [w, 0.0, -l], [-l, w, 0.0]])


def replicator_jacobian_at_centre(A, h=1e-6):
    """The replicator field of x' = x (Ax - x.Ax) in reduced coordinates, differentiated numerically."""
    def field(z):
        x = np.array([z[0], z[1], 1 - z[0] - z[1]])
        f = A @ x
        return (x * (f - x @ f))[:2]
    z = np.array([1 / 3, 1 / 3])
    return np.column_stack([(field(z + e) - field(z - e)) / (2 * h) for e in (np.array([h, 0]), np.array([0, h]))])


def softmax(v):
    e = np.exp(v - v.max())
    return e / e.sum()


@settings(deadline=None, max_examples=12)
@given(st.floats(0.05, 5.0))
def test_rps_centre_eigenvalues_are_the_replicators_over_eta_minus_one(eta):
    a = analyze(load("rps"), dynamics=("logit", {"eta": eta}))
    (centre,) = a.rest_points
    np.testing.assert_allclose(centre.state, [1 / 3, 1 / 3], atol=1e-10)
    expected = np.linalg.eigvals(replicator_jacobian_at_centre(rps_matrix())) / eta - 1
    np.testing.assert_allclose(np.sort_complex(np.asarray(centre.eigenvalues, complex)), np.sort_complex(expected),
                               atol=1e-6)
    np.testing.assert_allclose(sorted(np.imag(centre.eigenvalues)), [-1 / (np.sqrt(3) * eta), 1 / (np.sqrt(3) * eta)],
                               rtol=1e-6)
    assert centre.classification == ASYMPTOTICALLY_STABLE     # for every eta > 0


@settings(deadline=None, max_examples=15)
@given(st.lists(st.integers(-4, 4), min_size=8, max_size=8), st.sampled_from([0.2, 0.5, 2.0]))
def test_logit_rest_points_are_logit_equilibria_of_bimatrix_games(entries, eta):
    pops = [Population("row", ("a", "b")), Population("col", ("a", "b"))]
    table = {(i, j): (entries[2 * (2 * i + j)], entries[2 * (2 * i + j) + 1]) for i in range(2) for j in range(2)}
    game = Game.from_payoff_table(pops, table)
    a = analyze(game, dynamics=("logit", {"eta": eta}))
    assert a.rest_points, "a logit equilibrium always exists (Brouwer)"
    A = np.array([[table[i, j][0] for j in range(2)] for i in range(2)], float)
    B = np.array([[table[i, j][1] for j in range(2)] for i in range(2)], float)
    for p in a.rest_points:
        x, y = np.array(p.shares[0]), np.array(p.shares[1])
        assert min(x.min(), y.min()) >= 0      # interior in theory; a share may round to 0 next to a vertex
        np.testing.assert_allclose(x, softmax(A @ y / eta), atol=1e-9)
        np.testing.assert_allclose(y, softmax(B.T @ x / eta), atol=1e-9)


def test_small_noise_finds_the_three_equilibria_of_a_coordination_game():
    pop = Population("p", ("a", "b"))
    game = Game.symmetric(pop, [[2, 0], [0, 1]])
    near = analyze(game, dynamics="logit:eta=0.05")
    assert len(near.rest_points) == 3
    shares = sorted(p.state[0] for p in near.rest_points)
    assert shares[0] < 0.01 and abs(shares[1] - 1 / 3) < 0.05 and shares[2] > 0.99   # near the Nash equilibria
    # one dimension: the outer two attract, the middle one repels
    assert [p.classification for p in sorted(near.rest_points, key=lambda p: p.state[0])] == \
        [ASYMPTOTICALLY_STABLE, "unstable source", ASYMPTOTICALLY_STABLE]
    far = analyze(game, dynamics="logit:eta=5")
    assert len(far.rest_points) == 1


def test_logit_paths_converge_to_the_rps_centre_where_the_replicator_cycles():
    starts = np.array([[0.8, 0.1], [0.1, 0.1], [0.3, 0.6]])
    logit = simulate(load("rps"), starts, 40.0, n_points=3, dynamics="logit:eta=0.5")
    assert np.max(np.abs(logit.final - 1 / 3)) < 1e-8
    replicator = simulate(load("rps"), starts, 40.0, n_points=3)
    assert np.min(np.max(np.abs(replicator.final - 1 / 3), axis=1)) > 0.05


def test_analyze_command_with_the_logit_dynamics():
    out = CliRunner().invoke(main, ["analyze", str(RPS), "--dynamics", "logit:eta=0.5", "--json", "--no-cache"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["dynamics"] == "logit:eta=0.5"
    (centre,) = doc["rest_points"]
    assert centre["classification"] == ASYMPTOTICALLY_STABLE
    np.testing.assert_allclose(sorted(e[1] for e in centre["eigenvalues"]), [-2 / np.sqrt(3), 2 / np.sqrt(3)],
                               rtol=1e-9)
    assert all(e[0] == pytest.approx(-1.0, abs=1e-9) for e in centre["eigenvalues"])


@pytest.mark.parametrize("spec, message", [("logit", "needs eta"), ("logit:eta=0", "positive"),
                                           ("logit:noise=1", "no option 'noise'"), ("logt:eta=1", "did you mean"),
                                           ("logit:eta", "KEY=NUMBER")])
def test_bad_dynamics_are_user_errors(spec, message):
    with pytest.raises(ScenarioError, match=message):
        analyze(load("rps"), dynamics=spec)
    out = CliRunner().invoke(main, ["analyze", str(RPS), "--dynamics", spec, "--no-cache"])
    assert out.exit_code == 2 and "option --dynamics" in out.output


def test_symbolic_mode_says_logit_has_no_symbolic_conditions():
    a = analyze(load("rps"), symbolic=True, dynamics="logit:eta=1")
    assert a.symbolic_rest_points == []
    assert any("no symbolic stability conditions" in n for n in a.notes)
