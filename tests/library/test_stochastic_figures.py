"""The noise figures: one panel per share labelled with the strategy, deterministic bytes."""
from __future__ import annotations

import pytest

from evogame.plotting.recipes import noise_figure
from evogame.plotting import save_figure

from conftest import load
from helpers import invoke


@pytest.fixture(scope="module")
def vertical():
    return load("vertical")


@pytest.mark.parametrize("ends", [False, True])
def test_noise_figures_are_labelled_and_reproducible(vertical, ends, tmp_path):
    figs = [noise_figure(vertical, (0.3, 0.8), ends=ends, t_end=5.0, paths=40, seed=2) for _ in range(2)]
    titles = [ax.get_title(loc="left").replace("\n", " ") for ax in figs[0].axes if ax.get_visible()]
    assert any("share of strict supervision" in t for t in titles) and any("share of active sharing" in t for t in titles)
    out = [save_figure(f, tmp_path / f"n{k}.svg").read_bytes() for k, f in enumerate(figs)]
    assert out[0] == out[1]
    legend = figs[0].legends[0]
    labels = [t.get_text() for t in legend.get_texts()]
    assert "$\\sigma = 0.3$" in labels and "$\\sigma = 0.8$" in labels
    assert ("$\\sigma = 0$" in labels) == (not ends)      # the deterministic path, dashed, on the paths figure


def test_figure_command_draws_noise(tmp_path):
    out = tmp_path / "noise.pdf"
    result = invoke(["figure", "noise", load("vertical").file, "--noise", "0.5", "--paths", "20", "--t-end", "3",
                     "--out", out])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


def _settling_time_by_hand(game, start, params=None, within=0.01, horizon=1000.0):
    """The last time the replicator path from ``start`` is farther than ``within`` (max norm) from its limit.

    Written from the game's fitness alone: x_p' = x_p (1 - x_p) (f_p1 - f_p2) for each two-strategy
    population, integrated by scipy with tight tolerances and sampled finely.
    """
    import numpy as np
    import sympy
    from scipy.integrate import solve_ivp
    values = {p.symbol: (params or {}).get(n, p.value) for n, p in game.parameters.items()}
    rhs = [v * (1 - v) * (f[0] - f[1]).subs(values) for v, f in zip(game.variables, game.fitness)]
    field = sympy.lambdify(list(game.variables), rhs, modules="numpy")
    sol = solve_ivp(lambda t, z: field(*z), (0.0, horizon), start, rtol=1e-11, atol=1e-13, dense_output=True)
    times = np.linspace(0.0, horizon, 400001)
    path = sol.sol(times).T
    far = np.nonzero(np.max(np.abs(path - path[-1]), axis=1) > within)[0]
    return times[far[-1] + 1]


@pytest.mark.parametrize("start,params", [((0.05, 0.05), {}), ((0.6, 0.9), {}),
                                          ((0.05, 0.05), {"c_S": 1.5})])      # settles long after [simulation] t_end
def test_the_noise_window_is_a_few_settling_times_of_the_deterministic_path(vertical, start, params):
    settles = _settling_time_by_hand(vertical.game, list(start), params)
    fig = noise_figure(vertical, (0.3,), initial=[start], paths=20, seed=1, params=params)
    window = fig.axes[0].get_xlim()[1]
    dashed = [ln for ln in fig.axes[0].get_lines() if ln.get_linestyle() == "--"]
    assert dashed and dashed[0].get_xdata()[-1] == pytest.approx(window)       # the paths end there too
    assert 2.0 * settles <= window <= 4.0 * settles


def test_an_explicit_t_end_is_the_noise_window(vertical):
    fig = noise_figure(vertical, (0.3,), initial=[(0.05, 0.05)], t_end=7.0, paths=20, seed=1)
    assert fig.axes[0].get_xlim()[1] == 7.0


def test_a_path_that_never_settles_keeps_the_scenarios_window():
    from evogame.plotting.common import default_t_end
    rps = load("rps")                          # the interior is a centre: the paths cycle for ever
    fig = noise_figure(rps, (0.1,), initial=[(0.5, 0.3)], paths=10, seed=1)
    assert fig.axes[0].get_xlim()[1] == default_t_end(rps)
