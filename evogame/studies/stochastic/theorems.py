"""The theorems behind the stochastic stability verdicts at a pure profile, by name.

Each verdict of :mod:`.conditions` names the theorems it rests on (keys of
:data:`THEOREMS`); :data:`THEOREM` is all of them, as printed under the table.
"""
from __future__ import annotations

#: the theorems, numbered as the table cites them
THEOREMS = {
    "1": (
        "Theorem 1 (scalar linear SDE; Mao, Stochastic Differential Equations and Applications, 2nd ed. 2007, ch. 4: "
        "sec. 4.3 almost sure and sec. 4.4 moment exponential stability). du = a u dt + b u dB has "
        "u(t) = u(0) exp((a - b^2/2) t + b B(t)), so (strong law of large numbers for B) lim (1/t) log|u(t)| = "
        "a - b^2/2 almost surely, and E|u(t)|^p = |u(0)|^p exp(p (a + (p-1) b^2/2) t). Hence the zero solution is "
        "almost surely exponentially stable iff a - b^2/2 < 0, and p-th moment exponentially stable iff "
        "a + (p-1) b^2/2 < 0. With a diagonal linearised drift each distance coordinate is such an equation "
        "(correlations between the B_i do not matter): the linearised SDE is a.s. exponentially stable iff "
        "max_i (a_i - b_i^2/2) < 0 and p-th moment exponentially stable iff max_i (a_i + (p-1) b_i^2/2) < 0."),
    "2": (
        "Theorem 2 (triangular linearised drift; derived from Theorem 1). Let the linearised drift A be triangular "
        "after reordering the distance coordinates, with off-diagonal entries >= 0 (as at a corner: the drift "
        "does not leave the state space), and the noise b_i u_i dB_i. Then the almost-sure exponent is "
        "max_i (a_ii - b_i^2/2) and the p-th moment exponent max_i p (a_ii + (p-1) b_i^2/2): the conditions of "
        "Theorem 1 on the diagonal. Lower bound: on u >= 0 each u_i is at least the solution of its own diagonal "
        "equation (comparison). Upper bound, by induction along the order: u_i(t) = Phi_i(t, 0) u_i(0) + "
        "int_0^t Phi_i(t, s) sum_j a_ij u_j(s) ds with Phi_i(t, s) = exp((a_ii - b_i^2/2)(t - s) + "
        "b_i (B_i(t) - B_i(s))) independent of the past at s; over each unit time interval the flow is independent "
        "of the state at its start, so the moments of the sum over intervals add up (Minkowski's inequality for "
        "p >= 1, (y + z)^p <= y^p + z^p for p < 1) at the largest diagonal rate times a polynomial in t, and "
        "almost surely |B_i(t) - B_i(s)| <= C + eps (t + s)."),
    "3": (
        "Theorem 3 (second-moment operator; Mao 2007, sec. 4.4). For du = A u dt + sum_l B_l u dW_l the second "
        "moments E[u u^T] obey a linear equation with the operator A(x)I + I(x)A + sum_l B_l(x)B_l: the linearised "
        "SDE is mean-square exponentially stable iff it is Hurwitz (exact for p = 2), and mean-square exponential "
        "stability implies almost sure exponential stability (sufficient only: otherwise the almost-sure verdict is "
        "undecided, and so is a p-th moment verdict for p != 2)."),
    "4": (
        "Theorem 4 (stability in the first approximation; Khasminskii, Stochastic Stability of Differential "
        "Equations, 2nd ed. 2012, ch. 7). The verdicts of Theorems 1-3 are exact for the linearised SDE and local for "
        "the SDE: if the linearisation is almost surely exponentially stable (then p-th moment exponentially stable "
        "for small p > 0) the corner is stable in probability and attracts nearby paths exponentially fast; if some "
        "coordinate has a - b^2/2 > 0 it repels them. The linearisation only has to hold on the state space, which "
        "the SDE does not leave (the drift points inward, the noise vanishes on every face): the drift near the "
        "corner must be F(u) = A u + o(|u|) for u >= 0. Where the field has a kink at the corner (BNN, Smith at a "
        "non-strict equilibrium, BNN at every pure one) A is its one-sided linearisation on the simplex: the "
        "directional derivatives along the edges out of the corner; each [g]_+ with g = 0 at the corner contributes "
        "[grad g . u]_+, linear for u >= 0 when g's slopes along the edges have one sign. The half slope "
        "d[g]_+/dg = 1/2 at g = 0 is no derivative at all. Where the kink surface g = 0 enters the simplex (slopes "
        "of both signs along the edges, [g]_+ entering the drift at first order) the drift near the corner is only "
        "piecewise linear: there is no linearisation and this theorem does not apply."),
}

#: every theorem, as printed under the table
THEOREM = " ".join(THEOREMS.values())

#: the theorem that carries a linear verdict to the SDE
FIRST_APPROXIMATION = "4"
