"""Tensor-level derivatives for DeepXDE-style residuals ``def pde(x, y)``.

Inside a residual written the DeepXDE way (``PDEResidual(lambda x, y: ...)``,
``x`` the points ``[n, d]``, ``y = u(x)`` the fields ``[n, m]``), derivatives
are taken of tensors with respect to ``x``:

* ``jacobian(y, x, i=0, j=None)``: ``dy_i/dx_j`` ``[n, 1]`` (``j=None``: the
  gradient row ``[n, d]``);
* ``hessian(y, x, component=0, i=0, j=0)``: ``d^2 y_component / dx_i dx_j`` ``[n, 1]``.

They work on any tensor computed from ``x`` inside the residual (``y``,
``y[:, 0:1] * y[:, 1:2]``, a first derivative, ...). The PINN evaluates such a
residual inside a :class:`Recorder` (a persistent ``tf.GradientTape`` watching
``x``); each gradient is computed once per evaluation (``dy_i/dx`` gives all
``j`` at once) and reused. Outside a PINN::

    with pde.grad.Recorder(x) as x:
        y = net(x)
        u_xx = pde.grad.hessian(y, x, i=0, j=0)
"""

from __future__ import annotations

import tensorflow as tf

from kextras import validation

__all__ = ["Recorder", "jacobian", "hessian"]

_ACTIVE = []  # the Recorders entered and not yet left (innermost last)


class Recorder:
    """Records the computations on ``x`` so that :func:`jacobian` / :func:`hessian` can differentiate them.

    Args:
        x: the points, a tensor ``[n, d]``.

    ``with Recorder(x) as x:`` yields ``x`` (as a tensor); leave the block
    after the last derivative.
    """

    def __init__(self, x):
        self.x = tf.convert_to_tensor(x)
        self._tape = None
        self._gradients = []  # (tensor, component, gradient [n, d])

    def __enter__(self):
        self._tape = tf.GradientTape(persistent=True)
        self._tape.__enter__()
        self._tape.watch(self.x)
        _ACTIVE.append(self)
        return self.x

    def __exit__(self, *exc):
        _ACTIVE.remove(self)
        self._gradients = []
        return self._tape.__exit__(*exc)

    def gradient(self, y, i):
        """``d y[:, i] / dx`` as ``[n, d]`` (zeros where ``y`` does not depend on ``x``)."""
        for t, c, g in self._gradients:
            if t is y and c == i:
                return g
        g = self._tape.gradient(y[:, i : i + 1], self.x, unconnected_gradients=tf.UnconnectedGradients.ZERO)
        self._gradients.append((y, i, g))
        return g


def _recorder(x, fn):
    for rec in reversed(_ACTIVE):
        if rec.x is x:
            return rec
    raise ValueError(
        f"pde.grad.{fn}: `x` must be the points of the residual being evaluated (the first "
        "argument of a DeepXDE-style residual `def pde(x, y)`), or a tensor yielded by "
        "`with pde.grad.Recorder(x) as x:`."
    )


def _column(name, value, size, fn):
    try:
        return validation.integer(name, value, 0, size - 1)
    except ValueError as e:
        raise ValueError(f"pde.grad.{fn}: {e}") from None


def _as_2d(y, fn):
    y = tf.convert_to_tensor(y)
    if y.shape.rank == 1:
        y = y[:, None]
    if y.shape.rank != 2:
        raise ValueError(f"pde.grad.{fn}: `y` must have shape [n, m]. Received: shape={tuple(y.shape)}")
    return y


def jacobian(y, x, i=0, j=None):
    """``dy_i / dx_j`` (``[n, 1]``), or the row ``dy_i / dx`` (``[n, d]``) when ``j`` is None.

    Args:
        y: tensor ``[n, m]`` (or ``[n]``) computed from ``x``.
        x: the points ``[n, d]`` of the residual.
        i: component of ``y`` (default 0).
        j: coordinate index, or None (default) for all.
    """
    rec = _recorder(x, "jacobian")
    y2 = y if tf.convert_to_tensor(y).shape.rank == 2 else _as_2d(y, "jacobian")
    i = _column("i", i, int(y2.shape[1]), "jacobian")
    g = rec.gradient(y2, i)
    if j is None:
        return g
    j = _column("j", j, int(x.shape[1]), "jacobian")
    return g[:, j : j + 1]


def hessian(y, x, component=0, i=0, j=0):
    """``d^2 y_component / dx_i dx_j`` (``[n, 1]``).

    Args:
        y: tensor ``[n, m]`` computed from ``x``.
        x: the points ``[n, d]`` of the residual.
        component: component of ``y`` (default 0).
        i: index of the first coordinate ``x_i`` (default 0).
        j: index of the second coordinate ``x_j`` (default 0).
    """
    first = jacobian(y, x, i=component, j=None)
    i = _column("i", i, int(x.shape[1]), "hessian")
    return jacobian(first, x, i=i, j=j)
