"""Conditions: each one turns a constraint on the solution into ONE named loss term.

A condition owns its collocation points (sampled from a domain of
:mod:`kextras_sci.pde.domains`, or a fixed NumPy array) and a residual ``r``;
its loss term is the mean square of the residual, summed over its K components
(equations, vector components) as DeepXDE sums one loss per equation,
``L = weight * sum_k mean_i r_ik^2``. :class:`kextras_sci.pde.PINN` sums the
weighted terms and logs each term (unweighted) as a metric under the
condition's ``name``.

| condition | residual on its points |
|---|---|
| ``PDEResidual(fn, ...)`` | ``fn(**named derivatives)`` |
| ``DirichletBC(..., value)`` | ``u_c - g`` |
| ``NeumannBC(..., value)`` | ``grad(u_c) . n - g`` |
| ``RobinBC(..., alpha, beta, value)`` | ``alpha u_c + beta grad(u_c) . n - g`` |
| ``PeriodicBC(..., coordinate, derivative_order)`` | ``d^k u_c(x_lo) - d^k u_c(x_hi)`` |
| ``InitialCondition(..., value, derivative)`` | ``d^k u_c/dt^k (x, t0) - g`` |
| ``PointData(x, y)`` | ``u(x_obs) - y_obs`` |

``points`` is either a domain (anything with ``sample_interior`` /
``sample_boundary`` / ``sample_initial``; then ``num_points`` points are drawn
with ``method`` and redrawn on :meth:`PINN.resample`) or a fixed array
``[n, dim]``. Targets ``value`` are a number, an array with one row per fixed
point, or a function of the NumPy ``float64[n, dim]`` points returning
``[n]`` or ``[n, 1]``; they are evaluated in NumPy when the points are
(re)sampled, never inside the training step.

The residual function of :class:`PDEResidual` declares what it needs through
its argument names, which are resolved against the coordinate names
(``coords``, e.g. ``("x", "t")``), the field names (``fields``, e.g.
``("u",)``) and the PDE parameters of the model:

* a coordinate name (``x``, ``t``): that coordinate column, ``[n, 1]``;
* a field name (``u``): the field, ``[n, 1]``;
* ``<field>_<coords>`` (``u_x``, ``u_xx``, ``u_xt``, ``v_yy``; with
  multi-letter coordinates ``u_x1x2`` or ``u_x1_x2``): that partial derivative,
  ``[n, 1]``;
* a parameter name (``nu``): the scalar trainable PDE parameter.

All requested derivatives come from ONE forward pass (nested gradient tapes,
see :func:`kextras_sci.pde.operators.derivatives`). Example (Burgers)::

    def burgers(u, u_t, u_x, u_xx):
        return u_t + u * u_x - 0.01 / np.pi * u_xx

    PDEResidual(burgers, geom, num_points=2540, method="sobol")
"""

from __future__ import annotations

from kextras_sci.pde.conditions.base import Condition
from kextras_sci.pde.conditions.boundary import DirichletBC, InitialCondition, NeumannBC, PeriodicBC, RobinBC
from kextras_sci.pde.conditions.data import PointData
from kextras_sci.pde.conditions.residual import OperatorBC, PDEResidual, resolve_name
from kextras_sci.pde.conditions.wrapped import WrappedCondition

__all__ = [
    "Condition",
    "PDEResidual",
    "DirichletBC",
    "NeumannBC",
    "RobinBC",
    "PeriodicBC",
    "InitialCondition",
    "PointData",
    "WrappedCondition",
    "OperatorBC",
]
