"""Studies: questions asked of a game through the engine.

Mechanisms and presets (changes of the game), thresholds (where a change
flips the stable outcome), sweeps and regime maps, basins of attraction.
Each module is a thin layer over :mod:`evogame.engine.analysis` and
:mod:`evogame.dynamics.simulation`; the scenario sections they use are parsed in
:mod:`evogame.scenario`.
"""
