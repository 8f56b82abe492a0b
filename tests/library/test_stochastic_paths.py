"""Sample paths of stochastic evolutionary games: the schemes' convergence, the deterministic limit,
the boundary rule and reproducibility."""
from __future__ import annotations

import json

import numpy as np
import pytest

from evogame.errors import AnalysisError, ScenarioError
from evogame.dynamics.simulation import simulate
from evogame.studies.stochastic import simulate_noisy
from evogame.studies.stochastic.model import NoiseBlock
from evogame.studies.stochastic.schemes import integrate

from conftest import load


@pytest.fixture(scope="module")
def vertical():
    return load("vertical")


@pytest.fixture(scope="module")
def rps():
    return load("rps")


def _gbm_errors(scheme: str, mu=-0.5, sigma=0.6, x0=0.01, t_end=1.0, levels=range(4, 10), n=4000, seed=7):
    """Mean |X_h(T) - X(T)| of a scheme on dX = mu X dt + sigma X dW against the exact solution
    X(T) = X0 exp((mu - sigma^2/2) T + sigma W(T)), every step size driven by the same Brownian paths."""
    rng = np.random.default_rng(seed)
    finest = 2 ** max(levels)
    fine = rng.standard_normal((finest, n)) * np.sqrt(t_end / finest)
    exact = x0 * np.exp((mu - sigma ** 2 / 2) * t_end + sigma * fine.sum(axis=0))
    block = NoiseBlock("p", 0, 1, 2, sigma, "x", 0)

    def drift(Y, out, scale):
        return np.multiply(Y, mu * scale, out=out)

    steps, errors = [], []
    for level in levels:
        grouped = fine.reshape(2 ** level, finest // 2 ** level, n).sum(axis=1)
        feed = iter(grouped)
        Y = np.full((1, n), x0)
        saved, events, h = integrate(drift, [block], Y, np.array([0.0, t_end]), t_end / 2 ** level,
                                     lambda h: next(feed)[None, :], scheme=scheme)
        assert events.steps.sum() == 0            # the paths stayed in [0, 1]: nothing was projected
        steps.append(h)
        errors.append(np.abs(saved[:, -1, 0] - exact).mean())
    return np.array(steps), np.array(errors)


@pytest.mark.parametrize("scheme, order", [("em", 0.5), ("milstein", 1.0)])
def test_strong_order_on_geometric_brownian_motion(scheme, order):
    h, err = _gbm_errors(scheme)
    slope = np.polyfit(np.log(h), np.log(err), 1)[0]
    assert abs(slope - order) < 0.15, (slope, err)


def test_zero_noise_reproduces_the_deterministic_paths_at_order_one(vertical):
    """sigma = 0: Euler-Maruyama is Euler's method; its error against the DOPRI5 path halves with the step."""
    start = [[0.3, 0.6]]
    exact = simulate(vertical, start, 5.0, n_points=11, rtol=1e-11, atol=1e-13).paths[0]
    errors = []
    for dt in (1e-3, 5e-4):
        noisy = simulate_noisy(vertical, start, 5.0, noise=0.0, paths=3, dt=dt, n_points=11, targets=[])
        assert np.all(noisy.paths[0] == noisy.paths[0, :1])                 # every path the same
        errors.append(np.abs(noisy.paths[0, 0] - exact).max())
    assert errors[1] < 1e-3
    assert 0.4 < errors[1] / errors[0] < 0.6, errors


def test_same_seed_same_bytes_other_seed_differs(vertical):
    def run(seed):
        r = simulate_noisy(vertical, [[0.5, 0.5]], 5.0, noise=0.5, paths=50, seed=seed, n_points=21, targets=[])
        return json.dumps(r.to_dict())
    assert run(3) == run(3)
    assert run(3) != run(4)


def test_form_x_leaves_the_square_at_one_and_the_rule_counts_it(vertical):
    """With g = x the noise does not vanish at x = 1: paths starting there are pushed above 1, projected and counted."""
    r = simulate_noisy(vertical, [[1.0, 0.5]], 2.0, noise=0.5, paths=200, seed=1, n_points=5, targets=[])
    assert np.all((r.paths >= 0) & (r.paths <= 1))
    assert r.boundary_steps[0, 0].min() > 0 or (r.boundary_steps[0, 0] > 0).mean() > 0.4
    assert (r.to_dict()["starts"][0]["boundary"][0]["paths_projected"]) == int((r.boundary_steps[0, 0] > 0).sum())


def test_form_x_one_minus_x_keeps_a_corner_exactly(vertical):
    """With g = x(1-x) every corner is an equilibrium of the SDE: a path started there never moves."""
    r = simulate_noisy(vertical, [[1.0, 0.0]], 2.0, noise=0.8, form="x(1-x)", paths=20, seed=1, n_points=5,
                       targets=[])
    assert np.all(r.paths[0, :, :, 0] == 1.0) and np.all(r.paths[0, :, :, 1] == 0.0)


def test_simplex_form_keeps_shares_on_the_simplex(rps):
    r = simulate_noisy(rps, [[0.2, 0.3]], 3.0, noise=0.6, form="x(1-x)", paths=300, seed=2, dt=0.005,
                       n_points=7, targets=[])
    total = r.paths.sum(axis=-1)
    assert np.all(r.paths >= 0) and np.all(total <= 1.0)
    assert r.boundary_steps.sum() == 0       # the form vanishes on the faces: with this step nothing left
    with pytest.raises(AnalysisError, match="commutative"):
        simulate_noisy(rps, [[0.2, 0.3]], 1.0, noise=0.6, form="x(1-x)", scheme="milstein", paths=3, targets=[])


def test_user_errors_name_the_argument(vertical):
    with pytest.raises(ScenarioError, match="argument 'noise'.*unknown population 'boss'"):
        simulate_noisy(vertical, [[0.5, 0.5]], 1.0, noise={"boss": 0.5}, targets=[])
    with pytest.raises(ScenarioError, match="argument 'form'"):
        simulate_noisy(vertical, [[0.5, 0.5]], 1.0, noise=0.5, form="x^2", targets=[])
    with pytest.raises(ScenarioError, match="argument 'noise'"):
        simulate_noisy(vertical, [[0.5, 0.5]], 1.0, noise=-1, targets=[])
    with pytest.raises(ScenarioError, match="argument 'noise'"):
        simulate_noisy(vertical, [[0.5, 0.5]], 1.0, targets=[])


def test_end_shares_and_first_passage_count_the_paths(vertical):
    """Started on the stable corner (loose, passive) with g = x(1-x), every path stays there: share 1, passage at 0."""
    r = simulate_noisy(vertical, np.array([[0.0, 0.0], [0.5, 0.5]]), 20.0, noise=0.3, form="x(1-x)", paths=100, seed=1,
                       n_points=5)
    assert [label for label, _, _ in r.targets] == ["(loose, passive)"]
    assert r.end_shares()[0, 0] == 1.0 and np.all(r.first_passage[0, 0] == 0.0)
    doc = r.to_dict()["starts"][1]["targets"][0]
    p = doc["share_ending_near"]
    assert doc["share_standard_error"] == pytest.approx(np.sqrt(p * (1 - p) / 100))
    assert 0 < doc["first_passage_mean"] <= 20.0


def test_a_corner_that_is_no_rest_point_is_said_so(scenarios_dir):
    from evogame.studies.stochastic.conditions import stochastic_stability

    r = stochastic_stability(load("rps"), 0.3, dynamics="logit:eta=0.5")
    assert all(c.deterministic == "not a rest point" and not c.equilibrium for c in r.corners)


def test_corners_the_noise_stabilises_are_counted_too(vertical):
    """With c_S = 1.5, (strict, passive) is the deterministic attractor; sigma = 1 with g = x(1-x) also makes
    (loose, passive) almost surely exponentially stable: both are targets, and paths started near the latter
    mostly end there."""
    r = simulate_noisy(vertical, np.array([[1e-3, 1e-3]]), 60.0, noise=1.0, form="x(1-x)", paths=200, seed=3,
                       n_points=3, params={"c_S": 1.5})
    labels = {label: why for label, _, why in r.targets}
    assert "deterministic" in labels["(strict, passive)"] and "stochastic" in labels["(loose, passive)"]
    k = [label for label, _, _ in r.targets].index("(loose, passive)")
    assert r.end_shares()[0, k] > 0.8
