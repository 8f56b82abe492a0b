"""The explorer: one self-contained HTML page that computes, with a slider per mechanism and parameter.

All sliders act together, at any value in their range: on every move the page computes the rest points,
their classes, the stable set, each slider's threshold at the current values of the others, the field and
the paths, from the engine's own expressions printed to JavaScript (:mod:`.model`, :mod:`.jscode`) and a small
set of generic numerics (:mod:`.solver_js`: eigenvalues, Newton, Dormand-Prince 5(4), the threshold
bisection).  The phase portrait is drawn in the game's geometry (:mod:`.geometry`: the phase line, the
square, the simplex, or the rotatable cube with its faces) with the figures' marker language (filled =
asymptotically stable, open circle = unstable source, open square = saddle, half-filled = non-hyperbolic,
open circle with a dot = unstable (non-hyperbolic), open diamond = not differentiable; a cross = on the
boundary, where the page and the engine could disagree), rest points named E1, E2, ... as ``analyze``
numbers them, the field coloured by its speed.  The page (:mod:`.page`) carries plotly.js compressed, so it
opens without a server or network; its controller is :mod:`.script`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from ..dynamics import chosen_dynamics
from ..errors import ScenarioError, install_hint
from ..scenario import as_scenario
from .geometry import geometry
from .sliders import MECHANISM, SliderSpec, choose_sliders
from .words import words as page_words

__all__ = ["explore", "ExploreResult", "SliderSpec", "INSTALL", "MAX_BYTES"]

INSTALL = install_hint("explore")
#: the page's size limit (bytes): plotly.js packed (about 2 MB), the model and the data
MAX_BYTES = 3_000_000


@dataclass(frozen=True)
class ExploreResult:
    """What :func:`explore` wrote.

    Attributes
    ----------
    file : the HTML file; size : its size in bytes.
    geometry : ``"line"``, ``"square"``, ``"simplex"`` or ``"cube"``; dynamics : the dynamics.
    sliders : the sliders (:class:`~evogame.explore.sliders.SliderSpec`).
    parameters : the page's parameter vector's names (mechanism strengths as ``strength:NAME``).
    presets : ``(name, label, values)`` per setting of the dropdown: the scenario's values first (name ``""``),
        then each preset's; ``values`` maps every name of ``parameters`` to its number.
    starts : the starts of the paths (reduced states); faces : how each face's rest points are found
        (``corner``, ``polynomial``, ``closed`` or ``newton``).
    """

    file: str
    size: int
    geometry: str
    dynamics: str
    sliders: tuple = field(repr=False)
    parameters: tuple = field(default=(), repr=False)
    presets: tuple = field(default=(), repr=False)
    starts: tuple = field(default=(), repr=False)
    faces: tuple = field(default=(), repr=False)

    def to_dict(self) -> dict:
        return {"kind": "explore", "file": self.file, "size": self.size, "geometry": self.geometry,
                "dynamics": self.dynamics, "sliders": [s.to_dict() for s in self.sliders],
                "parameters": list(self.parameters),
                "presets": [{"name": n, "label": lab, "values": dict(v)} for n, lab, v in self.presets],
                "starts": [list(s) for s in self.starts], "faces": list(self.faces)}


def _plotly_js() -> None:
    try:
        import plotly.offline  # noqa: F401
    except ImportError:
        raise ScenarioError("the explorer needs plotly, an optional extra", argument="explore",
                            expected=f"plotly installed: {INSTALL}") from None


def explore(subject, out: str, *, mechanisms: Sequence[str] = (), parameters: Mapping | None = None,
            steps: int = 201, params: Mapping | None = None, dynamics=None, lang: str = "en",
            presets: bool = True) -> ExploreResult:
    """Write the explorer page of a scenario to ``out`` (HTML, self-contained, computing in the browser).

    Parameters
    ----------
    subject : the Scenario (or its game).
    out : the HTML file written.
    mechanisms : a slider over each one's strength ([0, 1]).
    parameters : name -> ``(lo, hi)`` or a grid whose ends are the range (None: the declared range, else a
        stated default range, :func:`~evogame.explore.sliders.default_range`), a slider each.  With neither
        ``mechanisms`` nor ``parameters``: every mechanism and up to three parameters.
    steps : thumb positions of each slider (any value can be typed in its box).
    params : new default values of the parameters (name -> number).
    dynamics : the dynamics (default: the scenario's, else the replicator).
    lang : ``"en"`` or ``"zh"`` for the page's words and the scenario's names.
    presets : a dropdown of the scenario's presets (each sets every parameter to the preset's values).
    """
    from .data import page_data
    from .model import build_model
    from .page import page_html
    from .script import SCRIPT
    from .solver_js import NUMERICS

    _plotly_js()
    words = page_words(lang)
    scenario = as_scenario(subject)
    kind = geometry(scenario.game, scenario.file)
    dynamics = chosen_dynamics(scenario, dynamics)
    own = dict(params or {})
    game = scenario.game.with_values(**own)
    specs = choose_sliders(scenario, mechanisms, parameters, steps=steps, lang=lang, values=game.values())
    model = build_model(scenario, game, [s.name for s in specs if s.kind == MECHANISM], dynamics)
    data, settings = page_data(scenario, model, specs, kind=kind, own=own, words=words, lang=lang,
                               presets=presets)
    title = scenario.game.title or scenario.game.name
    page = page_html(data, model.to_js(), NUMERICS, SCRIPT, title=title, words=words,
                     subtitle=f"{dynamics} {words['dynamics']} · {kind} · evogame explore")
    size = len(page.encode("utf-8"))
    if size > MAX_BYTES:
        raise ScenarioError(f"the page would be {size / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:g} MB limit",
                            file=scenario.file, argument="mechanism",
                            expected="fewer sliders (choose mechanisms or parameters)")
    try:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(page)
    except OSError as exc:
        raise ScenarioError(f"cannot write the page ({exc.strerror})", file=str(out)) from None
    return ExploreResult(file=str(out), size=os.path.getsize(out), geometry=kind, dynamics=dynamics,
                         sliders=tuple(specs), parameters=model.parameters, presets=tuple(settings),
                         starts=tuple(tuple(z) for z in data["starts"]),
                         faces=tuple(f["kind"] for f in model.faces))
