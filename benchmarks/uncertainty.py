"""Uncertainty: 10^6 Monte Carlo draws, against what a user writes without evogame.

* ``uncertainty_vertical_platform`` (issue 20, point 18): game 1 (``vertical``) with
  ``c_D=uniform:0:5``, ``L=uniform:0:10`` and the platform mechanism, no Sobol indices -- every rest point
  classified at every draw and the threshold study's outcome at every draw -- against a hand-written
  vectorised numpy evaluation of the same corner eigenvalues, probabilities, margin summary and threshold
  (the closed forms of the four corners typed in by hand, no symbolic work), run in the same process.
  evogame's cost per draw is its CPU time at 10^6 draws minus its CPU time at 10^3 draws (the derivation,
  paid once, cancels); the rounds interleave the two and the ratio is the median of the per-round ratios.
  On the draws both must give the same probabilities and thresholds.
* ``uncertainty_game2``: game 2 (``dual_leadership``), three uncertain parameters, with SALib's Sobol
  design and analysis, against a loop of ``analyze()`` per draw (timed on a sample, extrapolated).
"""
from __future__ import annotations

import time

import numpy as np

DISTRIBUTIONS = ["c_F=uniform:0:4", "r=uniform:0:4", "G_T=uniform:0:5"]
VERTICAL = ["c_D=uniform:0:5", "L=uniform:0:10"]
GOAL_RATIO = 3.0


def bench_uncertainty(quick: bool) -> list[dict]:
    return [bench_vertical_platform(quick), bench_game2(quick)]


def _hand_written(samples: int, seed: int, v: dict) -> dict:
    """Game 1 with the platform at strength 1, c_D and L drawn: what a user types in numpy.

    Eigenvalues at a corner of the 2 x 2 bimatrix replicator are the two payoff differences against the
    other strategy; the platform makes c_D -> 0.2 c_D and d -> d + 0.5 (1 - d); the target (loose, active)
    is stable iff c_D (1 - 0.8 s) < k := beta B + m G - lambda L, so its threshold is
    s* = (c_D - k) / (0.8 c_D) (already stable where c_D < k, none in [0, 1) where s* >= 1).
    """
    u = np.random.default_rng(seed).random((samples, 2))
    c_D, L = 5.0 * u[:, 0], 10.0 * u[:, 1]
    k = v["beta"] * v["B"] + v["m"] * v["G"] - v["lambda"] * L
    cD, d = 0.2 * c_D, v["d"] + 0.5 * (1 - v["d"])
    sub_active = k - cD                                       # subordinate's payoff advantage of active, loose
    # the superior's payoff advantage of loose over strict against active, of strict over loose against passive
    sup = {"active": v["c_S"] + v["r"], "passive": d * v["F"] - v["c_S"] - (1 - d) * v["R_U"] + v["R_U"]}
    corners = {
        "(strict, active)": (sup["active"], -d * v["F"] - sub_active - v["r"]),
        "(strict, passive)": (-sup["passive"], sub_active + v["r"] + d * v["F"]),
        "(loose, active)": (-sup["active"], -sub_active),
        "(loose, passive)": (sup["passive"], sub_active),
    }
    stable = {name: np.maximum(np.broadcast_to(a, (samples,)), b) < 0 for name, (a, b) in corners.items()}
    margin = np.maximum(-sup["active"], -sub_active)
    already = c_D < k
    s = (c_D - k) / (0.8 * c_D)
    within = ~already & (s >= 0) & (s < 1)
    thresholds = s[within]
    q = (0.05, 0.25, 0.5, 0.75, 0.95)
    return {"p_stable": {n: float(st.mean()) for n, st in stable.items()},
            "p_unique": float((stable["(loose, active)"] & (sum(stable.values()) == 1)).mean()),
            "margin": (float(margin.mean()), float(margin.std(ddof=1)), np.quantile(margin, q)),
            "p_already": float(already.mean()), "p_within": float(within.mean()),
            "threshold": (float(thresholds.mean()), np.quantile(thresholds, q)), "s": np.where(within, s, np.nan)}


def _cpu(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w, time.process_time() - c, out


def bench_vertical_platform(quick: bool) -> dict:
    from evogame.scenario import load_scenario
    from evogame.studies.uncertainty import uncertainty

    from .common import SCENARIOS, _row

    name = "uncertainty_vertical_platform"
    description = ("evogame.uncertainty of game 1 (vertical), c_D and L uncertain, -m platform, no Sobol: every rest "
                   "point classified and the threshold study's outcome at each draw, vs hand-written numpy of the "
                   "same corner eigenvalues and threshold (same process)")
    scenario = load_scenario(SCENARIOS / "vertical.toml")
    values = {n: float(v) for n, v in scenario.game.values().items()}
    samples, small = (20_000, 1_000) if quick else (1_000_000, 1_000)

    def run(n):
        return uncertainty(scenario, VERTICAL, ["platform"], samples=n, seed=0)

    run(small)                                                   # sympy's first-use costs, outside the timing
    rounds = []
    for _ in range(3):
        w1, c1, result = _cpu(lambda: run(samples))
        w0, c0, _ = _cpu(lambda: run(small))
        wb, cb, hand = _cpu(lambda: _hand_written(samples, 0, values))
        rounds.append({"evo_wall": w1 - w0, "evo_cpu": c1 - c0, "whole_wall": w1, "whole_cpu": c1,
                       "base_wall": wb, "base_cpu": cb})
    med = {k: float(np.median([r[k] for r in rounds])) for k in rounds[0]}
    ratio_cpu = float(np.median([r["evo_cpu"] / r["base_cpu"] for r in rounds]))
    ratio_wall = float(np.median([r["evo_wall"] / r["base_wall"] for r in rounds]))
    t = result.threshold
    agree = (all(abs(result.probability(n)[0] - p) < 1e-12 for n, p in hand["p_stable"].items())
             and abs(t["p_already_stable"] - hand["p_already"]) < 1e-12 and abs(t["p_within"] - hand["p_within"]) < 1e-12
             and np.allclose(result.thresholds, hand["s"], rtol=1e-12, atol=1e-12, equal_nan=True))
    # ratio: the baseline's time over evogame's (>= 1/3 meets "within 3x")
    row = _row(name, description, med["evo_cpu"], med["base_cpu"], f"within {GOAL_RATIO:g}x (ratio >= {1 / GOAL_RATIO:.2f})",
               ratio=1.0 / ratio_cpu,
               timings={"evogame_per_draw_us": med["evo_cpu"] / (samples - small) * 1e6,
                        "baseline_per_draw_us": med["base_cpu"] / samples * 1e6,
                        "slowdown_cpu": ratio_cpu, "slowdown_wall": ratio_wall,
                        "evogame_wall_s": med["evo_wall"], "baseline_wall_s": med["base_wall"],
                        "whole_call_cpu_s": med["whole_cpu"], "whole_call_wall_s": med["whole_wall"],
                        "samples": samples, "same_probabilities_and_thresholds": agree,
                        "salib_imported": __import__("sys").modules.get("SALib") is not None})
    row["goal_met"] = ratio_cpu <= GOAL_RATIO and ratio_wall <= GOAL_RATIO and agree
    return row


def bench_game2(quick: bool) -> dict:
    from evogame.engine.analysis import analyze
    from evogame.engine.parametric import parametric_rest_points
    from evogame.game.faces import face_label
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
        return _skipped(name, description, "< 60 s", 'SALib not installed (pip install "evogame[uncertainty]")')
    scenario = load_scenario(SCENARIOS / "dual_leadership.toml")
    game = scenario.game
    samples, sample = (20_000, 4) if quick else (1_000_000, 30)
    uncertainty(scenario, DISTRIBUTIONS, samples=1000, sobol=True)     # sympy's first-use costs, outside the timing
    drawn = uncertainty(scenario, DISTRIBUTIONS, samples=sample, seed=11).draws

    def evo():
        return uncertainty(scenario, DISTRIBUTIONS, samples=samples, seed=0, sobol=True)

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
    return _row(name, description, evo_s, peer_s, "< 60 s", 1, goal_seconds=60.0, ratio=ratio,
                timings={**{f"{k}_s": v for k, v in result.seconds.items()}, "samples": samples,
                         "sobol_evaluations": result.sobol["evaluations"] if result.sobol else 0,
                         "loop_per_draw_ms": peer_s / samples * 1e3, "loop_sample": sample,
                         "stable-set mismatches on the sample": mismatches,
                         "p_target_stable": result.p_target_stable})
