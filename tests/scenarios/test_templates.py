"""The templates of docs/reference/scenario-format.md are valid scenarios, and evogame reads them as written."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from evogame import analyze, parse_scenario

DOC = Path(__file__).resolve().parents[2] / "docs" / "reference" / "scenario-format.md"


def templates() -> dict:
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, re.S)
    return {re.search(r'name = "([^"]+)"', b).group(1): b for b in blocks}


def test_the_doc_has_the_three_templates():
    assert set(templates()) == {"audit_triangle", "hawk_dove_retaliator", "threshold_public_good", "perceived_audit"}


def test_three_populations_corners_have_the_payoff_differences_as_eigenvalues():
    scenario = parse_scenario(templates()["audit_triangle"], file="audit_triangle.toml")
    a = analyze(scenario)
    corners = [p for p in a.rest_points if p.is_pure]
    assert len(corners) == 8
    # at a corner of 2-strategy populations each eigenvalue is the payoff of the population's other strategy
    # minus the payoff of the one it plays, the others fixed: from the table, b=3, c=2, P=1, c_a=0.5, A=1
    b, c, P, c_a, A = 3, 2, 1, 0.5, 1
    u = {("share", "share", "audit"): (b - c, b - c, -c_a), ("share", "share", "trust"): (b - c, b - c, 0),
         ("share", "withhold", "audit"): (-c, b - P, P - c_a), ("share", "withhold", "trust"): (-c, b, -A),
         ("withhold", "share", "audit"): (b - P, -c, P - c_a), ("withhold", "share", "trust"): (b, -c, -A),
         ("withhold", "withhold", "audit"): (-P, -P, 2 * P - c_a), ("withhold", "withhold", "trust"): (0, 0, -2 * A)}
    other = {"share": "withhold", "withhold": "share", "audit": "trust", "trust": "audit"}
    for p in corners:
        profile = tuple(pop.strategies[S[0]] for pop, S in zip(scenario.game.populations, p.support))
        expected = []
        for k in range(3):
            moved = list(profile)
            moved[k] = other[profile[k]]
            expected.append(u[tuple(moved)][k] - u[profile][k])
        assert np.allclose(sorted(e.real for e in p.eigenvalues), sorted(expected))
    assert list(scenario.mechanisms) == ["platform"] and scenario.target_key == "share.share.trust"


def test_symmetric_template_has_the_hawk_dove_mixture():
    a = analyze(parse_scenario(templates()["hawk_dove_retaliator"], file="hdr.toml"))
    # on the hawk/dove edge the mixed equilibrium has V/C = 1/2 hawks
    edge = [p for p in a.rest_points if p.support == ((0, 1),)]
    assert len(edge) == 1 and edge[0].shares[0] == pytest.approx([0.5, 0.5, 0.0])


def test_fitness_template_reads_the_group_game():
    a = analyze(parse_scenario(templates()["threshold_public_good"], file="tpg.toml"))
    # f_share - f_not = b/N - c = 4/5 - 1 < 0 everywhere: not sharing is the only stable state,
    # its eigenvalue b/N - c = -0.2
    (stable,) = a.stable
    assert stable.label == "(not)" and stable.eigenvalues[0].real == pytest.approx(-0.2)


def test_perception_template_perceives_the_departments_payoffs_by_hand():
    import sympy
    scenario = parse_scenario(templates()["perceived_audit"], file="pa.toml")
    b, c, P, d, al, be, lam, g = (sympy.Symbol(n, real=True) for n in
                                  ("b", "c", "P", "d", "alpha", "beta", "lam", "gamma_loss"))
    w = d ** g / (d ** g + (1 - d) ** g) ** (1 / g)            # Tversky-Kahneman's weight of a loss
    table = scenario.game.payoff_table
    assert sympy.simplify(table[(1, 0, 0)][0] - (b ** al - w * lam * P ** be)) == 0   # withhold.share.audit
    assert sympy.simplify(table[(0, 0, 0)][0] - (b ** al - lam * c ** be)) == 0
    assert table[(1, 1, 0)][2] == 2 * d * P - sympy.Symbol("c_a", real=True)          # the bureau: expected
    # at the defaults, (share, share, trust): a department's eigenvalue is its payoff withholding minus sharing,
    # b^alpha - (b^alpha - lam c^beta) = lam c^beta; the bureau's: auditing minus trusting, -c_a
    a = analyze(scenario)
    corner = next(p for p in a.rest_points if p.is_pure and tuple(p.state) == (1, 1, 0))
    loss = 2.25 * 2 ** 0.88
    assert sorted(e.real for e in corner.eigenvalues) == pytest.approx([-0.5, loss, loss])
