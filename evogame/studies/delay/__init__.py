"""Information delay: the replicator dynamics with payoffs evaluated at ``x(t - tau)``.

* :mod:`.model` -- the delayed field (one delay, or one per population) and its linearisation;
* :mod:`.integrate` -- batched method of steps (RK4 + cubic Hermite continuous extension);
* :mod:`.simulate` -- :func:`simulate_delayed`, paths as a :class:`~evogame.dynamics.simulation.Simulation`;
* :mod:`.critical` -- the critical delay ``tau*`` of every rest point (Hopf), closed form or numeric.
"""
from .integrate import DDESolution, integrate_dde
from .model import DelayedReplicator, delays_per_population
from .simulate import DelayedSimulation, simulate_delayed

__all__ = ["DDESolution", "integrate_dde", "DelayedReplicator", "delays_per_population", "DelayedSimulation",
           "simulate_delayed"]
