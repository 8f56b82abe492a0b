"""Game 3 of MODELS.md: hidden collusion between peer departments and the data bureau."""
import math

import pytest
import sympy

from evogame.engine.analysis import analyze
from evogame.studies.basins import basins
from evogame.studies.mechanisms import apply
from evogame.solvers.stability import ASYMPTOTICALLY_STABLE
from evogame.studies.thresholds import threshold


SSA = ("sincere", "sincere", "audit")
SST = ("sincere", "sincere", "trust")
FFT = ("formal", "formal", "trust")


SCENARIO = "hidden_collusion"   # the shipped scenario of the `scenario` and `game` fixtures


_THRESHOLDS = {}


def cached_threshold(scenario, mechs):
    """threshold() takes seconds; each mechanism set is computed once per session."""
    key = tuple(mechs)
    if key not in _THRESHOLDS:
        _THRESHOLDS[key] = threshold(scenario, list(mechs))
    return _THRESHOLDS[key]


def stable_set(analysis):
    return {p.label for p in analysis.stable}


def label(*strategies):
    return "(" + ", ".join(strategies) + ")"


def test_every_parameter_and_population_is_documented(scenario, game):
    assert scenario.target_key == "sincere.sincere.audit"
    for p in game.parameters.values():
        assert p.description and p.stands_for and p.range is not None, p.name
        assert p.range[0] <= float(p.value) <= p.range[1]
    for pop in game.populations:
        assert pop.label_en and pop.label_zh
        assert len(pop.strategy_labels_en) == len(pop.strategy_labels_zh) == pop.n


def test_payoff_table_gives_the_derived_payoff_advantages(game):
    """D_i = -c - lambda L + rho b y_j + delta (R + P) z;
    D_b = -c_a + delta g (x + y) + delta phi A (1 - x)(1 - y)."""
    S = {n: p.symbol for n, p in game.parameters.items()}
    x, y, z = game.variables
    f = game.fitness
    dA = -S["c"] - S["lambda"] * S["L"] + S["rho"] * S["b"] * y + S["delta"] * (S["R"] + S["P"]) * z
    dB = -S["c"] - S["lambda"] * S["L"] + S["rho"] * S["b"] * x + S["delta"] * (S["R"] + S["P"]) * z
    dBu = -S["c_a"] + S["delta"] * S["g"] * (x + y) + S["delta"] * S["phi"] * S["A"] * (1 - x) * (1 - y)
    assert sympy.expand(f[0][0] - f[0][1] - dA) == 0
    assert sympy.expand(f[1][0] - f[1][1] - dB) == 0
    assert sympy.expand(f[2][0] - f[2][1] - dBu) == 0


def test_baseline_hidden_collusion_is_the_unique_stable_state(game):
    a = analyze(game)
    assert stable_set(a) == {label(*FFT)}
    # its eigenvalues are the payoff advantages at the corner: -(c + lambda L) twice, delta phi A - c_a
    v = {n: float(p.value) for n, p in game.parameters.items()}
    expected = sorted([-(v["c"] + v["lambda"] * v["L"])] * 2 + [v["delta"] * v["phi"] * v["A"] - v["c_a"]])
    assert sorted(e.real for e in a.find(*FFT).eigenvalues) == pytest.approx(expected)


def test_trust_makes_the_peer_game_bistable_with_both_basins_sizable(scenario, game):
    with_trust = apply(scenario, ["trust"])
    a = analyze(with_trust)
    assert stable_set(a) == {label(*SST), label(*FFT)}
    r = basins(with_trust, samples=2048, analysis=a)
    assert r.not_converged == 0
    assert r.shares.sum() == pytest.approx(1.0)
    for key in (SST, FFT):
        assert r.share(key) > 10 * r.standard_error(key) > 0   # two attractors, both with a real basin
    # more reciprocity than needed enlarges the sincere basin (monotone in rho)
    r_less = basins(game, {"rho": 0.85}, samples=2048)
    assert r_less.share(SST) < r.share(SST)


def test_trust_threshold_is_where_rho_b_exceeds_c_plus_lambda_L(scenario, game):
    v = {n: float(p.value) for n, p in game.parameters.items()}
    rho_star = (v["c"] + v["lambda"] * v["L"]) / v["b"]
    s_star = (rho_star - v["rho"]) / (1 - v["rho"])      # rho(s) = rho + (1 - rho) s
    r = threshold(scenario, ["trust"], target="sincere.sincere.trust")
    assert r.threshold == pytest.approx(s_star, abs=1e-12)
    assert set(r.stable_above) == {label(*SST), label(*FFT)}
    assert r.stable_below == [label(*FFT)]


def independent_audit_threshold(v, platform: bool, incentive: bool) -> float:
    """Smallest s with both conditions for (sincere, sincere, audit):
    2 delta g > c_a (bureau) and rho b + delta (R + P) > c + lambda L (departments)."""
    def params(s):
        w = dict(v)
        if platform:
            w["delta"] = v["delta"] + 0.6 * s
            w["c"] = v["c"] * (1 - 0.25 * s)
        if incentive:
            w["R"], w["P"] = v["R"] + 2.5 * s, v["P"] + 2.5 * s
            w["g"], w["c_a"] = v["g"] + 1.5 * s, v["c_a"] * (1 - 0.5 * s)
        return w

    def slack(s):
        w = params(s)
        return min(2 * w["delta"] * w["g"] - w["c_a"],
                   w["rho"] * w["b"] + w["delta"] * (w["R"] + w["P"]) - w["c"] - w["lambda"] * w["L"])

    from scipy.optimize import brentq
    assert slack(0) < 0 < slack(1)
    return brentq(slack, 0, 1, xtol=1e-15)


@pytest.mark.parametrize("mechs", [["platform", "incentive"], ["platform"], ["incentive"]])
def test_platform_traceability_and_audit_incentives_reach_sincere_sharing(scenario, game, mechs):
    v = {n: float(p.value) for n, p in game.parameters.items()}
    expected = independent_audit_threshold(v, "platform" in mechs, "incentive" in mechs)
    r = cached_threshold(scenario, mechs)
    assert r.threshold == pytest.approx(expected, abs=1e-9)
    assert label(*SSA) in r.stable_above and label(*SSA) not in r.stable_below
    if len(mechs) == 2:   # the classification agrees on both sides
        below = analyze(apply(scenario, mechs, expected - 1e-3)).find(*SSA)
        above = analyze(apply(scenario, mechs, expected + 1e-3)).find(*SSA)
        assert below.classification != ASYMPTOTICALLY_STABLE
        assert above.classification == ASYMPTOTICALLY_STABLE


def test_combined_threshold_in_closed_form(scenario):
    # bureau condition binds: 2 (0.3 + 0.6 s)(1 + 1.5 s) = 1.5 (1 - 0.5 s)  <=>  1.8 s^2 + 2.85 s - 0.9 = 0
    s = (-2.85 + math.sqrt(2.85 ** 2 + 4 * 1.8 * 0.9)) / (2 * 1.8)
    r = cached_threshold(scenario, ["platform", "incentive"])
    assert r.threshold == pytest.approx(s, abs=1e-12)
    assert r.expression is not None or r.exact is not None   # found in closed form


def test_trust_alone_never_makes_the_audited_target_stable(game):
    # (sincere, sincere, audit) needs 2 delta g > c_a, which reciprocity does not touch
    for rho in (0.5, 1.0):
        assert analyze(game, {"rho": rho}).find(*SSA).classification != ASYMPTOTICALLY_STABLE
