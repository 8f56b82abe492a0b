"""The dynamics evogame knows, by name, and their derivation for a game (cached)."""
from __future__ import annotations

import dataclasses
import weakref

from ..errors import AnalysisError, ScenarioError, did_you_mean
from ..game import Game
from .base import Dynamics, structural_parameters
from .bnn import BNN
from .logit import Logit
from .maynard_smith import MaynardSmith
from .mutator import Mutator
from .projection import Projection
from .replicator import Replicator
from .smith import Smith

__all__ = ["DYNAMICS", "derive", "parse_dynamics", "chosen_dynamics", "with_dynamics"]

#: the dynamics evogame knows, by name
DYNAMICS: dict[str, type[Dynamics]] = {"replicator": Replicator, "maynard_smith": MaynardSmith, "mutator": Mutator,
                                        "logit": Logit, "bnn": BNN, "smith": Smith, "projection": Projection}


# Derived once per game; games made by ``Game.with_values`` share their payoffs
# (the same fitness tuple), so they share the derivation unless a structural
# parameter changed.  While a Dynamics lives it holds its game, hence the
# fitness tuple, so the id in the key cannot be reused by another object.
_BY_GAME: "weakref.WeakKeyDictionary[Game, dict[tuple, Dynamics]]" = weakref.WeakKeyDictionary()
_BY_PAYOFFS: "weakref.WeakValueDictionary[tuple, Dynamics]" = weakref.WeakValueDictionary()


def parse_dynamics(spec) -> tuple[str, dict]:
    """``"logit:eta=0.1"`` -> ``("logit", {"eta": 0.1})``; a ``(name, options)`` pair passes through.

    A :class:`~evogame.scenario.dynamics_spec.DynamicsSpec` (a scenario's mutation
    matrix) gives the pair it carries.  A mutation matrix is not written on
    the command line: ``matrix=...`` in a string is refused.
    """
    spec = getattr(spec, "pair", spec)
    if not isinstance(spec, str):
        name, options = spec
        return name, dict(options)
    name, _, rest = spec.partition(":")
    name = name.strip()
    if name not in DYNAMICS:
        raise ScenarioError(f"unknown dynamics '{name}'", argument="dynamics",
                            expected="one of " + ", ".join(DYNAMICS), suggestion=did_you_mean(name, DYNAMICS))
    options = {}
    for item in filter(None, (s.strip() for s in rest.split(","))):
        key, eq, value = item.partition("=")
        if key.strip() == "matrix":
            raise ScenarioError("a mutation matrix is given in the scenario file, not on the command line",
                                argument="dynamics", expected='a [dynamics.matrix] table with name = "mutator" in '
                                "[dynamics] (or mutator:mu=VALUE for uniform mutation)")
        try:
            options[key.strip()] = float(value)
        except ValueError:
            eq = ""
        if not eq:
            raise ScenarioError(f"'{item}' is not KEY=NUMBER", argument="dynamics",
                                expected="NAME[:KEY=VALUE,...], e.g. logit:eta=0.1")
    return name, options


def _options(name: str, given: dict) -> dict:
    """The options of dynamics ``name``: known keys only, required ones present, defaults filled in."""
    known = DYNAMICS[name].OPTIONS
    for key in given:
        if key not in known:
            raise ScenarioError(f"dynamics '{name}' has no option '{key}'", argument="dynamics",
                                expected=("one of " + ", ".join(known)) if known else "no options",
                                suggestion=did_you_mean(key, known))
    missing = [k for k, v in known.items() if v is None and k not in given]
    if missing:
        raise ScenarioError(f"dynamics '{name}' needs " + ", ".join(missing), argument="dynamics",
                            expected=f"{name}:" + ",".join(f"{k}=VALUE" for k in missing))
    return {**{k: v for k, v in known.items() if v is not None}, **given}


def chosen_dynamics(subject, dynamics):
    """The dynamics asked for; else the scenario's ``[dynamics]`` (a Scenario's ``dynamics``); else the replicator."""
    if dynamics is not None:
        return dynamics
    return getattr(subject, "dynamics", "replicator")


def with_dynamics(subject, dynamics):
    """The scenario (a bare game: wrapped in one) studied under ``dynamics`` instead of its ``[dynamics]``.

    Every study then follows it: sweeps, thresholds, basins, figures and the report.  ``None`` leaves the
    subject as it is.
    """
    from ..scenario import as_scenario   # the loader's model; imported here to keep the registry light

    if dynamics is None:
        return subject
    parse_dynamics(dynamics)               # an unknown name is refused here, naming the option
    return dataclasses.replace(as_scenario(subject), dynamics=dynamics)


def derive(game: Game, dynamics="replicator") -> Dynamics:
    """The Dynamics of a game, derived once and cached weakly.

    ``dynamics`` names one of :data:`DYNAMICS` with its options:
    ``"replicator"``, ``"logit:eta=0.1"``, or a ``(name, {option: value})`` pair.
    """
    name, options = parse_dynamics(dynamics)
    if name not in DYNAMICS:
        raise AnalysisError(f"unknown dynamics '{name}'; known: " + ", ".join(DYNAMICS))
    options = _options(name, options)
    spec = (name, tuple(sorted(options.items())))
    cached = _BY_GAME.get(game, {}).get(spec)
    if cached is None:
        structural = sorted((n, game.parameters[n].value) for n in structural_parameters(game))
        key = (spec, id(game.fitness), id(game.populations), tuple(game.parameters), tuple(structural))
        cached = _BY_PAYOFFS.get(key)
        if cached is None:
            cached = DYNAMICS[name](game, **options)
            _BY_PAYOFFS[key] = cached
        _BY_GAME.setdefault(game, {})[spec] = cached
    return cached
