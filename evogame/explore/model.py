"""The explorer's model: the game with every slider symbolic, printed to JavaScript for the page.

Every mechanism of the page gets a strength parameter of its own (``strength:NAME``, 0 = baseline,
1 = as described), applied in the scenario's order with :func:`~evogame.studies.mechanisms.apply_to_game`;
every parameter stays a symbol.  From that one game the engine's dynamics gives the vector field and its
Jacobian in the tangent space (:class:`~evogame.dynamics.base.Dynamics`), and :func:`~evogame.game.faces.faces`
gives each face's rest-point equations.  Each face becomes, in the page:

* a corner: its state (a constant) -- a rest point of the replicator for every parameter value;
* a face with one unknown whose equation is a polynomial: its coefficients, as functions of the parameters
  (degree <= 2 solved by the formula in the page, higher degrees by polynomial roots, as the sweep engine's
  :class:`~evogame.engine.parametric.ParametricRestPoints` does);
* a larger face: its closed-form solutions where sympy solves it within :data:`SOLVE_SECONDS` (square roots
  at most: a real root of a cubic passes through complex numbers, which the page's arithmetic has not), else
  its equations for the page's Newton solver (their Jacobian by central differences: symbolic
  derivatives of the larger faces cost more build time than they save), started from a grid of the face and from the
  points found at the previous slider values.

Under a dynamics whose rest points are not found face by face (logit, mutation, ...), the page's Newton
solver works on the whole field.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import Mapping, Sequence

import sympy

from ..dynamics import derive, structural_parameters
from ..game.faces import faces
from ..game import Parameter
from ..studies.mechanisms import apply_to_game
from ..util.timelimit import Timeout, time_limit
from .jscode import array_symbols, js_function

__all__ = ["Model", "build_model", "strength_name", "SOLVE_SECONDS"]

#: seconds of sympy.solve per face of two or more unknowns before the page's Newton solver takes it
SOLVE_SECONDS = 0.1
#: total seconds of sympy.solve per page (the page is built in under 2 s CPU)
SOLVE_TOTAL = 0.25


def strength_name(mechanism: str) -> str:
    """The parameter name of a mechanism's strength in the explorer's model."""
    return f"strength:{mechanism}"


@dataclass(frozen=True)
class Model:
    """The game of the page as JavaScript.

    Attributes
    ----------
    game : the work game (mechanisms applied with their own strength symbols).
    parameters : the parameter names in the order of the page's parameter vector ``p``.
    values : their values at the scenario's defaults (strengths 0).
    dimension : the reduced state's dimension.
    faces : per face, ``{"support", "kind", ...}`` (see the module docstring) with JavaScript sources.
    field, jacobian : JavaScript sources of ``f(z, p)`` and ``J(z, p)`` (row-major).
    dynamics : the dynamics' name; by_faces : whether the rest points are found face by face.
    """

    game: object
    parameters: tuple
    values: tuple
    dimension: int
    faces: tuple
    field: str
    jacobian: str
    dynamics: str
    by_faces: bool

    def to_js(self) -> str:
        """``{field, jacobian, faces: [...]}`` as a JavaScript object literal (functions inlined)."""
        parts = []
        for f in self.faces:
            items = [f"support:{_json(f['support'])}", f"kind:'{f['kind']}'", f"n:{f['n']}"]
            items += [f"{k}:{f[k]}" for k in ("state", "eqs", "jac", "shares", "coeffs", "closed") if f.get(k)]
            items.append(f"starts:{_json(f.get('starts', []))}")
            parts.append("{" + ",".join(items) + "}")
        return (f"{{field:{self.field},jacobian:{self.jacobian},faces:[" + ",\n".join(parts) + "]}")


def _json(v) -> str:
    import json
    return json.dumps(v, separators=(",", ":"))


def work_game(game, scenario, mechanisms: Sequence[str]):
    """The game with each mechanism applied at a strength symbol of its own (default 0)."""
    if not mechanisms:
        return game
    params = dict(game.parameters)
    for name in mechanisms:
        mech = scenario.mechanism(name)
        params[strength_name(name)] = Parameter(strength_name(name), sympy.Integer(0),
                                                f"strength of {mech.label('en')}: 0 = baseline, 1 = as described",
                                                (0.0, 1.0), "mechanism strength")
    with_strengths = replace(game, parameters=params)
    entries = [(scenario.mechanism(n), with_strengths.parameters[strength_name(n)].symbol) for n in mechanisms]
    return apply_to_game(with_strengths, entries)


def build_model(scenario, game, mechanisms: Sequence[str], dynamics: str) -> Model:
    """The page's model of ``game`` (the scenario's game with its values) with the mechanisms' strengths."""
    work = work_game(game, scenario, mechanisms)
    dyn = derive(work, dynamics)
    names = {**array_symbols(dyn.variables, "z"), **array_symbols(dyn.parameters, "p")}
    field = js_function(["z", "p"], list(dyn.vector_field), names)
    jacobian = js_function(["z", "p"], list(dyn.jacobian), names)
    by_faces = bool(dyn.face_rest_points and not dyn.nash_rest_points and dyn.field_is_symbolic)
    face_list = _faces(work, dyn, names) if by_faces else [_whole(work, dyn, names)]
    values = tuple(float(v) for v in dyn.parameter_vector(work.values()))
    return Model(work, tuple(str(s) for s in dyn.parameters), values, work.dimension, tuple(face_list), field,
                 jacobian, dyn.spec, by_faces)


def _faces(work, dyn, names) -> list[dict]:
    budget = [SOLVE_TOTAL]
    out = []
    for face in faces(work, dyn.fitness):
        support = [list(S) for S in face.support]
        u_names = {**names, **array_symbols(face.unknowns, "u")}
        state = [face.substitution[v] for v in work.variables]
        entry = {"support": support, "n": face.dimension,
                 "state": js_function(["u", "p"], state, u_names),
                 "shares": js_function(["u", "p"], face.positive_shares(), u_names)}
        if face.dimension == 0:
            out.append({**entry, "kind": "corner"})
            continue
        eqs = [sympy.numer(sympy.together(e)) for e in face.equations]
        entry["eqs"] = js_function(["u", "p"], eqs, u_names)
        entry["starts"] = _starts(face)
        coeffs = _polynomial(eqs, face.unknowns) if face.dimension == 1 else None
        if coeffs is not None:
            out.append({**entry, "kind": "polynomial", "coeffs": js_function(["p"], coeffs, u_names)})
            continue
        closed = _closed(eqs, face.unknowns, budget) if face.dimension > 1 else None
        if closed is not None:
            entry["closed"] = js_function(["p"], [c for sol in closed for c in sol], u_names)
        out.append({**entry, "kind": "closed" if closed is not None else "newton"})
    return out


def _whole(work, dyn, names) -> dict:
    """The whole state space as one face for Newton (a dynamics whose rest points are not found by face)."""
    u_names = {**names, **{v: sympy.Symbol(f"u[{i}]") for i, v in enumerate(work.variables)}}
    shares = [s for pop_shares in work.shares for s in pop_shares]
    grid = [0.15, 0.4, 0.65, 0.9]
    starts = [list(c) for c in itertools.product(grid, repeat=work.dimension)
              if all(float(s.xreplace(dict(zip(work.variables, c)))) > 0 for s in shares)]
    return {"support": [list(range(pop.n)) for pop in work.populations], "n": work.dimension, "kind": "newton",
            "state": js_function(["u", "p"], list(work.variables), u_names),
            "shares": js_function(["u", "p"], shares, u_names),
            "eqs": js_function(["u", "p"], list(dyn.vector_field), u_names), "starts": starts}


def _polynomial(eqs, unknowns):
    """The coefficients (highest first) of a one-unknown face's polynomial equation, or None."""
    u = unknowns[0]
    if len(eqs) != 1 or eqs[0] == 0:
        return None
    try:
        poly = sympy.Poly(sympy.expand(eqs[0]), u)
    except sympy.PolynomialError:
        return None
    if any(c.has(u) for c in poly.all_coeffs()):
        return None
    return poly.all_coeffs()


def _closed(eqs, unknowns, budget: list):
    """Every solution of a face's equations in closed form (square roots at most), or None."""
    if budget[0] <= 0:
        return None
    import time
    t0 = time.process_time()
    try:
        with time_limit(min(SOLVE_SECONDS, budget[0])):
            sols = sympy.solve(eqs, list(unknowns), dict=True)
    except (Timeout, NotImplementedError, TypeError, ValueError, ZeroDivisionError):
        sols = None
    finally:
        budget[0] -= time.process_time() - t0
    if sols is None or any(set(s) != set(unknowns) for s in sols):
        return None         # unsolved, or a continuum for generic values: Newton decides value by value
    out = [[sol[u] for u in unknowns] for sol in sols]
    for expr in itertools.chain.from_iterable(out):
        if expr.has(sympy.I) or any(not (p.exp.is_Integer or p.exp in (sympy.S.Half, -sympy.S.Half))
                                    for p in expr.atoms(sympy.Pow)):
            return None
    return out


def _starts(face, per_side: int = 4) -> list:
    """Newton's starts in a face: a grid of the relative interior of each population's part of the face."""
    groups: dict = {}
    for i, u in enumerate(face.unknowns):
        groups.setdefault(str(u).split("_")[1], []).append(i)
    grids = []
    for idx in groups.values():
        m = len(idx) + 1
        pts = [c for c in itertools.product(range(1, per_side + 1), repeat=len(idx)) if sum(c) < per_side + 1]
        grids.append([(idx, [c_i / (per_side + 1) for c_i in c]) for c in pts] if m > 2 else
                     [(idx, [k / (per_side + 1)]) for k in range(1, per_side + 1)])
    starts = []
    for combo in itertools.product(*grids):
        u = [0.0] * face.dimension
        for idx, vals in combo:
            for i, v in zip(idx, vals):
                u[i] = v
        starts.append(u)
    return starts


def slider_parameters(game, mechanisms: Sequence[str]) -> list[str]:
    """Parameters that can be slid: not structural (a sum limit fixes the payoffs' degree)."""
    skip = structural_parameters(game)
    return [n for n in game.parameters if n not in skip]


def parameter_vector(model: Model, values: Mapping) -> list[float]:
    """The page's parameter vector at ``values`` (name -> number; others at the model's values)."""
    return [float(values.get(n, v)) for n, v in zip(model.parameters, model.values)]
