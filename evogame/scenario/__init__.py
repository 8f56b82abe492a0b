"""Scenario files (TOML): one file describes a game, its parameters and mechanisms.

The format lives in this package, one module per section: ``reader``
(file, bytes, TOML, line numbers), ``sections`` (the order of sections),
``populations``, ``parameters``, ``payoffs`` (and ``[fitness]``),
``mechanisms``, ``presets``, ``simulation``, ``noise``; ``model`` holds the typed
result, :class:`Scenario`.  The loader only parses and validates; it
contains no mathematics and imports nothing above the game model.  Every
expression goes through the whitelist parser of :mod:`evogame.scenario.expressions`
(never ``eval`` or ``sympify`` on raw text), and every mistake raises a
:class:`ScenarioError` naming the file, the key and what was expected.

Form (see ``scenarios/vertical.toml`` for a full example)::

    [game]
    name = "vertical"
    title = "Vertical hierarchical game"
    matching = "populations"        # or "symmetric": one population matched with itself

    [[populations]]
    name = "superior"
    strategies = ["strict", "loose"]
    label_en = "Superior government"          # optional display names
    label_zh = "上级政府"
    strategy_labels_en = ["Strict", "Loose"]
    strategy_labels_zh = ["严格监管", "宽松监管"]
    variable = "x"                            # optional state symbol

    [parameters]
    c_S = 2.0                                  # a default value, or a table:
    d = { value = 0.5, range = [0, 1], description = "detection probability", stands_for = "default" }

    [payoffs]                                  # one strategy per population, joined by "."
    "strict.active" = ["V_U - c_S - r", "beta*B + m*G - c_D - lambda*L + r"]

    # or, for games that are not matrix games, expected payoffs in the state:
    [fitness]
    "departments.share" = "b*x - c"
    "departments.not" = "b*x"

Validation (every mistake is one :class:`~evogame.errors.ScenarioError` with
the file, the line where it can be found, the key, what was expected, what
was found and, for a near-miss name, a suggestion):

* the file: a regular file of at most 256 KiB of UTF-8 text (no byte-order
  mark, no NUL bytes), no line longer than 10 000 characters, valid TOML
  (the error gives tomllib's line and column), tables nested at most 16 deep;
* sections and keys: only the known ones (near misses suggested); the right
  types everywhere; at most 12 populations of at most 24 strategies and at
  most 20 000 payoff profiles; at most 1000 parameters;
* names: population, strategy, parameter and variable names are distinct;
  strategy and population names contain no '.'; parameter and variable names
  are ASCII identifiers that are not the reserved ``strength`` (a mechanism's
  strength) nor a function of the expression language (exp, log, sqrt, abs,
  min, max, binomial, sum);
* numbers: finite, within 1e-300..1e300 in magnitude; a parameter's value
  lies in its declared ``range``.  **A parameter whose range is [0, 1] is a
  probability or a fraction**: its default, every preset, every mechanism at
  strength 1 and every ``--param`` override must lie in [0, 1] (the same
  rule holds for any declared range);
* payoffs: one entry per profile, keys naming one known strategy per
  population (quoted, so that the '.' stays in the key), one expression per
  population; expressions use declared names only;
* ``[game] target``: one known strategy per population joined by '.';
* ``[simulation]``: ``t_end`` > 0 and ``initial`` states inside the product
  of simplices;
* ``[[mechanisms]]`` and ``[presets]``: see their modules; every
  mechanism, at strength 1 and the defaults, must keep the parameters it
  sets inside their declared ranges.

Validation of one file takes at most 30 seconds (in practice milliseconds);
beyond that it is refused as too costly.
"""
import importlib

from .checks import MAX_BYTES, RESERVED_NAMES, TOP_LEVEL

# The rest loads on first use: the checks above are plain Python, the parsers
# need sympy (reading the cache of `evogame analyze` must not import it).
_LAZY = {
    "Scenario": "model", "as_scenario": "model", "Mechanism": "mechanisms", "MECHANISM_KEYS": "mechanisms",
    "STRENGTH": "mechanisms", "strength_symbol": "mechanisms", "Preset": "presets", "PRESET_KEYS": "presets",
    "decode": "reader", "load_scenario": "reader", "parse_scenario": "reader",
    "scenario_from_dict": "sections", "SimulationSettings": "simulation", "DelaySettings": "delay",
}


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'evogame.scenario' has no attribute {name!r}")


__all__ = ["Scenario", "as_scenario", "Mechanism", "Preset", "SimulationSettings", "DelaySettings", "load_scenario",
           "parse_scenario", "scenario_from_dict", "decode", "STRENGTH", "strength_symbol", "MAX_BYTES",
           "RESERVED_NAMES", "TOP_LEVEL", "MECHANISM_KEYS", "PRESET_KEYS"]
