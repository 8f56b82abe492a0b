"""evogame: model, solve and draw evolutionary games.

    >>> import evogame
    >>> game = evogame.load_scenario("scenarios/vertical.toml")   # doctest: +SKIP
    >>> evogame.analyze(game).stable                               # doctest: +SKIP
"""
import importlib

from .errors import AnalysisError, EvogameError, ExpressionError, ScenarioError

__version__ = "0.1.0"

_LAZY = {
    "Game": ("game", "Game"),
    "Population": ("game", "Population"),
    "Parameter": ("game", "Parameter"),
    "analyze": ("engine.analysis", "analyze"),
    "Analysis": ("engine.analysis", "Analysis"),
    "RestPoint": ("engine.analysis", "RestPoint"),
    "derive": ("dynamics", "derive"),
    "Dynamics": ("dynamics", "Dynamics"),
    "with_dynamics": ("dynamics", "with_dynamics"),
    "simulate": ("dynamics.simulation", "simulate"),
    "Simulation": ("dynamics.simulation", "Simulation"),
    "simulate_noisy": ("studies.stochastic.paths", "simulate_noisy"),
    "StochasticSimulation": ("studies.stochastic.paths", "StochasticSimulation"),
    "stochastic_stability": ("studies.stochastic.conditions", "stochastic_stability"),
    "StochasticStability": ("studies.stochastic.conditions", "StochasticStability"),
    "simulate_delayed": ("studies.delay", "simulate_delayed"),
    "load_scenario": ("scenario", "load_scenario"),
    "parse_scenario": ("scenario", "parse_scenario"),
    "apply": ("studies.mechanisms", "apply"),
    "mechanisms": ("studies.mechanisms", "mechanisms"),
    "compare": ("studies.compare", "compare"),
    "CompareResult": ("studies.compare", "CompareResult"),
    "compare_perception": ("studies.compare", "compare_perception"),
    "perceived_game": ("perception.transform", "perceived_game"),
    "Perception": ("perception.model", "Perception"),
    "threshold_curve": ("studies.perception", "threshold_curve"),
    "ThresholdCurve": ("studies.perception", "ThresholdCurve"),
    "threshold": ("studies.thresholds", "threshold"),
    "ThresholdResult": ("studies.thresholds", "ThresholdResult"),
    "sweep": ("studies.sweeps", "sweep"),
    "Sweep1DResult": ("studies.sweeps", "Sweep1DResult"),
    "RegimeMapResult": ("studies.sweeps", "RegimeMapResult"),
    "basins": ("studies.basins", "basins"),
    "BasinResult": ("studies.basins", "BasinResult"),
    "presets": ("studies.presets", "presets"),
    "apply_preset": ("studies.presets", "apply_preset"),
    "compare_presets": ("studies.presets", "compare_presets"),
    "uncertainty": ("studies.uncertainty", "uncertainty"),
    "continue_rest_points": ("studies.continuation", "continue_rest_points"),
    "Continuation": ("studies.continuation", "Continuation"),
    "continue_curves": ("studies.continuation.curves", "continue_curves"),
    "CurveSet": ("studies.continuation.curves", "CurveSet"),
    "UncertaintyResult": ("studies.uncertainty_results", "UncertaintyResult"),
    "cases": ("studies.cases", "cases"),
    "CaseTable": ("studies.case_results", "CaseTable"),
}


def __getattr__(name):
    # heavy modules load on first use so `evogame --help` starts fast
    if name in _LAZY:
        module, attr = _LAZY[name]
        return getattr(importlib.import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module 'evogame' has no attribute {name!r}")


__all__ = ["EvogameError", "ScenarioError", "ExpressionError",
           "AnalysisError", *_LAZY]
