"""Physics-informed PDE losses for Keras 3: operators, domains, conditions, training.

Public API:

* operators (:mod:`~kextras_sci.pde.operators`): ``gradient``, ``derivative``,
  ``derivatives``, ``laplacian``, ``divergence``, ``jacobian``, ``hessian``;
* domains (:mod:`~kextras_sci.pde.domains`): ``Interval``, ``Rectangle``, ``Box``,
  ``Disk``, ``Ball``, ``Polygon``, CSG, ``TimeInterval``, ``SpaceTime``;
* conditions (:mod:`~kextras_sci.pde.conditions`): ``PDEResidual``,
  ``DirichletBC``, ``NeumannBC``, ``RobinBC``, ``PeriodicBC``,
  ``InitialCondition``, ``PointData``, ``OperatorBC`` (any residual on the boundary);
* DeepXDE-style residuals ``def pde(x, y)`` with :mod:`~kextras_sci.pde.grad`
  (``grad.jacobian``, ``grad.hessian``);
* training: ``PINN`` (a ``keras.Model``), ``Parameter``, ``OutputTransform``,
  ``Bounds``, ``minimize_lbfgs``, ``ParameterLog``; time marching ``TimeMarching``
  (:mod:`~kextras_sci.pde.marching`: one PINN per time window, exact chained
  initial conditions);
* reference solutions: :mod:`kextras_sci.pde.references`; plots ``plot_history``,
  ``plot_solution`` (matplotlib, the ``plot`` extra);
* loss balancing callbacks (:mod:`~kextras_sci.pde.balancing`), adaptive sampling
  (:mod:`~kextras_sci.pde.sampling`), PINN architectures (:mod:`~kextras_sci.pde.nn`).
"""

from kextras_sci.pde import balancing, domains, grad, nn, operators, references, sampling
from kextras_sci.pde.domains import *  # noqa: F401,F403
from kextras_sci.pde.domains import __all__ as _domains_all
from kextras_sci.pde.conditions import (
    Condition,
    DirichletBC,
    InitialCondition,
    NeumannBC,
    OperatorBC,
    PDEResidual,
    PeriodicBC,
    PointData,
    RobinBC,
)
from kextras_sci.pde.layers import Bounds, OutputTransform, RelativeL2Error
from kextras_sci.pde.lbfgs import LBFGSResult, minimize_lbfgs
from kextras_sci.pde.marching import TimeMarching
from kextras_sci.pde.plotting import plot_history, plot_solution
from kextras_sci.pde.training import ParameterLog
from kextras_sci.pde.model import PINN, Parameter
from kextras_sci.pde.operators import (
    derivative,
    derivatives,
    divergence,
    gradient,
    hessian,
    jacobian,
    laplacian,
)

__all__ = [
    "operators",
    "domains",
    "references",
    "balancing",
    "sampling",
    "nn",
    "gradient",
    "derivative",
    "derivatives",
    "laplacian",
    "divergence",
    "jacobian",
    "hessian",
    "Condition",
    "PDEResidual",
    "DirichletBC",
    "NeumannBC",
    "RobinBC",
    "PeriodicBC",
    "InitialCondition",
    "PointData",
    "OperatorBC",
    "ParameterLog",
    "plot_history",
    "plot_solution",
    "grad",
    "PINN",
    "Parameter",
    "OutputTransform",
    "Bounds",
    "RelativeL2Error",
    "minimize_lbfgs",
    "LBFGSResult",
    "TimeMarching",
]
__all__ += list(_domains_all)
