"""Explicit differential operators for physics-informed losses.

Every operator takes a callable ``u`` (a Keras model, a layer or any function
mapping a ``[n, d]`` tensor of coordinates to a ``[n, m]`` or ``[n]`` tensor of
field values) and the coordinates ``x`` (``[n, d]``), evaluates ``u`` inside
fresh ``tf.GradientTape`` (or ``tf.autodiff.ForwardAccumulator``) contexts and
returns the requested derivative. Nothing is cached between calls: each call
runs its own forward pass, so two calls cost two forward passes. To get several
derivatives from ONE forward pass use :func:`derivatives`, which is what the
condition objects use internally. For an MLP (``Dense`` layers with tanh, sin,
sigmoid, silu, gelu or linear activations; the PINN's network, also under an
output transform) it propagates the derivatives through the layers in closed
form instead (Taylor mode, :mod:`kextras_sci.pde.operators.jet`): one batched
forward pass, exact, no tapes over the network.

Modules: ``engine`` (:func:`derivatives`, the method choice), ``jet`` (Taylor
mode), ``fields`` (the operators of the table below).

The operators assume ``u`` is *pointwise*: row ``i`` of the output depends only
on row ``i`` of the input (true for MLPs; false for batch normalisation).
Then the gradient of ``sum_i u_i`` with respect to ``x`` is the stack of the
per-point gradients, which is how all operators are computed.

Shapes (``n`` points, ``d`` coordinates, ``m`` output components):

| operator | formula | output shape |
|---|---|---|
| ``gradient(u, x, component=0)`` | ``du_c/dx_j`` | ``[n, d]`` |
| ``derivative(u, x, (i, j, ...), component=0)`` | ``d^k u_c / dx_i dx_j ...`` | ``[n, 1]`` |
| ``laplacian(u, x, component=0)`` | ``sum_j d^2 u_c / dx_j^2`` | ``[n, 1]`` |
| ``divergence(f, x)`` | ``sum_j df_j/dx_j`` (``f`` maps to ``[n, d]``) | ``[n, 1]`` |
| ``jacobian(u, x)`` | ``du_c/dx_j`` | ``[n, m, d]`` |
| ``hessian(u, x, component=0)`` | ``d^2 u_c / dx_i dx_j`` | ``[n, d, d]`` |

Example:

```python
u = lambda x: tf.sin(x[:, :1]) * tf.exp(x[:, 1:])
x = tf.constant([[0.3, 0.1]], tf.float64)
derivative(u, x, (0, 0))  # -sin(0.3) * exp(0.1)
```
"""

from kextras_sci.pde.operators.engine import derivatives
from kextras_sci.pde.operators.fields import derivative, divergence, gradient, hessian, jacobian, laplacian

__all__ = [
    "gradient",
    "derivative",
    "derivatives",
    "laplacian",
    "divergence",
    "jacobian",
    "hessian",
]
