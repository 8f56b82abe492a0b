"""The result of :func:`evogame.studies.uncertainty.uncertainty`: a typed record, its JSON and its text table."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..util.formatting import aligned

__all__ = ["UncertaintyResult", "QUANTILES", "summary"]

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def summary(values: np.ndarray) -> dict:
    """Mean (with its standard error), standard deviation and quantiles of a sample (NaN-free)."""
    n = int(values.size)
    if n == 0:
        return {"count": 0}
    sd = float(np.std(values, ddof=1)) if n > 1 else 0.0
    q = np.quantile(values, QUANTILES)
    return {"count": n, "mean": float(np.mean(values)), "standard_error": sd / np.sqrt(n), "sd": sd,
            "min": float(np.min(values)), "max": float(np.max(values)),
            "quantiles": {f"{p:g}": float(v) for p, v in zip(QUANTILES, q)}}


def _prob(p: float, se: float) -> str:
    return f"{p:.4f} ± {se:.4f}"


@dataclass(frozen=True)
class UncertaintyResult:
    """What survives when the parameters are uncertain.

    Attributes
    ----------
    scenario, dynamics, target : the game's name, the dynamics, the target's label.
    mechanisms, strength : the mechanisms applied and their strength (unless it is uncertain).
    distributions : the uncertain parameters (:class:`~evogame.studies.distributions.Distribution`).
    samples, seed, sampler : the Monte Carlo sample size, the seed and how it was drawn.
    labels, p_stable, se_stable : every rest point, the probability that it exists and is
        asymptotically stable, and the standard error ``sqrt(p (1 - p) / n)``.
    p_target_stable, se_target_stable : the same for the target.
    p_target_unique, se_target_unique : the probability that the target is the only
        asymptotically stable rest point.
    margin : summary of the target's stability margin ``max Re(eigenvalue)`` over the sample
        (negative: asymptotically stable); ``margins`` the per-draw values.
    sobol : Sobol indices of the margin (SALib), or None (with a note saying why).
    threshold : what the threshold study (``evogame threshold``: strength in ``[0, 1]``) gives over the
        draws: the probability of each outcome (``p_already_stable``, ``p_within``, ``p_never_stable``,
        ``p_independent``, with standard errors ``se_...``), their ``consistency`` with the probability
        of stability at the strength, the ``branches`` of the condition and how often each binds, and
        the ``distribution`` of the threshold where there is one; or None.
    draws : ``(n, D)`` the Monte Carlo draws, columns in the order of ``distributions``.
    thresholds : ``(n,)`` the threshold at each draw (NaN where there is none: already stable, never
        stable, independent of the strength).
    threshold_status : ``(n,)`` the threshold study's outcome at each draw, codes into
        :data:`~evogame.studies.uncertainty_threshold.STATUSES`.
    """

    scenario: str
    dynamics: str
    target: str
    mechanisms: list
    strength: float | None
    distributions: list
    samples: int
    seed: int
    sampler: str
    labels: list
    p_stable: np.ndarray
    se_stable: np.ndarray
    p_target_stable: float
    se_target_stable: float
    p_target_unique: float
    se_target_unique: float
    margin: dict
    sobol: dict | None
    threshold: dict | None
    notes: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict, repr=False, compare=False)
    draws: np.ndarray | None = field(default=None, repr=False, compare=False)
    margins: np.ndarray | None = field(default=None, repr=False, compare=False)
    thresholds: np.ndarray | None = field(default=None, repr=False, compare=False)
    threshold_status: np.ndarray | None = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        return (f"<UncertaintyResult {self.scenario}: P({self.target} stable) = {self.p_target_stable:.4g} "
                f"± {self.se_target_stable:.2g} over {self.samples:,} draws, seed {self.seed}>")

    def probability(self, label: str) -> tuple[float, float]:
        """``(p, standard error)`` that the rest point ``label`` is asymptotically stable."""
        i = self.labels.index(label)
        return float(self.p_stable[i]), float(self.se_stable[i])

    def to_dict(self) -> dict:
        """Everything but the timings and the per-draw arrays (the same seed gives the same JSON)."""
        return {
            "scenario": self.scenario, "dynamics": self.dynamics, "target": self.target,
            "mechanisms": list(self.mechanisms), "strength": self.strength,
            "distributions": [d.to_dict() for d in self.distributions],
            "samples": self.samples, "seed": self.seed, "sampler": self.sampler,
            "rest_points": [{"label": lab, "p_stable": float(p), "standard_error": float(se)}
                            for lab, p, se in zip(self.labels, self.p_stable, self.se_stable)],
            "target_stable": {"p": self.p_target_stable, "standard_error": self.se_target_stable},
            "target_unique_stable": {"p": self.p_target_unique, "standard_error": self.se_target_unique},
            "margin": self.margin, "sobol": self.sobol, "threshold": self.threshold,
            "notes": list(self.notes),
        }

    def table(self) -> str:
        """A few readable blocks: probabilities, the margin, Sobol indices, the threshold."""
        head = f"{self.scenario}: {', '.join(d.text() for d in self.distributions)}"
        if self.mechanisms:
            head += f"; mechanisms {', '.join(self.mechanisms)}"
            head += f" at strength {self.strength:g}" if self.strength is not None else ""
        out = [head, f"{self.samples:,} draws ({self.sampler}, seed {self.seed}); ± is one standard error", ""]
        rows = [("rest point", "P(asymptotically stable)")]
        rows += [(lab, _prob(p, se)) for lab, p, se in zip(self.labels, self.p_stable, self.se_stable)]
        rows += [(f"target {self.target}", _prob(self.p_target_stable, self.se_target_stable)),
                 ("target the only stable state", _prob(self.p_target_unique, self.se_target_unique))]
        out += aligned(rows) + [""]
        m = self.margin
        if m.get("count"):
            q = m["quantiles"]
            out.append(f"stability margin of {self.target} (max real part of its eigenvalues; < 0 stable): "
                       f"mean {m['mean']:.4g} ± {m['standard_error']:.2g}, sd {m['sd']:.4g}, "
                       f"5%..95% [{q['0.05']:.4g}, {q['0.95']:.4g}]")
        if self.sobol is not None:
            s = self.sobol
            out += ["", f"Sobol indices of the margin ({s['sampler']}; ± half-width of the "
                        f"{s['conf_level']:.0%} bootstrap interval)"]
            rows = [("parameter", "S1 (first order)", "ST (total)")]
            rows += [(n, f"{a:.3f} ± {ac:.3f}", f"{b:.3f} ± {bc:.3f}")
                     for n, a, ac, b, bc in zip(s["names"], s["S1"], s["S1_conf"], s["ST"], s["ST_conf"])]
            out += aligned(rows)
        if self.threshold is not None:
            out += [""] + _threshold_lines(self.threshold)
        out += [f"note: {n}" for n in self.notes]
        return "\n".join(out)


def _threshold_lines(t: dict) -> list[str]:
    c = t["consistency"]
    x = f"{c['strength']:g}"
    d = t["at_defaults"]
    at = d["status"] + (f" at {d['threshold']:.6g}" if d["threshold"] is not None else "")
    lines = [f"threshold strength of {' + '.join(t['mechanisms'])} in [0, 1], as `evogame threshold` gives it at "
             f"each draw ({t['method']}; at the defaults: {at})",
             f"  P(already stable at strength 0: no mechanism needed) = "
             f"{_prob(t['p_already_stable'], t['se_already_stable'])}",
             f"  P(a threshold s* in [0, 1]: the mechanism as described suffices) = "
             f"{_prob(t['p_within'], t['se_within'])}",
             f"  P(never stable for strength in [0, 1]) = {_prob(t['p_never_stable'], t['se_never_stable'])}",
             f"  P(no threshold: a part of the condition the strength does not touch fails) = "
             f"{_prob(t['p_independent'], t['se_independent'])}",
             f"  P(stable at strength {x}) = P(already stable or s* <= {x}) - P(unstable again by {x}) = "
             f"{c['p_reached']:.4f} - {c['p_lost_again']:.4f} = {c['p_stable_at_strength']:.4f}"
             + (f" (+ {c['p_stable_otherwise']:.4f} within the tolerance)" if c["p_stable_otherwise"] else "")]
    for b in t["branches"]:
        if b["expression"]:
            lines.append(f"  binding at {b['p_binding']:.1%} of the thresholds: {b['expression']}")
    dist = t["distribution"]
    if dist.get("count"):
        q = dist["quantiles"]
        lines.append(f"  threshold where it exists: mean {dist['mean']:.4g} ± {dist['standard_error']:.2g}, "
                     f"median {q['0.5']:.4g}, 5%..95% [{q['0.05']:.4g}, {q['0.95']:.4g}]")
    return lines
