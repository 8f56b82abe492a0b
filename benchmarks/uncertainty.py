"""Uncertainty: 10^6 Monte Carlo draws of game 2 (three populations) with three uncertain parameters.

evogame's ``uncertainty`` (every rest point classified at every draw through
the compiled engine, plus SALib's Sobol design and analysis of the target's
margin) against what a user writes without it: ``analyze`` with the drawn
values, one draw at a time (timed on a sample of draws and extrapolated,
interleaved with evogame's run as the other benchmarks).  On the sample the
two must agree on which rest points are asymptotically stable.
"""
from __future__ import annotations


DISTRIBUTIONS = ["c_F=uniform:0:4", "r=uniform:0:4", "G_T=uniform:0:5"]


def bench_uncertainty(quick: bool) -> list[dict]:
    from evogame.analysis import analyze
    from evogame.parametric import parametric_rest_points
    from evogame.faces import face_label
    from evogame.scenario import load_scenario
    from evogame.studies.uncertainty import STABLE, uncertainty

    from .common import SCENARIOS, _interleaved, _row, _skipped

    name = "uncertainty_game2"
    description = ("evogame.uncertainty of game 2 (dual_leadership) with c_F, r, G_T uncertain: every rest point "
                   "classified at each Monte Carlo draw + SALib Sobol indices of the target's margin, vs a loop of "
                   "analyze() per draw (timed on a sample, extrapolated)")
    try:
        import SALib  # noqa: F401
    except ImportError:
        return [_skipped(name, description, "< 60 s", 'SALib not installed (pip install "evogame[uncertainty]")')]
    scenario = load_scenario(SCENARIOS / "dual_leadership.toml")
    game = scenario.game
    samples, sample = (20_000, 4) if quick else (1_000_000, 30)
    uncertainty(scenario, DISTRIBUTIONS, samples=1000)          # sympy's first-use costs, outside the timing
    drawn = uncertainty(scenario, DISTRIBUTIONS, samples=sample, seed=11).draws

    def evo():
        return uncertainty(scenario, DISTRIBUTIONS, samples=samples, seed=0)

    def peer(lo, hi):
        out = []
        for row in drawn[lo:hi]:
            a = analyze(game, dict(zip(["c_F", "r", "G_T"], map(float, row))))
            out.append(sorted(face_label(game, p.support) for p in a.rest_points
                              if p.classification == "asymptotically stable"))
        return out

    evo_s, peer_s, ratio, result, stable_sets = _interleaved(evo, peer, sample, samples)
    engine = parametric_rest_points(game, ["c_F", "r", "G_T"], 10.0, 1e-9, "auto", [], "replicator")
    codes = engine.evaluate([drawn[:, 0], drawn[:, 1], drawn[:, 2]])["codes"]
    vectorised = [sorted(face_label(game, key[0]) for k, key in enumerate(engine.keys) if codes[k, i] == STABLE)
                  for i in range(sample)]
    mismatches = sum(a != b for a, b in zip(vectorised, stable_sets))
    return [_row(name, description, evo_s, peer_s, "< 60 s", 1, goal_seconds=60.0, ratio=ratio,
                 timings={**{f"{k}_s": v for k, v in result.seconds.items()}, "samples": samples,
                          "sobol_evaluations": result.sobol["evaluations"] if result.sobol else 0,
                          "loop_per_draw_ms": peer_s / samples * 1e3, "loop_sample": sample,
                          "stable-set mismatches on the sample": mismatches,
                          "p_target_stable": result.p_target_stable})]
