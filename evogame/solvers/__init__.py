"""The solvers the dynamics and the engine share: rest points on every face (:mod:`.restpoints`, sympy;
:mod:`.face_solver`, numeric), proved roots of multi-affine systems (:mod:`.krawczyk`), exact Fraction
evaluation (:mod:`.rational`), eigenvalue classification and symbolic conditions (:mod:`.stability`,
:mod:`.ranges`).

They sit below :mod:`evogame.dynamics` because every dynamics finds its rest points with them; they
know nothing of a particular dynamics (a field and its Jacobian are arguments)."""
