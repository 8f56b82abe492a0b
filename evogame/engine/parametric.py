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
  tolerance rule (``stability.tolerance``) that :func:`~evogame.engine.analysis.analyze`
  uses.

Coefficients that are not rational in the parameters (the powers and
``Piecewise`` values of perceived payoffs, algebraic numbers at the defaults)
are solved as symbols of their own and evaluated on the grid first
(:mod:`evogame.engine.coefficients`): the faces stay rational in the state.

:func:`parametric_rest_points` checks the compiled result against
:func:`~evogame.engine.analysis.analyze` at the defaults; where the symbolic solve is
not available (a face needs the numeric fallback, a parameter fixes the degree
of the payoffs, or the check fails) :class:`PointwiseRestPoints` analyses every
grid value on its own, with the same output layout.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import sympy

from ..solvers import stability as st
from .analysis import analyze
from .coefficients import Coefficients
from ..dynamics import derive, structural_parameters
from ..dynamics.kinked import excess_payoffs, nash_holds
from ..dynamics.positive import positive_on_grid
from ..errors import AnalysisError, UndefinedDynamics
from ..game.model import Game
from ..game.faces import face_label, faces
from ..solvers.restpoints import solve_face
from ..util.timelimit import Timeout

__all__ = ["ParametricRestPoints", "PointwiseRestPoints", "parametric_rest_points", "display_labels", "order_key",
           "ABSENT"]

#: the class code of a rest point that does not exist at a grid value
ABSENT = -1
POSITIVE_TOL = 1e-12
NOT_DIFFERENTIABLE = st.CLASSES.index(st.NOT_DIFFERENTIABLE)
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

    def __init__(self, work: Game, names: Sequence[str], budget, rtol, dynamics="replicator"):
        self.work, self.names, self.rtol, self.dynamics = work, list(names), rtol, dynamics
        self.dyn = dyn = derive(work, dynamics)
        if not dyn.face_rest_points:
            raise AnalysisError(f"the rest points of {dyn.spec} are found numerically, not face by face")
        self.dimension = work.dimension
        values = work.values()
        self.symbols = [work.parameters[n].symbol for n in names]
        self.base_params = dyn.parameter_vector(values)
        self.param_columns = [list(dyn.parameters).index(sym) for sym in self.symbols]
        others = {work.parameters[n].symbol: v for n, v in values.items() if n not in names}
        at_defaults = {work.parameters[n].symbol: values[n] for n in names}
        fitness = [[f.xreplace(others) for f in fp] for fp in dyn.fitness]
        jac = dyn.jacobian.xreplace(others)
        # coefficients not rational in the parameters (P**beta, Piecewise, 2**(3/25)...) become symbols:
        # sympy solves the faces with them at once, and they are evaluated on the grid first
        self.coefficients = coef = Coefficients([f for fp in fitness for f in fp] + list(jac), work.variables,
                                                self.symbols)
        self.fitness = fitness = [[coef.abstract(f) for f in fp] for fp in fitness]
        jac = coef.abstract(jac)
        at_defaults.update(coef.at(at_defaults))
        self.ok, self.notes = True, []
        self.defined = None     # where the dynamics is defined (positive payoffs), when it needs them
        if dyn.needs_positive_payoffs:
            self.defined = lambda grids: positive_on_grid(work, self.symbols, grids, others)
            if self.defined([np.asarray(float(values[n])) for n in names]) is None:
                self.ok = False
                self.notes.append(f"{dyn.spec} needs positive payoffs, checked value by value: per-point analysis")
                return
            self.notes.append(f"{dyn.spec} needs positive payoffs: where a payoff entry is <= 0 it is not defined "
                              "and no rest point is shown")
        self.points = []        # symbolic rest points
        self.polynomial = []    # faces solved by batched polynomial roots
        args = list(self.symbols) + coef.symbols
        compiled = lambda exprs: coef.compose(sympy.lambdify(args, exprs, modules="numpy"))  # noqa: E731
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
                self._add_point(face, k, c, jac, compiled)
        if self.polynomial:
            self.notes.append("faces solved as batched polynomial roots: "
                              + ", ".join(face_label(work, f["support"]) for f in self.polynomial))

    def _add_point(self, face, k: int, c, jac, compiled) -> None:
        """Compile the ``k``-th symbolic rest point ``c`` of ``face``: state, shares, Nash terms, Jacobian."""
        work, coef = self.work, self.coefficients
        point = dict(zip(work.variables, c.exact_state))
        J = jac.xreplace(point)
        # shares of the strategies in use on a face with several: must be > 0
        shares = [work.shares[p][i].xreplace(point) for p, S in enumerate(face.support) if len(S) > 1 for i in S]
        exprs = list(c.exact_state) + shares + list(J)
        excess = self._excess(face.support, point)
        self.points.append({
            "key": (face.support, k),
            "state": compiled(list(c.exact_state)),
            "shares": compiled(shares) if shares else None,
            "excess": compiled(excess) if excess else None,
            "jacobian": compiled(list(J)),
            # eigenvalues of a triangular matrix are its diagonal: no eigvals needed
            "triangular": bool(J.is_upper or J.is_lower),
            # radicals may pass through complex values (e.g. a cubic's roots): evaluate in C
            "complex": any(e.has(sympy.I) or any(not p.exp.is_integer for p in e.atoms(sympy.Pow)) for e in exprs),
            # the expressions compiled above, in the swept parameters, for studies that compile their own
            # (uncertainty)
            "symbolic": ([coef.restore(e) for e in c.exact_state], [coef.restore(e) for e in shares],
                         coef.restore(J)),
        })

    def _excess(self, support, point) -> list:
        """For dynamics whose rest points are the Nash equilibria, the Nash condition's terms at the point."""
        return excess_payoffs(self.work, self.fitness, support, point) if self.dyn.nash_rest_points else []

    @staticmethod
    def _nash(excess_fn, args, shape) -> np.ndarray:
        """Where no unused strategy earns more than the mean payoff (all True without a Nash condition)."""
        return np.ones(shape, dtype=bool) if excess_fn is None else nash_holds(excess_fn(*args), shape)

    def _param_grid(self, grids, shape) -> np.ndarray:
        """Every parameter's value at every grid point: ``(..., P)`` (the swept ones from the grids)."""
        params = np.broadcast_to(self.base_params, shape + (len(self.base_params),)).copy()
        for col, g in zip(self.param_columns, grids):
            params[..., col] = np.broadcast_to(g, shape)
        return params

    def _polynomial(self, face):
        u = face.unknowns[0]
        try:
            num = sympy.expand(sympy.numer(sympy.together(face.equations[0])))
            if num == 0:
                return None
            poly = sympy.Poly(num, u)
        except (sympy.PolynomialError, sympy.GeneratorsNeeded, IndexError):
            return None
        if not all(c.free_symbols <= set(self.symbols) | set(self.coefficients.symbols) for c in poly.all_coeffs()):
            return None
        return poly

    def _add_polynomial(self, face, poly, args):
        u = face.unknowns[0]
        coeffs = poly.all_coeffs()
        self.polynomial.append({
            "support": face.support,
            "degree": poly.degree(),
            "coefficients": self.coefficients.compose(sympy.lambdify(args, coeffs, modules="numpy")),
            "state": sympy.lambdify([u], list(face.substitution.values()), modules="numpy"),
            "shares": sympy.lambdify([u], face.positive_shares(), modules="numpy"),
            "excess": self._polynomial_excess(face, [u] + args),
        })

    def _polynomial_excess(self, face, args):
        excess = self._excess(face.support, face.substitution)
        return self.coefficients.compose(sympy.lambdify(args, excess, modules="numpy"), lead=1) if excess else None

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

        defined = np.ones(shape, dtype=bool) if self.defined is None else self.defined(real_grids)
        with np.errstate(all="ignore"):
            for pt in self.points:
                if pt["complex"]:
                    if complex_grids is None:
                        complex_grids = [g.astype(complex) for g in real_grids]
                    args, dtype = complex_grids, complex
                else:
                    args, dtype = real_grids, float
                exists = defined.copy()
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
                exists &= self._nash(pt["excess"], args, shape)
                J = stack(pt["jacobian"](*args), dtype).reshape(shape + (d, d))
                if dtype is complex:
                    J = J.real
                kinked = self._kinks(exists, z, real_grids, shape)
                exists &= np.isfinite(J).all(axis=(-2, -1)) | kinked
                out[pt["key"]] = self._classify(exists, z, J, pt["triangular"], kinked)
            for face in self.polynomial:
                found = self._polynomial_points(face, real_grids, shape)
                out.update({k: (np.where(defined, c, ABSENT).astype(np.int8), *rest)
                            for k, (c, *rest) in found.items()})
        keys = self.keys
        return {"keys": keys,
                "codes": np.stack([out[k][0] for k in keys]) if keys else np.zeros((0,) + shape, np.int8),
                "states": np.stack([out[k][1] for k in keys]) if keys else np.zeros((0,) + shape + (d,)),
                "eigenvalues": np.stack([out[k][2] for k in keys]) if keys else np.zeros((0,) + shape + (d,), complex),
                "npos": np.stack([out[k][3] for k in keys]) if keys else np.zeros((0,) + shape, np.int16)}

    def _kinks(self, exists, z, grids, shape) -> np.ndarray:
        """Where the field has a kink at an existing rest point (never, for a smooth dynamics)."""
        if self.dyn.smooth or not exists.any():
            return np.zeros(shape, dtype=bool)
        return exists & self.dyn.kinks(np.where(exists[..., None], z, 0.5), self._param_grid(grids, shape))

    def _classify(self, exists, z, J, triangular, kinked=None):
        """Class codes, states, eigenvalues and unstable counts; a kink is ``not differentiable`` (no eigenvalues)."""
        d = self.dimension
        shape = exists.shape
        J = np.where(exists[..., None, None], J, 0.0)
        if kinked is not None:
            J = np.where(kinked[..., None, None], 0.0, J)
        if triangular:
            ev = np.diagonal(J, axis1=-2, axis2=-1).astype(complex)
        else:
            ev = np.linalg.eigvals(J) if d else np.zeros(shape + (0,), complex)
        tol = st.tolerance(J, self.rtol)
        code = st.classify_many(ev, tol)
        if kinked is not None:
            code = np.where(kinked, NOT_DIFFERENTIABLE, code)
            ev = np.where(kinked[..., None], np.nan, ev)
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
        params = self._param_grid(grids, shape).reshape(-1, len(self.base_params))
        flat_grids = [np.broadcast_to(g, shape).reshape(-1) for g in grids]
        for r in range(n):
            exists = np.isfinite(u[:, r])
            ur = np.where(exists, u[:, r], 0.5)
            z = np.stack([np.broadcast_to(np.asarray(v, dtype=float), ur.shape) for v in face["state"](ur)], axis=-1)
            exists &= self._nash(face["excess"], [ur, *flat_grids], ur.shape)
            J = self.dyn.jacobian_at(z, params)
            kinked = self._kinks(exists, z, flat_grids, ur.shape)
            exists &= np.isfinite(J).all(axis=(-2, -1)) | kinked
            code, states, ev, npos = self._classify(exists, z, J, False, kinked)
            d = self.dimension
            out[(face["support"], r)] = (code.reshape(shape), states.reshape(shape + (d,)),
                                         ev.reshape(shape + (d,)), npos.reshape(shape))
        return out


class PointwiseRestPoints:
    """The per-point fallback: :func:`analyze` at every grid value (sympy per point)."""

    def __init__(self, work: Game, names, budget, rtol, dynamics="replicator"):
        self.work, self.names, self.budget, self.rtol, self.dynamics = work, list(names), budget, rtol, dynamics
        self.structural = structural_parameters(work) & set(names)
        self.memo: dict = {}
        self.undefined = 0   # grid values where the dynamics is not defined

    def at(self, values: Sequence[float]) -> dict:
        """``{key: (code, state, eigenvalues, npos)}`` for the rest points at one grid value."""
        overrides = {}
        for n, v in zip(self.names, values):
            p = self.work.parameters[n]
            overrides[n] = int(round(v)) if p.integer else float(v)
        memo_key = tuple(overrides.values())
        if memo_key in self.memo:   # bisections of several rest points share grid values
            return self.memo[memo_key]
        try:
            if self.structural:
                a = analyze(self.work.with_values(**overrides), budget=self.budget, rtol=self.rtol,
                            dynamics=self.dynamics)
            else:
                a = analyze(self.work, overrides, budget=self.budget, rtol=self.rtol, dynamics=self.dynamics)
        except UndefinedDynamics:   # e.g. Maynard Smith where a payoff is <= 0: no rest points shown there
            self.undefined += 1
            self.memo[memo_key] = {}
            return {}
        d = self.work.dimension
        out = {}
        rank: dict = {}
        for p in a.rest_points:        # analyze orders points on a face by state
            k = rank.get(p.support, 0)
            rank[p.support] = k + 1
            eig = np.asarray(p.eigenvalues, complex)    # none at a kink
            out[(p.support, k)] = (st.CLASSES.index(p.classification), np.asarray(p.state, float),
                                   eig if len(eig) == d else np.full(d, np.nan, complex),
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
    a = analyze(work, rtol=rtol, budget=budget, dynamics=derived.dynamics)
    ref = sorted((face_label(work, p.support), st.CLASSES.index(p.classification)) for p in a.rest_points)
    if vec != ref:
        show = lambda items: ", ".join(f"{f} {st.CLASSES[c]}" for f, c in items)  # noqa: E731
        return (f"the compiled rest points disagree with analyze() at the defaults ({show(vec)} vs {show(ref)}); "
                "per-point analysis used")
    return None


def parametric_rest_points(work: Game, names, budget, rtol, method, notes, dynamics="replicator"):
    """The vectorised derivation, or None when the per-point fallback must be used."""
    if method == "per point":
        return None
    if not derive(work, dynamics).face_rest_points:
        notes.append(f"the rest points of {dynamics} are found numerically: per-point analysis")
        if method == "vectorised":
            raise AnalysisError(f"no vectorised sweep under {dynamics}: its rest points are found numerically")
        return None
    structural = structural_parameters(work) & set(names)
    if structural:
        notes.append(f"{', '.join(sorted(structural))} fixes the degree of the payoffs: per-point analysis")
        if method == "vectorised":
            raise AnalysisError("no vectorised sweep over " + ", ".join(sorted(structural)))
        return None
    derived = ParametricRestPoints(work, names, budget, rtol, dynamics)
    notes.extend(derived.notes)
    if derived.ok and derived.defined is not None and not derived.defined(
            [np.asarray(float(work.values()[n])) for n in names]):
        derived.ok = False   # no check against analyze() where the dynamics is undefined at the defaults
        notes.append(f"{dynamics} is not defined at the defaults: per-point analysis")
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
