"""The Dormand--Prince 5(4) pair: Butcher tableau, error weights and continuous extension.

The pair of Dormand & Prince (1980), the one behind
``scipy.integrate.solve_ivp(method="RK45")``, for an autonomous system
``dy/dt = f(y)`` and a step ``h`` from ``y_n``::

    k_1 = f(y_n)                       (= k_7 of the previous step: "first same as last")
    k_i = f(y_n + h sum_{j<i} a_ij k_j),          i = 2, ..., 6
    y_{n+1} = y_n + h sum_{i<=6} b_i k_i          (5th order; also the 7th stage's state)
    k_7 = f(y_{n+1})
    err = h sum_{i<=7} e_i k_i                    (e = b_hat - b: embedded 4th order minus 5th)

with the nodes ``c = (0, 1/5, 3/10, 4/5, 8/9, 1)``.  Between ``t_n`` and
``t_n + h`` the solution is Shampine's (1986) 4th-order continuous extension

    y(t_n + theta h) = y_n + sum_{r=1}^{4} theta^r q_r,    q_r = sum_{i<=7} P_{i,r} h k_i,

the interpolant of ``solve_ivp(method="RK45", t_eval=...)``.
"""
import numpy as np

#: Nodes ``c_i`` (the stages sit at ``t_n + c_i h``; listed for reference, the field is autonomous).
NODES = np.array([0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0])
#: Rows ``a_i`` of the Runge--Kutta matrix, stage 1 (empty) to stage 6.
RK_MATRIX = [
    np.array([]),
    np.array([1 / 5]),
    np.array([3 / 40, 9 / 40]),
    np.array([44 / 45, -56 / 15, 32 / 9]),
    np.array([19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729]),
    np.array([9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656]),
]
#: 5th-order weights ``b_i`` (the new state).
WEIGHTS = np.array([35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84])
#: Coefficients on ``W = [y, h k_1, ..., h k_7]``: index ``s`` (1..5) gives the state of stage ``s + 1``,
#: index 6 the new state.  Every stage is then one matrix-vector product with ``W``.
STAGE_COMBINATIONS = [None] + [np.ascontiguousarray(np.concatenate([[1.0], row]))
                               for row in (*RK_MATRIX[1:], WEIGHTS)]
#: Error weights ``e_i`` on ``h k_1, ..., h k_7``.
ERROR_WEIGHTS = np.array([-71 / 57600, 0.0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40])
#: Shampine's dense-output matrix ``P`` ``(7, 4)``.
DENSE_P = np.array([
    [1.0, -8048581381 / 2820520608, 8663915743 / 2820520608, -12715105075 / 11282082432],
    [0.0, 0.0, 0.0, 0.0],
    [0.0, 131558114200 / 32700410799, -68118460800 / 10900136933, 87487479700 / 32700410799],
    [0.0, -1754552775 / 470086768, 14199869525 / 1410260304, -10690763975 / 1880347072],
    [0.0, 127303824393 / 49829197408, -318862633887 / 49829197408, 701980252875 / 199316789632],
    [0.0, -282668133 / 205662961, 2019193451 / 616988883, -1453857185 / 822651844],
    [0.0, 40617522 / 29380423, -110615467 / 29380423, 69997945 / 29380423],
])
#: ``P^T`` ``(4, 7)``, contiguous: row ``r`` gives ``q_{r+1} = P[:, r] . (h K)``.
DENSE_PT = np.ascontiguousarray(DENSE_P.T)
#: Order of the embedded error estimate (the controller's exponent is ``-1/(ERROR_ORDER + 1)``).
ERROR_ORDER = 4
