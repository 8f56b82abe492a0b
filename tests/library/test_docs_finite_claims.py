"""The finite-population finding the docs state is the tool's own numbers (issue 20, point 5).

The sentence in docs/how-to/finite.md is read, its numbers parsed, and every one
recomputed with ``evogame.studies.finite.finite``: the gradient of selection of the
platform public good is negative at every k up to the stated population size,
turns positive at the stated size and k, the stated windows are exactly where it
is positive, and the stationary sharing levels are the stated ones.
"""
from __future__ import annotations

import re

import pytest

import evogame
from conftest import ROOT
from evogame.studies.finite import finite

PAGE = ROOT / "docs" / "how-to" / "finite.md"


@pytest.fixture(scope="module")
def claim() -> str:
    text = PAGE.read_text(encoding="utf-8")
    section = text.split("## What finiteness changes", 1)[1].split("```", 1)[0]
    return " ".join(section.split())


@pytest.fixture(scope="module")
def scenario():
    return evogame.load_scenario(ROOT / "scenarios" / "platform_public_good.toml")


def positive(scenario, size: int, beta: float = 1.0) -> list[int]:
    gradient = finite(scenario, size, beta=beta).gradient
    return [k for k in range(1, size) if gradient[k] > 0]


def test_the_doc_states_the_group_size_of_the_scenario(claim, scenario):
    group = int(re.search(r"groups of N = (\d+)", claim).group(1))
    assert scenario.game.values()["N"] == group


def test_sharing_never_pays_up_to_the_stated_size_and_pays_first_where_stated(claim, scenario):
    last_negative = int(re.search(r"up to Z = (\d+) departments", claim).group(1))
    first, k = map(int, re.search(r"At Z = (\d+) the gradient turns positive at k = (\d+) only", claim).groups())
    assert first == last_negative + 1
    group = int(re.search(r"groups of N = (\d+)", claim).group(1))
    for size in range(group, last_negative + 1):          # a group needs Z >= N
        assert positive(scenario, size) == [], size
    assert positive(scenario, first) == [k]


def test_the_stated_windows_are_where_the_gradient_is_positive(claim, scenario):
    windows = re.findall(r"k = (\d+) to (\d+) at Z = (\d+)", claim)
    assert len(windows) >= 2
    for lo, hi, size in windows:
        assert positive(scenario, int(size)) == list(range(int(lo), int(hi) + 1))


def test_the_sign_of_the_gradient_does_not_depend_on_beta(claim, scenario):
    for lo, hi, size in re.findall(r"k = (\d+) to (\d+) at Z = (\d+)", claim):
        assert positive(scenario, int(size), beta=0.2) == positive(scenario, int(size), beta=3.0)


def test_the_stated_stationary_sharing_levels(claim, scenario):
    match = re.search(r"exploration μ = (\d+(?:\.\d+)?) and β = (\d+(?:\.\d+)?) at Z = (\d+), the stationary sharing level is "
                      r"(\d+(?:\.\d+)?) at the baseline and (\d+(?:\.\d+)?) with the incentive mechanism at strength (\d+(?:\.\d+)?)", claim)
    mu, beta, size, baseline, incentive, strength = match.groups()
    kwargs = dict(beta=float(beta), mutation=float(mu))
    level = finite(scenario, int(size), **kwargs).sharing_level["departments"]
    assert round(level, 2) == float(baseline)
    level = finite(scenario, int(size), mechanisms=["incentive"], strength=float(strength), **kwargs)
    assert round(level.sharing_level["departments"], 2) == float(incentive)
