"""``evogame threshold``: the strength (or parameter value) at which the target becomes stable."""
from __future__ import annotations

import click

from ..options import (dynamics_option, json_option, lang_option, mechanism_option, scenario_argument,
                           set_alias)
from ..output import echo_json
from ..values import load, parse_params, parse_range
from ...errors import ScenarioError
from ...render.plain import fit_text
from ...render.vocabulary import point_label, threshold_meaning_zh

__all__ = ["command", "threshold_text"]


#: the words of the text, in English and Chinese
_WORDS = {
    "en": {"target": "target", "unknown": "unknown", "mechanisms": "mechanisms", "threshold": "threshold",
           "none": "none", "exactly": "exactly", "closed": "closed form", "method": "method",
           "stable_set": "stable set of the target", "meaning": "meaning", "stable_at": "stable at {0}",
           "note": "note"},
    "zh": {"target": "目标状态", "unknown": "未知量", "mechanisms": "机制", "threshold": "阈值", "none": "无",
           "exactly": "精确值", "closed": "解析式", "method": "方法", "stable_set": "目标的稳定区间",
           "meaning": "含义", "stable_at": "{0} 处的稳定状态", "note": "说明"},
}


def threshold_text(r, lang: str = "en", scenario=None) -> str:
    """The threshold result as a few readable lines (``zh``: the scenario's Chinese names and words)."""
    w, zh = _WORDS[lang], lang == "zh" and scenario is not None
    name = (lambda label: _chinese_label(scenario.game, label)) if zh else (lambda label: label)
    mechanisms = [scenario.mechanisms[m].label("zh") if m in scenario.mechanisms else m
                  for m in r.mechanisms] if zh else r.mechanisms
    lines = [f"{w['target']}: {name(r.target)}   {w['unknown']}: {r.unknown}"
             + (f"   {w['mechanisms']}: {', '.join(mechanisms)}" if mechanisms else "")]
    if r.threshold is None:
        lines.append(f"{w['threshold']}: {w['none']}")
    else:
        exact = f" ({w['exactly']} {r.exact})" if r.exact and r.exact != f"{r.threshold:.10g}" else ""
        lines.append(f"{w['threshold']}: {r.unknown} = {r.threshold:.10g}{exact}")
    if r.expression:
        lines.append(f"{w['closed']}: {r.expression}")
    lines.append(f"{w['method']}: {r.method}" + (f" (tolerance {r.tolerance:g})" if r.method == "bisection" else ""))
    region = ", ".join(f"[{a:.10g}, {b:.10g}]" for a, b in r.stable_region) or w["none"]
    lines.append(f"{w['stable_set']}: {region if zh else r.direction}")
    lines.append(f"{w['meaning']}: {threshold_meaning_zh(r.to_dict(), scenario) if zh else r.meaning}")
    for at, stable in ((r.below_at, r.stable_below), (r.above_at, r.stable_above)):
        lines.append(f"{w['stable_at'].format(f'{r.unknown} = {at:.6g}')}: "
                     + (", ".join(name(label) for label in stable) or w["none"]))
    for n in r.notes:
        lines.append(f"{w['note']}: {n}")
    return fit_text("\n".join(lines))


def _chinese_label(game, label: str) -> str:
    """A pure profile's label ``(loose, active)`` in the scenario's Chinese names (other labels as they are)."""
    import itertools

    for support in itertools.product(*[[(i,) for i in range(p.n)] for p in game.populations]):
        if point_label(game, support) == label:
            return point_label(game, support, "zh")
    return label


@click.command(epilog="""\b
Examples:
  evogame threshold scenarios/vertical.toml --mechanism platform
  evogame threshold scenarios/vertical.toml --vary c_D
  evogame threshold scenarios/vertical.toml --vary L -p c_D=2
  evogame threshold scenarios/vertical.toml --mechanism incentive
  evogame threshold scenarios/dual_leadership.toml --mechanism escalation --mechanism bundling --json
  evogame threshold scenarios/vertical.toml --mechanism platform --dynamics smith
  evogame threshold scenarios/vertical.toml --mechanism dynamic_penalty --target interior --dynamics logit:eta=0.5
""")
@scenario_argument
@mechanism_option("A mechanism of the scenario (repeatable; they compose in the order given).")
@click.option("--target", "-t", default=None, metavar="A.B",
              help="The target profile, one strategy per population joined by '.' (default: the scenario's).")
@click.option("--vary", "param", default=None, metavar="NAME",
              help="Find this parameter's threshold instead of the strength (mechanisms then at strength 1).")
@click.option("--range", "range_", default=None, metavar="LO:HI",
              help="Interval searched (default 0:1 for a strength, else the parameter's declared range).")
@click.option("--bisection", is_flag=True, help="Skip the closed form; bracket and bisect numerically.")
@dynamics_option
@set_alias
@lang_option("Names of the target, the mechanisms and the stable states, and the meaning, in English or in "
             "the scenario's Chinese labels.")
@json_option
def command(scenario, mechanisms, target, param, range_, bisection, dynamics, params, lang, as_json):
    """Where the TARGET rest point of SCENARIO becomes asymptotically stable.

    With --mechanism: the strength s (0 = baseline, 1 = as described) from
    which the target is asymptotically stable.  With --vary NAME: the value of
    that parameter where the target's stability switches (the others at their
    defaults, or as -p NAME=VALUE sets them).  In closed form when sympy solves the stability
    condition (the boundary is printed with the other parameters symbolic),
    else by bisection with the tolerance reported.  Says plainly when the
    target's stability does not depend on the mechanism at all.
    """
    from ...studies.thresholds import threshold

    subject = load(scenario)
    overrides = parse_params(subject, params, studied="--vary")   # first: `-p c_D` says to use --vary c_D
    if not mechanisms and param is None:
        raise ScenarioError("a threshold needs a mechanism (for its strength) or a parameter", argument="--mechanism",
                            expected="--mechanism NAME, or --vary NAME for a parameter's threshold")
    result = threshold(subject, list(mechanisms), target=target, param=param, range=parse_range(range_),
                       params=overrides, method="bisection" if bisection else "auto",
                       dynamics=dynamics)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(threshold_text(result, lang, subject))
