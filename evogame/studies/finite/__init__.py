"""Finite populations: the pairwise-comparison (Fermi) process with exploration.

``finite(scenario, sizes, beta, mutation)`` gives the fixation probability of
every single mutant between monomorphic profiles, the stationary
distribution in the small-mutation limit, with ``mu > 0`` the full chain's
stationary distribution, the gradient of selection of one two-strategy
population, and the mean sharing level (the share of the target strategy).
Modules: ``process`` (the process and the state space), ``payoffs`` (no
self-interaction; groups drawn without replacement), ``fixation`` (closed
form; small-mutation limit), ``stationary`` (the full sparse chain),
``result`` (typed results), ``study`` (the entry points).
"""
from .fixation import fixation_probability
from .payoffs import FinitePayoffs
from .process import Process, StateSpace, fermi, transition_probabilities
from .result import FiniteResult, Invasion, SmallMutationLimit, Stationary
from .stationary import gth_stationary, stationary_distribution, transition_matrix
from .study import FiniteSweep, finite, finite_payoffs, finite_sweep, gradient_of_selection

__all__ = ["finite", "finite_sweep", "finite_payoffs", "gradient_of_selection", "FiniteResult", "FiniteSweep",
           "Invasion", "SmallMutationLimit", "Stationary", "Process", "StateSpace", "FinitePayoffs", "fermi",
           "transition_probabilities", "fixation_probability", "gth_stationary", "stationary_distribution",
           "transition_matrix"]
