"""The game layer: the frozen game model, its faces and its state space.

Everything above imports from here; this layer imports only :mod:`evogame.errors`
and :mod:`evogame.util` (a game's notebook display loads :mod:`evogame.render.notebook`
inside the method).

* :mod:`.model` -- :class:`Game`, populations, parameters, profiles, :class:`Origin`
* :mod:`.faces` -- the faces of the product of simplices
* :mod:`.state_space` -- coordinates on it
"""
from .model import Game, Origin, Parameter, Population, exact, game_of, parameter_symbol, parse_profile, state_names

__all__ = ["Game", "Origin", "Parameter", "Population", "exact", "game_of", "parameter_symbol", "parse_profile",
           "state_names"]
