"""The threshold of a mechanism against loss aversion: one curve per curvature ``alpha`` (draws only)."""
from __future__ import annotations

import numpy as np

from .style import new_figure, style

__all__ = ["threshold_curve_figure"]


def threshold_curve_figure(curve, *, ax=None, width="single"):
    """Draw a :class:`~evogame.studies.perception.ThresholdCurve`.

    The target is asymptotically stable above each curve (strengths from the
    threshold up to 1); a gap means it is not stable even at strength 1.  The
    dashed line is the threshold under the expected payoffs.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with style(width):
        own = ax is None
        fig = new_figure(width, 0.75) if own else ax.figure
        ax = fig.add_subplot() if own else ax
        for a, row, marker in zip(curve.alphas, curve.thresholds, "osd^v<>"):
            ax.plot(curve.lam, row, marker=marker, markersize=2.5, linewidth=1.0,
                    label=f"{curve.alpha_name} = {a:g}")
        if curve.expected is not None:
            ax.axhline(curve.expected, color="#555555", linestyle="--", linewidth=0.8,
                       label=f"expected payoffs: {curve.expected:.3g}")
        ax.set_xlim(float(np.min(curve.lam)), float(np.max(curve.lam)))
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel(f"loss aversion {curve.lam_name}")
        ax.set_ylabel("threshold strength s*")
        what = " + ".join(curve.mechanisms)
        ax.set_title(f"{curve.target} stable above the curve ({what})", fontsize="small")
        ax.legend(fontsize="x-small", frameon=False, loc="best")
    return fig
