"""Basins of attraction: sampling, exact one-dimensional basins, known separatrices, CLI."""
import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.integrate import quad
from scipy.optimize import brentq

from evogame.studies.basins import NOT_CONVERGED, basins, one_dimensional_basins, sample_states
from evogame.engine.analysis import analyze
from evogame.cli import jsonable, main

from conftest import SCENARIOS, load


def assert_shares_sum_to_one(r):
    total = r.shares.sum() + r.not_converged_share
    assert total == pytest.approx(1.0, abs=1e-12)
    assert r.counts.sum() + r.not_converged == r.samples


# -- sampling ----------------------------------------------------------------------

def test_sample_is_uniform_on_the_simplex_and_reproducible():
    game = load("rps").game   # one population, three strategies
    z = sample_states(game, 4096, seed=3)
    shares = np.column_stack([z, 1 - z.sum(axis=1)])
    assert np.all(shares >= 0) and np.allclose(shares.sum(axis=1), 1)
    # Dirichlet(1,1,1): every share has mean 1/3 and variance 1/18
    assert shares.mean(axis=0) == pytest.approx([1 / 3] * 3, abs=0.01)
    assert shares.var(axis=0) == pytest.approx([1 / 18] * 3, abs=0.005)
    # P(share_1 > 1/2) = (1/2)^2 on the 2-simplex
    assert (shares[:, 0] > 0.5).mean() == pytest.approx(0.25, abs=0.02)
    assert np.array_equal(z, sample_states(game, 4096, seed=3))
    assert not np.array_equal(z, sample_states(game, 4096, seed=4))


def test_sample_of_two_strategy_populations_fills_the_cube():
    game = load("hidden_collusion").game
    z = sample_states(game, 1024, seed=0)
    assert z.shape == (1024, 3)
    assert np.all((z > 0) & (z < 1))
    # a scrambled Sobol sample is balanced: every octant holds 1/8 of the points
    octants = (z > 0.5).astype(int) @ np.array([4, 2, 1])
    assert np.bincount(octants, minlength=8) == pytest.approx([128] * 8, abs=4)


# -- known separatrices ----------------------------------------------------------------

def coordination_basin_of_B(a: float, b: float) -> float:
    """Area below the separatrix of the two-population coordination game.

    With A(y) = (a+b) y - b and B(x) = (a+b) x - b the replicator system
    x' = x(1-x) A(y), y' = y(1-y) B(x) has the first integral
    V = F(x) - F(y), F(u) = -b ln u - a ln(1 - u)  (dV/dt = B A - A B = 0).
    The stable manifold of the saddle (u*, u*), u* = b/(a+b), is the branch
    of F(y) = F(x) other than the diagonal: y = phi(x) on the other side of
    u*.  Starts below it go to (B, B).
    """
    u = b / (a + b)

    def F(t):
        return -b * math.log(t) - a * math.log1p(-t)

    def phi(x):
        if abs(x - u) < 1e-12:
            return u
        lo, hi = (u, np.nextafter(1.0, 0.0)) if x < u else (5e-324, u)
        end = hi if x < u else lo
        if F(end) <= F(x):   # beyond double precision: the branch is at the corner
            return end
        return brentq(lambda y: F(y) - F(x), lo, hi, xtol=1e-15)

    left, _ = quad(phi, 0, u, limit=200)
    right, _ = quad(phi, u, 1, limit=200)
    return left + right


@pytest.mark.parametrize("a,b", [(2.0, 1.0), (1.0, 1.0), (1.0, 3.0)])
def test_coordination_basins_agree_with_the_first_integral_separatrix(a, b):
    r = basins(load("coordination"), {"a": a, "b": b}, samples=2048, seed=1)
    assert_shares_sum_to_one(r)
    assert r.not_converged == 0
    exact_B = coordination_basin_of_B(a, b)
    if a == b:
        assert exact_B == pytest.approx(0.5, abs=1e-9)   # symmetric: the separatrix is x + y = 1
    share_B = r.share(("B", "B"))
    assert abs(share_B - exact_B) < 3 * r.standard_error(("B", "B")) + 1e-3
    assert r.share(("A", "A")) == pytest.approx(1 - share_B)


def test_stable_interior_focus_attracts_the_whole_simplex():
    r = basins(load("zeeman_rps_stable"), samples=256)
    assert len(r.attractors) == 1 and r.attractors[0].is_interior
    assert r.shares[0] == 1.0


def test_a_centre_has_no_basin_everything_is_not_converged():
    r = basins(load("rps"), samples=128)
    assert r.attractors == []
    assert r.not_converged == 128
    assert_shares_sum_to_one(r)


def test_unconverged_starts_are_counted_and_extended():
    game = load("coordination")
    short = basins(game, samples=512, t_end=0.05, extensions=1)
    assert short.not_converged > 0 and short.notes
    assert_shares_sum_to_one(short)
    extended = basins(game, samples=512, t_end=0.05, extensions=12)
    assert extended.not_converged == 0
    # stops extending once every start has converged: t_end = 0.05 (1 + 2 + ... + 2^k), k <= 12
    k = math.log2(extended.t_end / 0.05 + 1)
    assert k == pytest.approx(round(k)) and 2 <= round(k) <= 13


def test_assignment_is_where_the_end_points_are():
    r = basins(load("hidden_collusion"), {"rho": 1.0}, samples=512)
    assert_shares_sum_to_one(r)
    for i, a in enumerate(r.attractors):
        ends = r.final[r.assignment == i]
        assert np.abs(ends - a.state).max() < r.tol


def test_basins_of_swapped_peers_are_symmetric():
    # departments A and B are interchangeable: (x, y, z) and (y, x, z) reach mirrored attractors
    game = load("hidden_collusion")
    r = basins(game, {"rho": 1.0}, samples=256)
    from evogame.dynamics.simulation import simulate
    swapped = r.initial[:, [1, 0, 2]]
    ends = simulate(game, swapped, r.t_end, params={"rho": 1.0}, n_points=2).final
    assert np.allclose(ends[:, [1, 0, 2]], r.final, atol=1e-3)


# -- exact one-dimensional basins ---------------------------------------------------------

def test_one_dimensional_basins_of_hawk_dove_and_a_semi_stable_point():
    game = load("hawk_dove").game
    exact = one_dimensional_basins(game, analyze(game))
    # Hawk-Dove: the mixed point attracts the whole open interval
    assert len(exact["shares"]) == 2 and exact["shares"][NOT_CONVERGED] == 0.0
    assert sum(exact["shares"].values()) == pytest.approx(1.0)
    # public good with s - c + b/N = 0 at N = 6: full sharing is non-hyperbolic
    pg = load("platform_public_good").game.with_values(N=6, c=1.5)
    a = analyze(pg)
    one = a.find("share")
    assert one.classification == "non-hyperbolic"
    e = one_dimensional_basins(pg, a)
    x_star = e["critical_mass"]
    assert e["shares"][NOT_CONVERGED] == pytest.approx(1 - x_star, abs=1e-12)
    assert e["shares"]["(not)"] == pytest.approx(x_star, abs=1e-12)


# -- CLI ----------------------------------------------------------------------------------

def test_cli_basins_json_is_to_dict():
    path = str(SCENARIOS / "coordination.toml")
    res = CliRunner().invoke(main, ["basins", path, "--samples", "256", "--seed", "2", "--json"])
    assert res.exit_code == 0, res.output
    expected = basins(load("coordination"), samples=256, seed=2).to_dict()
    assert json.loads(res.output) == json.loads(json.dumps(jsonable(expected)))


def test_cli_basins_text_with_mechanism_and_exact_separatrix():
    runner = CliRunner()
    res = runner.invoke(main, ["basins", str(SCENARIOS / "hidden_collusion.toml"), "-m", "trust", "-n", "512"])
    assert res.exit_code == 0, res.output
    assert "(sincere, sincere, trust)" in res.output and "(formal, formal, trust)" in res.output
    res = runner.invoke(main, ["basins", str(SCENARIOS / "platform_public_good.toml"), "-n", "256"])
    assert res.exit_code == 0, res.output
    assert "critical mass: 0.256847" in res.output


@pytest.mark.parametrize("args", [
    ["basins", "scenarios/no_such_file.toml"],
    ["basins", "{coord}", "--mechanism", "platfrom"],
    ["basins", "{coord}", "--samples", "0"],
    ["basins", "{pg}", "--group-sizes", "9:3"],
    ["basins", "{coord}", "--group-sizes", "2:4"],
    ["basins", "{coord}", "-p", "a=oops"],
    ["basins", "{coord}", "--preset", "network"],
])
def test_cli_basins_bad_input_exits_2(args):
    args = [a.format(coord=SCENARIOS / "coordination.toml", pg=SCENARIOS / "platform_public_good.toml")
            for a in args]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output


def test_figure_basins_and_basins_answer_with_the_same_default_sample_size():
    # one default everywhere, so `evogame figure basins` and `evogame basins` print the same shares
    import inspect
    from evogame.plotting import recipes as figures
    from evogame.studies.basins import DEFAULT_SAMPLES
    import click
    context = click.Context(main)
    defaults = {name: next(p.default for p in main.get_command(context, name).params if p.name == "samples")
                for name in ("basins", "figure", "presets")}
    assert defaults == {"basins": DEFAULT_SAMPLES, "figure": DEFAULT_SAMPLES, "presets": DEFAULT_SAMPLES}
    assert inspect.signature(figures.basins_figure).parameters["samples"].default == DEFAULT_SAMPLES
    from evogame.studies.presets import compare_presets
    assert inspect.signature(compare_presets).parameters["samples"].default == DEFAULT_SAMPLES
    game = load("hidden_collusion")
    fig = figures.basins_figure(game, {"rho": 1.0})
    legend = " | ".join(t.get_text().replace("\n", " ") for leg in fig.legends for t in leg.get_texts())
    result = basins(game, {"rho": 1.0})
    assert result.samples == DEFAULT_SAMPLES
    for label, share, se in zip(result.labels, result.shares, result.standard_errors):
        assert f"{share:.3f} ± {se:.3f}" in legend, (label, legend)
