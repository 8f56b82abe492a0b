"""The one-parameter diagrams of the seed games against an independent oracle, and the continuation package's
imports going one way.

Every special point of a seed game's diagram in a mechanism's strength is a transcritical exchange of stability:
a corner's invasion rate (the payoff of a strategy not in use minus the payoff of the one in use, a closed form in
the strength) vanishes there, and the branch of the larger face crossing it leaves the state space at the same
value.  The roots of those rates, solved with sympy from the payoffs alone, are the oracle: no continuation code is
involved in them.  A faster diagram (fewer Newton steps, warm starts, earlier stops) must land on them.
"""
from __future__ import annotations

import ast
import itertools
from pathlib import Path

import numpy as np
import pytest
import sympy

from evogame.dynamics import derive
from evogame.scenario import load_scenario
from evogame.solvers.arclength import Curve, Settings, correct, first_tangent
from evogame.solvers.continuation_system import face_of
from evogame.studies.continuation import continue_rest_points
from evogame.studies.mechanisms import apply

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
CONTINUATION = ROOT / "evogame" / "studies" / "continuation"

#: the seed games' diagrams in a mechanism's strength (the rows of benchmarks/continuation.py)
SEED_DIAGRAMS = [("vertical", "platform"), ("vertical", "dynamic_penalty"), ("dual_leadership", "incentive"),
                 ("hidden_collusion", "trust"), ("platform_public_good", "incentive"),
                 ("platform_structures", "incentive")]


def corner_invasion_roots(scenario, mechanism) -> set:
    """The strengths in (0, 1) where an invasion rate of a corner vanishes: real roots of payoff differences."""
    game = apply(scenario, [mechanism], ("symbolic", sympy.Integer(0))).game
    dyn = derive(game, "replicator")
    strength = next(s for s in dyn.parameters if str(s) == "strength")
    values = {s: sympy.nsimplify(game.values()[str(s)]) for s in dyn.parameters if s != strength}
    roots = set()
    for profile in itertools.product(*[range(pop.n) for pop in game.populations]):
        corner = {var: sympy.Integer(int(k == i)) for sl, i in zip(game.slices(), profile)
                  for k, var in enumerate(dyn.variables[sl])}
        for p, (pop, i) in enumerate(zip(game.populations, profile)):
            for j in (j for j in range(pop.n) if j != i):
                rate = sympy.expand((dyn.fitness[p][j] - dyn.fitness[p][i]).xreplace(corner).xreplace(values))
                if rate.is_number:
                    continue
                roots.update(r for r in sympy.Poly(rate, strength).real_roots() if 0 < r < 1)
    return roots


@pytest.mark.parametrize("name, mechanism", SEED_DIAGRAMS)
def test_every_special_point_of_a_seed_diagram_is_at_a_corners_invasion_root(name, mechanism):
    scenario = load_scenario(SCENARIOS / f"{name}.toml")
    oracle = corner_invasion_roots(scenario, mechanism)
    assert oracle
    result = continue_rest_points(scenario, mechanism=mechanism)
    special = result.special_points
    # every root is met, and every special point is at a root: exact value and float, on every branch it names
    found = set()
    for s in special:
        assert s.exact is not None, (s.branch, s.kind, s.parameter)
        exact = sympy.sympify(s.exact)
        (root,) = [r for r in oracle if sympy.simplify(r - exact) == 0]
        assert abs(s.parameter - float(root)) <= 1e-12, (s.branch, s.kind, s.parameter, root)
        found.add(root)
    assert found == oracle
    # where a branch leaves the state space, the exchange of stability of the branch it crosses is its partner
    for s in (s for s in special if s.kind == "boundary"):
        assert any(o.branch in s.partners and o.kind == "exchange of stability" and o.exact == s.exact
                   for o in special)


def test_a_warm_start_solves_for_the_same_point_of_the_arc():
    # the corrector's first iterate changes the path of Newton, not the point: the curve on the hyperplane
    scenario = load_scenario(SCENARIOS / "vertical.toml")
    result = continue_rest_points(scenario, mechanism="dynamic_penalty", cycles=False)
    interior = next(b for b in result.branches if b.face == "(strict/loose, active/passive)")
    k = int(np.argmin(np.abs(np.asarray(interior.parameters) - 0.6)))
    curve = Curve(result.system, face_of(result.work, interior.support, True), 0.0, 1.0)
    u0 = np.append(interior.states[k], interior.parameters[k])
    t0 = first_tangent(curve, u0, 1.0)
    plain, _ = correct(curve, u0, t0, 0.02, Settings())
    warm, _ = correct(curve, u0, t0, 0.02, Settings(), start=plain + 1e-4)
    assert np.max(np.abs(warm - plain)) <= 1e-12
    assert abs(t0 @ (warm - u0) - 0.02) <= 1e-14
    assert np.max(np.abs(curve.full_residual(warm))) <= 1e-12


def _package_imports(path: Path) -> set:
    """The modules of the continuation package that ``path`` imports (relative imports, anywhere in the file)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names = [node.module] if node.module else [a.name for a in node.names]
            out.update(n.split(".")[0] for n in names if (CONTINUATION / f"{n.split('.')[0]}.py").is_file())
    return out


def test_the_continuation_package_has_no_import_circle():
    graph = {p.stem: _package_imports(p) for p in CONTINUATION.glob("*.py") if p.stem != "__init__"}

    def reaches(start, target, seen=()):
        return any(n == target or (n not in seen and reaches(n, target, (*seen, n))) for n in graph.get(start, ()))

    circles = sorted(m for m in graph if reaches(m, m))
    assert circles == []


def test_cycle_types_stay_importable_from_cycles():
    from evogame.studies.continuation import Cycle, CycleBranch, CycleSettings, cycle_types, cycles

    assert cycles.Cycle is Cycle is cycle_types.Cycle
    assert cycles.CycleBranch is CycleBranch and cycles.CycleSettings is CycleSettings
    assert cycles.FACE_SHARE == cycle_types.FACE_SHARE and cycles.PERIOD_GROWTH == cycle_types.PERIOD_GROWTH
