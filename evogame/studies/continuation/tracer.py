"""Branches from start points: trace both ways, turn steps into points, recognise covered starts."""
from __future__ import annotations

import numpy as np

from ...solvers import stability as st
from ...game.faces import face_label
from ...game.model import Game
from ...solvers.arclength import Curve, Settings, Step, at_parameter, trace
from .branch import Branch, Point, SpecialPoint, snapped
from .events import BOUNDARY, EXCHANGE, HOPF, LABELS, detect
from .lyapunov import first_lyapunov_coefficient
from ...solvers.continuation_system import ContinuationSystem, face_of

__all__ = ["Tracer"]

#: a start point within this distance (max norm) of a branch's point at the same parameter is on it
SAME_POINT = 1e-7


class Tracer:
    """Builds the branches of one continuation (see :func:`~evogame.studies.continuation.continue_rest_points`)."""

    def __init__(self, game: Game, system: ContinuationSystem, interval: tuple, rtol: float, settings: Settings,
                 invariant: bool):
        self.game, self.system, self.rtol, self.settings = game, system, rtol, settings
        self.lo, self.hi = interval
        self.invariant = invariant
        self.branches: list[Branch] = []
        self._curves: dict = {}
        self.notes: list[str] = []

    def curve(self, support) -> Curve:
        face = face_of(self.game, support, self.invariant)
        if face.support not in self._curves:
            self._curves[face.support] = Curve(self.system, face, self.lo, self.hi - self.lo)
        return self._curves[face.support]

    def covered(self, support, state, lam: float) -> bool:
        """Whether the rest point ``state`` at ``lam`` lies on a branch already traced."""
        curve = self.curve(support)
        mu = curve.mu(lam)
        for branch in self.branches:
            if branch.support != curve.face.support:
                continue
            par, states = branch.parameters, branch.states
            for k in range(len(par) - 1):
                a, b = par[k], par[k + 1]
                if not min(a, b) - 1e-12 <= lam <= max(a, b) + 1e-12:
                    continue
                w = 0.0 if a == b else (lam - a) / (b - a)
                guess = np.append(curve.face.coordinates(states[k] + w * (states[k + 1] - states[k])), mu)
                u = at_parameter(curve, guess, mu, self.settings)
                near = u if u is not None else guess
                if np.max(np.abs(curve.state(near) - state), initial=0.0) <= max(SAME_POINT, 1e-3 * (u is None)):
                    return True
        return False

    def start(self, support, state, lam: float, origin: str, directions=(1.0, -1.0)) -> Branch | None:
        """Trace a branch through the rest point ``state`` at ``lam``; None when it is already covered."""
        if self.covered(support, state, lam):
            return None
        curve = self.curve(support)
        u0 = np.append(curve.face.coordinates(state), curve.mu(lam))
        u0 = at_parameter(curve, u0, curve.mu(lam), self.settings)
        if u0 is None:
            self.notes.append(f"{origin}: Newton on the face did not converge at the start; not continued")
            return None
        index = len(self.branches) + 1
        traced = []
        for direction in directions:
            try:
                steps, why = trace(curve, u0, direction, self.settings,
                                   lambda a, b: detect(curve, a, b, self.settings, self.rtol))
            except np.linalg.LinAlgError:
                self.notes.append(f"{origin}: singular at the start (a bifurcation point); not continued")
                return None
            if why == "stopped":
                why = "boundary (leaves the state space)"
            traced.append((steps, why))
        steps, ends = self._joined(traced, lam)
        for s in steps:
            if s.kind == HOPF and not self._has_imaginary_pair(curve, s):
                s.kind = ""      # a neutral saddle (real eigenvalues +-a): not a bifurcation
            if s.kind == BOUNDARY and curve.face.invariant:
                self._on_smaller_face(curve, s)
                if "note" in s.info:
                    self._on_continuum(curve, s)
        # a boundary no method could place on a rest point is left out: every point of a branch is a rest point
        unplaced = [s for s in steps if s.kind == BOUNDARY and "note" in s.info
                    and np.max(np.abs(curve.full_residual(s.u))) > self.settings.residual]
        if unplaced:
            steps = [s for s in steps if all(s is not u for u in unplaced)]
            self.notes.append(f"branch {index}: where it leaves the state space the rest points are singular "
                              "(no point located there); it ends at its last step")
        points = [self._point(curve, s) for s in steps]
        branch = Branch(index, face_label(self.game, curve.face.support), curve.face.support, origin, points, ends)
        branch.special = [self._special(curve, s, p, index) for s, p in zip(steps, points)
                          if p.kind in LABELS]
        self.branches.append(branch)
        return branch

    def _joined(self, traced, lam):
        """One list of steps in arc order from one or two traces from the same start."""
        if len(traced) == 1:
            steps, why = traced[0]
            return steps, (f"start at {lam:.10g}", why)
        (fwd, why_f), (bwd, why_b) = traced
        start = fwd[0]
        start.kind = ""
        return list(reversed(bwd[1:])) + fwd, (why_b, why_f)

    def _on_smaller_face(self, curve: Curve, step: Step) -> None:
        """Refine a boundary point: the rest point of the smaller face where an invasion rate vanishes.

        Where the branch leaves the state space it crosses the smaller face's branch (transcritical), so
        the corrector on this face is singular there; on the smaller face the point is regular, and
        ``det`` of the transverse block, a smooth function of the parameter, vanishes there (secant).
        """
        support = curve.face.without(step.info["share"])
        if support is None:
            return
        small = self.curve(support)
        guess = np.append(small.face.coordinates(curve.state(step.u)), step.u[-1])

        def phi(mu):
            u = at_parameter(small, guess, mu, self.settings)
            if u is None:
                return None, None
            J = self.system.jacobian(small.state(u), small.lam(u))
            return float(np.real(np.prod(small.face.transverse(J)))), u

        a, b = step.u[-1], step.u[-1] + 1e-7
        fa, _ = phi(a)
        fb, u = phi(b)
        for _ in range(50):
            if fa is None or fb is None or fa == fb:
                return
            a, b, fa = b, b - fb * (b - a) / (fb - fa), fb
            fb, u = phi(b)
            if abs(b - a) <= 1e-15 * max(1.0, abs(b)):
                break
        # the crossing lies within the step (the step's end may have landed on the smaller face's branch)
        origin, reach = step.info.get("reach", (step.u[-1], 0.0))
        if u is None or abs(b - origin) > reach + 1e-9:
            return
        step.u = np.append(curve.face.coordinates(small.state(u)), b)
        step.info.pop("note", None)

    def _on_continuum(self, curve: Curve, step: Step) -> None:
        """A boundary on a face that is a continuum of rest points at one value (a degenerate crossing, as in
        bimatrix games): that value is where a traced corner's invasion rate vanishes (an exchange of
        stability); there the secant's point, projected onto the smaller face, is a rest point."""
        support = curve.face.without(step.info["share"])
        origin, reach = step.info.get("reach", (step.u[-1], 0.0))
        values = [s.parameter for b in self.branches for s in b.special if s.kind == EXCHANGE]
        near = [curve.mu(v) for v in values if abs(curve.mu(v) - origin) <= reach + 1e-9]
        if support is None or not near:
            return
        small = self.curve(support).face
        mu = min(near, key=lambda m: abs(m - step.u[-1]))
        u = np.append(curve.face.coordinates(small.state(small.coordinates(curve.state(step.u)))), mu)
        if np.max(np.abs(curve.full_residual(u))) <= self.settings.residual:
            step.u = u
            step.info["note"] = f"continuum on {face_label(self.game, support)}"

    def _has_imaginary_pair(self, curve: Curve, step: Step) -> bool:
        J = self.system.jacobian(curve.state(step.u), curve.lam(step.u))
        ev = np.linalg.eigvals(J)
        tol = st.tolerance(J, self.rtol)
        return bool(np.any((np.abs(ev.real) <= 1e-6 * max(1.0, np.abs(J).max())) & (ev.imag > tol)))

    def _point(self, curve: Curve, step: Step) -> Point:
        x, lam = snapped(curve.state(step.u)), curve.lam(step.u)     # a boundary point exactly on its face
        J = self.system.jacobian(x, lam)
        ev = st.eigenvalues(J)
        tol = st.tolerance(J, self.rtol)
        residual = float(np.max(np.abs(curve.full_residual(step.u)), initial=0.0))
        return Point(lam, x, ev, st.classify(ev, tol), tol, residual, step.kind)

    def _special(self, curve: Curve, step: Step, point: Point, index: int) -> SpecialPoint:
        special = SpecialPoint(step.kind, LABELS[step.kind], index, point.parameter, point,
                               note=step.info.get("note", ""))
        if step.kind == HOPF:
            x, lam = point.state, point.parameter
            try:
                special.hopf = first_lyapunov_coefficient(self.system.jacobian(x, lam), self.system.second(x, lam),
                                                          self.system.third(x, lam))
            except (ValueError, np.linalg.LinAlgError) as exc:
                special.note = f"no first Lyapunov coefficient: {exc}"
        return special
