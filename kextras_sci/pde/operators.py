"""Explicit differential operators for physics-informed losses.

Every operator takes a callable ``u`` (a Keras model, a layer or any function
mapping a ``[n, d]`` tensor of coordinates to a ``[n, m]`` or ``[n]`` tensor of
field values) and the coordinates ``x`` (``[n, d]``), evaluates ``u`` inside
fresh ``tf.GradientTape`` (or ``tf.autodiff.ForwardAccumulator``) contexts and
returns the requested derivative. Nothing is cached between calls: each call
runs its own forward pass, so two calls cost two forward passes. To get several
derivatives from ONE forward pass use :func:`derivatives`, which is what the
condition objects use internally.

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

from __future__ import annotations

import tensorflow as tf

from kextras import validation

__all__ = [
    "gradient",
    "derivative",
    "derivatives",
    "laplacian",
    "divergence",
    "jacobian",
    "hessian",
]


# --------------------------------------------------------------------------
# argument checks
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


# --------------------------------------------------------------------------
# the engine: several derivatives from one forward pass
# --------------------------------------------------------------------------
def derivatives(u, x, requests, mode="reverse"):
    """Evaluates ``u`` once and returns its value and several partial derivatives.

    For each request ``(component, orders)`` it returns
    ``d^k u_component / dx_orders[0] ... dx_orders[k-1]`` as an ``[n, 1]`` tensor.
    Reverse mode nests one ``tf.GradientTape`` per derivative order around a
    single forward pass; level ``k`` takes one gradient per distinct
    ``(component, orders[:k-1])`` parent, which yields all ``d`` derivatives of
    that parent at once. Forward mode (``mode="forward"``) nests
    ``tf.autodiff.ForwardAccumulator`` contexts instead and runs one forward pass
    per distinct multi-index (cheaper when few directional derivatives of a
    wide output are needed; orders up to 2).

    Args:
        u: callable mapping ``[n, d]`` to ``[n, m]`` (or ``[n]``).
        x: ``[n, d]`` float tensor of points.
        requests: iterable of ``(component, orders)`` pairs; ``orders`` is a
            tuple of coordinate indices (order 0, i.e. ``()``, gives the value).
        mode: ``"reverse"`` (default) or ``"forward"``.

    Returns:
        ``(y, derivs)``: ``y`` is the ``[n, m]`` value of ``u``; ``derivs`` a dict
        mapping ``(component, sorted(orders))`` to ``[n, 1]`` tensors.
    """
    x = _as_points(x)
    d = x.shape[-1]
    if d is None:
        raise ValueError(
            "`x` must have a known number of coordinates (last dimension). "
            f"Received: x.shape={tuple(x.shape)}"
        )
    reqs = []
    for req in requests:
        try:
            comp, orders = req
        except (TypeError, ValueError):
            raise ValueError(
                "Each request must be a (component, orders) pair. "
                f"Received: {req!r}"
            ) from None
        reqs.append((comp, _normalize_orders(orders, d)))
    if mode not in ("reverse", "forward"):
        raise ValueError(
            f"`mode` must be 'reverse' or 'forward'. Received: mode={mode!r}"
        )
    if mode == "forward":
        if any(len(o) > 2 for _, o in reqs):
            raise ValueError(
                "`mode='forward'` supports derivatives up to order 2 (nested forward "
                "accumulators of higher order are unreliable in TensorFlow); use "
                f"mode='reverse'. Received: orders={[o for _, o in reqs if len(o) > 2]}"
            )
        return _derivatives_forward(u, x, reqs)
    return _derivatives_reverse(u, x, reqs)


def _derivatives_reverse(u, x, reqs):
    max_order = max([len(o) for _, o in reqs], default=0)
    # nodes[k] = set of (component, orders) whose gradient must be taken at level k+1
    # (orders of length k): every prefix of a request is needed.
    parents = [set() for _ in range(max_order)]
    for comp, orders in reqs:
        for k in range(len(orders)):
            parents[k].add((comp, orders[:k]))
    # count gradient calls per tape to decide persistence
    tapes = [
        tf.GradientTape(persistent=len(parents[k]) > 1, watch_accessed_variables=False)
        for k in range(max_order)
    ]
    # tapes[0] is innermost (first derivatives), tapes[-1] outermost. They are
    # entered outermost first, and closed from the innermost outwards while
    # differentiating, so that the outer tapes record the inner gradients.
    for tape in reversed(tapes):
        tape.__enter__()
        tape.watch(x)
    closed = 0
    try:
        y = _as_2d(u(x))
        for comp, _ in reqs:
            _check_component(comp, y.shape[-1])
        values = {(comp, ()): y[:, comp : comp + 1] for comp, _ in reqs}
        for k in range(max_order):
            tapes[k].__exit__(None, None, None)
            closed += 1
            for comp, orders in sorted(parents[k]):
                grad = _zero_grad(tapes[k], values[(comp, orders)], x)
                for j in range(x.shape[-1]):
                    key = (comp, tuple(sorted(orders + (j,))))
                    if key not in values:
                        values[key] = grad[:, j : j + 1]
    finally:
        for tape in tapes[closed:]:
            tape.__exit__(None, None, None)
    return y, {(c, o): values[(c, o)] for c, o in reqs}


def _derivatives_forward(u, x, reqs):
    d = x.shape[-1]
    eye = tf.eye(d, dtype=x.dtype)
    out = {}
    y = None
    groups = {}
    for comp, orders in reqs:
        groups.setdefault(orders, []).append(comp)
    if () in groups or not groups:
        y = _as_2d(u(x))
    for orders, comps in groups.items():
        if orders == ():
            continue
        tangents = [
            tf.broadcast_to(eye[i], tf.shape(x)) for i in orders
        ]
        accs = [tf.autodiff.ForwardAccumulator(x, t) for t in tangents]
        for acc in accs:
            acc.__enter__()
        closed = 0
        try:
            val = _as_2d(u(x))
            # accs[-1] is innermost; close and differentiate from the inside out
            for acc in reversed(accs):
                acc.__exit__(None, None, None)
                closed += 1
                val = acc.jvp(val, unconnected_gradients=tf.UnconnectedGradients.ZERO)
        finally:
            for acc in list(reversed(accs))[closed:]:
                acc.__exit__(None, None, None)
        for comp in comps:
            _check_component(comp, val.shape[-1])
            out[(comp, orders)] = val[:, comp : comp + 1]
    if y is None:
        y = _as_2d(u(x))
    for comp, orders in reqs:
        _check_component(comp, y.shape[-1])
        if orders == ():
            out[(comp, ())] = y[:, comp : comp + 1]
    return y, {(c, o): out[(c, o)] for c, o in reqs}


# --------------------------------------------------------------------------
# user-facing operators
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


def derivative(u, x, orders, component=0, mode="reverse"):
    """Partial derivative of any order along any coordinates.

    ``derivative(u, x, (i, j, ...))`` is ``d^k u_c / dx_i dx_j ...``;
    ``(0, 0)`` is the second derivative along coordinate 0, ``(0, 1)`` the mixed
    derivative, ``()`` the value itself.

    Args:
        u: callable mapping ``[n, d]`` to ``[n, m]`` or ``[n]``.
        x: ``[n, d]`` points.
        orders: tuple of coordinate indices (an int means a first derivative).
        component: output component (default 0).
        mode: ``"reverse"`` (nested gradient tapes, default) or ``"forward"``
            (nested forward accumulators).

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
