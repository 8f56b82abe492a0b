"""The pseudo-arclength loop of a cycle branch (see :mod:`.cycles` for the method and the stopping rules)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .collocation import Collocation
from .cycle_types import FACE_SHARE, LPC, MESH_TOL, NS, PD, PERIOD_GROWTH, Cycle, CycleSettings
from .floquet import multipliers

__all__ = ["trace_cycles", "full_shares"]

#: the finest mesh (intervals) the refinement goes to
MAX_NTST = 320
#: an orbit whose every share varies by less than this has shrunk back to a rest point
TINY = 1e-6
#: "slow": a speed below this fraction of the orbit's top speed (near a rest point)
SLOW = 0.05
#: a homoclinic or heteroclinic approach: at least this share of the period spent "slow"
LINGER = 0.5
#: the branch joins another Hopf point of its rest-point branch where its amplitude falls below this fraction of
#: its largest, within this fraction (of the distance between the two Hopf points) of the other's parameter
JOIN_AMPLITUDE, JOIN_DISTANCE = 0.1, 0.05
#: a fold of cycles has a nontrivial multiplier at 1 within this (the located ones: within 1e-5)
LPC_MULTIPLIER = 1e-3
#: how an end at another Hopf point begins (:func:`~.cycles.continue_cycles` does not start there again)
JOINS = "the orbit shrinks back to a rest point: it joins the Hopf point at"


def full_shares(game, X: np.ndarray) -> np.ndarray:
    """Every strategy's share ``(n, S)`` of reduced states ``X (n, d)`` (each population's last share restored)."""
    cols = []
    for sl, pop in zip(game.slices(), game.populations):
        block = X[:, sl]
        cols += [block, 1.0 - block.sum(axis=1, keepdims=True)] if pop.n > 1 else [np.ones((len(X), 1))]
    return np.hstack(cols)


def _norm(coll: Collocation, V: np.ndarray) -> float:
    return float(np.sqrt(np.sum(coll.weights * V * V)))


def _start(coll: Collocation, hopf) -> tuple[np.ndarray, np.ndarray]:
    """The Hopf point as a constant orbit ``U_H`` and the cycle branch's tangent there ``V``."""
    x, lam = np.asarray(hopf.state, dtype=float), hopf.parameter
    face = coll.face
    J = coll.field.system.jacobian(x, lam)
    Gz = J[coll.rows] @ face.P
    values, vectors = np.linalg.eig(Gz)
    k = int(np.argmin(np.abs(values - 1j * hopf.hopf.omega)))
    wave = np.real(vectors[:, k][None, :] * np.exp(2j * np.pi * coll.mesh.times)[:, None])
    wave /= np.abs(wave).max()
    z = face.coordinates(x)
    U = np.concatenate([np.tile(z, coll.mesh.size), [1.0, (lam - coll.lo) / coll.span]])
    V = np.concatenate([wave.ravel(), [0.0, 0.0]])
    return U, V / _norm(coll, V)


def _correct(coll: Collocation, U0, V0, h, settings: CycleSettings, mu=None):
    """Newton from the predictor ``U0 + h V0``: the cycle and its tangent, or None.

    With ``mu`` the last equation fixes the scaled parameter there instead of the arclength (an interval's end).
    """
    U = U0 + h * V0
    reference = U.copy()          # the phase condition holds the orbit near the predicted one
    row = coll.weights * V0
    last = row if mu is None else np.eye(coll.n)[-1]
    for _ in range(settings.max_iter):
        res, A = coll.system(U, reference)
        full = np.vstack([A, last])
        r = np.append(res, row @ (U - U0) - h if mu is None else U[-1] - mu)
        dU = _solve(full, -r)
        if dU is None:
            return None
        if not np.all(np.isfinite(dU)):
            return None
        U = U + dU
        if np.max(np.abs(dU)) <= 1e-11 * (1 + np.max(np.abs(U))):
            res, A = coll.system(U, U)
            if np.max(np.abs(res)) > settings.residual:
                return None
            rhs = np.zeros(coll.n)
            rhs[-1] = 1.0
            V = _solve(np.vstack([A, row]), rhs)
            if V is None:
                return None
            V /= _norm(coll, V)
            return U, V if (coll.weights * V) @ V0 >= 0 else -V
    return None


def _solve(A: np.ndarray, b: np.ndarray):
    """``A x = b`` by sparse LU (the collocation matrix is block-banded: much faster than dense), or None."""
    import warnings

    # scipy's sparse solvers are imported when a cycle is first corrected, not with the continuation: most
    # diagrams of the seed games have no Hopf point
    from scipy.sparse import csc_matrix
    from scipy.sparse.linalg import spsolve

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")           # scipy warns of an exactly singular matrix: None then
        x = spsolve(csc_matrix(A), b)
    return x if np.all(np.isfinite(x)) else None


def _cycle(coll: Collocation, U, game, names, kind="", note="") -> Cycle:
    Z, T, lam = coll.unpack(U)
    orbit = coll.states(coll.mesh.dense(Z))
    shares = full_shares(game, orbit)
    floquet = multipliers(coll.monodromy(U))
    return Cycle(float(lam), float(T), names, shares.min(axis=0), shares.max(axis=0), floquet, kind, note, orbit)


def trace_cycles(coll: Collocation, hopf, game, names, settings: CycleSettings, joins=(),
                 parameter: str = "the parameter") -> tuple[list, str]:
    """The cycles of the branch born at the Hopf point ``hopf`` (a SpecialPoint), and why the branch ends.

    ``joins``: the other Hopf points (SpecialPoints) of the same branch of rest points, where the cycles may shrink
    back to the rest point; ``parameter`` the continued parameter's name (for the end's reason).
    """
    U, V = _start(coll, hopf)
    cycles: list[Cycle] = []
    h = settings.first_step
    prev_V = V
    while len(cycles) < settings.max_cycles:
        step = _correct(coll, U, V, h, settings)
        if step is None:
            h /= 2
            if h < settings.min_step:
                return cycles, "step too small (Newton on the collocation system fails: a singular cycle or " \
                               "one the mesh cannot resolve)"
            continue
        U_new, V_new = step
        end = not 0.0 <= U_new[-1] <= 1.0
        if end:
            # the last cycle exactly at the interval's end (the parameter fixed there instead of the arclength)
            bound = 1.0 if U_new[-1] > 1.0 else 0.0
            step = _correct(coll, U, V, h * (bound - U[-1]) / (U_new[-1] - U[-1]), settings, mu=bound)
            if step is None:
                return cycles, "interval end"
            U_new, V_new = step
        cycle = _cycle(coll, U_new, game, names, "end" if end else "start" if not cycles else "")
        if abs(cycle.floquet.trivial - 1.0) > MESH_TOL:
            if coll.mesh.ntst >= MAX_NTST:
                return cycles, (f"the mesh no longer resolves the orbit (trivial multiplier off 1 by "
                                f"{abs(cycle.floquet.trivial - 1.0):.1e} with {coll.mesh.ntst} intervals) at "
                                f"{cycle.parameter:.8g}")
            # halve every mesh interval and redo the step from the previous cycle on the finer mesh
            coll, U, V, prev_V = _refine(coll, U, V, prev_V)
            continue
        joined = _joined(cycles, cycle, V, V_new, hopf, joins) if cycles else None
        if joined is not None:
            # the step went over the orbit of zero amplitude (the parameter turns back on the same cycles, a
            # branch point with the rest points, not a fold): the branch ends at the Hopf point itself
            cycles.append(_hopf_cycle(coll, joined, game, names))
            return cycles, (f"{JOINS} {parameter} = {joined.parameter:.10g} (branch {joined.branch}; amplitude "
                            f"{_amplitude(cycles[-2]):.1e} at {cycles[-2].parameter:.8g}, the largest "
                            f"{max(map(_amplitude, cycles)):.3g})")
        if cycles:
            cycle = _detected(cycles[-1], cycle, prev_V, V_new)
            located = _located(coll, U, V, h, cycles[-1], cycle, game, names, settings) if not end else None
            if located is not None and located.kind == LPC and not _multiplier_at_one(located):
                located = None
            if located is not None:        # the special cycle itself, between the two; the step's cycle is plain
                cycles.append(located)
                cycle = replace(cycle, kind="", note="")
            elif cycle.kind == LPC:
                # a turn is a fold of cycles only where it is located with a nontrivial multiplier at 1
                cycle = replace(cycle, kind="", note=cycle.note.replace(
                    "the parameter turns (a multiplier crosses +1): detected",
                    "the parameter turns, but no fold of cycles is located there (no multiplier at 1)"))
        cycles.append(cycle)
        why = "interval end" if end else _stop(coll, cycle, cycles)
        if why:
            return cycles, why
        U, V, prev_V = U_new, V_new, V_new
        h = min(h * 1.5, settings.max_step)
    return cycles, "too many cycles"


def _amplitude(cycle: Cycle) -> float:
    return float(np.max(cycle.maximum - cycle.minimum))


def _joined(cycles: list, new: Cycle, V, V_new, hopf, joins):
    """The Hopf point of ``joins`` the branch reaches at ``new`` (its amplitude small, its parameter near that
    point's, and the parameter turning or the orbit shrunk to almost nothing), or None."""
    largest = max(max(map(_amplitude, cycles)), _amplitude(new))
    last = cycles[-1]
    turned = np.sign(V[-1]) != np.sign(V_new[-1])
    for other in joins:
        near = JOIN_DISTANCE * abs(other.parameter - hopf.parameter)
        if abs(last.parameter - other.parameter) > near or _amplitude(last) > JOIN_AMPLITUDE * largest:
            continue
        if turned or _amplitude(new) < TINY:
            return other
    return None


def _multiplier_at_one(cycle: Cycle) -> bool:
    return bool(np.min(np.abs(cycle.floquet.nontrivial - 1.0), initial=np.inf) <= LPC_MULTIPLIER)


def _hopf_cycle(coll: Collocation, hopf, game, names) -> Cycle:
    """The orbit of zero amplitude at a Hopf point: the rest point, with period ``2 pi / omega`` and the multipliers
    ``exp(T lambda_i)`` of the Jacobian on the face (two at 1: it is non-hyperbolic)."""
    from scipy.linalg import expm

    x, lam = np.asarray(hopf.state, dtype=float), hopf.parameter
    period = 2 * np.pi / hopf.hopf.omega
    Gz = coll.field.system.jacobian(x, lam)[coll.rows] @ coll.face.P
    shares = full_shares(game, x[None, :])[0]
    return Cycle(float(lam), float(period), names, shares, shares, multipliers(expm(period * Gz)), "end",
                 f"the Hopf point at {lam:.10g}: the orbit of zero amplitude", np.tile(x, (2, 1)))


def _refine(coll: Collocation, U, V, prev_V):
    """The collocation on the mesh with every interval halved, and the branch's state carried onto it."""
    mesh, U = coll.mesh.refined(U, coll.k)
    _, V = coll.mesh.refined(V, coll.k)
    _, prev_V = coll.mesh.refined(prev_V, coll.k)
    fine = Collocation(coll.field, coll.face, coll.lo, coll.span, coll.period_scale, mesh)
    return fine, U, V / _norm(fine, V), prev_V / _norm(fine, prev_V)


def _detected(prev: Cycle, new: Cycle, prev_V, new_V) -> Cycle:
    """``new`` marked LPC / PD / NS where a test function changes sign from ``prev`` (detection only)."""
    tests = [(LPC, prev_V[-1], new_V[-1], "the parameter turns (a multiplier crosses +1)"),
             (PD, prev.floquet.period_doubling, new.floquet.period_doubling, "a multiplier crosses -1"),
             (NS, prev.floquet.complex_outside - 0.5, new.floquet.complex_outside - 0.5,
              "a complex pair of multipliers crosses the unit circle")]
    for kind, a, b, what in tests:
        if np.sign(a) != np.sign(b):
            w = a / (a - b)
            at = prev.parameter + w * (new.parameter - prev.parameter)
            note = (f"{what}: detected between the cycles at {prev.parameter:.8g} and {new.parameter:.8g} "
                    f"(about {at:.8g}, by linear interpolation)")
            return replace(new, kind=kind, note=note)
    return new


def _ns_test(floquet) -> float:
    """``prod (|mu|^2 - 1)`` over the complex pairs of nontrivial multipliers: changes sign at a Neimark-Sacker point."""
    pairs = floquet.nontrivial[floquet.nontrivial.imag > 1e-8 * np.maximum(1.0, np.abs(floquet.nontrivial))]
    return float(np.prod(np.abs(pairs) ** 2 - 1.0)) if len(pairs) else 1.0


def _located(coll: Collocation, U0, V0, h, prev: Cycle, new: Cycle, game, names, settings: CycleSettings):
    """The LPC / PD / NS cycle that ``new.kind`` detected between ``prev`` and ``new``, or None.

    Illinois regula falsi on the arclength ``sigma`` in ``(0, h)`` from the previous cycle ``U0`` (tangent
    ``V0``), with the collocation solved at each trial: the test function is the tangent's parameter
    component (LPC: the parameter turns, where a nontrivial multiplier crosses +1), ``prod (mu + 1)`` (PD) or
    ``prod (|mu|^2 - 1)`` over the complex pairs (NS).
    """
    kind = new.kind
    if kind not in (LPC, PD, NS):
        return None

    def test(U, V) -> float:
        if kind == LPC:
            return float(V[-1])
        floquet = multipliers(coll.monodromy(U))
        return floquet.period_doubling if kind == PD else _ns_test(floquet)

    lo, hi, f_lo = 0.0, h, test(U0, V0)
    step_hi = _correct(coll, U0, V0, h, settings)
    if step_hi is None:
        return None
    f_hi = test(*step_hi)
    if np.sign(f_lo) == np.sign(f_hi):
        return None                       # the crossing was between other test values: detection only
    best, g_lo, g_hi, side = step_hi, f_lo, f_hi, 0
    for _ in range(60):
        if abs(hi - lo) <= 1e-13 * abs(h) or f_lo == 0 or f_hi == 0:
            break
        sigma = (lo * g_hi - hi * g_lo) / (g_hi - g_lo)
        step = _correct(coll, U0, V0, sigma, settings)
        if step is None:
            return None
        f = test(*step)
        if np.sign(f) == np.sign(f_hi):
            hi, f_hi, g_hi, best = sigma, f, f, step
            g_lo, side = (g_lo / 2 if side == 1 else g_lo), 1      # Illinois: halve the stale end's value
        else:
            lo, f_lo, g_lo, best = sigma, f, f, step
            g_hi, side = (g_hi / 2 if side == -1 else g_hi), -1
    what = new.note.split(":")[0]
    cycle = _cycle(coll, best[0], game, names, kind)
    note = (f"{what}: located at {cycle.parameter:.12g} (regula falsi on the test function, the collocation "
            f"solved at each trial) between the cycles at {prev.parameter:.8g} and {new.parameter:.8g}")
    return replace(cycle, note=note)


def full_shares_min(cycle: Cycle, columns) -> float:
    """The least share of the strategies ``columns`` (indices into ``Cycle.shares``) over the orbit."""
    return float(np.min(cycle.minimum[columns]))


def _stop(coll: Collocation, cycle: Cycle, cycles: list) -> str:
    """Why the branch stops at ``cycle`` ("" to go on), see :mod:`.cycles`."""
    columns, offset = [], 0
    for _, n, used in coll.face.blocks:
        columns += [offset + i for i in used]
        offset += n
    low = float(full_shares_min(cycle, columns))
    if low < FACE_SHARE:
        return (f"the cycle reaches a face (a share in use down to {low:.1e} < {FACE_SHARE:g}) at "
                f"{cycle.parameter:.8g}: it approaches the boundary (under the replicator, a heteroclinic cycle "
                "of rest points on the faces), not a limit cycle to follow further")
    F, _, _ = coll.field(cycle.orbit, cycle.parameter)
    speed = np.linalg.norm(F, axis=1)
    slow = float(np.mean(speed < SLOW * speed.max()))
    # a long period alone is no sign (a growing orbit is slower): it must be spent lingering near rest points
    if cycle.period > PERIOD_GROWTH * coll.period_scale and slow >= LINGER:
        return (f"the period grows without bound (T = {cycle.period:.6g}, {cycle.period / coll.period_scale:.1f} "
                f"times the Hopf period, at {cycle.parameter:.8g}; {100 * slow:.0f}% of it spent below "
                f"{100 * SLOW:.0f}% of the top speed, near rest points): a homoclinic or heteroclinic approach")
    if len(cycles) > 3 and np.max(cycle.maximum - cycle.minimum) < TINY:
        return f"the orbit shrinks back to a rest point at {cycle.parameter:.8g} (another Hopf point)"
    return ""
