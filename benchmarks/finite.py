"""Finite populations: evogame's pairwise-comparison process against egttools' ``PairwiseComparison``.

* ``finite_full_rps_z50`` / ``_z200``: the full chain with exploration of a 3-strategy population (RPS)
  of Z = 50 (1,326 states) and Z = 200 (20,301 states): transition matrix and stationary distribution,
  evogame vs egttools (C++ transition matrix, then its ``calculate_stationary_distribution_non_hermitian``,
  dense: at Z = 200 only egttools' transition matrix is timed, its dense solve does not fit).
* ``finite_sml_game2``: the small-mutation limit of game 2 (three populations) at Z = 100: every
  fixation probability and the embedded chain's stationary distribution.  egttools has no
  multi-population model, so this row has no peer; its time is recorded.
"""
from __future__ import annotations

import time

import numpy as np


def _median_seconds(fn, rounds: int):
    times, out = [], None
    for _ in range(rounds):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), out


def bench_finite(quick: bool) -> list[dict]:
    from . import common as base
    from evogame.studies.finite import finite
    from evogame.scenario import load_scenario

    rows = []
    rps = load_scenario(base.SCENARIOS / "rps.toml")
    rounds = 1 if quick else 3
    try:
        import egttools
    except ImportError:
        egttools = None
    for Z, peer_whole in ((20, True), (50, True)) if quick else ((50, True), (200, False)):
        states = (Z + 1) * (Z + 2) // 2
        name = f"finite_full_rps_z{Z}"
        desc = (f"full stationary distribution of RPS (one population, 3 strategies), Z = {Z} ({states:,} states), "
                "beta = 1, mu = 0.01: evogame vs egttools PairwiseComparison (C++ transition matrix, then "
                "calculate_stationary_distribution_non_hermitian)")
        evo_s, result = _median_seconds(lambda: finite(rps, Z, 1.0, 0.01), rounds)
        if egttools is None:
            rows.append(base._skipped(name, desc, "≥ 1×", "egttools is not installed (pip install .[bench])"))
            continue
        rows.append(_versus_egttools(base, egttools, name, desc, Z, evo_s, result, rounds, peer_whole))
    dual = load_scenario(base.SCENARIOS / "dual_leadership.toml")
    Zd = 20 if quick else 100
    sml_s, sml = _median_seconds(lambda: finite(dual, Zd, 1.0), rounds)
    row = base._row("finite_sml_game2", f"small-mutation limit of game 2 (three populations, 8 profiles, 24 "
                    f"fixations), Z = {Zd}, beta = 1 (no peer: egttools has no multi-population model)", sml_s, None,
                    "< 1 s (no peer)", timings={"residual": sml.small_mutation.residual})
    row["goal_met"] = sml_s < 1.0
    rows.append(row)
    return rows


def _versus_egttools(base, egttools, name, desc, Z, evo_s, result, rounds, peer_whole):
    """egttools' transition matrix, and (where a dense matrix fits) its stationary distribution."""
    from egttools.analytical import PairwiseComparison
    from egttools.games import Matrix2PlayerGameHolder

    A = np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
    holder = Matrix2PlayerGameHolder(3, A)      # the model holds its game by reference
    model = PairwiseComparison(Z, holder)
    matrix_s, T = _median_seconds(lambda: model.calculate_transition_matrix(1.0, 0.01), rounds)
    timings = {"egttools_transition_matrix_s": matrix_s, "residual": result.stationary.residual,
               "egttools": getattr(egttools, "__version__", "?")}
    if not peer_whole:
        n = T.shape[0]
        timings["egttools_stationary"] = (f"not run: its stationary routines are dense (a {n:,}² matrix, "
                                          f"{n * n * 8 / 2 ** 30:.1f} GiB, O(n³) Schur/eig)")
        return base._row(name, desc, evo_s, None, "≥ 1×", None, timings=timings)
    peer_s, theirs = _median_seconds(
        lambda: egttools.utils.calculate_stationary_distribution_non_hermitian(
            model.calculate_transition_matrix(1.0, 0.01).transpose()), 1)
    timings["max_distribution_difference"] = float(
        np.abs(result.stationary.distribution[_egttools_order(Z)] - theirs).max())
    timings["egttools_residual"] = float(np.abs(T.T @ theirs - theirs).max())
    return base._row(name, desc, evo_s, peer_s, "≥ 1×", 1.0, timings=timings)


def _egttools_order(Z: int) -> list[int]:
    """evogame's index of each of egttools' states (egttools.sample_simplex order)."""
    import egttools

    from evogame.studies.finite import StateSpace
    space = StateSpace((Z,), (3,))
    counts = space.counts[0]
    lookup = {tuple(row): k for k, row in enumerate(counts.tolist())}
    return [lookup[tuple(int(v) for v in egttools.sample_simplex(i, Z, 3))] for i in range(space.size)]
