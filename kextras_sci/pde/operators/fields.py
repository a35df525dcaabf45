"""The user-facing operators: gradient, derivative, hessian, laplacian, jacobian, divergence.

See :mod:`kextras_sci.pde.operators` for shapes and formulas.
"""

from __future__ import annotations

import tensorflow as tf

from kextras_sci.pde.operators._checks import _as_2d, _as_points, _check_component, _normalize_orders, _zero_grad
from kextras_sci.pde.operators.engine import derivatives

__all__ = ["gradient", "derivative", "laplacian", "divergence", "jacobian", "hessian"]


# --------------------------------------------------------------------------
def gradient(u, x, component=0):
    """Gradient of one output component: ``g_j = du_c/dx_j``.

    Args:
        u: callable mapping ``[n, d]`` to ``[n, m]`` or ``[n]``.
        x: ``[n, d]`` points.
        component: output component ``c`` (default 0).

    Returns:
        ``[n, d]`` tensor.
    """
    x = _as_points(x)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = _as_2d(u(x))
        _check_component(component, y.shape[-1])
        yc = y[:, component]
    return _zero_grad(tape, yc, x)


def derivative(u, x, orders, component=0, mode="auto"):
    """Partial derivative of any order along any coordinates.

    ``derivative(u, x, (i, j, ...))`` is ``d^k u_c / dx_i dx_j ...``;
    ``(0, 0)`` is the second derivative along coordinate 0, ``(0, 1)`` the mixed
    derivative, ``()`` the value itself.

    Args:
        u: callable mapping ``[n, d]`` to ``[n, m]`` or ``[n]``.
        x: ``[n, d]`` points.
        orders: tuple of coordinate indices (an int means a first derivative).
        component: output component (default 0).
        mode: ``"auto"`` (default: ``"jet"`` for a recognised MLP, else
            ``"reverse"``), ``"jet"`` (Taylor mode), ``"reverse"`` (nested
            gradient tapes) or ``"forward"`` (nested forward accumulators).

    Returns:
        ``[n, 1]`` tensor.
    """
    x = _as_points(x)
    orders = _normalize_orders(orders, x.shape[-1])
    _, out = derivatives(u, x, [(component, orders)], mode=mode)
    return out[(component, orders)]


def hessian(u, x, component=0):
    """Hessian of one output component: ``H_ij = d^2 u_c / dx_i dx_j``.

    Reverse-over-reverse: one gradient for ``du_c/dx`` then one gradient per
    coordinate of it (``d`` backward passes through the first gradient).

    Args:
        u: callable mapping ``[n, d]`` to ``[n, m]`` or ``[n]``.
        x: ``[n, d]`` points.
        component: output component (default 0).

    Returns:
        ``[n, d, d]`` tensor (symmetric in the last two axes).
    """
    x = _as_points(x)
    d = x.shape[-1]
    with tf.GradientTape(persistent=d > 1, watch_accessed_variables=False) as outer:
        outer.watch(x)
        with tf.GradientTape(watch_accessed_variables=False) as inner:
            inner.watch(x)
            y = _as_2d(u(x))
            _check_component(component, y.shape[-1])
            yc = y[:, component]
        g = _zero_grad(inner, yc, x)
        cols = [g[:, i] for i in range(d)]
    rows = [_zero_grad(outer, c, x) for c in cols]
    del outer
    return tf.stack(rows, axis=1)


def laplacian(u, x, component=0):
    """Laplacian of one output component: ``sum_j d^2 u_c / dx_j^2``.

    Args:
        u: callable mapping ``[n, d]`` to ``[n, m]`` or ``[n]``.
        x: ``[n, d]`` points.
        component: output component (default 0).

    Returns:
        ``[n, 1]`` tensor.
    """
    x = _as_points(x)
    d = x.shape[-1]
    _, out = derivatives(u, x, [(component, (j, j)) for j in range(d)])
    return tf.add_n([out[(component, (j, j))] for j in range(d)])


def jacobian(u, x, mode="auto"):
    """Jacobian of a vector field: ``J_cj = du_c/dx_j``.

    Reverse mode takes one gradient per output component (``m`` backward
    passes); forward mode one Jacobian-vector product per coordinate (``d``
    forward passes). ``mode="auto"`` picks forward mode when ``m > d``.

    Args:
        u: callable mapping ``[n, d]`` to ``[n, m]`` or ``[n]``.
        x: ``[n, d]`` points.
        mode: ``"auto"`` (default), ``"reverse"`` or ``"forward"``.

    Returns:
        ``[n, m, d]`` tensor.
    """
    x = _as_points(x)
    d = x.shape[-1]
    if mode not in ("auto", "reverse", "forward"):
        raise ValueError(
            "`mode` must be 'auto', 'reverse' or 'forward'. "
            f"Received: mode={mode!r}"
        )
    if mode == "forward" or mode == "auto":
        if mode == "forward":
            return _jacobian_forward(u, x)
        # decide from the output width: one cheap probe on a single point
        m = _as_2d(u(x[:1])).shape[-1]
        if m > d:
            return _jacobian_forward(u, x)
    with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = _as_2d(u(x))
        cols = [y[:, c] for c in range(y.shape[-1])]
    rows = [_zero_grad(tape, c, x) for c in cols]
    del tape
    return tf.stack(rows, axis=1)


def _jacobian_forward(u, x):
    d = x.shape[-1]
    eye = tf.eye(d, dtype=x.dtype)
    cols = []
    for j in range(d):
        with tf.autodiff.ForwardAccumulator(x, tf.broadcast_to(eye[j], tf.shape(x))) as acc:
            y = _as_2d(u(x))
        cols.append(acc.jvp(y, unconnected_gradients=tf.UnconnectedGradients.ZERO))
    return tf.stack(cols, axis=2)


def divergence(f, x):
    """Divergence of a vector field ``f: R^d -> R^d``: ``sum_j df_j/dx_j``.

    Args:
        f: callable mapping ``[n, d]`` to ``[n, d]``.
        x: ``[n, d]`` points.

    Returns:
        ``[n, 1]`` tensor.
    """
    x = _as_points(x)
    d = x.shape[-1]
    with tf.GradientTape(persistent=d > 1, watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = _as_2d(f(x))
        if y.shape[-1] != d:
            raise ValueError(
                "`f` must return one component per coordinate for a divergence. "
                f"Received: output shape={tuple(y.shape)} for {d}-dimensional points"
            )
        cols = [y[:, j] for j in range(d)]
    parts = [_zero_grad(tape, cols[j], x)[:, j : j + 1] for j in range(d)]
    del tape
    return tf.add_n(parts)
