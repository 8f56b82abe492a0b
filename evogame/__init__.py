"""evogame: model, solve and draw evolutionary games.

    >>> import evogame
    >>> game = evogame.load_scenario("scenarios/vertical.toml")   # doctest: +SKIP
    >>> evogame.analyze(game).stable                               # doctest: +SKIP
"""
from .errors import AnalysisError, EvogameError, ExpressionError, ScenarioError

__version__ = "0.1.0"

_LAZY = {
    "Game": ("game", "Game"),
    "Population": ("game", "Population"),
    "Parameter": ("game", "Parameter"),
    "analyze": ("analysis", "analyze"),
    "Analysis": ("analysis", "Analysis"),
    "RestPoint": ("analysis", "RestPoint"),
    "dynamics": ("dynamics", "dynamics"),
    "Dynamics": ("dynamics", "Dynamics"),
    "simulate": ("simulate", "simulate"),
    "Simulation": ("simulate", "Simulation"),
    "load_scenario": ("scenario", "load_scenario"),
    "parse_scenario": ("scenario", "parse_scenario"),
    "apply": ("mechanisms", "apply"),
    "mechanisms": ("mechanisms", "mechanisms"),
    "compare": ("mechanisms", "compare"),
    "CompareResult": ("mechanisms", "CompareResult"),
    "threshold": ("thresholds", "threshold"),
    "ThresholdResult": ("thresholds", "ThresholdResult"),
    "sweep": ("sweeps", "sweep"),
    "Sweep1DResult": ("sweeps", "Sweep1DResult"),
    "RegimeMapResult": ("sweeps", "RegimeMapResult"),
    "basins": ("basins", "basins"),
    "BasinResult": ("basins", "BasinResult"),
    "presets": ("presets", "presets"),
    "apply_preset": ("presets", "apply_preset"),
    "compare_presets": ("presets", "compare_presets"),
}


def __getattr__(name):
    # heavy modules load on first use so `evogame --help` starts fast
    if name in _LAZY:
        import importlib
        module, attr = _LAZY[name]
        return getattr(importlib.import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module 'evogame' has no attribute {name!r}")


class _Package(__import__("types").ModuleType):
    """The package: its API verbs win over same-named submodules.

    ``evogame.simulate`` is the function even after ``evogame/simulate.py``
    was imported (the import system would otherwise bind the module over it);
    import such a module explicitly: ``from evogame.simulate import Simulation``.
    """

    def __setattr__(self, name, value):
        if name in _LAZY and isinstance(value, __import__("types").ModuleType):
            return
        super().__setattr__(name, value)


__import__("sys").modules[__name__].__class__ = _Package


__all__ = ["EvogameError", "ScenarioError", "ExpressionError",
           "AnalysisError", *_LAZY]
