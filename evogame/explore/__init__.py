"""The explorer: one self-contained HTML page with a slider per mechanism and parameter.

Every slider step shows the phase portrait of the game in its geometry (:mod:`.geometry`: the phase
line, the square, the simplex, or the rotatable cube with its faces): the direction of the vector field,
the rest points marked by class with the figures' marker language (filled = asymptotically stable, open
circle = unstable source, open square = saddle, half-filled = non-hyperbolic, open circle with a dot =
unstable (non-hyperbolic), open diamond = not differentiable), hover text with the state, eigenvalues and classification, the stable set in words, the
exact threshold marked ▼ on each slider, and the evolution paths from the starts the user clicks on.

The numbers are precomputed (:mod:`.compute`), not computed in the browser: each slider is one 1-D sweep
of the engine with every other slider at its default (a product grid of all sliders would not fit in a
page), the paths come from the batched integrator from a fixed set of starts, the thresholds from
:func:`~evogame.studies.thresholds.threshold`.  The page (:mod:`.page`) inlines plotly.js (about 4.7 MB),
so it opens without a server or network; its controller (:mod:`.script`) only draws.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from ..dynamics import chosen_dynamics
from ..errors import ScenarioError, install_hint
from ..scenario import as_scenario
from .compute import SliderData, slider_data, starts_of
from .geometry import geometry
from .sliders import SliderSpec, choose_sliders
from .words import words as page_words

__all__ = ["explore", "ExploreResult", "SliderData", "SliderSpec", "INSTALL", "MAX_BYTES"]

INSTALL = install_hint("explore")
#: the page's size limit (bytes); a page over it is refused with what to cut
MAX_BYTES = 10_000_000


@dataclass(frozen=True)
class ExploreResult:
    """What :func:`explore` wrote.

    Attributes
    ----------
    file : the HTML file; size : its size in bytes.
    geometry : ``"line"``, ``"square"``, ``"simplex"`` or ``"cube"``; dynamics : the dynamics.
    sliders : the sliders' numbers at the scenario's own values (:class:`~evogame.explore.compute.SliderData`).
    presets : name -> the sliders' numbers under that preset (empty when the scenario has none).
    starts : the starts of the precomputed paths (reduced states).
    """

    file: str
    size: int
    geometry: str
    dynamics: str
    sliders: tuple = field(repr=False)
    presets: Mapping = field(default_factory=dict, repr=False)
    starts: tuple = field(default=(), repr=False)

    def slider(self, name: str, preset: str | None = None) -> SliderData:
        """One slider's numbers by name (under a preset, or the scenario's values)."""
        for data in (self.sliders if preset is None else self.presets[preset]):
            if data.spec.name == name:
                return data
        raise KeyError(name)

    def to_dict(self) -> dict:
        return {"kind": "explore", "file": self.file, "size": self.size, "geometry": self.geometry,
                "dynamics": self.dynamics, "sliders": [d.to_dict() for d in self.sliders],
                "presets": {name: [d.to_dict() for d in sliders] for name, sliders in self.presets.items()},
                "starts": [list(s) for s in self.starts]}


def _plotly_js() -> str:
    try:
        from plotly.offline import get_plotlyjs
    except ImportError:
        raise ScenarioError("the explorer needs plotly, an optional extra", argument="explore",
                            expected=f"plotly installed: {INSTALL}") from None
    return get_plotlyjs()


def explore(subject, out: str, *, mechanisms: Sequence[str] = (), parameters: Mapping | None = None,
            steps: int = 41, parameter_steps: int = 21, params: Mapping | None = None, dynamics=None,
            lang: str = "en", presets: bool = True, progress=None) -> ExploreResult:
    """Write the explorer page of a scenario to ``out`` (HTML, self-contained).

    Parameters
    ----------
    subject : the Scenario (or its game).
    out : the HTML file written.
    mechanisms : a slider over each one's strength (``steps`` values over [0, 1]).
    parameters : name -> grid (or None: ``parameter_steps`` values over the declared range), a slider each.
        With neither ``mechanisms`` nor ``parameters``: every mechanism and up to three parameters with
        declared ranges.
    params : new default values of the parameters (name -> number).
    dynamics : the dynamics (default: the scenario's, else the replicator).
    lang : ``"en"`` or ``"zh"`` for the page's words.
    presets : a dropdown of the scenario's presets (each recomputes every slider; paths only for the
        scenario's own values).
    progress : optional ``progress(done, total)``, called as each slider of each setting is computed.
    """
    from ..studies.presets import preset_values
    from .page import page_data, page_html
    from .script import SCRIPT

    plotly_js = _plotly_js()
    words = page_words(lang)
    scenario = as_scenario(subject)
    kind = geometry(scenario.game, scenario.file)
    dynamics = chosen_dynamics(scenario, dynamics)
    specs = choose_sliders(scenario, mechanisms, parameters, steps=steps, parameter_steps=parameter_steps, lang=lang)
    starts = starts_of(scenario, kind)
    own = dict(params or {})
    settings = [("", words["baseline"], own, starts)]
    if presets:
        settings += [(name, p.label(lang), {**own, **preset_values(scenario, name, own)}, None)
                     for name, p in scenario.presets.items()]
    # paths and the cube's face slices at the scenario's own values only: under every preset they would
    # double the page
    total, computed = len(settings) * len(specs), []
    for name, label, values, s in settings:
        sliders = []
        for spec in specs:
            if progress:
                progress(len(computed) * len(specs) + len(sliders), total)
            sliders.append(slider_data(scenario, spec, values, kind=kind, dynamics=dynamics, starts=s,
                                       words=words, faces=s is not None))
        computed.append((name, label, sliders))
    if progress:
        progress(total, total)
    picked = list(range(min(len(scenario.simulation.initial or ()), len(starts))))
    data = page_data(scenario, computed, kind=kind, starts=starts, picked=picked, words=words, lang=lang)
    title = scenario.game.title or scenario.game.name
    page = page_html(plotly_js, data, SCRIPT, title=title, words=words,
                     subtitle=f"{dynamics} dynamics · {kind} · evogame explore")
    size = len(page.encode("utf-8"))
    if size > MAX_BYTES:
        raise ScenarioError(f"the page would be {size / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:g} MB limit",
                            file=scenario.file, argument="steps",
                            expected="fewer sliders (choose mechanisms or parameters) or fewer steps")
    try:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(page)
    except OSError as exc:
        raise ScenarioError(f"cannot write the page ({exc.strerror})", file=str(out)) from None
    return ExploreResult(file=str(out), size=os.path.getsize(out), geometry=kind, dynamics=dynamics,
                         sliders=tuple(computed[0][2]), presets={name: tuple(sl) for name, _, sl in computed[1:]},
                         starts=tuple(tuple(float(v) for v in s) for s in starts))
