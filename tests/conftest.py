import os
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

settings.register_profile("ci", deadline=None, max_examples=40, print_blob=True)
settings.register_profile("dev", deadline=None, max_examples=40)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def scenarios_dir():
    return SCENARIOS


def load(name):
    from evogame.scenario import load_scenario
    return load_scenario(SCENARIOS / f"{name}.toml")


@pytest.fixture(scope="module")
def scenario(request):
    """The shipped scenario a test module names in ``SCENARIO = "name"``."""
    return load(request.module.SCENARIO)


@pytest.fixture(scope="module")
def game(scenario):
    """The game of the module's scenario."""
    return scenario.game
