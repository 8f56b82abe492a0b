"""The Python API: one import gives everything the CLI does, and the README's
example runs as written (so it never rots)."""
import importlib

import pytest

import evogame
from conftest import ROOT


@pytest.mark.parametrize("name", ["simulate", "basins", "derive", "mechanisms", "presets", "analyze",
                                  "threshold", "sweep", "compare", "load_scenario", "apply"])
def test_api_verbs_are_callables_even_after_their_module_is_imported(name):
    module = {"analyze": "engine.analysis", "threshold": "studies.thresholds", "sweep": "studies.sweeps",
              "compare": "studies.compare", "load_scenario": "scenario", "apply": "studies.mechanisms",
              "simulate": "dynamics.simulation", "basins": "studies.basins", "derive": "dynamics",
              "mechanisms": "studies.mechanisms", "presets": "studies.presets"}[name]
    importlib.import_module(f"evogame.{module}")
    assert callable(getattr(evogame, name))
    assert getattr(evogame, name).__doc__


def test_readme_python_example_runs(monkeypatch):
    monkeypatch.chdir(ROOT)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```python\n", 1)[1].split("```", 1)[0]
    namespace = {}
    exec(compile(block, "README.md", "exec"), namespace)
    assert [p.label for p in namespace["result"].stable] == ["(loose, passive)"]
    assert namespace["t"].threshold == pytest.approx(0.875)
    assert namespace["sim"].paths.shape[0] == 1


def test_every_result_has_to_dict_and_a_readable_repr():
    game = evogame.load_scenario(ROOT / "scenarios" / "vertical.toml")
    for result in [evogame.analyze(game), evogame.simulate(game, [[0.5, 0.5]], 5.0, n_points=3),
                   evogame.threshold(game, ["platform"])]:
        assert isinstance(result.to_dict(), dict)
        assert "0x" not in repr(result)  # not the default object repr
