"""Argument checks shared by the differential operators."""

from __future__ import annotations

import tensorflow as tf

from kextras import validation


# --------------------------------------------------------------------------
def _as_points(x):
    if not tf.is_tensor(x):
        x = tf.convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise ValueError(
            "`x` must be a floating point tensor of shape [n, d]. "
            f"Received: dtype={x.dtype.name}"
        )
    if x.shape.rank != 2:
        raise ValueError(
            "`x` must have shape [n, d] (one row per point). "
            f"Received: x.shape={tuple(x.shape)}"
        )
    return x


def _as_2d(y, n_static=None):
    """Returns the output of ``u`` as ``[n, m]``."""
    if y.shape.rank == 1:
        y = y[:, None]
    if y.shape.rank != 2:
        raise ValueError(
            "`u` must return a tensor of shape [n] or [n, m]. "
            f"Received: output shape={tuple(y.shape)}"
        )
    return y


def _check_index(index, d, name="index"):
    validation.integer(name, index)
    if not 0 <= index < d:
        raise ValueError(
            f"`{name}` must be in [0, {d - 1}] for {d}-dimensional points. "
            f"Received: {name}={index}"
        )


def _check_component(component, m):
    validation.integer("component", component)
    if not 0 <= component < m:
        raise ValueError(
            f"`component` must be in [0, {m - 1}] for an output with {m} "
            f"component(s). Received: component={component}"
        )


def _normalize_orders(orders, d):
    if isinstance(orders, int) and not isinstance(orders, bool):
        orders = (orders,)
    try:
        orders = tuple(orders)
    except TypeError:
        raise ValueError(
            "`orders` must be a tuple of coordinate indices, e.g. (0, 0) for "
            f"d^2u/dx0^2. Received: orders={orders!r}"
        ) from None
    for i in orders:
        _check_index(i, d, name="orders")
    # mixed partial derivatives of smooth functions commute
    return tuple(sorted(orders))


def _zero_grad(tape, target, x):
    return tape.gradient(
        target, x, unconnected_gradients=tf.UnconnectedGradients.ZERO
    )


