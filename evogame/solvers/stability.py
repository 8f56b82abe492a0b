"""Linear stability of rest points: eigenvalues of the Jacobian in the tangent
space of the product of simplices, and their classification.

Classification (``tol`` is a tolerance on real parts, stated in every output):

* ``asymptotically stable`` -- every eigenvalue has real part < -tol;
* ``unstable source``       -- every eigenvalue has real part > tol;
* ``saddle``                -- real parts of both signs, none within tol of 0;
* ``unstable (non-hyperbolic)`` -- some real part > tol and some within tol of 0:
  unstable by Lyapunov's instability theorem for the linearisation (an
  eigenvalue with positive real part suffices), whatever the others are;
* ``non-hyperbolic``        -- no real part > tol and some within tol of 0 (a
  zero or purely imaginary eigenvalue: a centre, a threshold case, a
  continuum).  Linear analysis decides nothing here, and evogame never guesses.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import sympy

from ..game.ranges import (ALWAYS, NEVER, is_real_expression as _is_real_expression,  # noqa: F401 (re-exported)
                     sign_in_ranges, within_ranges)
from ..util.timelimit import Timeout, time_limit

ASYMPTOTICALLY_STABLE = "asymptotically stable"
UNSTABLE_SOURCE = "unstable source"
SADDLE = "saddle"
NON_HYPERBOLIC = "non-hyperbolic"
#: a rest point where the field has a kink (BNN, Smith): no Jacobian, so no linear classification
NOT_DIFFERENTIABLE = "not differentiable"
#: an eigenvalue with positive real part and another on the imaginary axis: unstable (Lyapunov)
UNSTABLE_NON_HYPERBOLIC = "unstable (non-hyperbolic)"
#: every class; a class code is an index into this tuple (new classes are appended, codes never move)
CLASSES = (ASYMPTOTICALLY_STABLE, UNSTABLE_SOURCE, SADDLE, NON_HYPERBOLIC, NOT_DIFFERENTIABLE,
           UNSTABLE_NON_HYPERBOLIC)
#: the classes that are proved unstable by the linearisation (an eigenvalue with positive real part)
UNSTABLE_CLASSES = (UNSTABLE_SOURCE, SADDLE, UNSTABLE_NON_HYPERBOLIC)

#: Default relative tolerance: |Re(lambda)| <= RTOL * max(1, max|J_ij|) counts as zero.
RTOL = 1e-9


def tolerance(jacobian: np.ndarray, rtol: float = RTOL):
    """Absolute tolerance on real parts for a Jacobian: ``rtol * max(1, max|J_ij|)``.

    The one tolerance rule of evogame.  ``(d, d)`` -> a float; a batch
    ``(..., d, d)`` -> an array ``(...)`` of tolerances.
    """
    jacobian = np.asarray(jacobian, dtype=float)
    if jacobian.ndim <= 2:
        scale = float(np.abs(jacobian).max()) if jacobian.size else 0.0
        return rtol * max(1.0, scale)
    return rtol * np.maximum(1.0, np.abs(jacobian).max(axis=(-2, -1), initial=0.0))


def sorted_eigenvalues(eigenvalues: Sequence[complex]) -> np.ndarray:
    """Eigenvalues in a deterministic order (real part, then imaginary part)."""
    ev = np.asarray(eigenvalues, dtype=complex)
    return ev[np.lexsort((ev.imag, ev.real))]


def eigenvalues(jacobian: np.ndarray) -> np.ndarray:
    """Eigenvalues with multiplicity, sorted; ``(d, d)`` -> ``(d,)``."""
    jacobian = np.asarray(jacobian, dtype=float)
    if jacobian.size == 0:
        return np.zeros(0, dtype=complex)
    return sorted_eigenvalues(np.linalg.eigvals(jacobian))


def classify(eigenvalues: Sequence[complex], tol: float) -> str:
    """Classify a rest point from its eigenvalues (see module docstring)."""
    re = np.real(np.asarray(eigenvalues, dtype=complex))
    if re.size == 0:  # a zero-dimensional state space: nothing moves
        return NON_HYPERBOLIC
    if np.any(np.abs(re) <= tol):
        return UNSTABLE_NON_HYPERBOLIC if np.any(re > tol) else NON_HYPERBOLIC
    if np.all(re < 0):
        return ASYMPTOTICALLY_STABLE
    if np.all(re > 0):
        return UNSTABLE_SOURCE
    return SADDLE


def classify_many(eigenvalues: np.ndarray, tol: np.ndarray | float) -> np.ndarray:
    """Vectorised :func:`classify`: ``(..., d)`` eigenvalues -> ``(...)`` class codes.

    Codes index :data:`CLASSES`.
    """
    re = np.real(eigenvalues)
    tol = np.asarray(tol, dtype=float)[..., None] if np.ndim(tol) else tol
    zero = np.any(np.abs(re) <= tol, axis=-1)
    growing = np.any(re > tol, axis=-1)
    neg = np.all(re < 0, axis=-1)
    pos = np.all(re > 0, axis=-1)
    code = np.full(re.shape[:-1], 2, dtype=np.int8)
    code[pos] = 1
    code[neg] = 0
    code[zero] = 3
    code[zero & growing] = CLASSES.index(UNSTABLE_NON_HYPERBOLIC)
    return code


# -- symbolic -------------------------------------------------------------------

#: seconds of sympy's factorisation per expression.  On an irreducible polynomial in a dozen parameters
#: (the eigenvalue off the face of an edge point of a 2x2x2 game) Wang's algorithm takes milliseconds or
#: minutes depending on its random choices; past this the expression is kept as cancelled (the same value).
FACTOR_SECONDS = 1.0


def factored(expr, seconds: float = FACTOR_SECONDS):
    """``sympy.factor(expr)`` if it takes at most ``seconds``, else ``sympy.cancel(expr)``."""
    try:
        with time_limit(seconds):
            return sympy.factor(expr)
    except Timeout:
        return sympy.cancel(expr)


def routh_hurwitz(charpoly: sympy.Poly) -> list[sympy.Expr]:
    """Hurwitz determinants of a monic polynomial ``l^d + a_1 l^{d-1} + ... + a_d``.

    All roots have negative real parts iff every returned expression is > 0
    (Routh--Hurwitz criterion).
    """
    coeffs = charpoly.all_coeffs()
    lead = coeffs[0]
    a = [sympy.Integer(1)] + [sympy.cancel(c / lead) for c in coeffs[1:]]
    d = len(a) - 1

    def coef(k):
        return a[k] if 0 <= k <= d else sympy.Integer(0)

    dets = []
    for k in range(1, d + 1):
        H = sympy.Matrix(k, k, lambda i, j: coef(2 * (j + 1) - (i + 1)))
        det = sympy.cancel(H.det())
        dets.append(factored(det) if sympy.count_ops(det) < 400 else det)
    return dets


def symbolic_eigenvalues(J: sympy.Matrix, lam: sympy.Symbol) -> list | None:
    """Eigenvalues with multiplicity from the factored characteristic polynomial.

    Triangular matrices give their diagonal; a 2 x 2 matrix its closed form
    ``tr/2 +- sqrt(tr^2 - 4 det)/2`` (rational when the discriminant is a
    square); otherwise every factor of degree at most 2 is solved in closed
    form.  None when a factor has degree > 2.
    """
    if J.is_upper or J.is_lower:
        return [factored(J[i, i]) for i in range(J.rows)]
    if J.rows == 2:
        # the same roots as factoring the characteristic polynomial over Q(parameters), without the
        # multivariate factorisation of a polynomial in lambda (seconds with a dozen parameters)
        # (factored entries: their products factor in milliseconds where cancelling det J takes seconds)
        F = J.applyfunc(factored)
        return quadratic_roots(F[0, 0] + F[1, 1], F[0, 0] * F[1, 1] - F[0, 1] * F[1, 0])
    J = J.applyfunc(sympy.cancel)
    num = sympy.numer(sympy.together(J.charpoly(lam).as_expr(lam)))
    _, factors = sympy.factor_list(sympy.expand(num), lam)
    out = []
    for f, mult in factors:
        fp = sympy.Poly(f, lam)
        if fp.degree() == 0:
            continue
        if fp.degree() == 1:
            a, b = fp.all_coeffs()
            roots = [factored(-b / a)]
        elif fp.degree() == 2:
            a, b, c = fp.all_coeffs()
            roots = quadratic_roots(-b / a, c / a)
        else:
            return None
        out.extend(roots * mult)
    if len(out) != J.rows:
        return None
    return out


def quadratic_roots(trace: sympy.Expr, det: sympy.Expr) -> list:
    """The roots of ``l^2 - trace l + det``: ``trace/2 +- sqrt(trace^2 - 4 det)/2``.

    When the factored discriminant is a square (every factor to an even power,
    a positive square coefficient) its root is taken exactly, so the roots are
    rational functions of the parameters (a reducible polynomial); else the
    square root stays.
    """
    centre = factored(trace / 2)
    disc = factored(trace ** 2 - 4 * det)
    if disc == 0:
        return [centre, centre]
    root = _exact_square_root(disc)
    if root is not None:
        return [factored(trace / 2 + root / 2), factored(trace / 2 - root / 2)]
    return [centre + sgn * sympy.sqrt(disc) / 2 for sgn in (1, -1)]


def _exact_square_root(product: sympy.Expr):
    """``sqrt(product)`` as a rational function when ``product`` (a factored product) is a square, else None."""
    coeff, rest = product.as_coeff_Mul()
    if not (coeff.is_Rational and coeff > 0 and sympy.sqrt(coeff).is_Rational):
        return None
    root = sympy.sqrt(coeff)
    for f in sympy.Mul.make_args(rest):
        base, exp = f.as_base_exp()
        if not (exp.is_Integer and exp % 2 == 0):
            return None
        root *= base ** (exp // 2)
    return root


def _is_zero(e: sympy.Expr) -> bool:
    """True iff the rational function ``e`` is identically zero (its expanded numerator is 0)."""
    return sympy.expand(sympy.numer(sympy.together(e))) == 0


def split_decoupled(J: sympy.Matrix) -> tuple[list, sympy.Matrix]:
    """Split off eigenvalues carried by rows or columns that are zero off the diagonal.

    At a rest point on a face, the row of a coordinate that is zero there is
    ``(f_j - fbar) e_j``: expanding ``det(J - l I)`` along it gives the
    eigenvalue ``J_jj`` and leaves the matrix without row and column ``j``.
    Repeats until no such row or column is left; returns ``(eigenvalues, core)``.
    """
    idx = list(range(J.rows))
    split = []
    changed = True
    while changed and idx:
        changed = False
        for i in idx:
            if all(J[i, j] == 0 for j in idx if j != i) or all(J[j, i] == 0 for j in idx if j != i):
                split.append(J[i, i])
                idx.remove(i)
                changed = True
                break
    return split, J.extract(idx, idx)


def symbolic_stability(jacobian: sympy.Matrix, budget=None) -> dict:
    """Eigenvalues and the condition for asymptotic stability, symbolically.

    Returns a dict with ``eigenvalues`` (list with multiplicity, or None when
    they could not be found in time), ``condition`` (a sympy boolean in the
    parameters: true exactly where the point is asymptotically stable) and
    ``criterion``.  Eigenvalues carried by decoupled rows (coordinates that
    vanish at the point, see :func:`split_decoupled`) must each be negative;
    the remaining core block must be Hurwitz: when its eigenvalues are real
    expressions the condition is ``And(l_i < 0)``, otherwise the
    Routh--Hurwitz criterion of its characteristic polynomial (exact whatever
    the eigenvalues are).
    """

    # zero entries decided on the numerators (no gcd: cancelling every entry of a Jacobian at an interior
    # point with a dozen parameters takes seconds); the entries are cancelled where the general path needs it
    J = jacobian.applyfunc(lambda e: sympy.Integer(0) if _is_zero(e) else e)
    split, core = split_decoupled(J)
    split = [factored(e) for e in split]
    lam = sympy.Dummy("lambda")
    # zero trace: the eigenvalues' real parts sum to 0, so they cannot all be
    # negative (interior points of multi-population games: Selten 1980)
    traceless = core.rows > 0 and _is_zero(core.trace())
    core_eigs = []
    if traceless and core.rows > 2:
        # never asymptotically stable whatever its eigenvalues: the roots of a cubic (or higher) in a
        # dozen parameters are not worth the seconds of factoring that usually find none in closed form
        core_eigs = None
    elif core.rows:
        try:
            with time_limit(budget):
                core_eigs = symbolic_eigenvalues(core, lam)
        except Timeout:
            core_eigs = None
    eigs = None if core_eigs is None else split + core_eigs
    conditions = [sympy.StrictLessThan(e, 0) for e in split]
    if traceless:
        return {"eigenvalues": eigs, "condition": sympy.false, "criterion": "zero trace"}
    if core_eigs is not None and all(_is_real_expression(e) for e in core_eigs):
        conditions += [sympy.StrictLessThan(e, 0) for e in core_eigs]
        kind = "eigenvalues"
    else:
        dets = routh_hurwitz(core.applyfunc(sympy.cancel).charpoly(lam))
        conditions += [sympy.StrictGreaterThan(h, 0) for h in dets]
        kind = "eigenvalues and Routh-Hurwitz" if split else "Routh-Hurwitz"
    return {"eigenvalues": eigs, "condition": sympy.And(*conditions), "criterion": kind}


# -- exact and high-precision classification --------------------------------------

#: digits used for eigenvalues of Jacobians known exactly (algebraic entries)
DIGITS = 60
#: relative tolerance on real parts at that precision
EXACT_RTOL = 1e-30


def zero_real_part_exactly(J: sympy.Matrix) -> bool:
    """True iff a rational matrix has an eigenvalue with zero real part.

    Exact: ``0`` is an eigenvalue iff ``det J = 0``; ``+-i w`` (w > 0) is one iff
    ``p(i w) = A(w) + i B(w)`` vanishes, i.e. iff ``gcd(A, B)`` has a positive
    real root (counted with Sturm sequences).
    """
    lam = sympy.Dummy("lambda")
    w = sympy.Dummy("w", real=True)
    p = J.charpoly(lam)
    if p.eval(0) == 0:
        return True
    coeffs = sympy.Poly(p.as_expr(lam).subs(lam, sympy.I * w), w).all_coeffs()
    A = sympy.Poly([sympy.re(c) for c in coeffs], w)
    B = sympy.Poly([sympy.im(c) for c in coeffs], w)
    g = sympy.gcd(A, B)
    if g.degree() <= 0:
        return False
    return g.count_roots(0, None) - (1 if g.eval(0) == 0 else 0) > 0


def classify_exact(J: sympy.Matrix) -> tuple[np.ndarray, str, float, str]:
    """Eigenvalues and classification of a Jacobian whose entries are exact numbers.

    Returns ``(eigenvalues, classification, tolerance, method)``.  Rational
    entries: whether some eigenvalue has zero real part is decided exactly
    (:func:`zero_real_part_exactly`), the signs of the others from 60-digit
    eigenvalues.  Algebraic entries: 60-digit eigenvalues with a relative
    tolerance of 1e-30.
    """
    import mpmath

    d = J.rows
    if d == 0:
        return np.zeros(0, dtype=complex), NON_HYPERBOLIC, 0.0, "exact"
    if (J.is_upper or J.is_lower) and all(v.is_Rational for v in J):
        # a triangular rational matrix (every corner of a game of two-strategy populations): its eigenvalues
        # are its diagonal, exactly, and so is every sign -- no 60-digit eigenvalues, no Sturm sequences
        diagonal = [J[i, i] for i in range(d)]
        signs = [float(sympy.sign(v)) for v in diagonal]
        return (sorted_eigenvalues([complex(float(v)) for v in diagonal]), classify(signs, 0.0), 0.0,
                "exact (rational characteristic polynomial)")
    with mpmath.workdps(DIGITS):
        M = mpmath.matrix([[mpmath.mpmathify(sympy.N(J[i, j], DIGITS)) for j in range(d)] for i in range(d)])
        ev = [M[0, 0]] if d == 1 else _eigenvalues_60(J, M)
        ev_np = sorted_eigenvalues([complex(e) for e in ev])
        scale = max([1.0] + [float(abs(J[i, j].evalf(20))) for i in range(d) for j in range(d)])
        rational = all(J[i, j].is_Rational for i in range(d) for j in range(d))
        tol = EXACT_RTOL * scale
        if rational:
            if zero_real_part_exactly(J):   # proved: the real parts the 60 digits leave at round-off are 0
                snapped = _snapped(ev_np, tol)
                cls = UNSTABLE_NON_HYPERBOLIC if np.any(snapped.real > tol) else NON_HYPERBOLIC
                return snapped, cls, 0.0, "exact (rational characteristic polynomial)"
            re = [float(mpmath.sign(mpmath.re(e))) for e in ev]
            no_round_off = ev_np.real + 1j * np.where(np.abs(ev_np.imag) <= tol, 0.0, ev_np.imag)
            return no_round_off, classify(re, 0.0), 0.0, "exact (rational characteristic polynomial)"
        re = [float(mpmath.re(e)) for e in ev]
        cls = classify(re, tol)
        on_axis = cls in (NON_HYPERBOLIC, UNSTABLE_NON_HYPERBOLIC)
        return (_snapped(ev_np, tol) if on_axis else ev_np), cls, tol, f"{DIGITS}-digit eigenvalues"


#: the largest eigenvector condition number for which :func:`proved_signs` trusts a Bauer-Fike bound
MAX_EIGENVECTOR_CONDITION = 1e8
#: the name of that rule in ``RestPoint.classified_by`` and the outputs
BAUER_FIKE = "exact Jacobian, float64 eigenvalues with a Bauer-Fike bound"


def proved_signs(J: np.ndarray) -> tuple[np.ndarray, str] | None:
    """Float64 eigenvalues of ``J`` and its class, when a proved error bound decides every sign; else None.

    With ``J ~ V diag(w) V^-1`` from ``numpy.linalg.eig`` and ``E = J - V diag(w) V^-1``, every eigenvalue
    of ``J`` lies within ``kappa(V) ||E||_2`` of some ``w_i`` (Bauer-Fike), and each connected union of
    those discs holds as many eigenvalues of ``J`` as of ``w``.  The radius is enlarged for the rounding
    of ``E`` itself (``4 d eps kappa ||J||``) and by a factor 10.  When no disc meets the imaginary axis,
    the number of eigenvalues with negative and positive real part is proved -- so is the class, and
    no real part is zero.  A defective or ill-conditioned ``V`` (kappa > 1e8), or a disc that meets the
    axis, gives None: the caller decides exactly.
    """
    J = np.asarray(J, dtype=float)
    d = J.shape[0]
    if d == 0 or not np.all(np.isfinite(J)):
        return None
    w, V = np.linalg.eig(J)
    try:
        V_inv = np.linalg.inv(V)
    except np.linalg.LinAlgError:
        return None
    kappa = np.linalg.norm(V, 2) * np.linalg.norm(V_inv, 2)
    if not np.isfinite(kappa) or kappa > MAX_EIGENVECTOR_CONDITION:
        return None
    E = J - (V * w) @ V_inv
    norm_J = np.linalg.norm(J, 2)
    radius = 10.0 * kappa * (np.linalg.norm(E, 2) + 4 * d * np.finfo(float).eps * kappa * norm_J) + 1e-300
    if np.any(np.abs(w.real) <= radius):
        return None
    return sorted_eigenvalues(w), classify(w.real, 0.0)


def _eigenvalues_60(J: sympy.Matrix, M) -> list:
    """The eigenvalues of ``J`` to ``DIGITS`` digits: mpmath's QR, else the roots of the characteristic polynomial.

    mpmath's Hessenberg QR can fail to converge (a defective matrix with a repeated eigenvalue, e.g.); the
    characteristic polynomial is exact (sympy) and its roots are found by Durand-Kerner with extra precision.
    """
    import mpmath

    try:
        return list(mpmath.eig(M, left=False, right=False))
    except RuntimeError:
        coeffs = [mpmath.mpmathify(sympy.N(c, DIGITS)) for c in J.charpoly().all_coeffs()]
        return list(mpmath.polyroots(coeffs, maxsteps=2000, extraprec=4 * DIGITS))


def _snapped(ev: np.ndarray, tol: float) -> np.ndarray:
    """Real and imaginary parts within ``tol`` (far below double precision) set to exactly 0, for printing."""
    re = np.where(np.abs(ev.real) <= tol, 0.0, ev.real)
    im = np.where(np.abs(ev.imag) <= tol, 0.0, ev.imag)
    return re + 1j * im
