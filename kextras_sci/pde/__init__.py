"""Physics-informed PDE losses for Keras 3: operators, domains, conditions, training.

Public API:

* operators (:mod:`~kextras_sci.pde.operators`): ``gradient``, ``derivative``,
  ``derivatives``, ``laplacian``, ``divergence``, ``jacobian``, ``hessian``;
* domains (:mod:`~kextras_sci.pde.domains`): ``Interval``, ``Rectangle``, ``Box``,
  ``Disk``, ``Ball``, ``Polygon``, CSG, ``TimeInterval``, ``SpaceTime``;
* conditions (:mod:`~kextras_sci.pde.conditions`): ``PDEResidual``,
  ``DirichletBC``, ``NeumannBC``, ``RobinBC``, ``PeriodicBC``,
  ``InitialCondition``, ``PointData``;
* training: ``PINN`` (a ``keras.Model``), ``Parameter``, ``OutputTransform``,
  ``Bounds``, ``minimize_lbfgs``;
* reference solutions: :mod:`kextras_sci.pde.references`.
"""

import importlib.util as _ilu

from kextras_sci.pde import operators
from kextras_sci.pde.conditions import (
    Condition,
    DirichletBC,
    InitialCondition,
    NeumannBC,
    PDEResidual,
    PeriodicBC,
    PointData,
    RobinBC,
)
from kextras_sci.pde.layers import Bounds, OutputTransform, RelativeL2Error
from kextras_sci.pde.lbfgs import LBFGSResult, minimize_lbfgs
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
    "PINN",
    "Parameter",
    "OutputTransform",
    "Bounds",
    "RelativeL2Error",
    "minimize_lbfgs",
    "LBFGSResult",
]

# Domains and reference solutions are written alongside; re-export them when present.
if _ilu.find_spec("kextras_sci.pde.domains") is not None:
    from kextras_sci.pde import domains
    from kextras_sci.pde.domains import *  # noqa: F401,F403
    from kextras_sci.pde.domains import __all__ as _domains_all

    __all__ += ["domains"] + list(_domains_all)

if _ilu.find_spec("kextras_sci.pde.references") is not None:
    from kextras_sci.pde import references  # noqa: F401

    __all__ += ["references"]
