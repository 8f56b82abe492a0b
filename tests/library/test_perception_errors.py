"""Bad [perception] input: one ScenarioError naming the file, the key and what was expected."""
from __future__ import annotations

import pytest

from conftest import SCENARIOS
from evogame.errors import ScenarioError
from evogame.scenario import parse_scenario

BASE = (SCENARIOS / "perceived_sharing.toml").read_text(encoding="utf-8")
HEAD, PERCEPTION = BASE.split("[perception]\n")
PERCEPTION, MECHANISMS = PERCEPTION.split("\n[[mechanisms]]")


def scenario_with(perception: str, parameters: str = "") -> str:
    text = HEAD.replace("[payoffs]", parameters + "\n[payoffs]") if parameters else HEAD
    return text + "[perception]\n" + perception + "\n"


def error_of(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, file="p.toml")
    return info.value


@pytest.mark.parametrize("perception, parameters, key, fragment", [
    # loss aversion below zero (the parameter declared by the file)
    (PERCEPTION, 'lam = { value = -1 }', "parameters.lam.value", "lambda 'lam' = -1 is out of bounds"),
    (PERCEPTION, 'lam = { value = 2, range = [-1, 3] }', "parameters.lam.range", "out of bounds"),
    (PERCEPTION, "alpha = 1.5", "parameters.alpha.value", "(0, 1]"),
    (PERCEPTION, "beta = 0", "parameters.beta.value", "(0, 1]"),
    # a probability outside [0, 1]
    (PERCEPTION.replace('["d"]', '["S"]'), "", "parameters.S.value", "a probability in [0, 1]"),
    (PERCEPTION.replace('["d"]', '["zz"]'), "", "perception.probabilities", "unknown parameter 'zz'"),
    # a term listed both as a gain and as a loss
    (PERCEPTION.replace('losses = ["d*P"', 'losses = ["V", "d*P"'), "", "perception.losses",
     "listed both as a gain and as a loss"),
    # a term that is no additive term of any payoff, an unknown name, a sum
    (PERCEPTION.replace('gains = ["V", "S"]', 'gains = ["V", "S", "k*S"]'), "", "perception",
     "not an additive term"),
    (PERCEPTION.replace('gains = ["V", "S"]', 'gains = ["V", "Q"]'), "", "perception.gains", "Q"),
    (PERCEPTION.replace('gains = ["V", "S"]', 'gains = ["V + S"]'), "", "perception.gains",
     "not a product of parameters"),
    # a behavioural parameter that the payoffs already use
    (PERCEPTION + 'parameters = { lambda = "k" }', "", "parameters.k", "used by the payoffs"),
    (PERCEPTION.replace('"tk"', '"tversky"'), "", "perception.weighting", "unknown probability weighting"),
    ("gains = []", "", "perception", "no term is perceived"),
    (PERCEPTION + "\n[perception.by_population.nobody]\ngains = []", "", "perception.by_population.nobody",
     "unknown population"),
])
def test_bad_perception_names_the_key(perception, parameters, key, fragment):
    err = error_of(scenario_with(perception, parameters))
    assert err.file == "p.toml" and err.key == key, (err.key, str(err))
    assert fragment in str(err)


def test_a_gain_that_the_ranges_make_a_loss_is_refused():
    text = scenario_with(PERCEPTION.replace('losses = ["d*P", "c_A", "c_B"]', 'losses = ["d*P", "c_A"]')
                         .replace('gains = ["V", "S"]', 'gains = ["V", "S", "c_B"]'))
    err = error_of(text)
    assert "declared a gain" in str(err) and "never positive" in str(err) and err.key.startswith("payoffs.")


def test_a_term_appearing_nonlinearly_is_refused():
    text = scenario_with(PERCEPTION).replace('"S - c_A", "S - c_B"]', '"S*S - c_A", "S - c_B"]', 1)
    assert "non-linearly" in str(error_of(text))


def test_the_complement_of_a_probability_is_refused_with_a_hint():
    # the term P weighted by d in one monomial and sure in another (an expanded (1 - d)*P, say)
    text = scenario_with(PERCEPTION.replace('"d*P"', '"P"')).replace('["-2*d*P",', '["-2*d*P - P",')
    err = error_of(text)
    assert "different probabilities" in str(err) and "q = 1 - p" in str(err)
