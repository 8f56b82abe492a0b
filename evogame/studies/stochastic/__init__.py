"""Stochastic evolutionary games: ``dz_p = F_p(z) dt + sigma_p g_p(z) dW_p``.

* :mod:`.model` -- the noise forms and intensities (:class:`Noise`);
* :mod:`.schemes` -- batched Euler--Maruyama and Milstein, the boundary rule;
* :mod:`.paths` -- :func:`simulate_noisy` and its :class:`StochasticSimulation`;
* :mod:`.conditions` -- stochastic stability of the pure profiles.

The heavy modules (the compiled drift, sympy) load on first use, so that
reading a scenario's ``[noise]`` needs only :mod:`.model`.
"""
import importlib

from .model import FORMS, SCHEMES, Noise, make_noise

_LAZY = {"StochasticSimulation": "paths", "simulate_noisy": "paths", "StochasticStability": "conditions",
         "stochastic_stability": "conditions"}


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["FORMS", "SCHEMES", "Noise", "make_noise", *_LAZY]
