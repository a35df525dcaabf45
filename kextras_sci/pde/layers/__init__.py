"""Keras-serializable objects of :mod:`kextras_sci.pde` (registered by the plugin).

The ``kextras_sci`` plugin registers every name in ``__all__``:

* :class:`~kextras_sci.pde.model.PINN`: the physics-informed model wrapper;
* :class:`OutputTransform`: hard constraints ``u = fn(x, N(x))``;
* :class:`Bounds`: box constraint of trainable PDE parameters;
* :class:`~kextras_sci.pde.model.RelativeL2Error`: relative L2 error metric;
* the network layers of :mod:`kextras_sci.pde.nn` (Fourier features, periodic
  embedding, factorized dense, modified MLP, adaptive activation), when present.
"""

import importlib.util as _ilu

from kextras_sci.pde.layers.bounds import Bounds
from kextras_sci.pde.layers.output_transform import OutputTransform
from kextras_sci.pde.model import PINN
from kextras_sci.pde.marching_layers import LocalTime, MarchingSolution, WindowTransform
from kextras_sci.pde.training import RelativeL2Error

__all__ = ["PINN", "OutputTransform", "Bounds", "RelativeL2Error", "LocalTime", "WindowTransform", "MarchingSolution"]

# The architecture layers live in kextras_sci.pde.nn (written alongside); this
# module is the registration point of the whole pde package, so export them too.
if _ilu.find_spec("kextras_sci.pde.nn") is not None:
    from kextras_sci.pde import nn as _nn

    for _name in _nn.__all__:
        globals()[_name] = getattr(_nn, _name)
    __all__ += list(_nn.__all__)
    del _name
