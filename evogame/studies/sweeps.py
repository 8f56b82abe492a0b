"""Sweeps: how the rest points' classification changes along one parameter,
and regime maps (the set of asymptotically stable states) over two.

Symbolic once, numeric on the whole grid.  With the swept parameters
``q`` symbolic and every other parameter at its exact default, the rest
points are solved once per face (``restpoints.solve_face``), giving for each
rest point ``k`` its reduced state ``z_k(q)``, the shares that must be
positive on its face ``sigma_k(q)`` and its Jacobian ``J_k(q) = DF(z_k(q); q)``.
These are compiled (``lambdify``) and evaluated on the grid at once:

* rest point ``k`` exists at ``q`` iff ``z_k(q)`` is real and finite and every
  share ``sigma_k(q) > 0`` (strictly: a zero share puts it on a smaller face);
* its eigenvalues come from one batched ``np.linalg.eigvals`` on ``(..., d, d)``
  and its classification from ``stability.classify_many`` with the same
  tolerance rule as :func:`~evogame.analysis.analyze`
  (``|Re| <= rtol * max(1, max|J_ij|)`` counts as zero).

The vectorised result is checked against :func:`~evogame.analysis.analyze` at
the defaults; where the symbolic solve is not available (a face needs the
numeric fallback, a parameter fixes the degree of the payoffs, or the check
fails) every grid point is analysed on its own (``method = "per point"``).

Rest points are named by their face, e.g. ``(loose, active)`` for a corner
and ``(strict/loose, active/passive)`` for the interior (``#2``, ``#3`` when a
face holds several).

Bifurcation points (1-D) are located between grid points by bisection on the
compiled functions: on existence for a rest point that appears or
disappears; otherwise on the number of eigenvalues with positive real part,
which changes exactly where an eigenvalue's real part crosses zero.
"""
from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np
import sympy

from .. import stability as st
from ..analysis import analyze
from ..dynamics import derive, structural_parameters
from ..errors import AnalysisError, ScenarioError, did_you_mean
from ..formatting import number
from ..game import Game
from ..restpoints import face_label, faces, solve_face
from ..scenario import STRENGTH, Scenario, as_scenario
from ..timelimit import Timeout
from .mechanisms import apply

#: largest regime map computed in one call (the CLI allows 250,000 cells)
MAX_CELLS = 4_000_000

__all__ = ["sweep", "sweep1d", "regime_map", "Sweep1DResult", "RegimeMapResult", "parse_axis"]

ABSENT = -1
BISECT_STEPS = 60
BISECT_STEPS_PER_POINT = 24   # each step of a per-point sweep is a full analyze()
POSITIVE_TOL = 1e-12
POLYNOMIAL_POSITIVE_TOL = 1e-7   # numeric roots: a double root's error is ~sqrt(machine epsilon)
IMAG_TOL = 1e-9


# -- results -------------------------------------------------------------------

def _class_name(code: int) -> str | None:
    return None if code == ABSENT else st.CLASSES[code]


@dataclass
class Sweep1DResult:
    """Classification of every rest point along one parameter.

    Attributes
    ----------
    parameter : the swept parameter (``"strength"`` for a mechanism's strength).
    values : ``(n,)`` the grid.
    labels : the rest points (named by face), in a stable order.
    classifications : label -> list over the grid of the class name, None
        where the rest point does not exist.
    codes : label -> ``(n,)`` int array (index into ``stability.CLASSES``, -1 absent).
    states : label -> ``(n, d)`` reduced states (NaN where absent).
    eigenvalues : label -> ``(n, d)`` complex eigenvalues (NaN where absent).
    stable_sets : per grid value, the tuple of asymptotically stable labels.
    bifurcations : list of dicts ``{"parameter", "value", "rest_point",
        "from", "to", "kind"}`` (``from``/``to`` a class name or ``"absent"``),
        sorted by value; ``value`` is located to ``precision``.
    method : ``"vectorised"`` or ``"per point"``.
    """

    game: Game = field(repr=False)
    parameter: str
    values: np.ndarray
    labels: list
    codes: dict
    states: dict
    eigenvalues: dict
    bifurcations: list
    method: str
    mechanisms: list
    precision: float
    notes: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)

    @property
    def classifications(self) -> dict:
        return {k: [_class_name(int(c)) for c in v] for k, v in self.codes.items()}

    @property
    def stable_sets(self) -> list[tuple]:
        return [tuple(k for k in self.labels if self.codes[k][i] == 0) for i in range(len(self.values))]

    def to_dict(self) -> dict:
        return {
            "kind": "sweep",
            "scenario": self.game.name,
            "parameter": self.parameter,
            "mechanisms": list(self.mechanisms),
            "values": [float(v) for v in self.values],
            "rest_points": list(self.labels),
            "classifications": self.classifications,
            "states": {k: [None if np.isnan(row).any() else [float(v) for v in row] for row in s]
                       for k, s in self.states.items()},
            "eigenvalues": {k: [None if np.isnan(row).any() else [[float(e.real), float(e.imag)] for e in row]
                                for row in e] for k, e in self.eigenvalues.items()},
            "stable_sets": [list(s) for s in self.stable_sets],
            "bifurcations": [dict(b) for b in self.bifurcations],
            "precision": self.precision,
            "method": self.method,
            "notes": list(self.notes),
        }

    def csv(self) -> str:
        """CSV: the value, one column per rest point (class or ``absent``), the stable set."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([self.parameter] + self.labels + ["stable_set"])
        for i, v in enumerate(self.values):
            w.writerow([f"{v:.12g}"] + [_class_name(int(self.codes[k][i])) or "absent" for k in self.labels]
                       + [_set_text(self.stable_sets[i])])
        return buf.getvalue()

    def table(self) -> str:
        """Runs of constant classification per rest point, and the bifurcation points."""
        lines = [f"sweep of {self.parameter} over [{_num(self.values[0])}, {_num(self.values[-1])}] "
                 f"({len(self.values)} values, {self.method})"]
        for k in self.labels:
            runs = []
            codes = self.codes[k]
            start = 0
            for i in range(1, len(codes) + 1):
                if i == len(codes) or codes[i] != codes[start]:
                    name = _class_name(int(codes[start])) or "absent"
                    runs.append(f"{name} [{_num(self.values[start])}, {_num(self.values[i - 1])}]")
                    start = i
            lines.append(f"  {k}: " + "; ".join(runs))
        if self.bifurcations:
            lines.append("bifurcation points:")
            for b in self.bifurcations:
                lines.append(f"  {self.parameter} = {_num(b['value'])}: {b['rest_point']} {b['from']} -> {b['to']}")
        else:
            lines.append("no bifurcation point in the range")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<Sweep1DResult {self.parameter} in [{_num(self.values[0])}, {_num(self.values[-1])}]: "
                f"{len(self.labels)} rest points, {len(self.bifurcations)} bifurcations ({self.method})>")


@dataclass
class RegimeMapResult:
    """The set of asymptotically stable rest points on a two-parameter grid.

    Arrays are indexed ``[j, i]`` for ``y[j]``, ``x[i]`` (rows = y, as an
    image is drawn with ``origin="lower"``).

    Attributes
    ----------
    x_name, y_name, x, y : the parameters and their grids.
    labels : the rest points (named by face).
    codes : label -> ``(ny, nx)`` int array of class codes (-1 absent).
    stable_sets : ``(ny, nx)`` nested list of tuples of labels.
    regimes : the distinct stable sets, sorted (by size, then labels).
    regime_index : ``(ny, nx)`` int array, index into ``regimes``.
    """

    game: Game = field(repr=False)
    x_name: str
    y_name: str
    x: np.ndarray
    y: np.ndarray
    labels: list
    codes: dict = field(repr=False)
    regimes: list
    regime_index: np.ndarray = field(repr=False)
    method: str
    mechanisms: list
    notes: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)

    @property
    def stable_sets(self) -> list[list[tuple]]:
        return [[self.regimes[k] for k in row] for row in self.regime_index.tolist()]

    def to_dict(self) -> dict:
        return {
            "kind": "regime map",
            "scenario": self.game.name,
            "x_name": self.x_name,
            "y_name": self.y_name,
            "mechanisms": list(self.mechanisms),
            "x": [float(v) for v in self.x],
            "y": [float(v) for v in self.y],
            "rest_points": list(self.labels),
            "regimes": [list(r) for r in self.regimes],
            "regime_index": self.regime_index.tolist(),
            "stable_sets": [[list(s) for s in row] for row in self.stable_sets],
            "indexing": "[j][i] for y[j], x[i]",
            "method": self.method,
            "notes": list(self.notes),
        }

    def csv(self) -> str:
        """CSV with columns ``x_name, y_name, stable_set`` (labels joined by '; ', or ``none``)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([self.x_name, self.y_name, "stable_set"])
        for j, yv in enumerate(self.y):
            for i, xv in enumerate(self.x):
                w.writerow([f"{xv:.12g}", f"{yv:.12g}", _set_text(self.regimes[self.regime_index[j, i]])])
        return buf.getvalue()

    def table(self) -> str:
        counts = np.bincount(self.regime_index.ravel(), minlength=len(self.regimes))
        total = self.regime_index.size
        lines = [f"regime map: {self.x_name} in [{_num(self.x[0])}, {_num(self.x[-1])}] ({len(self.x)}) x "
                 f"{self.y_name} in [{_num(self.y[0])}, {_num(self.y[-1])}] ({len(self.y)}), {self.method}",
                 "regimes (stable set: share of cells):"]
        for k, r in enumerate(self.regimes):
            lines.append(f"  [{k}] {_set_text(r)}: {counts[k] / total:.1%}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<RegimeMapResult {self.x_name} x {self.y_name} ({len(self.x)}x{len(self.y)}): "
                f"{len(self.regimes)} regimes ({self.method})>")


def _set_text(s) -> str:
    return "; ".join(s) if s else "none"


def _num(v) -> str:
    return number(v, 10)


# -- axes ----------------------------------------------------------------------

def parse_axis(text: str) -> tuple[str, np.ndarray]:
    """``"c_D=0:5:101"`` -> ``("c_D", linspace(0, 5, 101))``."""
    if "=" not in text:
        raise ScenarioError(f"'{text}' is not NAME=LO:HI:N", argument="param",
                            expected="NAME=LO:HI:N, e.g. c_D=0:5:101")
    name, spec = text.split("=", 1)
    parts = spec.split(":")
    if len(parts) != 3:
        raise ScenarioError(f"'{text}': '{spec}' is not LO:HI:N", argument="param",
                            expected="LO:HI:N, e.g. 0:5:101")
    try:
        lo, hi = float(parts[0]), float(parts[1])
        n = int(parts[2])
    except ValueError:
        raise ScenarioError(f"'{text}': '{spec}' is not LO:HI:N", argument="param",
                            expected="two numbers and a whole number of points, e.g. 0:5:101") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ScenarioError(f"'{text}': the range [{lo:g}, {hi:g}] is empty or not finite", argument="param",
                            expected="LO < HI")
    if not 2 <= n <= 100000:
        raise ScenarioError(f"'{text}': {n} points", argument="param", expected="between 2 and 100000 points")
    return name.strip(), np.linspace(lo, hi, n)


# -- derivation ----------------------------------------------------------------
#
# A rest point is tracked across the grid by an internal key ``(support, k)``:
# for a face solved symbolically, k is the index of the symbolic solution (a
# branch); for a face solved by batched polynomial roots, or per point, k is
# the rank of the point on its face at that grid value (by state).  Display
# labels are made at the end (see ``_display_labels``).

def _order_key(key):
    support, k = key
    return (sum(len(S) for S in support), support, k)


class _Derived:
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
        return sorted(keys, key=_order_key)

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


def _work_game(subject: Scenario | Game, params, names, mechanisms, strength) -> Game:
    """The swept game: ``params`` as defaults, mechanisms applied (a symbolic strength when it is swept)."""
    scenario = as_scenario(subject)
    scenario = scenario.with_game(scenario.game.with_values(**(params or {})))
    if STRENGTH in names:
        if not mechanisms:
            raise ScenarioError("sweeping 'strength' needs a mechanism", file=scenario.file,
                                argument="mechanisms", expected="a mechanism whose strength is swept")
        work = apply(scenario, mechanisms, ("symbolic", strength if strength != "symbolic" else 1)).game
    else:
        work = apply(scenario, mechanisms, strength).game if mechanisms else scenario.game
    _check_names(work, names, scenario.file, mechanisms)
    return work


def _check_names(work: Game, names, file, mechanisms=()):
    known = list(work.parameters)
    if mechanisms and "strength" not in known:
        known.append("strength")
    for n in names:
        if n not in work.parameters:
            raise ScenarioError(f"unknown parameter '{n}'", file=file, argument="param",
                                expected=("one of " + ", ".join(known)) if known else
                                "a parameter, but the scenario declares none",
                                suggestion=did_you_mean(n, known))
    if len(set(names)) != len(names):
        raise ScenarioError("the same parameter is swept twice", argument="param", found=", ".join(names))


class _PerPoint:
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
        """Analyse every point of flattened grids; same layout as ``_Derived.evaluate``."""
        n = len(columns[0])
        rows = []
        for i in range(n):
            rows.append(self.at([c[i] for c in columns]))
            if progress:
                progress(i + 1, n)
        keys = sorted({k for r in rows for k in r}, key=_order_key)
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


def _display_labels(work: Game, keys, codes) -> tuple[list, list]:
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


def _cross_check(derived: _Derived, work: Game, names, rtol, budget) -> str | None:
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


def _derive(work: Game, names, budget, rtol, method, notes):
    """The vectorised derivation, or None when the per-point fallback must be used."""
    if method == "per point":
        return None
    structural = structural_parameters(work) & set(names)
    if structural:
        notes.append(f"{', '.join(sorted(structural))} fixes the degree of the payoffs: per-point analysis")
        if method == "vectorised":
            raise AnalysisError("no vectorised sweep over " + ", ".join(sorted(structural)))
        return None
    derived = _Derived(work, names, budget, rtol)
    notes.extend(derived.notes)
    if derived.ok:
        problem = _cross_check(derived, work, names, rtol, budget)
        if problem:
            notes.append(problem)
            derived.ok = False
    if not derived.ok:
        if method == "vectorised":
            raise AnalysisError("no vectorised sweep: " + "; ".join(notes))
        return None
    return derived


def _mechanism_names(mechanisms) -> list[str]:
    return [m if isinstance(m, str) else (m[0] if isinstance(m, tuple) else m.name) for m in mechanisms]


# -- 1-D -----------------------------------------------------------------------

def sweep1d(subject: Scenario | Game, name: str, values, mechanisms: Sequence = (), *, strength=1, params: Mapping | None = None,
            rtol: float = st.RTOL, budget: float | None = 10.0, method: str = "auto",
            progress: Callable[[int, int], None] | None = None) -> Sweep1DResult:
    """Classification of every rest point along one parameter, and the bifurcation points.

    Parameters
    ----------
    subject : the Scenario (or a bare Game, with Mechanism objects)
    name : the parameter (or ``"strength"`` of ``mechanisms``).
    values : the grid, ``(n,)`` increasing.
    mechanisms : applied at ``strength`` (or swept, when ``name == "strength"``).
    params : new default values of the other parameters (name -> number).
    rtol : relative tolerance of the classification.
    budget : seconds of sympy per face before the per-point fallback.
    method : ``"auto"``, ``"vectorised"`` (fail rather than fall back) or ``"per point"``.
    progress : called as ``progress(done, total)`` during a per-point sweep.

    Returns
    -------
    Sweep1DResult
    """
    t0 = time.perf_counter()
    work = _work_game(subject, params, [name], mechanisms, strength)
    values = np.asarray(values, dtype=float)
    if work.parameters[name].integer:
        values = np.unique(np.round(values))
    if values.ndim != 1 or len(values) < 2 or np.any(np.diff(values) <= 0):
        raise ScenarioError("the sweep needs at least two increasing values", argument="param")
    notes: list[str] = []
    derived = _derive(work, [name], budget, rtol, method, notes)
    t1 = time.perf_counter()
    if derived is not None:
        ev = derived.evaluate([values])

        def point(v):
            e = derived.evaluate([np.array([v])])
            return {key: (int(e["codes"][k, 0]), e["states"][k, 0], e["eigenvalues"][k, 0], int(e["npos"][k, 0]))
                    for k, key in enumerate(e["keys"]) if e["codes"][k, 0] != ABSENT}
        used = "vectorised"
    else:
        pp = _PerPoint(work, [name], budget, rtol)
        ev = pp.grid([values], progress)
        point = None if work.parameters[name].integer else (lambda v: pp.at([v]))
        used = "per point"
    t2 = time.perf_counter()
    kept, labels = _display_labels(work, ev["keys"], ev["codes"])
    keys = [ev["keys"][i] for i in kept]
    codes = ev["codes"][kept]
    bifs, precision = _bifurcations(name, values, keys, labels, codes, point, used == "vectorised")
    return Sweep1DResult(game=work, parameter=name, values=values, labels=labels,
                         codes={lab: codes[k] for k, lab in enumerate(labels)},
                         states={lab: ev["states"][i] for i, lab in zip(kept, labels)},
                         eigenvalues={lab: ev["eigenvalues"][i] for i, lab in zip(kept, labels)},
                         bifurcations=bifs, method=used, mechanisms=_mechanism_names(mechanisms),
                         precision=precision, notes=notes,
                         seconds={"derive": t1 - t0, "evaluate": t2 - t1, "locate": time.perf_counter() - t2})


def _bifurcations(name, values, keys, labels, codes, point, vectorised=True):
    """Locate every change of classification between grid points.

    The grid is cut into runs of constant class per rest point.  Between two
    runs the change is bisected on: existence (a run is ``absent``); the
    number of eigenvalues with positive real part (both runs hyperbolic --
    it changes exactly where a real part crosses zero); the classification
    itself (a non-hyperbolic run, e.g. a centre, on one side).  A
    non-hyperbolic run of a single grid value between two hyperbolic runs is
    an eigenvalue crossing zero at (about) that value: it is bisected on the
    sign count over the two neighbouring grid steps and reported once (not at
    all when the eigenvalue only touches zero).
    """
    scale = max(1.0, float(np.max(np.abs(values))))
    precision = 0.0
    out = []
    NH = st.CLASSES.index(st.NON_HYPERBOLIC)

    def hyperbolic(code):
        return code not in (ABSENT, NH)

    for k, (key, lab) in enumerate(zip(keys, labels)):
        c = codes[k]
        starts = [0] + [int(i) + 1 for i in np.nonzero(c[1:] != c[:-1])[0]]
        runs = [(a, (starts[j + 1] - 1 if j + 1 < len(starts) else len(c) - 1), int(c[a]))
                for j, a in enumerate(starts)]
        j = 0
        while j < len(runs) - 1:
            left, right = runs[j], runs[j + 1]
            merged = (right[2] == NH and right[0] == right[1] and j + 2 < len(runs)
                      and hyperbolic(left[2]) and hyperbolic(runs[j + 2][2]))
            if merged:
                ia, ib, ca, cb = left[1], runs[j + 2][0], left[2], runs[j + 2][2]
                j += 2
            else:
                ia, ib, ca, cb = left[1], right[0], left[2], right[2]
                j += 1
            a, b = float(values[ia]), float(values[ib])
            if point is None:  # integer parameter: the change happens at the next value
                out.append({"parameter": name, "value": b, "rest_point": lab, "from": _class_name(ca) or "absent",
                            "to": _class_name(cb) or "absent", "kind": "discrete"})
                continue
            if ca == ABSENT or cb == ABSENT:
                keyf, kind = (lambda v: key in point(v)), "existence"  # noqa: E731
            elif hyperbolic(ca) and hyperbolic(cb):
                keyf, kind = (lambda v: point(v).get(key, (ABSENT, 0, 0, -1))[3]), "eigenvalue"  # noqa: E731
            else:
                keyf, kind = (lambda v: point(v).get(key, (ABSENT,))[0]), "classification"  # noqa: E731
            ka = keyf(a)
            if merged and ca == cb and keyf(b) == ka:
                continue   # an eigenvalue touches zero at one grid value: no change
            for _ in range(BISECT_STEPS if vectorised else BISECT_STEPS_PER_POINT):
                m = 0.5 * (a + b)
                if not a < m < b or b - a <= 1e-13 * scale:
                    break
                if keyf(m) == ka:
                    a = m
                else:
                    b = m
            precision = max(precision, b - a)
            out.append({"parameter": name, "value": float(0.5 * (a + b)), "rest_point": lab,
                        "from": _class_name(ca) or "absent", "to": _class_name(cb) or "absent", "kind": kind})
    out.sort(key=lambda b: (b["value"], b["rest_point"]))
    return out, float(precision)


# -- 2-D -----------------------------------------------------------------------

def regime_map(subject: Scenario | Game, x_name: str, x, y_name: str, y, mechanisms: Sequence = (), *, strength=1,
               params: Mapping | None = None, rtol: float = st.RTOL, budget: float | None = 10.0,
               method: str = "auto",
               progress: Callable[[int, int], None] | None = None) -> RegimeMapResult:
    """The set of asymptotically stable rest points in every cell of a 2-D grid.

    Parameters as :func:`sweep1d`; ``x``, ``y`` are the two grids.  The
    arrays of the result are indexed ``[j, i]`` for ``(x[i], y[j])``.
    """
    t0 = time.perf_counter()
    work = _work_game(subject, params, [x_name, y_name], mechanisms, strength)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if work.parameters[x_name].integer:
        x = np.unique(np.round(x))
    if work.parameters[y_name].integer:
        y = np.unique(np.round(y))
    if x.size * y.size > MAX_CELLS:
        raise AnalysisError(f"a regime map of {x.size} x {y.size} = {x.size * y.size:,} cells is too large "
                            f"(at most {MAX_CELLS:,}: memory grows with cells x rest points x dimension^2)")
    notes: list[str] = []
    derived = _derive(work, [x_name, y_name], budget, rtol, method, notes)
    t1 = time.perf_counter()
    X, Y = np.meshgrid(x, y)   # (ny, nx)
    if derived is not None:
        ev = derived.evaluate([X, Y])
        used = "vectorised"
    else:
        ev = _PerPoint(work, [x_name, y_name], budget, rtol).grid([X.ravel(), Y.ravel()], progress)
        ev["codes"] = ev["codes"].reshape((len(ev["keys"]),) + X.shape)
        used = "per point"
    kept, labels = _display_labels(work, ev["keys"], ev["codes"])
    codes = ev["codes"][kept]
    regimes, index = _regimes(codes, labels)
    t2 = time.perf_counter()
    return RegimeMapResult(game=work, x_name=x_name, y_name=y_name, x=x, y=y, labels=labels,
                           codes={lab: codes[k] for k, lab in enumerate(labels)}, regimes=regimes,
                           regime_index=index, method=used, mechanisms=_mechanism_names(mechanisms), notes=notes,
                           seconds={"derive": t1 - t0, "evaluate": t2 - t1})


def _regimes(codes: np.ndarray, labels) -> tuple[list[tuple], np.ndarray]:
    """Distinct stable sets and each cell's index into them (vectorised)."""
    K = len(labels)
    shape = codes.shape[1:]
    if K == 0:
        return [()], np.zeros(shape, dtype=int)
    stable = (codes == 0).reshape(K, -1)              # (K, cells)
    if K <= 62:   # one integer per cell: bit k set when rest point k is stable
        weights = (np.int64(1) << np.arange(K, dtype=np.int64))
        key = (stable.astype(np.int64) * weights[:, None]).sum(axis=0)
        keys, inverse = np.unique(key, return_inverse=True)
        rows = [[bool((int(v) >> k) & 1) for k in range(K)] for v in keys]
    else:
        keys, inverse = np.unique(stable.T, axis=0, return_inverse=True)
        rows = keys.tolist()
    sets = [tuple(lab for lab, s in zip(labels, row) if s) for row in rows]
    order = sorted(range(len(sets)), key=lambda k: (len(sets[k]), sets[k]))
    rank = np.empty(len(order), dtype=int)
    rank[order] = np.arange(len(order))
    index = rank[np.asarray(inverse).ravel()].reshape(shape)
    return [sets[k] for k in order], index


# -- entry point ---------------------------------------------------------------

def sweep(subject: Scenario | Game, axes: Sequence[tuple[str, Sequence[float]]] | Mapping, mechanisms: Sequence = (), **kwargs):
    """One axis: :func:`sweep1d`; two axes: :func:`regime_map`.

    ``axes`` is a sequence of ``(name, values)`` (or a mapping name -> values).
    """
    items = list(axes.items()) if isinstance(axes, Mapping) else list(axes)
    if len(items) == 1:
        (name, values), = items
        return sweep1d(subject, name, values, mechanisms, **kwargs)
    if len(items) == 2:
        (xn, xv), (yn, yv) = items
        return regime_map(subject, xn, xv, yn, yv, mechanisms, **kwargs)
    raise ScenarioError(f"{len(items)} parameters given", argument="param",
                        expected="one parameter (a sweep) or two (a regime map)")
