"""The page's data: what the controller needs besides the model -- the sliders, the parameter vector of each
setting (the scenario's values, each preset's), the geometry's grids, the starts of the paths, the target
corner of the thresholds and the words.  Nothing here computes a rest point: the page does."""
from __future__ import annotations

from ..dynamics.simulation import as_initial_states
from ..studies.presets import preset_values
from ..studies.thresholds import target_support
from .geometry import SIMPLEX_VERTICES, field_states, start_states
from .model import parameter_vector, strength_name
from .page import face_grid, face_panels, frame_traces, layout
from .sliders import MECHANISM
from .words import MARKERS, class_name, strategy_names

__all__ = ["page_data", "DEFAULT_T_END", "STEPS"]

DEFAULT_T_END = 20.0
#: the field's grid for the line (a curve of dz/dt)
STEPS = 101


def page_data(scenario, model, specs, *, kind: str, own: dict, words: dict, lang: str, presets: bool):
    """``(data, settings)``: the page's JSON data and ``(name, label, values)`` per setting of the dropdown."""
    settings = [("", words["baseline"], own)]
    if presets:
        settings += [(name, p.label(lang), {**own, **preset_values(scenario, name, own)})
                     for name, p in scenario.presets.items()]
    vectors = [parameter_vector(model, {k: float(v) for k, v in values.items()}) for _, _, values in settings]
    index = {n: i for i, n in enumerate(model.parameters)}
    sliders = []
    for s in specs:
        key = strength_name(s.name) if s.kind == MECHANISM else s.name
        step = 1 if s.integer else (s.hi - s.lo) / (s.steps - 1)
        sliders.append({**s.to_dict(), "index": index[key], "lo": s.lo, "hi": s.hi, "step": step,
                        "quantity": words["quantity"] if s.kind == MECHANISM else s.name})
    game = model.game
    initial = scenario.simulation.initial
    starts = start_states(kind, as_initial_states(scenario.game, list(initial)) if initial else None)
    data = {"kind": kind, "lang": lang, "dim": model.dimension, "sizes": [p.n for p in game.populations],
            "names": [strategy_names(p, lang) for p in game.populations], "vertices": SIMPLEX_VERTICES.tolist(),
            "words": words, "classes": [[cls, class_name(cls, lang), symbol] for cls, symbol in MARKERS.items()],
            "fieldAt": field_states(kind).tolist(), "starts": starts.tolist(),
            "picked": list(range(min(len(initial or ()), len(starts)))),
            "tEnd": float(scenario.simulation.t_end or DEFAULT_T_END), "target": _target(scenario, model, lang),
            "sliders": sliders, "parameters": list(model.parameters),
            "presets": [{"name": n, "label": lab, "p": v} for (n, lab, _), v in zip(settings, vectors)],
            "frame": frame_traces(kind), "layout": layout(scenario, kind, lang, words),
            "config": {"displaylogo": False, "responsive": False}, "faces": [], "faceAt": []}
    if kind == "cube":
        data["faces"], data["faceAt"] = face_panels(scenario, lang)[0], face_grid()
    return data, [(n, lab, dict(zip(model.parameters, v))) for (n, lab, _), v in zip(settings, vectors)]


def _target(scenario, model, lang: str):
    """The target corner (reduced state and label) whose threshold each slider shows; None without one."""
    if scenario.target is None or not model.by_faces:
        return None
    support = target_support(scenario, None)
    game = model.game
    z = [float(v) for v in game.pure_state([S[0] for S in support])]
    names = [strategy_names(p, lang) for p in game.populations]
    return {"z": z, "support": [list(S) for S in support],
            "label": "(" + ", ".join(names[k][S[0]] for k, S in enumerate(support)) + ")"}
