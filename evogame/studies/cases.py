"""The cases table: the declared parameter box split by the signs of the eigenvalue expressions.

The papers print, after the table of equilibrium points, a list of cases:
"Case 1: c_A < v and ... -> E5 is the only ESS".  :func:`cases` builds it:

1. the box: every parameter with a declared ``range`` varies over it, the
   others (and those set with ``params``) stay at their values;
2. the rest points come from ``analyze(..., symbolic=True)`` (E-numbers as in
   the rest-point table, corners first); a rest point is asymptotically stable
   iff it exists (its shares are positive) and its stability condition holds,
   both conjunctions of inequalities ``h > 0`` or ``h < 0``;
3. the sign-deciding expressions ("atoms") are the irreducible factors of odd
   multiplicity of those ``h`` (numerators and denominators), for the rest
   points whose stability changes inside the box: then every point's
   stability is a function of the atoms' signs;
4. the box is sampled (a seeded scrambled Halton design, plus pairs of points
   just either side of each atom's zero set), each sample's sign pattern and
   stable set recorded; patterns with the same stable set are merged by
   dropping every sign that no pattern of another stable set needs;
5. each case gets a witness inside the box (the defaults where they lie in it,
   else a sample pulled towards the defaults and rounded), checked by
   :func:`~evogame.engine.analysis.analyze` there;
6. a second, independent sample checks that the cases cover the box: each
   point lies in exactly one case (or on a boundary, where an atom is 0 and
   the linearisation decides nothing) and has that case's stable set.

The result, :class:`~evogame.studies.case_results.CaseTable`, has ``to_dict``,
``to_dataframe`` and its Markdown/LaTeX section
(:mod:`evogame.render.cases_section`).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Mapping

import numpy as np
import sympy

from ..solvers import stability as st
from ..engine.analysis import analyze
from ..dynamics import structural_parameters
from ..errors import AnalysisError
from ..game import exact, game_of
from .case_results import Atom, Case, CaseTable, Check, relation

__all__ = ["cases", "CaseTable", "Case", "Atom", "Check", "relation"]

#: an atom within this fraction of its largest magnitude over the samples counts as zero (a boundary)
BOUNDARY_RTOL = 1e-9
#: pairs of samples bracketing each atom's zero set, bisected to put samples either side of it
REFINE_PAIRS = 48
#: bisection steps along a bracketing segment: the two ends are then ~1e-6 of it apart
REFINE_STEPS = 20
#: a witness keeps at least this normalised distance from every boundary
WITNESS_MARGIN = 1e-3


def cases(subject, params: Mapping | None = None, *, samples: int = 4096, seed: int = 0, check: int = 2000,
          confirm: int = 8, budget: float | None = 10.0, dynamics=None, analysis=None) -> CaseTable:
    """Split the declared parameter box into cases by the signs that decide which rest points are stable.

    Parameters
    ----------
    subject : a Scenario or Game (with mechanisms already applied, if any).
    params : parameters fixed at these values (they leave the box).
    samples : size of the quasi-random design that finds the cases.
    seed : seeds the design, the refinement and the check.
    check : size of the independent uniform sample that checks coverage (0: none).
    confirm : how many of the checked points are also analysed by ``analyze`` (beside every witness).
    budget : sympy seconds per face for the symbolic analysis.
    dynamics : as for :func:`~evogame.engine.analysis.analyze`.
    analysis : a symbolic Analysis of ``subject`` at ``params`` already made (the report's), to reuse.

    Returns
    -------
    CaseTable
    """
    params = dict(params or {})
    game = game_of(subject)
    if analysis is None or analysis.symbolic_rest_points is None:
        analysis = analyze(subject, params, symbolic=True, budget=budget, dynamics=dynamics)
    if not analysis.symbolic_rest_points:
        raise AnalysisError(f"no rest point was solved with symbolic parameters under {analysis.dynamics}: the "
                            "cases need the symbolic stability conditions")
    names, lo, hi = _box(game, analysis.values, params)
    model = _Model(game, analysis, names, params)
    rng = np.random.default_rng(seed)
    X = lo + _halton(samples, len(names), rng) * (hi - lo)
    X = np.vstack([X, model.refine(X, lo, hi, rng)])
    A, F = model.atoms_at(X), model.flags_at(X)
    relevant = [k for k in range(len(model.points)) if F[k].any() and not F[k].all()]
    model.choose(A, relevant)
    notes = list(model.notes)
    inside = ~model.on_boundary(A)
    patterns, stable_sets = model.patterns(A[:, inside]), _stable_sets(F[:, inside])
    found = _merged(patterns, stable_sets, notes)
    cases_ = []
    for number, (cubes, stable, members) in enumerate(found, start=1):
        witness = model.witness(X[inside][members], A[:, inside][:, members], cubes, lo, hi)
        named = model.analysed(witness)
        cases_.append(Case(number, cubes, tuple(model.points[k]["name"] for k in stable),
                           dict(zip(names, map(float, witness))), named, int(len(members))))
    table = CaseTable(game, analysis.dynamics, {n: (float(a), float(b)) for n, a, b in zip(names, lo, hi)},
                      {n: float(v) for n, v in analysis.values.items() if n not in names}, tuple(model.atoms),
                      tuple(cases_), {p["name"]: p["label"] for p in model.points}, model.settled(F), samples,
                      seed, None, tuple(notes), {p["name"]: p["support"] for p in model.points},
                      _ess(game, analysis.dynamics))
    if check and names:   # without a box there is one point, the witness
        table = model.checked(table, lo + rng.random((check, len(names))) * (hi - lo), confirm, rng)
    return table


def _ess(game, dynamics: str) -> bool:
    """Whether asymptotically stable rest points are the ESSs: under the replicator, in a game of several
    populations with multilinear payoffs (strict equilibria) or of two strategies per population."""
    from ..dynamics import derive
    if dynamics != "replicator":
        return False
    if len(game.populations) > 1:
        return derive(game, dynamics).payoffs_multilinear()
    return all(p.n == 2 for p in game.populations)


def _box(game, values, fixed) -> tuple[list, np.ndarray, np.ndarray]:
    """The parameters that vary (declared range of positive width, not set, not structural) and their ends."""
    structural = structural_parameters(game)
    names = [n for n, p in game.parameters.items()
             if p.range is not None and p.range[0] < p.range[1] and n not in fixed and n not in structural
             and not p.integer]
    lo = np.array([float(game.parameters[n].range[0]) for n in names])
    hi = np.array([float(game.parameters[n].range[1]) for n in names])
    return names, lo, hi


def _primes(count: int) -> list[int]:
    out, k = [], 2
    while len(out) < count:
        if all(k % p for p in out):
            out.append(k)
        k += 1
    return out


def _halton(n: int, d: int, rng) -> np.ndarray:
    """``n`` points of the unit cube ``[0, 1)^d``: a Halton sequence with a random shift (Cranley--Patterson)."""
    index = np.arange(1, n + 1)
    out = np.zeros((n, d))
    for j, base in enumerate(_primes(d)):
        i, f = index.copy(), 1.0 / base
        while np.any(i > 0):
            out[:, j] += f * (i % base)
            i //= base
            f /= base
    return (out + rng.random(d)) % 1.0


def _stable_sets(F: np.ndarray) -> list[tuple]:
    """Per sample, the indices of the rest points that are asymptotically stable there."""
    return [tuple(np.nonzero(F[:, n])[0]) for n in range(F.shape[1])]


def _merged(patterns: np.ndarray, stable_sets: list, notes: list) -> list:
    """``(cubes, stable set, sample indices)`` per case, one case per stable set, in E order.

    A cube is a tuple of ``(atom, sign)``; a case's condition is the disjunction of its cubes.  Each
    pattern (the signs at a sample) belongs to the stable set it has; a sign is dropped from a cube when
    no pattern of another stable set has the cube's remaining signs (so cases stay disjoint on every
    pattern seen), and the fewest cubes that cover the case's patterns are kept.
    """
    if patterns.shape[0] == 0:
        return []
    unique, inverse = np.unique(patterns, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    owner = {}
    for u in range(len(unique)):
        sets = [stable_sets[i] for i in np.nonzero(inverse == u)[0]]
        best = max(set(sets), key=sets.count)
        if len(set(sets)) > 1:
            notes.append(f"{len(sets) - sets.count(best)} samples with the signs of another case's samples but "
                         "another stable set (the signs do not decide it there)")
        owner[u] = best
    out = []
    for stable in sorted(set(owner.values()), key=lambda s: (not s, s)):
        mine = [u for u in owner if owner[u] == stable]
        others = unique[[u for u in owner if owner[u] != stable]]
        cubes = _cover([_expanded(unique[u], others) for u in mine], unique[mine])
        members = np.nonzero(np.isin(inverse, mine))[0]
        out.append((tuple(cubes), stable, members))
    return out


def _expanded(pattern: np.ndarray, others: np.ndarray) -> tuple:
    """The pattern's signs, less every sign whose removal keeps the cube free of ``others``' patterns."""
    kept = list(range(len(pattern)))
    for j in reversed(range(len(pattern))):
        trial = [i for i in kept if i != j]
        if not len(others) or not np.any(np.all(others[:, trial] == pattern[trial], axis=1)):
            kept = trial
    return tuple((int(j), int(pattern[j])) for j in kept)


def _cover(cubes: list, minterms: np.ndarray) -> list:
    """The fewest of ``cubes`` (greedily) that hold every one of ``minterms``; in atom order."""
    def holds(cube):
        return {m for m in range(len(minterms)) if all(minterms[m][j] == s for j, s in cube)}

    candidates = {cube: holds(cube) for cube in set(cubes)}
    left, chosen = set(range(len(minterms))), []
    while left:
        cube = max(candidates, key=lambda c: (len(candidates[c] & left), -len(c), [(-j, -s) for j, s in c]))
        chosen.append(cube)
        left -= candidates[cube]
    return sorted(chosen, key=lambda c: [(j, -s) for j, s in c])


class _Model:
    """The rest points' stability as compiled functions on the box, and the atoms that decide it."""

    def __init__(self, game, analysis, names, fixed):
        self.game, self.names, self.fixed_params, self.dynamics = game, names, fixed, analysis.dynamics
        symbols = [game.parameters[n].symbol for n in names]
        self.symbols = symbols
        outside = {game.parameters[n].symbol: exact(v) for n, v in analysis.values.items() if n not in names}
        ranges = {s: (exact(game.parameters[n].range[0]), exact(game.parameters[n].range[1]))
                  for n, s in zip(names, symbols)}
        self.points, atoms, self.notes = [], [], []
        for sp in analysis.symbolic_rest_points:
            condition = sympy.And(sp["condition"], *sp.get("existence", ())).xreplace(outside)
            _, verdict = st.within_ranges(condition, ranges) if condition not in (sympy.true, sympy.false) \
                else (condition, None)
            constant = sympy.false if verdict == st.NEVER else sympy.true if verdict == st.ALWAYS else None
            if condition in (sympy.true, sympy.false):
                constant = condition
            own = [] if constant is not None else _factors(condition)
            index = []
            for f in own:
                match = next((i for i, a in enumerate(atoms) if a == f or a == -f), None)
                if match is None:
                    atoms.append(f)
                    match = len(atoms) - 1
                index.append(match)
            self.points.append({
                "name": sp.get("name", ""), "support": sp["support"], "label": _label(game, sp["support"]),
                "constant": constant, "atoms": index,
                "stable": None if constant is not None else sympy.lambdify(symbols, condition, modules="numpy"),
                "state": None if sp.get("state") is None else
                sympy.lambdify(symbols, [v.xreplace(outside) for v in sp["state"]], modules="numpy")})
        self.all_atoms = atoms
        self.compiled = [sympy.lambdify(symbols, a, modules="numpy") for a in atoms]
        self.chosen = list(range(len(atoms)))
        self.atoms: list = []
        self.scale = np.ones(len(atoms))
        if any("no symbolic solution" in n for n in analysis.notes):
            self.notes.append("a rest point found at the values has no symbolic solution (its face was solved "
                              "numerically): the cases leave it out; a witness where analyze finds it stable "
                              "says so in its cell")

    # -- evaluation ----------------------------------------------------------------------------

    def atoms_at(self, X: np.ndarray) -> np.ndarray:
        """Every atom at every row of ``X``: ``(atoms, samples)`` (NaN where undefined)."""
        cols = list(X.T)
        with np.errstate(all="ignore"):
            return np.array([np.broadcast_to(np.asarray(f(*cols), dtype=float), len(X)) for f in self.compiled]
                            ).reshape(len(self.compiled), len(X))

    def flags_at(self, X: np.ndarray) -> np.ndarray:
        """Whether each rest point is asymptotically stable at each row of ``X``: ``(points, samples)``."""
        cols = list(X.T)
        out = np.zeros((len(self.points), len(X)), dtype=bool)
        with np.errstate(all="ignore"):
            for k, p in enumerate(self.points):
                value = bool(p["constant"]) if p["stable"] is None else p["stable"](*cols)
                out[k] = np.broadcast_to(np.asarray(value, dtype=bool), len(X))
        return out

    def refine(self, X, lo, hi, rng) -> np.ndarray:
        """Pairs of points either side of each atom's zero set, where it crosses the box between samples."""
        A = self.atoms_at(X)
        extra = []
        for j in range(len(self.compiled)):
            pos, neg = np.nonzero(A[j] > 0)[0], np.nonzero(A[j] < 0)[0]
            if not len(pos) or not len(neg):
                continue
            a, b = X[rng.choice(pos, REFINE_PAIRS)], X[rng.choice(neg, REFINE_PAIRS)]
            for _ in range(REFINE_STEPS):
                mid = 0.5 * (a + b)
                with np.errstate(all="ignore"):
                    value = np.asarray(self.compiled[j](*mid.T), dtype=float)
                up = value > 0
                a = np.where(up[:, None], mid, a)
                b = np.where(up[:, None], b, mid)
            extra += [a, b]
        return np.clip(np.vstack(extra), lo, hi) if extra else np.zeros((0, len(lo)))

    def choose(self, A: np.ndarray, relevant: list) -> None:
        """Keep the atoms of the rest points whose stability changes that take both signs in the samples."""
        used = sorted({j for k in relevant for j in self.points[k]["atoms"]})
        self.chosen = [j for j in used if np.nanmax(A[j]) > 0 > np.nanmin(A[j])]
        self.scale = np.array([max(np.nanmax(np.abs(A[j])), 1e-300) for j in self.chosen])
        self.atoms = [Atom(f"h{i}", self.all_atoms[j], tuple(p["name"] for p in self.points
                                                            if j in p["atoms"]))
                      for i, j in enumerate(self.chosen, start=1)]

    def on_boundary(self, A: np.ndarray) -> np.ndarray:
        """Samples where a chosen atom is (numerically) zero or undefined."""
        if not self.chosen:
            return np.zeros(A.shape[1], dtype=bool)
        sub = np.abs(A[self.chosen]) / self.scale[:, None]
        return np.any(~np.isfinite(sub) | (sub <= BOUNDARY_RTOL), axis=0)

    def patterns(self, A: np.ndarray) -> np.ndarray:
        """The chosen atoms' signs, ``(samples, atoms)`` of +-1."""
        return np.sign(A[self.chosen]).T.astype(np.int8).reshape(A.shape[1], len(self.chosen))

    def margin(self, A: np.ndarray) -> np.ndarray:
        """The normalised distance of each sample from the nearest boundary (inf without atoms)."""
        if not self.chosen:
            return np.full(A.shape[1], np.inf)
        return np.nan_to_num(np.min(np.abs(A[self.chosen]) / self.scale[:, None], axis=0), nan=0.0)

    # -- witnesses and checks ------------------------------------------------------------------

    def witness(self, X: np.ndarray, A: np.ndarray, cubes, lo, hi) -> np.ndarray:
        """A point of the case: its best sample pulled towards the defaults, then rounded, inside the box.

        Every step keeps the point in the case (``cubes``), at least :data:`WITNESS_MARGIN` from every
        boundary, with the same stable set; a rounded value stays off the box's ends (unless a default is there).
        """
        defaults = np.array([float(self.game.parameters[n].value) for n in self.names])
        margin = self.margin(A)
        # well inside the case (a quarter of the best margin), and of those the nearest to the defaults
        near = np.nonzero(margin >= 0.25 * margin.max())[0]
        distance = np.sum(((X[near] - defaults) / np.maximum(hi - lo, 1e-300)) ** 2, axis=1)
        best = X[near[int(np.argmin(distance))]]
        stable = _stable_sets(self.flags_at(best[None]))[0]
        case = Case(0, cubes, (), {}, (), 0)

        def same(x):
            a = self.atoms_at(x[None])
            return (self.margin(a)[0] >= WITNESS_MARGIN and case.holds(self.patterns(a)[0])
                    and _stable_sets(self.flags_at(x[None]))[0] == stable)

        if same(defaults):
            return defaults
        x = best.copy()
        for _ in range(2):        # towards the defaults, one parameter at a time (twice: one move frees another)
            for i in range(len(x)):
                trial = x.copy()
                trial[i] = defaults[i]
                if x[i] != defaults[i] and same(trial):
                    x = trial
        for i in range(len(x)):   # round what is left to a few digits, off the box's ends
            if x[i] == defaults[i]:
                continue
            for digits in range(0, 4):
                trial = x.copy()
                trial[i] = round(float(x[i]), digits)
                if lo[i] < trial[i] < hi[i] and same(trial):
                    x = trial
                    break
        return x

    def rounded(self, x: np.ndarray, case) -> np.ndarray:
        """``x`` to 4 significant digits when that keeps it in ``case`` with its stable set (exact solving
        is faster with short rationals), else ``x``."""
        r = np.array([float(f"{v:.4g}") for v in x])
        a, stable = self.atoms_at(np.vstack([x, r])), _stable_sets(self.flags_at(np.vstack([x, r])))
        ends = np.array([self.game.parameters[n].range for n in self.names], dtype=float).reshape(len(x), 2)
        keep = (bool(np.all((ends[:, 0] <= r) & (r <= ends[:, 1]))) and self.margin(a)[1] > BOUNDARY_RTOL
                and case.holds(self.patterns(a)[1]) and stable[0] == stable[1])
        return r if keep else x

    def analysed(self, x: np.ndarray) -> tuple:
        """The E-names of the rest points :func:`analyze` finds asymptotically stable at ``x``."""
        values = {**self.fixed_params, **dict(zip(self.names, map(float, x)))}
        found = analyze(self.game, values, dynamics=self.dynamics)
        names = []
        for p in found.stable:
            match = [q["name"] for q in self.points if q["support"] == p.support and q["state"] is not None
                     and np.allclose(np.asarray(q["state"](*x), dtype=float), p.state, atol=1e-7)]
            names.append(match[0] if match else p.label)
        return tuple(sorted(names, key=_e_order))

    def settled(self, F: np.ndarray) -> dict:
        """The rest points whose stability does not change in the box: never or always stable."""
        never = tuple(p["name"] for k, p in enumerate(self.points) if not F[k].any())
        always = tuple(p["name"] for k, p in enumerate(self.points) if F[k].all())
        return {"never": never, "always": always}

    def checked(self, table: CaseTable, X: np.ndarray, confirm: int, rng) -> CaseTable:
        """The table with its coverage check on the points ``X`` (and ``analyze`` at ``confirm`` of them)."""
        A, F = self.atoms_at(X), self.flags_at(X)
        boundary = self.on_boundary(A)
        patterns, stable_sets = self.patterns(A), _stable_sets(F)
        outside, overlaps, wrong, holding = [], 0, [], []
        for n in range(len(X)):
            if boundary[n]:
                continue
            held = [c for c in table.cases if c.holds(patterns[n])]
            if not held:
                outside.append(dict(zip(self.names, map(float, X[n]))))
            elif len(held) > 1:
                overlaps += 1
            elif held[0].stable != tuple(self.points[k]["name"] for k in stable_sets[n]):
                wrong.append(dict(zip(self.names, map(float, X[n]))))
            else:
                holding.append((n, held[0]))
        confirmed = []
        for i in (rng.choice(len(holding), min(confirm, len(holding)), replace=False) if holding else ()):
            n, case = holding[int(i)]
            x = self.rounded(X[n], case)
            if self.analysed(x) != case.stable:
                wrong.append(dict(zip(self.names, map(float, x))))
            confirmed.append(n)
        check = Check(len(X), int(boundary.sum()), tuple(outside), overlaps, tuple(wrong), len(confirmed))
        return replace(table, check=check)


def _factors(condition) -> list:
    """The irreducible factors of odd multiplicity (sign normalised) of every inequality in ``condition``."""
    out = []
    for rel in condition.atoms(sympy.core.relational.Relational):
        num, den = sympy.fraction(sympy.together(rel.lhs - rel.rhs))
        for part in (num, den):
            try:
                _, factors = sympy.factor_list(part)
            except (sympy.PolynomialError, NotImplementedError):
                factors = [(part, 1)]
            for f, mult in factors:
                if mult % 2 == 0 or not f.free_symbols:
                    continue
                f = -f if f.could_extract_minus_sign() else f
                if not any(f == g or f == -g for g in out):
                    out.append(f)
    return sorted(out, key=sympy.default_sort_key)


def _label(game, support) -> str:
    from ..game.faces import face_label
    return face_label(game, support)


def _e_order(name: str):
    return (0, int(name[1:])) if name[:1] == "E" and name[1:].isdigit() else (1, name)
