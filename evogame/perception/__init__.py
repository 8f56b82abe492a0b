"""Perceived payoffs: prospect theory, probability weighting and mental accounting (``[perception]``).

:mod:`~evogame.perception.model` holds the declaration and the functions
(value, weighting); :mod:`~evogame.perception.transform` rewrites a game's
payoff entries into perceived ones, as exact sympy expressions.
"""
from .model import (DEFAULT_NAMES, DEFAULT_VALUES, Account, Frame, Perception, PerceptionSpec, prospect, value,
                    weight)
from .transform import perceived_game, perceived_payoff

__all__ = ["Account", "Frame", "Perception", "PerceptionSpec", "perceived_game", "perceived_payoff", "value",
           "weight", "prospect", "DEFAULT_NAMES", "DEFAULT_VALUES"]
