"""Integration of many initial-value problems at once, each with its own step size.

:func:`dopri5_batch` solves the autonomous system ``dy/dt = f(y)`` from
``B`` initial states.  The right-hand side is evaluated on the array of all
active states at every stage, but every start keeps its **own** step size
and its own accept/reject decision, so an easy start is not forced to take
the small steps of a hard one (which is what a single flattened
``solve_ivp`` call does: its one error norm couples all starts).

The pieces, one module each:

``tableau``
    The Dormand--Prince 5(4) pair of ``solve_ivp(method="RK45")``: Butcher
    tableau, error weights ``e = b_hat - b``, Shampine's dense-output matrix.
``stages``
    One step's seven stages for all columns, in a work space allocated once.
``step_control``
    scipy's initial step and controller, per start:
    ``err = ||h K^T e / (atol + rtol max(|y_n|, |y_{n+1}|))||_RMS``,
    accept iff ``err < 1``, ``h <- h min(cap, max(0.2, 0.9 err^(-1/5)))``
    with ``cap = 10``, or 1 right after a rejection.
``stiffness``
    Hairer's test ``h |rho| ~ h ||k_7 - k_6|| / ||y_{n+1} - g_6||``
    (Hairer & Wanner II, IV.2), run every 8th iteration or while a count
    runs: a start with 10 tested steps of ``h |rho| > 2`` (not interrupted
    by 6 calm ones in a row) is handed over, if finishing explicitly would
    take more than ``stiff_steps`` further steps.
``dense_output``
    Saved times from each step's interpolant: the pair's 4th-order
    continuous extension (Shampine 1986), as ``solve_ivp(t_eval=...)``, or
    the cubic Hermite interpolant for Rosenbrock steps.  The last saved
    time is hit exactly.
``dopri5``
    The explicit phase: the batch loop, freezing and compacting the columns
    of starts that leave.
``rosenbrock``
    Rodas3 (Sandu et al. 1997): a linearly implicit Rosenbrock method, 4
    stages, order 3(2), L-stable, batched Jacobians and inverses, per-start
    step control; it finishes the starts found stiff or past ``max_steps``
    when a Jacobian is given.
``handover``
    The implicit phase: routes those starts to Rodas3 and the rest (step
    size collapsed, no Jacobian, or Rodas3 gave up) to
    :func:`implicit_solve`, scipy's ``solve_ivp`` (LSODA by default) one
    start at a time.
``records``
    The typed records passed between the pieces and :class:`BatchSolution`.
``batch``
    :func:`dopri5_batch`, the entry point that runs both phases.

Memory: besides the output array, the explicit work space is ``O(B d)``,
independent of the number of saved times.
"""
from .batch import dopri5_batch
from .handover import implicit_solve
from .records import BatchSolution
from .rosenbrock import rosenbrock_batch

__all__ = ["BatchSolution", "dopri5_batch", "implicit_solve", "rosenbrock_batch"]
