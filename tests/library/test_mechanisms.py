"""Mechanisms as switchable overlays: parsing, applying, composing, comparing."""
import json

import pytest
import sympy
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as hs

from evogame.engine.analysis import analyze
from evogame.cli import main
from evogame.errors import ScenarioError
from evogame.game import Game
from evogame.scenario import Mechanism
from evogame.studies.compare import compare
from evogame.studies.mechanisms import apply, mechanisms
from evogame.scenario import parse_scenario
from evogame.solvers.stability import ASYMPTOTICALLY_STABLE, SADDLE

from conftest import SCENARIOS


SCENARIO = "vertical"   # the shipped scenario of the `scenario` and `game` fixtures


def sym(game, name):
    return game.parameters[name].symbol


def fitness_equal(a: Game, b: Game) -> bool:
    return all(sympy.expand(f - g) == 0 for fa, fb in zip(a.fitness, b.fitness) for f, g in zip(fa, fb))


def substituted(game, mapping, extra_table=None):
    """The baseline payoff table with parameters replaced, rebuilt into a Game independently."""
    table = {idx: [sympy.sympify(u).xreplace(mapping) for u in pay] for idx, pay in game.payoff_table.items()}
    for idx, terms in (extra_table or {}).items():
        table[idx] = [u + t for u, t in zip(table[idx], terms)]
    return Game.from_payoff_table(game.populations, table, list(game.parameters.values()))


# -- the shipped mechanisms -----------------------------------------------------------------

def test_vertical_declares_the_eight_mechanisms_with_seed_and_description(scenario):
    ms = mechanisms(scenario)
    assert set(ms) == {"incentive", "supervision", "platform", "responsibility", "measurability", "backflow",
                       "dynamic_penalty", "dynamic_reward"}
    for m in ms.values():
        assert isinstance(m, Mechanism)
        assert m.description and m.seed and m.label_en and m.label_zh
        assert m.to_dict()["name"] == m.name


def test_supervision_only_mechanisms_change_only_d_F_r(scenario):
    ms = mechanisms(scenario)
    assert ms["incentive"].parameters == {"r", "F"}
    assert ms["supervision"].parameters == {"d"}


def test_strength_zero_is_the_baseline(scenario, game):
    for name in mechanisms(scenario):
        assert fitness_equal(apply(scenario, [name], 0).game, game)


def test_platform_substitutes_its_override(scenario, game):
    s = sympy.Rational(3, 5)
    c_D, d = sym(game, "c_D"), sym(game, "d")
    expected = substituted(game, {c_D: c_D * (1 - sympy.Rational(4, 5) * s), d: d + s / 2 * (1 - d)})
    assert fitness_equal(apply(scenario, ["platform"], s).game, expected)


# -- composition ----------------------------------------------------------------------------

strengths = hs.fractions(min_value=0, max_value=2, max_denominator=50)


@settings(max_examples=25, deadline=None)
@given(s1=strengths, s2=strengths)
def test_composing_two_mechanisms_applies_both_overrides(scenario, game, s1, s2):
    s1, s2 = sympy.Rational(s1.numerator, s1.denominator), sympy.Rational(s2.numerator, s2.denominator)
    c_D, d, L = sym(game, "c_D"), sym(game, "d"), sym(game, "L")
    composed = apply(scenario, [("platform", s1), ("responsibility", s2)]).game
    expected = substituted(game, {c_D: c_D * (1 - sympy.Rational(4, 5) * s1), d: d + s1 / 2 * (1 - d),
                                  L: L * (1 - s2)})
    assert fitness_equal(composed, expected)
    # applying one after the other is the same as applying both at once
    assert fitness_equal(apply(apply(scenario, [("platform", s1)]), [("responsibility", s2)]).game, composed)


SAME_PARAMETER = """
[game]
name = "twice"
[[populations]]
name = "row"
strategies = ["a", "b"]
[[populations]]
name = "col"
strategies = ["c", "d"]
[parameters]
k = 2.0
q = 1.0
[payoffs]
"a.c" = ["k", "q"]
"a.d" = ["0", "k*q"]
"b.c" = ["q", "0"]
"b.d" = ["1", "k"]
[[mechanisms]]
name = "first"
description = "k shifted"
seed = "test"
set = { k = "k - strength", q = "q*k" }
add = { "a.c" = ["strength*k", "0"] }
[[mechanisms]]
name = "second"
description = "k scaled"
seed = "test"
set = { k = "k*(1 + strength)" }
add = { "b.d" = ["0", "k*strength"] }
"""


@settings(max_examples=25, deadline=None)
@given(s1=strengths, s2=strengths)
def test_later_mechanism_sees_the_earlier_result(s1, s2):
    sc = parse_scenario(SAME_PARAMETER, file="twice.toml")
    g = sc.game
    s1, s2 = sympy.Rational(s1.numerator, s1.denominator), sympy.Rational(s2.numerator, s2.denominator)
    k, q = sym(g, "k"), sym(g, "q")
    k1 = k - s1                      # after "first" (its right-hand sides see the baseline)
    q1 = q * k
    k2 = k1 * (1 + s2)               # "second" sees k after "first"
    extra = {(0, 0): [s1 * k, 0], (1, 1): [0, k1 * s2]}
    expected = substituted(g, {k: k2, q: q1}, extra)
    assert fitness_equal(apply(sc, [("first", s1), ("second", s2)]).game, expected)


def test_symbolic_strength_is_a_parameter_and_agrees_with_numbers(scenario):
    applied = apply(scenario, ["platform", "backflow"], "symbolic").game
    assert "strength" in applied.parameters and applied.parameters["strength"].value == 1
    s = applied.parameters["strength"].symbol
    for value in (sympy.Rational(1, 3), sympy.Rational(7, 10)):
        numeric = apply(scenario, ["platform", "backflow"], value).game
        assert all(sympy.expand(f.subs(s, value) - g) == 0
                   for fa, fb in zip(applied.fitness, numeric.fitness) for f, g in zip(fa, fb))


def test_applied_game_keeps_the_scenario(scenario):
    applied = apply(scenario, ["platform"])
    assert applied.file == scenario.file
    assert applied.target_key == "loose.active"
    assert applied.game.origin.strengths() == [("platform", 1.0)]


FITNESS_GAME = """
[game]
name = "pg"
[[populations]]
name = "dept"
strategies = ["share", "not"]
variable = "x"
[parameters]
b = 3.0
c = 1.0
[fitness]
"dept.share" = "b*x - c"
"dept.not" = "b*x"
[[mechanisms]]
name = "selective"
description = "a selective benefit for sharers, growing with the share of sharers"
seed = "test"
add = { "dept.share" = "strength*2*x" }
"""

SYMMETRIC_GAME = """
[game]
name = "hd"
matching = "symmetric"
[[populations]]
name = "birds"
strategies = ["hawk", "dove"]
[parameters]
V = 2.0
C = 3.0
[payoffs]
"hawk.hawk" = "(V - C)/2"
"hawk.dove" = "V"
"dove.hawk" = "0"
"dove.dove" = "V/2"
[[mechanisms]]
name = "fine"
description = "fighting is fined"
seed = "test"
set = { C = "C + strength" }
add = { "hawk.dove" = "-strength" }
"""


def test_add_terms_in_a_fitness_game():
    sc = parse_scenario(FITNESS_GAME, file="pg.toml")
    g = sc.game
    x = g.variables[0]
    applied = apply(sc, ["selective"], sympy.Rational(1, 2)).game
    assert sympy.expand(applied.fitness[0][0] - (g.fitness[0][0] + x)) == 0
    assert sympy.expand(applied.fitness[0][1] - g.fitness[0][1]) == 0


def test_add_and_set_in_a_symmetric_game():
    sc = parse_scenario(SYMMETRIC_GAME, file="hd.toml")
    g = sc.game
    V, C = sym(g, "V"), sym(g, "C")
    x = g.variables[0]
    applied = apply(sc, ["fine"], 1).game
    expected_hawk = (V - (C + 1)) / 2 * x + (V - 1) * (1 - x)
    assert sympy.expand(applied.fitness[0][0] - expected_hawk) == 0


# -- bad sections ---------------------------------------------------------------------------

BASE = SAME_PARAMETER.split("[[mechanisms]]")[0]

BAD = [
    ('name = "m"\ndescription = "x"\nseed = "s"\nset = { k = "k" }\ncolour = "red"', "mechanisms.m.colour"),
    ('name = "m"\ndescription = "x"\nseed = "s"\nset = { kk = "k" }', "mechanisms.m.set.kk"),
    ('name = "m"\ndescription = "x"\nseed = "s"\nset = { k = "kq + 1" }', "mechanisms.m.set.k"),
    ('name = "m"\ndescription = "x"\nseed = "s"\nset = { strength = "1" }', "mechanisms.m.set.strength"),
    ('name = "m"\ndescription = "x"\nseed = "s"\nadd = { "a.e" = ["1", "2"] }', "mechanisms.m.add.a.e"),
    ('name = "m"\ndescription = "x"\nseed = "s"\nadd = { "a.c" = ["1"] }', "mechanisms.m.add.a.c"),
    ('name = "m"\ndescription = "x"\nseed = "s"\nadd = { "a.c.d" = ["1", "2"] }', "mechanisms.m.add.a.c.d"),
    ('name = "m"\ndescription = "x"\nseed = 3\nset = { k = "k" }', "mechanisms.m.seed"),
    ('name = "m"\nseed = "s"\ndescription = ["x"]\nset = { k = "k" }', "mechanisms.m.description"),
    ('name = "m"\ndescription = "x"\nseed = "s"', "mechanisms.m"),
    ('name = "m"\ndescription = "x"\nseed = "s"\nset = "k = 1"', "mechanisms.m.set"),
    ('name = "m"\ndescription = "x"\nseed = "s"\nset = { k = "import(os)" }', "mechanisms.m.set.k"),
    ('description = "x"\nseed = "s"\nset = { k = "k" }', "mechanisms[0].name"),
]


@pytest.mark.parametrize("body,key", BAD)
def test_bad_mechanism_sections_name_file_and_key(body, key):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(BASE + "[[mechanisms]]\n" + body + "\n", file="bad.toml")
    assert info.value.file == "bad.toml"
    assert info.value.key == key
    assert "bad.toml" in str(info.value) and key in str(info.value)


def test_unknown_parameter_gets_a_suggestion():
    with pytest.raises(ScenarioError) as info:
        parse_scenario(BASE + '[[mechanisms]]\nname = "m"\ndescription = "x"\nseed = "s"\nset = { kk = "k" }\n',
                       file="bad.toml")
    assert info.value.suggestion == "k"


def test_duplicate_mechanism_names():
    one = '[[mechanisms]]\nname = "m"\ndescription = "x"\nseed = "s"\nset = { k = "k" }\n'
    with pytest.raises(ScenarioError) as info:
        parse_scenario(BASE + one + one, file="bad.toml")
    assert info.value.key == "mechanisms.m" and "twice" in str(info.value)


def test_strength_is_a_reserved_parameter_name():
    text = BASE.replace("q = 1.0", "q = 1.0\nstrength = 2.0") + \
        '[[mechanisms]]\nname = "m"\ndescription = "x"\nseed = "s"\nset = { k = "k" }\n'
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, file="bad.toml")
    assert info.value.key == "parameters.strength"


def test_unknown_mechanism_name_is_a_scenario_error(scenario):
    with pytest.raises(ScenarioError) as info:
        apply(scenario, ["platfrom"])
    assert info.value.suggestion == "platform"


# -- compare --------------------------------------------------------------------------------

def test_compare_platform_moves_the_stable_state(scenario):
    r = compare(scenario, ["platform"])
    assert r.baseline_stable == ["(loose, passive)"]
    assert r.with_stable == ["(loose, active)"]
    rows = {(row["baseline"] or row["with"])["label"]: row for row in r.rows}
    assert rows["(loose, active)"]["change"] == f"{SADDLE} -> {ASYMPTOTICALLY_STABLE}"
    # independent check: the applied game analysed directly
    direct = analyze(apply(scenario, ["platform"]))
    assert [p.label for p in direct.stable] == r.with_stable


def test_compare_reports_a_rest_point_that_appears(scenario):
    # strong supervision alone creates the interior centre (MODELS.md game 1)
    r = compare(scenario, ["incentive"])
    appears = [row for row in r.rows if row["change"] == "appears"]
    assert len(appears) == 1 and appears[0]["face"] == "(strict/loose, active/passive)"
    assert appears[0]["with"]["classification"] == "non-hyperbolic"
    assert r.with_stable == []


def test_compare_at_strength_zero_changes_nothing(scenario):
    r = compare(scenario, ["platform", "backflow"], 0)
    assert r.changed == [] and r.baseline_stable == r.with_stable


def test_cli_compare_json_is_to_dict(scenario):
    res = CliRunner().invoke(main, ["compare", str(SCENARIOS / "vertical.toml"), "-m", "platform", "--json"])
    assert res.exit_code == 0, res.output
    from evogame.cli import jsonable
    assert json.loads(res.output) == jsonable(compare(scenario, ["platform"]).to_dict())


def test_cli_compare_text_and_errors():
    runner = CliRunner()
    path = str(SCENARIOS / "vertical.toml")
    res = runner.invoke(main, ["compare", path, "-m", "platform"])
    assert res.exit_code == 0 and "saddle -> asymptotically stable" in res.output
    for args in (["-m", "nonesuch"], [], ["-m", "platform", "--strength", "nan"], ["-m", "platform", "-p", "zz=1"]):
        res = runner.invoke(main, ["compare", path] + args)
        assert res.exit_code == 2, (args, res.output)


def test_provenance_fields_are_optional():
    """A mechanism needs a name and what it changes; its description and seed (source) may be left out."""
    scenario = parse_scenario(BASE + '[[mechanisms]]\nname = "m"\nset = { k = "2*k" }\n', file="ok.toml")
    m = scenario.mechanism("m")
    assert (m.description, m.seed) == ("", "")
    assert str(m.set["k"]) == "2*k"
