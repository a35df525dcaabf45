"""Keras-serializable objects of :mod:`kextras_sci.pde` (registered by the plugin).

* :class:`~kextras_sci.pde.model.PINN`: the physics-informed model wrapper;
* :class:`OutputTransform`: hard constraints ``u = fn(x, N(x))``;
* :class:`Bounds`: box constraint of trainable PDE parameters;
* :class:`~kextras_sci.pde.model.RelativeL2Error`: relative L2 error metric.
"""

from kextras_sci.pde.layers.bounds import Bounds
from kextras_sci.pde.layers.output_transform import OutputTransform
from kextras_sci.pde.model import PINN, RelativeL2Error

__all__ = ["PINN", "OutputTransform", "Bounds", "RelativeL2Error"]
