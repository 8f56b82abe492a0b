"""Stochastic evolutionary games: ``dz_p = F_p(z) dt + sigma_p g_p(z) dW_p``.

* :mod:`.model` -- the noise forms and intensities (:class:`Noise`);
* :mod:`.schemes` -- batched Euler--Maruyama and Milstein, the boundary rule;
* :mod:`.paths` -- :func:`simulate_noisy` and its :class:`StochasticSimulation`;
* :mod:`.conditions` -- stochastic stability of the pure profiles.
"""
from .model import FORMS, SCHEMES, Noise, make_noise
from .paths import StochasticSimulation, simulate_noisy

__all__ = ["FORMS", "SCHEMES", "Noise", "make_noise", "StochasticSimulation", "simulate_noisy"]
