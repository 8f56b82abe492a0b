"""The replicator-mutator with an explicit mutation matrix ``[dynamics.matrix]``.

Oracles: the replicator itself (``Q = I``); uniform mutation ``mu`` (a
uniform ``Q``); and, for one population with constant payoffs ``a``, ``b``
and ``Q = [[1-p, p], [q, 1-q]]``, the rest points solved by hand:
``dx/dt = x a (1-p) + (1-x) b q - x (a x + b (1-x))
        = (b - a) x^2 + (a (1-p) - b (1+q)) x + b q``.
"""
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SCENARIOS
from helpers import assert_user_error, games, invoke
from evogame.engine.analysis import analyze
from evogame.dynamics import derive
from evogame.scenario.dynamics_spec import mutation_spec
from evogame.errors import ScenarioError
from evogame.scenario import parse_scenario
from evogame.dynamics.simulation import simulate
from evogame.solvers.stability import ASYMPTOTICALLY_STABLE

VERTICAL = (SCENARIOS / "vertical.toml").read_text(encoding="utf-8")

CONSTANT = """
[game]
name = "constant"
matching = "symmetric"

[[populations]]
name = "p"
strategies = ["a", "b"]

[payoffs]
"a.a" = "{a}"
"a.b" = "{a}"
"b.a" = "{b}"
"b.b" = "{b}"

[dynamics]
name = "mutator"
[dynamics.matrix]
p = [[{q11}, {q12}], [{q21}, {q22}]]
"""


def constant_game(a, b, p, q):
    return parse_scenario(CONSTANT.format(a=a, b=b, q11=1 - p, q12=p, q21=q, q22=1 - q), file="constant.toml")


def identity_matrices(game):
    return tuple((pop.name, tuple(tuple(float(i == j) for i in range(pop.n)) for j in range(pop.n)))
                 for pop in game.populations)


def uniform_matrices(game, mu):
    return tuple((pop.name, tuple(tuple(1 - mu if i == j else mu / (pop.n - 1) for i in range(pop.n))
                                  for j in range(pop.n))) for pop in game.populations)


def summary(analysis):
    # numeric points are compared to 12 digits: two routes to the same rest point (the homotopy's or
    # multistart's last Newton step) may differ in the last bit
    def r(z):
        return complex(round(complex(z).real, 12), round(complex(z).imag, 12))
    return [(p.support, tuple(r(v) for v in p.state), tuple(r(v) for v in p.eigenvalues), p.classification)
            for p in analysis.rest_points]


@settings(deadline=None, max_examples=12)
@given(games(max_populations=2))
def test_the_identity_matrix_is_the_replicator(game):
    spec = mutation_spec(0.0, identity_matrices(game), True)
    assert summary(analyze(game, dynamics=spec)) == summary(analyze(game))


@settings(deadline=None, max_examples=8)
@given(games(max_populations=2, entries=st.integers(1, 9)), st.sampled_from([0.01, 0.05, 0.2]))
def test_a_uniform_matrix_is_uniform_mutation(game, mu):
    spec = mutation_spec(0.0, uniform_matrices(game, mu), True)
    assert derive(game, spec).vector_field == derive(game, f"mutator:mu={mu}").vector_field
    assert summary(analyze(game, dynamics=spec)) == summary(analyze(game, dynamics=f"mutator:mu={mu}"))


@pytest.mark.parametrize("a, b, p, q", [(3, 1, 0.1, 0.2), (1, 2, 0.05, 0.3), (2, 2, 0.25, 0.5), (5, 4, 0.0, 0.1)])
def test_two_strategies_constant_payoffs_the_rest_point_solves_the_quadratic(a, b, p, q):
    # g(0) = b q > 0 and g(1) = -a p <= 0: one root in (0, 1], where g' < 0 (asymptotically stable)
    roots = np.roots([b - a, a * (1 - p) - b * (1 + q), b * q]) if a != b else \
        np.array([-b * q / (a * (1 - p) - b * (1 + q))])
    (x,) = [r.real for r in np.atleast_1d(roots) if abs(r.imag) < 1e-12 and 0 < r.real <= 1 + 1e-12]
    slope = 2 * (b - a) * x + a * (1 - p) - b * (1 + q)
    analysis = analyze(constant_game(a, b, p, q))
    (point,) = analysis.rest_points
    assert point.shares[0][0] == pytest.approx(x, abs=1e-9)
    assert point.eigenvalues[0].real == pytest.approx(slope, abs=1e-8) and point.classification == ASYMPTOTICALLY_STABLE


def test_a_strategy_never_created_by_mutation_can_be_absent():
    # q = 0.25 mutates b into a, nothing mutates a into b: the vertex a is at rest, the vertex b is not;
    # by hand, g(x) = (b - a) x^2 + (a - b (1+q)) x + b q has the roots 1 and b q / (b - a) = 0.5
    analysis = analyze(constant_game(1, 2, 0.0, 0.25))
    assert sorted(p.shares[0][0] for p in analysis.rest_points) == pytest.approx([0.5, 1.0], abs=1e-9)


def test_the_spec_prints_short_round_trips_and_is_valid_json(tmp_path):
    scenario = constant_game(3, 1, 0.1, 0.2)
    assert scenario.dynamics == "mutator:matrix" and analyze(scenario).dynamics == scenario.dynamics
    path = tmp_path / "constant.toml"
    path.write_text(CONSTANT.format(a=3, b=1, q11=0.9, q12=0.1, q21=0.2, q22=0.8), encoding="utf-8")
    out = invoke(["analyze", path, "--json", "--no-cache"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["dynamics"] == "mutator:matrix" and len(doc["rest_points"]) == 1
    # the spec is re-derived from the analysis (basins, figures): the paths go to the rest point
    (point,) = analyze(scenario).rest_points
    sim = simulate(scenario.game, [[0.1], [0.99]], 60.0, n_points=2, dynamics=analyze(scenario).dynamics)
    np.testing.assert_allclose(sim.final[:, 0], point.state[0], atol=1e-6)


def test_a_population_without_a_matrix_keeps_mu():
    text = VERTICAL + '\n[dynamics]\nname = "mutator"\nmu = 0.01\n[dynamics.matrix]\nsuperior = [[0.9, 0.1], [0.05, 0.95]]\n'
    spec = parse_scenario(text).dynamics
    assert spec == "mutator:mu=0.01,matrix"
    Q = derive(parse_scenario(text).game, spec).mutation
    assert [[float(v) for v in row] for row in Q[0]] == [[0.9, 0.1], [0.05, 0.95]]
    assert [[float(v) for v in row] for row in Q[1]] == [[0.99, 0.01], [0.01, 0.99]]


@pytest.mark.parametrize("matrix, key, message", [
    ("superior = [[0.9, 0.2], [0.05, 0.95]]", "dynamics.matrix.superior[0]", "rows must sum to 1"),
    ("superior = [[0.9, 0.1]]", "dynamics.matrix.superior", "a 2 x 2 matrix was expected"),
    ("superior = [[1.5, -0.5], [0, 1]]", "dynamics.matrix.superior[0]", "entries must lie in [0, 1]"),
    ("superier = [[1, 0], [0, 1]]", "dynamics.matrix.superier", "did you mean 'superior'"),
    ('superior = [["a", 1], [0, 1]]', "dynamics.matrix.superior[0]", "a number was expected"),
])
def test_an_invalid_matrix_is_a_user_error_naming_its_key(tmp_path, matrix, key, message):
    path = tmp_path / "bad.toml"
    path.write_text(VERTICAL + f'\n[dynamics]\nname = "mutator"\n[dynamics.matrix]\n{matrix}\n', encoding="utf-8")
    assert_user_error(invoke(["analyze", path, "--no-cache"]), str(path), key, message)


def test_only_the_mutator_takes_a_matrix():
    with pytest.raises(ScenarioError) as info:
        parse_scenario(VERTICAL + '\n[dynamics]\nname = "smith"\n[dynamics.matrix]\nsuperior = [[1, 0], [0, 1]]\n')
    assert info.value.key == "dynamics.matrix"


def test_the_matrix_is_not_written_on_the_command_line():
    result = invoke(["analyze", SCENARIOS / "vertical.toml", "--dynamics", "mutator:matrix=1", "--no-cache"])
    assert_user_error(result, "--dynamics", "scenario file", "[dynamics.matrix]")
