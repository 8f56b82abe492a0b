"""Rest points and their classification as compiled functions of the parameters.

The parametric engine behind sweeps and regime maps.  With the swept
parameters ``q`` symbolic and every other parameter at its exact default,
the rest points are solved once per face (``restpoints.solve_face``), giving
for each rest point ``k`` its reduced state ``z_k(q)``, the shares that must
be positive on its face ``sigma_k(q)`` and its Jacobian
``J_k(q) = DF(z_k(q); q)``.  These are compiled (``lambdify``) and evaluated
on whole grids at once:

* rest point ``k`` exists at ``q`` iff ``z_k(q)`` is real and finite and every
  share ``sigma_k(q) > 0`` (strictly: a zero share puts it on a smaller face);
* its eigenvalues come from one batched ``np.linalg.eigvals`` on ``(..., d, d)``
  and its classification from ``stability.classify_many`` with the one
  tolerance rule (``stability.tolerance``) that :func:`~evogame.analysis.analyze`
  uses.

:func:`parametric_rest_points` checks the compiled result against
:func:`~evogame.analysis.analyze` at the defaults; where the symbolic solve is
not available (a face needs the numeric fallback, a parameter fixes the degree
of the payoffs, or the check fails) :class:`PointwiseRestPoints` analyses every
grid value on its own, with the same output layout.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import sympy

from . import stability as st
from .analysis import analyze
from .dynamics import derive, structural_parameters
from .errors import AnalysisError
from .game import Game
from .restpoints import face_label, faces, solve_face
from .timelimit import Timeout

__all__ = ["ParametricRestPoints", "PointwiseRestPoints", "parametric_rest_points", "display_labels", "order_key",
           "ABSENT", "TargetJacobian", "InteriorTarget", "corner_state"]

#: the class code of a rest point that does not exist at a grid value
ABSENT = -1
POSITIVE_TOL = 1e-12
POLYNOMIAL_POSITIVE_TOL = 1e-7   # numeric roots: a double root's error is ~sqrt(machine epsilon)
IMAG_TOL = 1e-9


#
# A rest point is tracked across the grid by an internal key ``(support, k)``:
# for a face solved symbolically, k is the index of the symbolic solution (a
# branch); for a face solved by batched polynomial roots, or per point, k is
# the rank of the point on its face at that grid value (by state).  Display
# labels are made at the end (see ``_display_labels``).

def order_key(key):
    support, k = key
    return (sum(len(S) for S in support), support, k)


class ParametricRestPoints:
    """Rest points of a game as compiled functions of the swept parameters.

    Faces with one unknown whose equation is a polynomial of degree >= 3 in it
    (the N-department public good) are not solved symbolically: their rest
    points are the real roots in the face of that polynomial, whose
    coefficients are compiled functions of the swept parameters; the roots
    come from batched companion-matrix eigenvalues, polished by Newton steps.
    """

    def __init__(self, work: Game, names: Sequence[str], budget, rtol):

        self.work, self.names, self.rtol = work, list(names), rtol
        self.dyn = dyn = derive(work)
        self.dimension = work.dimension
        values = work.values()
        self.symbols = [work.parameters[n].symbol for n in names]
        self.base_params = dyn.parameter_vector(values)
        self.param_columns = [list(dyn.parameters).index(sym) for sym in self.symbols]
        others = {work.parameters[n].symbol: v for n, v in values.items() if n not in names}
        at_defaults = {work.parameters[n].symbol: values[n] for n in names}
        fitness = [[f.xreplace(others) for f in fp] for fp in dyn.fitness]
        jac = dyn.jacobian.xreplace(others)
        self.ok, self.notes = True, []
        self.points = []        # symbolic rest points
        self.polynomial = []    # faces solved by batched polynomial roots
        args = list(self.symbols)
        for face in faces(work, fitness):
            where = f"face {face_label(work, face.support)}"
            poly = self._polynomial(face) if face.dimension == 1 else None
            if poly is not None and poly.degree() >= 3:
                self._add_polynomial(face, poly, args)
                continue
            try:
                cands, continua, method = solve_face(face, budget=budget, numeric_values=at_defaults)
            except (Timeout, TypeError, ValueError, NotImplementedError, ZeroDivisionError) as exc:
                method, cands, continua = f"failed ({type(exc).__name__})", [], []
            if method != "exact":
                if poly is not None and poly.degree() >= 1:
                    self._add_polynomial(face, poly, args)
                    continue
                self.ok = False
                self.notes.append(f"{where}: no symbolic solution ({method})")
                return
            for c in continua:
                self.notes.append(f"{where}: a continuum of rest points for generic values of "
                                  f"{', '.join(names)}; not classified in the sweep")
            for k, c in enumerate(cands):
                point = dict(zip(work.variables, c.exact_state))
                J = jac.xreplace(point)
                # shares of the strategies in use on a face with several: must be > 0
                shares = [work.shares[p][i].xreplace(point) for p, S in enumerate(face.support) if len(S) > 1
                          for i in S]
                exprs = list(c.exact_state) + shares + list(J)
                self.points.append({
                    "key": (face.support, k),
                    "state": sympy.lambdify(args, list(c.exact_state), modules="numpy"),
                    "shares": sympy.lambdify(args, shares, modules="numpy") if shares else None,
                    "jacobian": sympy.lambdify(args, list(J), modules="numpy"),
                    # eigenvalues of a triangular matrix are its diagonal: no eigvals needed
                    "triangular": bool(J.is_upper or J.is_lower),
                    # radicals may pass through complex values (e.g. a cubic's roots): evaluate in C
                    "complex": any(e.has(sympy.I) or any(not p.exp.is_integer for p in e.atoms(sympy.Pow))
                                   for e in exprs),
                })
        if self.polynomial:
            self.notes.append("faces solved as batched polynomial roots: "
                              + ", ".join(face_label(work, f["support"]) for f in self.polynomial))

    def _polynomial(self, face):
        u = face.unknowns[0]
        try:
            num = sympy.expand(sympy.numer(sympy.together(face.equations[0])))
            if num == 0:
                return None
            poly = sympy.Poly(num, u)
        except (sympy.PolynomialError, sympy.GeneratorsNeeded, IndexError):
            return None
        if not all(c.free_symbols <= set(self.symbols) for c in poly.all_coeffs()):
            return None
        return poly

    def _add_polynomial(self, face, poly, args):
        u = face.unknowns[0]
        coeffs = poly.all_coeffs()
        self.polynomial.append({
            "support": face.support,
            "degree": poly.degree(),
            "coefficients": sympy.lambdify(args, coeffs, modules="numpy"),
            "state": sympy.lambdify([u], list(face.substitution.values()), modules="numpy"),
            "shares": sympy.lambdify([u], face.positive_shares(), modules="numpy"),
        })

    @property
    def keys(self) -> list:
        keys = [pt["key"] for pt in self.points]
        keys += [(f["support"], r) for f in self.polynomial for r in range(f["degree"])]
        return sorted(keys, key=order_key)

    def evaluate(self, grids: Sequence[np.ndarray]) -> dict:
        """Evaluate every rest point on broadcast parameter arrays.

        Returns ``{"keys", "codes" (K, *shape), "states" (K, *shape, d),
        "eigenvalues" (K, *shape, d), "npos" (K, *shape)}`` (``npos``: the
        number of eigenvalues with positive real part, no tolerance).
        """
        grids = [np.asarray(g, dtype=float) for g in grids]
        shape = np.broadcast_shapes(*[g.shape for g in grids])
        real_grids = [np.broadcast_to(g, shape) for g in grids]
        complex_grids = None
        d = self.dimension
        out = {}

        def stack(values, dtype):
            return np.stack([np.broadcast_to(np.asarray(v, dtype=dtype), shape) for v in values], axis=-1)

        with np.errstate(all="ignore"):
            for pt in self.points:
                if pt["complex"]:
                    if complex_grids is None:
                        complex_grids = [g.astype(complex) for g in real_grids]
                    args, dtype = complex_grids, complex
                else:
                    args, dtype = real_grids, float
                exists = np.ones(shape, dtype=bool)
                if d:
                    z = stack(pt["state"](*args), dtype)
                    exists &= np.isfinite(z).all(axis=-1)
                    if dtype is complex:
                        exists &= (np.abs(z.imag) <= IMAG_TOL).all(axis=-1)
                        z = z.real
                else:
                    z = np.zeros(shape + (0,))
                if pt["shares"] is not None:
                    for sh in pt["shares"](*args):
                        sh = np.broadcast_to(np.asarray(sh, dtype=dtype), shape)
                        if dtype is complex:
                            exists &= np.abs(sh.imag) <= IMAG_TOL
                            sh = sh.real
                        exists &= sh > POSITIVE_TOL   # NaN compares False
                J = stack(pt["jacobian"](*args), dtype).reshape(shape + (d, d))
                if dtype is complex:
                    J = J.real
                exists &= np.isfinite(J).all(axis=(-2, -1))
                out[pt["key"]] = self._classify(exists, z, J, pt["triangular"])
            for face in self.polynomial:
                out.update(self._polynomial_points(face, real_grids, shape))
        keys = self.keys
        return {"keys": keys,
                "codes": np.stack([out[k][0] for k in keys]) if keys else np.zeros((0,) + shape, np.int8),
                "states": np.stack([out[k][1] for k in keys]) if keys else np.zeros((0,) + shape + (d,)),
                "eigenvalues": np.stack([out[k][2] for k in keys]) if keys else np.zeros((0,) + shape + (d,), complex),
                "npos": np.stack([out[k][3] for k in keys]) if keys else np.zeros((0,) + shape, np.int16)}

    def _classify(self, exists, z, J, triangular):
        d = self.dimension
        shape = exists.shape
        J = np.where(exists[..., None, None], J, 0.0)
        if triangular:
            ev = np.diagonal(J, axis1=-2, axis2=-1).astype(complex)
        else:
            ev = np.linalg.eigvals(J) if d else np.zeros(shape + (0,), complex)
        tol = st.tolerance(J, self.rtol)
        code = st.classify_many(ev, tol)
        return (np.where(exists, code, ABSENT).astype(np.int8),
                np.where(exists[..., None], z, np.nan),
                np.where(exists[..., None], ev, np.nan),
                np.where(exists, np.sum(ev.real > 0, axis=-1), -1).astype(np.int16))

    def _polynomial_points(self, face, grids, shape) -> dict:
        """Rest points of a one-unknown face: real roots of its polynomial inside the face."""
        n = face["degree"]
        C = np.stack([np.broadcast_to(np.asarray(c, dtype=float), shape)
                      for c in face["coefficients"](*grids)], axis=-1)           # (..., n+1), highest first
        flat = C.reshape(-1, n + 1)
        roots = np.full((flat.shape[0], n), np.nan, dtype=complex)
        scale = np.abs(flat).max(axis=1)
        good = np.abs(flat[:, 0]) > 1e-13 * np.maximum(scale, 1e-300)
        if good.any():
            comp = np.zeros((int(good.sum()), n, n))
            comp[:, 0, :] = -flat[good, 1:] / flat[good, :1]
            comp[:, np.arange(1, n), np.arange(n - 1)] = 1.0
            roots[good] = np.linalg.eigvals(comp)
        for i in np.nonzero(~good)[0]:          # the degree drops here: roots one by one
            c = np.trim_zeros(flat[i], "f")
            if len(c) > 1 and np.all(np.isfinite(c)):
                r = np.roots(c)
                roots[i, :len(r)] = r
        real = np.abs(roots.imag) <= 1e-7 * np.maximum(1.0, np.abs(roots))
        u = np.where(real, roots.real, np.nan)
        for _ in range(3):                       # Newton polish on the polynomial itself
            p = np.zeros_like(u)
            dp = np.zeros_like(u)
            for k in range(n + 1):
                dp = dp * u + p
                p = p * u + flat[:, k:k + 1]
            step = np.where(dp != 0, p / dp, 0.0)
            u = u - np.where(np.abs(step) < 1e-3, step, 0.0)
        p = np.zeros_like(u)
        size = np.zeros_like(u)
        for k in range(n + 1):
            p = p * u + flat[:, k:k + 1]
            size = size * np.abs(u) + np.abs(flat[:, k:k + 1])
        valid = np.isfinite(u) & (np.abs(p) <= 1e-9 * np.maximum(size, 1e-300))
        shares = np.stack([np.broadcast_to(np.asarray(s, dtype=float), u.shape)
                           for s in face["shares"](u)], axis=-1)
        valid &= (shares > POLYNOMIAL_POSITIVE_TOL).all(axis=-1)
        u = np.where(valid, u, np.inf)
        u = np.sort(u, axis=1)
        dup = np.zeros_like(valid)
        dup[:, 1:] = np.isfinite(u[:, 1:]) & (np.abs(np.diff(u, axis=1)) <= 1e-9)
        u = np.sort(np.where(dup, np.inf, u), axis=1)   # a double root is one rest point
        out = {}
        params = np.broadcast_to(self.base_params, (flat.shape[0], len(self.base_params))).copy()
        for col, g in zip(self.param_columns, grids):
            params[:, col] = np.broadcast_to(g, shape).reshape(-1)
        for r in range(n):
            exists = np.isfinite(u[:, r])
            ur = np.where(exists, u[:, r], 0.5)
            z = np.stack([np.broadcast_to(np.asarray(v, dtype=float), ur.shape) for v in face["state"](ur)], axis=-1)
            J = self.dyn.jacobian_at(z, params)
            exists &= np.isfinite(J).all(axis=(-2, -1))
            code, states, ev, npos = self._classify(exists, z, J, False)
            d = self.dimension
            out[(face["support"], r)] = (code.reshape(shape), states.reshape(shape + (d,)),
                                         ev.reshape(shape + (d,)), npos.reshape(shape))
        return out


class PointwiseRestPoints:
    """The per-point fallback: :func:`analyze` at every grid value (sympy per point)."""

    def __init__(self, work: Game, names, budget, rtol):
        self.work, self.names, self.budget, self.rtol = work, list(names), budget, rtol
        self.structural = structural_parameters(work) & set(names)
        self.memo: dict = {}

    def at(self, values: Sequence[float]) -> dict:
        """``{key: (code, state, eigenvalues, npos)}`` for the rest points at one grid value."""
        overrides = {}
        for n, v in zip(self.names, values):
            p = self.work.parameters[n]
            overrides[n] = int(round(v)) if p.integer else float(v)
        memo_key = tuple(overrides.values())
        if memo_key in self.memo:   # bisections of several rest points share grid values
            return self.memo[memo_key]
        if self.structural:
            a = analyze(self.work.with_values(**overrides), budget=self.budget, rtol=self.rtol)
        else:
            a = analyze(self.work, overrides, budget=self.budget, rtol=self.rtol)
        out = {}
        rank: dict = {}
        for p in a.rest_points:        # analyze orders points on a face by state
            k = rank.get(p.support, 0)
            rank[p.support] = k + 1
            out[(p.support, k)] = (st.CLASSES.index(p.classification), np.asarray(p.state, float),
                                   np.asarray(p.eigenvalues, complex),
                                   int(np.sum(np.real(p.eigenvalues) > 0)))
        self.memo[memo_key] = out
        return out

    def grid(self, columns: Sequence[np.ndarray], progress=None) -> dict:
        """Analyse every point of flattened grids; same layout as ``ParametricRestPoints.evaluate``."""
        n = len(columns[0])
        rows = []
        for i in range(n):
            rows.append(self.at([c[i] for c in columns]))
            if progress:
                progress(i + 1, n)
        keys = sorted({k for r in rows for k in r}, key=order_key)
        d = self.work.dimension
        K = len(keys)
        codes = np.full((K, n), ABSENT, dtype=np.int8)
        states = np.full((K, n, d), np.nan)
        eigs = np.full((K, n, d), np.nan, dtype=complex)
        npos = np.full((K, n), -1, dtype=np.int16)
        for i, r in enumerate(rows):
            for k, key in enumerate(keys):
                if key in r:
                    codes[k, i], states[k, i], eigs[k, i], npos[k, i] = r[key]
        return {"keys": keys, "codes": codes, "states": states, "eigenvalues": eigs, "npos": npos}


def display_labels(work: Game, keys, codes) -> tuple[list, list]:
    """Keep the rest points that exist somewhere; name them by face (``#k`` when a face holds several)."""
    exists = [bool(np.any(codes[k] != ABSENT)) for k in range(len(keys))]
    kept = [i for i, e in enumerate(exists) if e]
    count: dict = {}
    for i in kept:
        count[keys[i][0]] = count.get(keys[i][0], 0) + 1
    seen: dict = {}
    labels = []
    for i in kept:
        support = keys[i][0]
        base = face_label(work, support)
        if count[support] == 1:
            labels.append(base)
        else:
            seen[support] = seen.get(support, 0) + 1
            labels.append(f"{base} #{seen[support]}")
    return kept, labels


def cross_check(derived: ParametricRestPoints, work: Game, names, rtol, budget) -> str | None:
    """Compare the vectorised result with analyze() at the defaults; a message when they differ."""
    values = work.values()
    ev = derived.evaluate([np.array(float(values[n])) for n in names])
    vec = sorted((face_label(work, key[0]), int(c)) for key, c in zip(ev["keys"], ev["codes"]) if c != ABSENT)
    a = analyze(work, rtol=rtol, budget=budget)
    ref = sorted((face_label(work, p.support), st.CLASSES.index(p.classification)) for p in a.rest_points)
    if vec != ref:
        show = lambda items: ", ".join(f"{f} {st.CLASSES[c]}" for f, c in items)  # noqa: E731
        return (f"the compiled rest points disagree with analyze() at the defaults ({show(vec)} vs {show(ref)}); "
                "per-point analysis used")
    return None


def parametric_rest_points(work: Game, names, budget, rtol, method, notes):
    """The vectorised derivation, or None when the per-point fallback must be used."""
    if method == "per point":
        return None
    structural = structural_parameters(work) & set(names)
    if structural:
        notes.append(f"{', '.join(sorted(structural))} fixes the degree of the payoffs: per-point analysis")
        if method == "vectorised":
            raise AnalysisError("no vectorised sweep over " + ", ".join(sorted(structural)))
        return None
    derived = ParametricRestPoints(work, names, budget, rtol)
    notes.extend(derived.notes)
    if derived.ok:
        problem = cross_check(derived, work, names, rtol, budget)
        if problem:
            notes.append(problem)
            derived.ok = False
    if not derived.ok:
        if method == "vectorised":
            raise AnalysisError("no vectorised sweep: " + "; ".join(notes))
        return None
    return derived


# -- along a line: a corner's Jacobian in one unknown ----------------------------

def corner_state(game: Game, support) -> dict:
    """Reduced coordinates of a pure profile: ``{variable: 0 or 1}``."""
    out = {}
    for pop, S, sl in zip(game.populations, support, game.slices()):
        for k, var in enumerate(game.variables[sl]):
            out[var] = sympy.Integer(1 if k == S[0] else 0)
    return out


class TargetJacobian:
    """A pure profile's Jacobian as a function of one unknown: symbolic, and compiled for arrays.

    The evaluation of the parametric engine along a line: the corner is a
    rest point for every value; ``J_u`` is its Jacobian with every parameter
    but the unknown at its exact default (``J_full`` keeps them symbolic).
    """

    def __init__(self, work: Game, support, unknown: str, baseline: float, lo: float, hi: float, rtol: float):
        self.work, self.support, self.unknown = work, support, unknown
        self.baseline, self.lo, self.hi, self.rtol = baseline, lo, hi, rtol
        self.dyn = derive(work)
        self.symbol = work.parameters[unknown].symbol
        values = work.values()
        self.others = {work.parameters[n].symbol: v for n, v in values.items() if n != unknown}
        self.corner = corner_state(work, support)
        self.J_full = self.dyn.jacobian.xreplace(self.corner)
        self.J_u = self.J_full.xreplace(self.others).applyfunc(sympy.cancel)
        self._entries: dict = {}   # compiled Jacobian entries, on first use
        self.label = work.profile_label([S[0] for S in support])

    def jacobians(self, u: np.ndarray) -> np.ndarray:
        """``(n,)`` values of the unknown -> ``(n, d, d)`` Jacobians."""
        u = np.asarray(u, dtype=float)
        d = self.J_u.rows
        out = np.empty(u.shape + (d, d))
        for i in np.ndindex(d, d):
            val = self._fn_entry(i)(u)
            out[(...,) + i] = np.broadcast_to(np.asarray(val, dtype=float), u.shape)
        return out

    def _fn_entry(self, ij):
        if ij not in self._entries:
            self._entries[ij] = sympy.lambdify([self.symbol], self.J_u[ij], modules="numpy")
        return self._entries[ij]

    def negative(self, u: np.ndarray) -> np.ndarray:
        """Boolean: every eigenvalue has a negative real part (the open stable set itself).

        Bisection uses this rather than the classification, whose tolerance
        band around zero would shift the boundary by up to ``rtol * max|J|``.
        """
        ev = self.eigenvalues(u)
        return np.real(ev).max(axis=-1, initial=-np.inf) < 0

    def eigenvalues(self, u: np.ndarray) -> np.ndarray:
        return np.linalg.eigvals(self.jacobians(np.atleast_1d(u)))


class InteriorTarget:
    """The strictly mixed rest point as a function of one unknown (the target ``interior``).

    Unlike a corner, its state moves with the unknown: it is followed with
    :class:`ParametricRestPoints` (solved once on the interior face with the
    unknown symbolic, compiled, evaluated on arrays).  There must be at most one
    such point at every value of the range (and one somewhere).  At a value
    ``u`` the target is asymptotically stable iff the strictly mixed rest point
    exists there and every eigenvalue of its Jacobian has a negative real part.
    """

    def __init__(self, work: Game, unknown: str, baseline: float, lo: float, hi: float, rtol: float,
                 budget: float | None):
        self.work, self.unknown = work, unknown
        self.baseline, self.lo, self.hi, self.rtol = baseline, lo, hi, rtol
        self.support = tuple(tuple(range(p.n)) for p in work.populations)
        self.label = face_label(work, self.support)
        self.derived = ParametricRestPoints(work, [unknown], budget, rtol)
        if not self.derived.ok:
            raise AnalysisError("the strictly mixed rest point cannot be followed in closed form in "
                                f"{unknown}: " + "; ".join(self.derived.notes))
        counts = self._existing(np.linspace(lo, hi, 101))[0].sum(axis=0)
        if counts.max(initial=0) != 1:
            found = "none" if counts.max(initial=0) == 0 else f"up to {int(counts.max())} at once"
            raise AnalysisError(f"the target 'interior' needs one strictly mixed rest point (at most one at "
                                f"every {unknown} in [{lo:g}, {hi:g}]); found {found}")

    def _existing(self, u: np.ndarray):
        """``(exists (K, n), codes (K, n), eigenvalues (K, n, d))`` of the interior branches at ``u``."""
        ev = self.derived.evaluate([np.asarray(u, dtype=float)])
        rows = [k for k, key in enumerate(ev["keys"]) if key[0] == self.support]
        d = self.work.dimension
        if not rows:
            return (np.zeros((0, len(u)), bool), np.zeros((0, len(u)), np.int8),
                    np.zeros((0, len(u), d), complex))
        return ev["codes"][rows] != ABSENT, ev["codes"][rows], ev["eigenvalues"][rows]

    def eigenvalues(self, u: np.ndarray) -> np.ndarray:
        """``(n, d)``: the eigenvalues of the interior point (NaN where there is none, or several)."""
        u = np.atleast_1d(np.asarray(u, dtype=float))
        exists, _, eig = self._existing(u)
        single = exists.sum(axis=0) == 1
        out = np.full((len(u), self.work.dimension), np.nan, dtype=complex)
        for k in range(exists.shape[0]):
            pick = exists[k] & single
            out[pick] = eig[k][pick]
        return out

    def negative(self, u: np.ndarray) -> np.ndarray:
        """Boolean: the interior point exists and is asymptotically stable by the classification rule.

        Its state is computed in floating point, so a centre's real parts are
        round-off: the tolerance rule (``stability.tolerance``) decides, as in
        every classification, rather than the sign alone.
        """
        u = np.atleast_1d(np.asarray(u, dtype=float))
        exists, codes, _ = self._existing(u)
        single = exists.sum(axis=0) == 1
        return single & np.any(exists & (codes == 0), axis=0)
