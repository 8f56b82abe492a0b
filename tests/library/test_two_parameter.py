"""Two-parameter continuation of folds and Hopf points (issue 21, part 4), against closed forms.

Normal forms (Kuznetsov 2004, ch. 8): the cusp x' = a + b x - x^3 (fold curve 4 b^3 = 27 a^2, cusp at
the origin); Bogdanov-Takens x' = y, y' = b1 + b2 x + x^2 - x y (fold b1 = b2^2 / 4, Hopf b1 = 0 with
b2 < 0, BT at the origin); Bautin r' = r (b1 + b2 r^2 - r^4), theta' = 1 (Hopf b1 = 0, l1 = 2 b2 in
evogame's normalisation, Bautin at the origin); zero-Hopf (fold b1 = 0, ZH where b2 = 0).  Games:
the logit dynamics of Rock-Paper-Scissors (its centre's eigenvalues, computed here with numpy, cross
the axis on a line) and a logit coordination game whose folds are re-located by the one-parameter run.
"""
import json

import numpy as np
import pytest
import sympy
from click.testing import CliRunner

from evogame.cli import main
from evogame.studies.continuation import continue_rest_points
from evogame.studies.continuation.curves import continue_curves, curves_of_field
from evogame.studies.continuation.two_parameter import PlainField, bialternate
from evogame.game import Game, Population

x, y, z, a, b = sympy.symbols("x y z a b", real=True)


def kinds(result, kind):
    return [s for s in result.special_points if s.kind == kind]


def test_bialternate_product_has_the_pairwise_sums_as_eigenvalues():
    A = np.random.default_rng(3).normal(size=(4, 4))
    ev = np.linalg.eigvals(A)
    sums = [ev[i] + ev[j] for i in range(4) for j in range(i)]
    np.testing.assert_allclose(np.sort_complex(np.linalg.eigvals(bialternate(A))), np.sort_complex(sums), atol=1e-10)


def test_cusp_normal_form_fold_curve_and_cusp():
    field = PlainField([x], [a + b * x - x ** 3], [a, b])
    result = curves_of_field(field, "a", (-3, 3), "b", (-1, 4), [("fold", [1.0], -2.0, 3.0)])
    (curve,) = result.curves
    np.testing.assert_allclose(4 * curve.second ** 3, 27 * curve.first ** 2, atol=1e-8)
    assert curve.first.min() < -1 and curve.first.max() > 1        # both halves, through the cusp
    (cusp,) = kinds(result, "cusp")
    assert cusp.label == "CP" and abs(cusp.parameter) < 1e-8 and abs(cusp.second) < 1e-8


def test_bogdanov_takens_normal_form():
    field = PlainField([x, y], [y, a + b * x + x ** 2 - x * y], [a, b])
    result = curves_of_field(field, "a", (-1, 1), "b", (-2, 2),
                             [("fold", [0.5, 0.0], 0.25, -1.0), ("Hopf", [0.0, 0.0], 0.0, -1.0)])
    fold, hopf = result.curves
    np.testing.assert_allclose(fold.first, fold.second ** 2 / 4, atol=1e-8)
    np.testing.assert_allclose(hopf.first, 0.0, atol=1e-8)
    # the Hopf part (a pair +-i omega) is b < 0; past BT the curve is a neutral saddle (no omega)
    assert all(p.second < 1e-8 for p in hopf.points if p.omega is not None)
    assert any(p.second > 0.1 for p in hopf.points)
    bt = kinds(result, "Bogdanov-Takens")
    assert {s.branch for s in bt} == {1, 2}
    assert all(s.label == "BT" and abs(s.parameter) < 1e-8 and abs(s.second) < 1e-8 for s in bt)


def test_bautin_normal_form_l1_changes_sign():
    r2 = x ** 2 + y ** 2
    field = PlainField([x, y], [a * x - y + b * x * r2 - x * r2 ** 2, x + a * y + b * y * r2 - y * r2 ** 2], [a, b])
    result = curves_of_field(field, "a", (-1, 1), "b", (-1, 1), [("Hopf", [0.0, 0.0], 0.0, 0.5)])
    (hopf,) = result.curves
    np.testing.assert_allclose(hopf.first, 0.0, atol=1e-10)
    np.testing.assert_allclose([p.l1 for p in hopf.points], 2 * hopf.second, atol=1e-8)   # l1 = 2 a / omega
    (gh,) = kinds(result, "Bautin")
    assert gh.label == "GH" and abs(gh.second) < 1e-8


def test_zero_hopf_normal_form():
    field = PlainField([x, y, z], [a + x ** 2 + y ** 2 + z ** 2, b * y - z + x * y, y + b * z + x * z], [a, b])
    result = curves_of_field(field, "a", (-1, 1), "b", (-1, 1), [("fold", [0.0, 0.0, 0.0], 0.0, 0.5)])
    (fold,) = result.curves
    np.testing.assert_allclose(fold.first, 0.0, atol=1e-10)
    assert fold.second.min() < -0.9 and fold.second.max() > 0.9
    (zh,) = kinds(result, "zero-Hopf")
    assert zh.label == "ZH" and abs(zh.second) < 1e-8


# -- games ----------------------------------------------------------------------------------------
w, l = sympy.symbols("w l", real=True)
ETA = 0.1


def rps():
    return Game.symmetric(Population("p", ("r", "s", "t")), [[0, -l, w], [w, 0, -l], [-l, w, 0]], {"w": 1, "l": 1})


def logit_centre_growth(w_value, l_value, h=1e-6):
    """The real part of the logit field's eigenvalues at the centre (numpy, differences)."""
    A = np.array([[0, -l_value, w_value], [w_value, 0, -l_value], [-l_value, w_value, 0]])

    def field(zz):
        s = np.append(zz, 1 - zz.sum())
        e = np.exp(A @ s / ETA)
        return (e / e.sum() - s)[:2]
    c = np.full(2, 1 / 3)
    J = np.column_stack([(field(c + h * e) - field(c - h * e)) / (2 * h) for e in np.eye(2)])
    return np.linalg.eigvals(J).real.max()


def test_logit_rps_hopf_curve_is_the_line_where_the_centre_turns():
    result = continue_curves(rps(), "l", (0.1, 2.0), "w", (0.7, 2.0), dynamics=f"logit:eta={ETA}")
    (hopf,) = [c for c in result.curves if c.kind == "Hopf"]
    assert len(hopf.points) > 10
    for p in hopf.points:
        assert abs(logit_centre_growth(p.second, p.first)) < 1e-6
        np.testing.assert_allclose(p.state, [1 / 3, 1 / 3], atol=1e-10)
    # the line l = w + 6 eta: the growth rate (l - w) / (6 eta) - 1 of the replicator's centre over eta
    np.testing.assert_allclose(hopf.first, hopf.second + 6 * ETA, atol=1e-8)
    # the one-parameter run repeated at other values of w finds its Hopf point on the curve
    for w_value in (0.8, 1.1, 1.3):
        run = continue_rest_points(rps(), "l", (0.1, 2.0), params={"w": w_value}, dynamics=f"logit:eta={ETA}")
        (h,) = [s for s in run.special_points if s.kind == "Hopf"]
        assert h.parameter == pytest.approx(np.interp(w_value, hopf.second, hopf.first), abs=1e-7)


def coordination():
    return Game.symmetric(Population("p", ("a", "b")), [[w, 0], [0, l]], {"w": 2, "l": 1})


def test_logit_coordination_fold_curve_matches_repeated_one_parameter_runs():
    result = continue_curves(coordination(), "w", (0.2, 3.0), "l", (0.5, 1.5), dynamics="logit:eta=0.2")
    folds = [c for c in result.curves if c.kind == "fold"]
    assert folds
    for curve in folds:
        for p in curve.points[1:-1:max(1, len(curve.points) // 4)]:
            run = continue_rest_points(coordination(), "w", (0.2, 3.0), params={"l": p.second},
                                       dynamics="logit:eta=0.2")
            values = [s.parameter for s in run.special_points if s.kind == "fold"]
            assert min(abs(v - p.first) for v in values) < 1e-7


def test_curves_to_dict_table_and_dataframe():
    result = continue_curves(rps(), "l", (0.1, 2.0), "w", (0.7, 2.0), dynamics=f"logit:eta={ETA}")
    doc = json.loads(json.dumps(result.to_dict()))
    assert doc["parameters"] == ["l", "w"] and doc["curves"][0]["label"] == "H"
    assert "Codimension-two points" in result.table()
    assert all(len(line) <= 100 for line in result.table().splitlines())
    pytest.importorskip("pandas")
    frame = result.to_dataframe()
    assert list(frame.columns[:4]) == ["curve", "kind", "l", "w"] and len(frame) == len(result.curves[0].points)


def test_cli_sweep2(tmp_path):
    from conftest import SCENARIOS

    runner = CliRunner()
    out = runner.invoke(main, ["continue", str(SCENARIOS / "rps.toml"), "--sweep", "l=0.1:2", "--sweep2", "w=0.7:2",
                               "--dynamics", f"logit:eta={ETA}", "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["parameters"] == ["l", "w"]
    bad = runner.invoke(main, ["continue", str(SCENARIOS / "rps.toml"), "--sweep", "l=0.1:2", "--sweep2", "l=0:1"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_logit_coordination_fold_curves_meet_in_a_cusp_at_the_symmetric_game():
    # [[c, 0], [0, c]]: x = 1/2 is a logit equilibrium, and dF/dx = sigma'(0) 2c / eta - 1 = c / (2 eta) - 1
    # vanishes at c = 2 eta (a pitchfork of the symmetric game: the cusp of the fold curve in (w, l))
    result = continue_curves(coordination(), "w", (0.1, 3.0), "l", (0.1, 1.5), dynamics="logit:eta=0.2")
    (cusp,) = [s for s in result.special_points if s.kind == "cusp"]
    assert cusp.label == "CP"
    assert cusp.parameter == pytest.approx(0.4, abs=1e-8) and cusp.second == pytest.approx(0.4, abs=1e-8)
    np.testing.assert_allclose(cusp.state, [0.5], atol=1e-8)
