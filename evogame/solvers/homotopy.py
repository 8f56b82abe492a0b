"""Rest points of the perturbed dynamics (mutation, logit) by homotopy from the replicator's.

Multistart Newton finds the rest points its starts happen to reach; a homotopy finds those joined by
a branch to the unperturbed problem, whose rest points are known face by face (exactly, as ``analyze``
finds them).  Each branch is followed with the pseudo-arclength machinery of :mod:`.arclength` (exact
derivatives, step control, folds passed: a branch that turns back is followed through the turn), and
every branch that reaches the asked value gives a rest point there.  Multistart stays as a second net
(for branches born in a fold between the two ends, or closed loops); each point's ``method`` says where
it came from.

Mutation.  With ``Q(t) = (1 - t) I + t Q`` the field is linear in ``Q``, so the homotopy field is

    H(x, t) = (1 - t) F_rep(x) + t F_mut(x),     t in [0, 1],

i.e. uniform mutation at rate ``t mu`` (or the matrix mixed with the identity).  At ``t = 0`` it is the
replicator: every rest point on every face is a start.  With positive payoffs and every strategy
re-created no rest point lies on the boundary for ``t > 0`` (an unused strategy would gain
``sum_j x_j f_j Q_ji > 0``), so a branch inside the state space at ``t = 1``, followed back, stays in
the compact state space and reaches ``t = 0`` (at a replicator rest point) unless both its ends lie at
``t = 1`` or it is a closed loop.

Logit.  Continued in ``s = log(eta)`` (not in ``eta``: the branches change on the scale of ``eta``
itself, from ``eta0`` to the asked value over decades; nor in the inverse temperature from 0, whose
only start, the centre, gives only the principal branch of the quantal response correspondence).
Start: as ``eta -> 0`` logit equilibria converge to Nash equilibria (McKelvey & Palfrey 1995), and a
regular Nash equilibrium has exactly one logit branch through it for small ``eta``; so every Nash
equilibrium among the replicator's rest points (no unused strategy earns more than the used ones) is
a start at ``eta0 = span / 300`` (``span`` the range of the payoffs over the pure profiles: the largest
exponent of the choice probabilities stays below 300, far from overflow), solved there by Newton
from the equilibrium, and continued up to the asked ``eta``.  If the asked ``eta`` is below ``eta0``
the Newton solutions at the asked value itself are the points.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import sympy

from ..game.faces import Candidate, SupportOnly, face_label
from ..game.state_space import onto_simplices
from .restpoints import find_rest_points
from .arclength import Curve, Settings, at_parameter, trace
from .continuation_system import face_of

__all__ = ["by_homotopy", "homotopy_rest_points", "HomotopyResult", "PerturbedSystem"]

#: two points closer than this (max norm, reduced coordinates) are the same rest point
SAME_POINT = 1e-7
#: the largest payoff difference over ``eta`` at the logit start
LOGIT_START_EXPONENT = 300.0
#: a computed share above this negative number counts as in the state space (round-off)
SHARE_TOL = -1e-12


@dataclass(frozen=True)
class HomotopyResult:
    """The rest points the homotopy reached and what it says about them.

    Attributes
    ----------
    candidates : the rest points at the asked value, each ``method`` naming its start.
    starts : how many branches were started.
    notes : what was skipped (a start Newton could not place, a continuum of unperturbed rest points).
    """

    candidates: list
    starts: int
    notes: list


class PerturbedSystem:
    """The homotopy field ``H(z, h)`` of the mutator (``h = t``) or the logit dynamics (``h = log eta``).

    ``(H, H_z, H_h)`` come from the payoffs and their Jacobian (polynomials, compiled once) by the
    chain rule: no symbolic derivative of the perturbed field, and the logit choice probabilities are a
    softmax shifted by its largest exponent (no overflow however small ``eta``).  Per population, with
    full shares ``x``, payoffs ``f``, ``x_z`` the derivative of the full shares in the reduced ones:

    * mutation, ``w = x * f``: ``H = Q(t)^T w - x sum(w)`` with ``Q(t) = (1 - t) I + t Q``,
      ``H_t = (Q - I)^T w``;
    * logit, ``p = softmax(f / eta)``: ``H = p - x``, ``H_z = (diag p - p p^T) f_z / eta - x_z``,
      ``H_s = -(diag p - p p^T) f / eta``.

    Rows: every strategy but each population's last (the reduced coordinates).  The interface is the one
    :class:`~evogame.solvers.arclength.Curve` reads (``field``, ``jacobian``, ``dlam``).
    """

    def __init__(self, game, fitness, mutation=None):
        X = list(game.variables)
        flat = [f for fp in fitness for f in fp]
        self._f = sympy.lambdify(X, flat, modules="numpy")
        self._df = sympy.lambdify(X, sympy.Matrix(flat).jacobian(X), modules="numpy")
        self.dimension = d = len(X)
        self.mutation = None if mutation is None else [np.array(Q, dtype=float) for Q in mutation]
        self.blocks = []
        offset = 0
        for sl, pop in zip(game.slices(), game.populations):
            dx = np.zeros((pop.n, d))      # the last share is 1 - the sum of the others
            dx[np.arange(pop.n - 1), np.arange(sl.start, sl.stop)] = 1.0
            dx[pop.n - 1, sl] = -1.0
            self.blocks.append((sl, slice(offset, offset + pop.n), dx))
            offset += pop.n
        self._last: tuple = (None, None)

    def derivatives(self, z: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(H, H_z, H_h)`` at ``(z, h)``: shapes ``(d,)``, ``(d, d)``, ``(d,)`` (the last point is kept)."""
        key = (tuple(float(v) for v in z), float(h))
        if self._last[0] == key:
            return self._last[1]
        z = np.asarray(z, dtype=float)
        f_all = np.asarray(self._f(*z), dtype=float)
        df_all = np.asarray(self._df(*z), dtype=float).reshape(len(f_all), self.dimension)
        parts = [self._block(p, z, f_all, df_all, float(h)) for p in range(len(self.blocks))]
        out = (np.concatenate([g for g, _, _ in parts]),
               np.vstack([gz for _, gz, _ in parts]).reshape(self.dimension, self.dimension),
               np.concatenate([gh for _, _, gh in parts]))
        self._last = (key, out)
        return out

    def _block(self, p: int, z, f_all, df_all, h: float):
        sl, rows, dx = self.blocks[p]
        x = np.append(z[sl], 1.0 - z[sl].sum())
        f, df = f_all[rows], df_all[rows]
        if self.mutation is not None:
            Q, eye = self.mutation[p], np.eye(len(x))
            Qt = (1.0 - h) * eye + h * Q
            w, dw = x * f, f[:, None] * dx + x[:, None] * df
            g = Qt.T @ w - x * w.sum()
            gz = Qt.T @ dw - dx * w.sum() - x[:, None] * dw.sum(axis=0)
            gh = (Q - eye).T @ w
        else:
            eta = np.exp(h)
            v = f / eta
            e = np.exp(v - v.max())
            prob = e / e.sum()
            S = np.diag(prob) - np.outer(prob, prob)
            g, gz, gh = prob - x, S @ df / eta - dx, -S @ f / eta
        return g[:-1], gz[:-1], gh[:-1]

    def field(self, z, h):
        return self.derivatives(z, h)[0]

    def jacobian(self, z, h):
        return self.derivatives(z, h)[1]

    def dlam(self, z, h):
        return self.derivatives(z, h)[2]


def _named(game, candidates) -> list[tuple[str, np.ndarray, tuple]]:
    """``(name, state, support)`` of the replicator's rest points, named ``E1, E2, ...`` as ``analyze`` names them."""
    order = sorted(candidates, key=lambda c: (sum(len(S) for S in c.face.support),
                                              tuple(tuple(S) for S in c.face.support), tuple(np.round(c.state, 12))))
    return [(f"E{k} {face_label(game, c.face.support)}", np.asarray(c.state, dtype=float), c.face.support)
            for k, c in enumerate(order, start=1)]


def _pure_payoffs(system: PerturbedSystem, game) -> np.ndarray:
    """Every payoff at every pure profile (their range sets the logit start)."""
    values = []
    for profile in itertools.product(*[range(pop.n) for pop in game.populations]):
        z = np.zeros(system.dimension)
        for sl, pop, i in zip(game.slices(), game.populations, profile):
            if i < pop.n - 1:
                z[sl.start + i] = 1.0
        values.extend(np.asarray(system._f(*z), dtype=float))
    return np.array(values)


def _is_nash(system: PerturbedSystem, state, support, tol=1e-9) -> bool:
    """Whether no unused strategy earns more than the used ones (the replicator's rest point is Nash)."""
    f_all = np.asarray(system._f(*np.asarray(state, dtype=float)), dtype=float)
    for (_, rows, _), used in zip(system.blocks, support):
        f = f_all[rows]
        if f.max() > f[list(used)].max() + tol * max(1.0, np.abs(f).max()):
            return False
    return True


def _setup(dyn, fitness, starts):
    """``(system, lo, hi, starts, where)`` of the homotopy of ``dyn`` (mutator or logit)."""
    game = dyn.game
    if dyn.name == "mutator":
        system = PerturbedSystem(game, fitness, dyn.mutation)
        return system, 0.0, 1.0, [(n, x, 0.0) for n, x, _ in starts], "at mu = 0"
    system = PerturbedSystem(game, fitness)
    payoffs = _pure_payoffs(system, game)
    span = float(payoffs.max() - payoffs.min()) or 1.0
    lo, hi = float(np.log(span / LOGIT_START_EXPONENT)), float(np.log(float(dyn.eta)))
    lo = min(lo, hi)
    nash = [(n, x, lo) for n, x, S in starts if _is_nash(system, x, S)]
    return system, lo, hi, nash, "(Nash) at eta -> 0"


def homotopy_rest_points(dyn, fitness, *, budget=None, settings: Settings = None) -> HomotopyResult:
    """The rest points of ``dyn`` (mutator or logit) with payoffs ``fitness`` reached by homotopy.

    Parameters
    ----------
    dyn : a :class:`~evogame.dynamics.Mutator` or :class:`~evogame.dynamics.Logit`.
    fitness : the payoffs with numbers substituted for the parameters (per population, per strategy).
    budget : seconds allowed to sympy per face when the replicator's rest points are found.
    settings : the continuation's step control (default :data:`SETTINGS`).

    Returns
    -------
    HomotopyResult
        One candidate per branch that reaches the asked value (see the module docstring).
    """
    game, settings = dyn.game, settings or SETTINGS
    replicator, continua, _ = find_rest_points(game, fitness, budget=budget)
    notes = []
    if continua:
        notes.append(f"{dyn.name} homotopy: the replicator has {len(continua)} continua of rest points; "
                     "branches from them are not followed (multistart covers them)")
    system, lo, hi, starts, where = _setup(dyn, fitness, _named(game, replicator))
    newton_only = hi <= lo      # the asked eta is the start's: Newton at the asked value only
    curve = Curve(system, face_of(game, None, invariant=False), lo, 1.0 if newton_only else hi - lo)
    watch = _leaving(curve) if dyn.name == "mutator" and _positive_payoffs(game, fitness, system) else _never
    found, ends = [], []
    for name, state, at in starts:
        u0 = at_parameter(curve, np.append(curve.face.coordinates(state), curve.mu(at)), curve.mu(at), settings)
        if u0 is None:
            notes.append(f"{dyn.name} homotopy: Newton did not place the start from {name}; not continued")
            continue
        if any(np.max(np.abs(curve.state(u0) - e)) <= SAME_POINT for e in ends):
            continue     # the far end of a branch already followed
        reached = u0 if newton_only else _follow(curve, u0, settings, watch, ends)
        if isinstance(reached, str):
            notes.append(f"{dyn.name} homotopy: {reached} at the start {name}; not continued")
        elif reached is not None and _accepted(curve, reached, found, settings):
            found.append(Candidate(SupportOnly(tuple(tuple(range(pop.n)) for pop in game.populations)),
                                   onto_simplices(game, curve.state(reached)),
                                   method=f"numeric (homotopy from {name} {where})"))
    return HomotopyResult(found, len(starts), notes)


#: the homotopy's step control: steps of 0.02 to 0.08 of the interval, Newton to 1e-11 on the way (the end
#: point is solved at the asked value to the residual 1e-10 every rest point meets), at most 1000 steps
SETTINGS = Settings(initial_step=0.02, max_step=0.08, tol=1e-11, max_points=1000)


def _never(previous, new):
    return [], False


def _leaving(curve: Curve):
    """A watcher that stops a mutation branch once it has left the state space: with positive payoffs and
    every strategy re-created no rest point lies on the boundary for ``t > 0``, so it cannot come back."""
    def watch(previous, new):
        return [], bool(new.u[-1] > 0 and np.min(curve.face.shares(curve.state(new.u))) < -1e-9)
    return watch


def _positive_payoffs(game, fitness, system: PerturbedSystem) -> bool:
    """Whether every payoff is positive on the whole state space: affine in each population's shares (then
    its least value is at a pure profile) and positive at every pure profile."""
    for fp in fitness:
        for f in fp:
            for sl in game.slices():
                block = [v for v in game.variables[sl] if f.has(v)]
                if block and sympy.Poly(sympy.expand(f), *block).total_degree() > 1:
                    return False
    return bool(_pure_payoffs(system, game).min() > 0)


def _follow(curve: Curve, u0, settings: Settings, watch, ends: list):
    """The branch's point at the asked value (None if it turns back or leaves); a reason string if singular."""
    try:
        steps, why = trace(curve, u0, 1.0, settings, watch)
    except np.linalg.LinAlgError:
        return "singular"
    last = steps[-1].u
    if why == "interval end" and last[-1] == 0.0:
        ends.append(curve.state(last))
    return last if why == "interval end" and last[-1] == 1.0 else None


def _accepted(curve: Curve, u, found: list, settings: Settings) -> bool:
    """Whether ``u`` is a rest point in the state space not found yet."""
    x = curve.state(u)
    if np.max(np.abs(curve.full_residual(u))) > settings.residual or np.min(curve.face.shares(x)) < SHARE_TOL:
        return False
    return all(np.max(np.abs(x - c.state)) > SAME_POINT for c in found)


def by_homotopy(dyn, fitness, multistart: list, notes: list, budget=None):
    """``(candidates, [], notes)``: the homotopy's rest points, then multistart's that it did not reach.

    The hook of the mutator's and the logit's rest-point finders: ``multistart`` are the candidates
    their multistart Newton found, ``notes`` its notes.
    """
    result = homotopy_rest_points(dyn, fitness, budget=budget)
    out = list(result.candidates)
    extra = 0
    for c in multistart:
        if all(np.max(np.abs(np.asarray(c.state) - np.asarray(h.state))) > SAME_POINT for h in out):
            out.append(Candidate(c.face, c.state, c.exact_state, "numeric (multistart)", c.existence))
            extra += 1
    sources = ("the replicator's rest points (mu = 0)" if dyn.name == "mutator" else
               "the Nash equilibria among the replicator's rest points (eta -> 0)")
    note = (f"{dyn.name}: {len(result.candidates)} rest points by homotopy from {sources} ({result.starts} "
            f"branches followed; each point's method names its start), {extra} more by multistart Newton only "
            "(method 'numeric (multistart)')")
    return out, [], [*notes, note, *result.notes]
