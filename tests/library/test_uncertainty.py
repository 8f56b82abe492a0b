"""Uncertainty and global sensitivity (issue 14, part 3), checked against closed forms derived here.

Game 1 (scenarios/vertical.toml).  At the corner (loose, active) of a
two-population replicator dynamics the eigenvalues are minus each population's
payoff advantage there: the superior's is -(u(loose, active) - u(strict,
active)) = -(c_S + r) < 0 and the subordinate's is -(u_active - u_passive)
= c_D + lambda*L - beta*B - m*G (read from the payoff table below).  So the
target's stability margin is max(c_D + lambda*L - beta*B - m*G, -(c_S + r)),
and the target is stable iff beta*B + m*G - lambda*L - c_D > 0.  The platform
mechanism replaces c_D by c_D (1 - 0.8 s): the target becomes stable when
s > (c_D - k) / (0.8 c_D) with k = beta*B + m*G - lambda*L.
"""
import importlib.util
import json
import re
import subprocess
import sys
import tomllib

import numpy as np
import pytest
import sympy
from scipy import stats

from evogame.studies.distributions import parse_distribution

from conftest import SCENARIOS
from helpers import assert_user_error, invoke

VERTICAL = SCENARIOS / "vertical.toml"
HAS_SALIB = importlib.util.find_spec("SALib") is not None
needs_salib = pytest.mark.skipif(not HAS_SALIB, reason="SALib (the optional 'uncertainty' extra) is not installed")


@pytest.fixture(scope="module")
def scenario():
    from evogame.scenario import load_scenario
    return load_scenario(VERTICAL)


@pytest.fixture(scope="module")
def table():
    """The payoff table and the defaults as written in the file, as sympy expressions and exact numbers."""
    data = tomllib.loads(VERTICAL.read_text())
    defaults = {sympy.Symbol(n): sympy.nsimplify(p["value"]) for n, p in data["parameters"].items()}
    names = {n.name: n for n in defaults} | {"lam": sympy.Symbol("lambda")}   # `lambda` is a Python keyword
    payoffs = {k: [sympy.sympify(re.sub(r"\blambda\b", "lam", e), locals=names) for e in v]
               for k, v in data["payoffs"].items()}
    return payoffs, defaults


def subordinate_eigenvalue(table):
    """-(u_active - u_passive) of the subordinate against a loose superior: the target's critical eigenvalue."""
    payoffs, _ = table
    return sympy.expand(-(payoffs["loose.active"][1] - payoffs["loose.passive"][1]))


def superior_eigenvalue(table):
    payoffs, _ = table
    return sympy.expand(-(payoffs["loose.active"][0] - payoffs["strict.active"][0]))


def at(table, expr, keep=()):
    _, defaults = table
    return expr.xreplace({s: v for s, v in defaults.items() if s.name not in keep})


# -- distributions: the inverse CDFs against scipy.stats ------------------------------------------

@pytest.mark.parametrize("text, frozen", [
    ("a=uniform:-1:3", stats.uniform(loc=-1, scale=4)),
    ("a=normal:2:0.5", stats.norm(loc=2, scale=0.5)),
    ("a=triangular:1:2:5", stats.triang(c=0.25, loc=1, scale=4)),
    ("a=triangular:0:0:1", stats.triang(c=0.0, loc=0, scale=1)),
    ("a=triangular:0:1:1", stats.triang(c=1.0, loc=0, scale=1)),
])
def test_inverse_cdf_matches_scipy(text, frozen):
    d = parse_distribution(text)
    u = np.linspace(0.001, 0.999, 999)
    assert np.allclose(d.ppf(u), frozen.ppf(u), rtol=1e-10, atol=1e-12)
    assert d.mean == pytest.approx(frozen.mean()) and d.variance == pytest.approx(frozen.var())


@pytest.mark.parametrize("text", ["c_D", "c_D=uniform:0", "c_D=uniform:5:0", "c_D=gauss:0:1", "c_D=normal:0:-1",
                                  "c_D=triangular:0:6:5", "c_D=uniform:a:b", "=uniform:0:1", "c_D=uniform:0:inf"])
def test_bad_distribution_strings_are_scenario_errors(text):
    from evogame.errors import ScenarioError
    with pytest.raises(ScenarioError):
        parse_distribution(text)


@pytest.mark.parametrize("text", ["c_D=uniform:0", "c_D=beta:0:1", "c_D=uniform:0:30", "x_D=uniform:0:1",
                                  "c_D:uniform:0:1"])
def test_bad_dist_option_exits_2_naming_dist(text):
    assert_user_error(invoke(["uncertainty", VERTICAL, "--dist", text, "--samples", "100"]), "--dist")


# -- the estimates ------------------------------------------------------------------------------

def test_probability_target_stable_is_the_share_of_c_D_below_the_threshold(scenario, table):
    from evogame.studies.uncertainty import uncertainty
    crit = float(sympy.solve(at(table, subordinate_eigenvalue(table), keep=["c_D"]), sympy.Symbol("c_D"))[0])
    assert crit == pytest.approx(0.9)
    r = uncertainty(scenario, ["c_D=uniform:0:5"], samples=20_000, seed=3)
    exact = crit / 5
    assert abs(r.p_target_stable - exact) <= 4 * r.se_target_stable
    assert r.se_target_stable == pytest.approx(np.sqrt(r.p_target_stable * (1 - r.p_target_stable) / 20_000))
    # the margin at every draw is the closed form max(c_D - 0.9, -(c_S + r))
    other = float(at(table, superior_eigenvalue(table)))
    assert np.allclose(r.margins, np.maximum(r.draws[:, 0] - crit, other), atol=1e-12)
    # (loose, passive) is the only other candidate: exactly one stable state at every draw
    assert r.p_target_unique == r.p_target_stable
    assert r.probability("(loose, passive)")[0] == pytest.approx(1 - r.p_target_stable)


@needs_salib
def test_sobol_indices_of_a_margin_of_one_parameter_and_a_dummy(scenario):
    from evogame.studies.uncertainty import uncertainty
    # d (detection) enters no payoff at (loose, active) nor its neighbours' differences there: a dummy
    r = uncertainty(scenario, ["c_D=uniform:0:5", "d=uniform:0:1"], samples=40_000, seed=1, sobol=True)
    s = r.sobol
    assert s["names"] == ["c_D", "d"]
    assert s["S1"][0] == pytest.approx(1, abs=0.03) and s["ST"][0] == pytest.approx(1, abs=0.03)
    assert abs(s["S1"][1]) < 0.03 and abs(s["ST"][1]) < 0.03
    assert s["evaluations"] == s["base"] * (2 * 2 + 2) <= 40_000


@needs_salib
def test_sobol_indices_of_an_additive_margin(scenario, table):
    from evogame.studies.uncertainty import uncertainty
    # margin = c_D - beta*B + const with c_D ~ U(0, 5), B ~ U(0, 10) (above -(c_S + r) everywhere)
    lam = at(table, subordinate_eigenvalue(table), keep=["c_D", "B"])
    a = float(sympy.diff(lam, sympy.Symbol("c_D")))
    b = float(sympy.diff(lam, sympy.Symbol("B")))
    assert (a, b) == (1.0, -0.3)
    var_p, var_q = 25 / 12, 100 / 12
    exact = a * a * var_p / (a * a * var_p + b * b * var_q)
    r = uncertainty(scenario, ["c_D=uniform:0:5", "B=uniform:0:10"], samples=60_000, seed=2, sobol=True)
    s1, st = r.sobol["S1"], r.sobol["ST"]
    assert s1[0] == pytest.approx(exact, abs=0.03) and s1[1] == pytest.approx(1 - exact, abs=0.03)
    assert st[0] == pytest.approx(exact, abs=0.03) and st[1] == pytest.approx(1 - exact, abs=0.03)


def test_platform_threshold_matches_its_closed_form_at_every_draw(scenario, table):
    from evogame.studies.uncertainty import uncertainty
    from evogame.studies.uncertainty_threshold import ALREADY, NEVER, THRESHOLD
    c_D, L, s = sympy.symbols("c_D L s")
    lam = at(table, subordinate_eigenvalue(table), keep=["c_D", "L"])
    boundary = sympy.solve(lam.xreplace({c_D: c_D * (1 - sympy.Rational(4, 5) * s)}), s)[0]
    h = sympy.lambdify([c_D, L], boundary)
    r = uncertainty(scenario, ["c_D=uniform:0:5", "L=uniform:0:10"], ["platform"], samples=5000, seed=4)
    expected = h(r.draws[:, 0], r.draws[:, 1])
    # c_D > 0: the subordinate's eigenvalue falls with s, so the target is stable exactly for s > expected
    inside = (expected >= 0) & (expected < 1)
    assert np.array_equal(r.threshold_status, np.select([expected < 0, inside], [ALREADY, THRESHOLD], NEVER))
    assert np.allclose(r.thresholds[inside], expected[inside], rtol=1e-12, atol=1e-12)
    assert np.isnan(r.thresholds[~inside]).all()
    t = r.threshold
    assert t["p_already_stable"] == np.mean(expected < 0) and t["p_within"] == np.mean(inside)
    assert t["p_never_stable"] == np.mean(expected >= 1) and t["p_independent"] == 0
    assert t["distribution"]["quantiles"]["0.5"] == pytest.approx(np.median(expected[inside]))
    assert [b["p_binding"] for b in t["branches"]] == [1.0]


@needs_salib
def test_an_uncertain_strength_enters_the_margin_as_the_mechanism_says(scenario, table):
    from evogame.studies.uncertainty import uncertainty
    c_D, sym_s = sympy.symbols("c_D s")
    platform = {c_D: c_D * (1 - sympy.Rational(4, 5) * sym_s)}
    lam = at(table, subordinate_eigenvalue(table), keep=["c_D"]).xreplace(platform)
    g = sympy.lambdify([sym_s, c_D], sympy.Max(lam, at(table, superior_eigenvalue(table))))
    r = uncertainty(scenario, ["strength=uniform:0:1", "c_D=triangular:1:3:5"], ["platform"], samples=4000, seed=6,
                    sobol=True)
    assert np.allclose(r.margins, g(r.draws[:, 0], r.draws[:, 1]), atol=1e-12)
    assert r.threshold is None and r.strength is None       # the strength is drawn: no threshold of it
    assert r.sobol["names"] == ["strength", "c_D"]
    assert "0x" not in repr(r) and json.dumps(r.to_dict())


def test_bisection_agrees_with_the_closed_form_at_every_draw(scenario, monkeypatch):
    from evogame.studies import uncertainty as module
    exact = module.uncertainty(scenario, ["c_D=uniform:0:5"], ["platform"], samples=600, seed=5)
    monkeypatch.setattr(module, "_closed_form", lambda *a: None)
    bisected = module.uncertainty(scenario, ["c_D=uniform:0:5"], ["platform"], samples=600, seed=5)
    assert bisected.threshold["method"].startswith("bisection")
    assert np.array_equal(bisected.threshold_status, exact.threshold_status)
    inside = np.isfinite(exact.thresholds)
    assert 0 < inside.sum() < 600 and np.array_equal(np.isfinite(bisected.thresholds), inside)
    # both decide "stable" by the sign of the largest real part (no tolerance band), as `threshold` does
    assert np.allclose(bisected.thresholds[inside], exact.thresholds[inside], atol=1e-9)


# -- reproducibility, the command line, the optional extra ----------------------------------------

@needs_salib
def test_same_seed_same_json_and_another_seed_differs():
    args = ["uncertainty", VERTICAL, "--dist", "c_D=uniform:0:5", "--dist", "L=normal:5:1", "-m", "platform",
            "--samples", "3000", "--sobol", "--json"]
    one, two = invoke(args + ["--seed", "7"]), invoke(args + ["--seed", "7"])
    assert one.exit_code == 0, one.stderr
    assert one.stdout == two.stdout
    other = invoke(args + ["--seed", "8"])
    assert json.loads(other.stdout)["target_stable"] != json.loads(one.stdout)["target_stable"]
    data = json.loads(one.stdout)
    assert data["seed"] == 7 and data["samples"] == 3000 and "PCG64" in data["sampler"]
    assert data["sobol"]["names"] == ["c_D", "L"] and "Sobol" in data["sobol"]["sampler"]


@needs_salib
def test_text_output_names_sampler_seed_and_errors():
    r = invoke(["uncertainty", VERTICAL, "--dist", "c_D=uniform:0:5", "--samples", "2000", "--seed", "3", "--sobol"])
    assert r.exit_code == 0, r.stderr
    assert "seed 3" in r.stdout and "standard error" in r.stdout and "S1" in r.stdout


def test_missing_salib_gives_the_install_command_only_for_sobol_indices(scenario, monkeypatch):
    for name in ("SALib", "SALib.sample", "SALib.analyze"):
        monkeypatch.setitem(sys.modules, name, None)     # `import SALib...` now raises ImportError
    from evogame.studies.uncertainty import INSTALL_HINT, MissingExtra, uncertainty
    assert uncertainty(scenario, ["c_D=uniform:0:5"], samples=100).sobol is None
    with pytest.raises(MissingExtra, match="evogame\\[uncertainty\\]"):
        uncertainty(scenario, ["c_D=uniform:0:5"], sobol=True)
    assert invoke(["uncertainty", VERTICAL, "--dist", "c_D=uniform:0:5", "--samples", "100"]).exit_code == 0
    assert_user_error(invoke(["uncertainty", VERTICAL, "--dist", "c_D=uniform:0:5", "--sobol"]), INSTALL_HINT)
    assert_user_error(invoke(["uncertainty", VERTICAL, "--dist", "c_D=uniform:0:5", "--sobol-base", "64"]),
                      INSTALL_HINT)


def test_evogame_and_its_cli_import_without_salib():
    code = ("import sys; sys.modules['SALib'] = None\n"
            "import evogame, evogame.cli, evogame.studies.uncertainty\n"
            "from evogame.cli.group import COMMANDS; assert 'uncertainty' in COMMANDS\n"
            "print(evogame.uncertainty.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "uncertainty"
