"""Dynamics on the product of simplices (the replicator first), symbolic once, compiled once.

For population ``p`` with shares ``x_{p,i}`` and expected payoffs ``f_{p,i}``
the replicator equation is

    dx_{p,i}/dt = x_{p,i} (f_{p,i} - fbar_p),   fbar_p = sum_j x_{p,j} f_{p,j},

written in reduced coordinates (the first ``n_p - 1`` shares of each
population).  For a population with two strategies it is the familiar
``dx/dt = x (1 - x) (f_1 - f_2)``.
"""
from .base import Dynamics, resolve_sums, structural_parameters, with_structural
from .bnn import BNN
from .logit import Logit
from .maynard_smith import MaynardSmith
from .mutator import Mutator
from .projection import Projection
from .registry import DYNAMICS, chosen_dynamics, derive, parse_dynamics, with_dynamics
from .replicator import Replicator
from .smith import Smith

__all__ = ["Dynamics", "Replicator", "MaynardSmith", "Mutator", "Logit", "BNN", "Smith", "Projection", "DYNAMICS", "derive",
           "parse_dynamics", "chosen_dynamics", "with_dynamics", "resolve_sums", "structural_parameters",
           "with_structural"]
