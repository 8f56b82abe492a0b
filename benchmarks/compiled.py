"""The compiled baseline: a numba DOPRI5 loop over the starts, one start at a time (benchmark-only).

What a competent user with numba writes for a batch of initial-value
problems: the field compiled to scalar code (the same sympy expressions as
evogame's field, parameter values folded in, common sub-expressions once),
and per start the Dormand--Prince 5(4) pair of ``solve_ivp(method="RK45")``:
scipy's initial step and step-size controller, Shampine's 4th-order dense
output at the saved times.  No stiffness switching: the start is stepped
explicitly to the end.  numba is a benchmark dependency only (the ``bench``
extra); without it :func:`compiled_dopri5` returns ``None``.
"""
from __future__ import annotations

import math

import numpy as np

from evogame.dynamics.integrator.tableau import DENSE_P, ERROR_WEIGHTS, RK_MATRIX, WEIGHTS

_A = np.zeros((7, 7))
for _s, _row in enumerate(RK_MATRIX):
    _A[_s, :_row.size] = _row
_A[6, :6] = WEIGHTS
_E = ERROR_WEIGHTS.copy()
_P = DENSE_P.copy()


def scalar_field_source(dyn, pvec) -> str:
    """Python source of ``_f(y, out)`` writing the field at the state ``y`` ``(d,)`` into ``out``."""
    import sympy
    from sympy.printing.pycode import PythonCodePrinter

    subs = {s: sympy.Float(float(v)) for s, v in zip(dyn.parameters, np.asarray(pvec, dtype=float).ravel())}
    names = [sympy.Symbol(f"_y{i}") for i in range(len(dyn.variables))]
    rename = dict(zip(dyn.variables, names))
    exprs = [e.xreplace(subs).xreplace(rename) for e in dyn.vector_field]
    reps, reduced = sympy.cse(exprs, symbols=sympy.numbered_symbols("_c"))
    printer = PythonCodePrinter({"fully_qualified_modules": True})
    lines = ["def _f(y, out):"]
    lines += [f"    {n} = y[{i}]" for i, n in enumerate(names)]
    lines += [f"    {s} = {printer.doprint(v)}" for s, v in reps]
    lines += [f"    out[{i}] = {printer.doprint(e)}" for i, e in enumerate(reduced)]
    return "\n".join(lines)


def compiled_dopri5(dyn, pvec):
    """``solve(y0 (B, d), times (T,), rtol, atol) -> (B, T, d)``, numba-compiled; ``None`` without numba.

    The first call compiles (seconds): call it once on a small batch before timing.
    """
    try:
        import numba
    except ImportError:
        return None
    namespace = {"math": math}
    exec(compile(scalar_field_source(dyn, pvec), "<compiled field>", "exec"), namespace)
    f = numba.njit(inline="always")(namespace["_f"])
    A, E, P = _A, _E, _P

    @numba.njit(cache=False)
    def _rms_scaled(v, y, y_new, rtol, atol, d):
        s = 0.0
        for i in range(d):
            sc = atol + max(abs(y[i]), abs(y_new[i])) * rtol
            s += (v[i] / sc) ** 2
        return math.sqrt(s / d)

    @numba.njit(cache=False)
    def _initial_step(y, f0, span, rtol, atol, d, tmp, f1):
        d0 = 0.0
        d1 = 0.0
        for i in range(d):
            sc = atol + abs(y[i]) * rtol
            d0 += (y[i] / sc) ** 2
            d1 += (f0[i] / sc) ** 2
        d0 = math.sqrt(d0 / d)
        d1 = math.sqrt(d1 / d)
        h0 = 1e-6 if (d0 < 1e-5 or d1 < 1e-5) else 0.01 * d0 / d1
        h0 = min(h0, span)
        for i in range(d):
            tmp[i] = y[i] + h0 * f0[i]
        f(tmp, f1)
        d2 = 0.0
        for i in range(d):
            sc = atol + abs(y[i]) * rtol
            d2 += ((f1[i] - f0[i]) / sc) ** 2
        d2 = math.sqrt(d2 / d) / h0
        if d1 <= 1e-15 and d2 <= 1e-15:
            h1 = max(1e-6, h0 * 1e-3)
        else:
            h1 = (0.01 / max(d1, d2)) ** 0.2
        return min(100 * h0, h1, span)

    @numba.njit(cache=False)
    def solve(Y0, times, rtol, atol):
        B, d = Y0.shape
        T = times.size
        t_end = times[T - 1]
        out = np.empty((B, T, d))
        K = np.empty((7, d))
        y = np.empty(d)
        ys = np.empty(d)
        y_new = np.empty(d)
        err = np.empty(d)
        for b in range(B):
            for i in range(d):
                y[i] = Y0[b, i]
                out[b, 0, i] = y[i]
            t = times[0]
            f(y, K[0])
            h_abs = _initial_step(y, K[0], t_end - t, rtol, atol, d, ys, err)
            k = 1
            rejected = False
            while t < t_end:
                t_new = min(t + h_abs, t_end)
                h = t_new - t
                for s in range(1, 7):
                    for i in range(d):
                        acc = 0.0
                        for j in range(s):
                            acc += A[s, j] * K[j, i]
                        ys[i] = y[i] + h * acc
                    if s < 6:
                        f(ys, K[s])
                for i in range(d):
                    y_new[i] = ys[i]
                f(y_new, K[6])
                for i in range(d):
                    acc = 0.0
                    for j in range(7):
                        acc += E[j] * K[j, i]
                    err[i] = h * acc
                e = _rms_scaled(err, y, y_new, rtol, atol, d)
                if e < 1.0:
                    factor = 10.0 if e == 0.0 else min(10.0, 0.9 * e ** -0.2)
                    if rejected:
                        factor = min(1.0, factor)
                    while k < T and times[k] <= t_new:
                        theta = (times[k] - t) / h
                        for i in range(d):
                            acc = 0.0
                            for r in range(3, -1, -1):
                                q = 0.0
                                for j in range(7):
                                    q += P[j, r] * K[j, i]
                                acc = (acc + h * q) * theta
                            out[b, k, i] = y[i] + acc
                        k += 1
                    h_abs *= factor
                    t = t_new
                    for i in range(d):
                        y[i] = y_new[i]
                        K[0, i] = K[6, i]
                    rejected = False
                else:
                    h_abs *= max(0.2, 0.9 * e ** -0.2)
                    rejected = True
            for i in range(d):
                out[b, T - 1, i] = y[i]
        return out

    return solve
