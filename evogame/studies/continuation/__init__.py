"""Continuation of rest points in one parameter: branches, folds, branch points, Hopf points.

:func:`continue_rest_points` is the public call; :mod:`.branch` holds its result types,
:mod:`.arclength` the predictor-corrector, :mod:`.events` the test functions, :mod:`.lyapunov` the
first Lyapunov coefficient (also for a plain field given by its derivatives).
"""
from .cycles import Cycle, CycleBranch, CycleSettings
from .branch import Branch, Continuation, Point, Segment, SpecialPoint
from .lyapunov import HopfCoefficient, first_lyapunov_coefficient
from .study import continue_rest_points

__all__ = ["continue_rest_points", "Continuation", "Branch", "Point", "Segment", "SpecialPoint",
           "HopfCoefficient", "first_lyapunov_coefficient", "Cycle", "CycleBranch", "CycleSettings"]
