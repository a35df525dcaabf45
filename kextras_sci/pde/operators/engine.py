"""The derivative engine: several partial derivatives of ``u`` from one evaluation.

:func:`derivatives` is what every condition calls. It picks the method:
Taylor mode (:mod:`~kextras_sci.pde.operators.jet`) when ``u`` is a recognised
MLP, or exposes ``u.decompose() -> (net, transform)`` (``u(x) = transform(x, net(x))``,
``transform`` ``None`` for the identity) with a recognised MLP ``net`` as the
PINN's solution does (measured at least as fast as nested tapes on every case of
``benchmarks/bench_pde_adam_variants.py``, and up to 1.4x faster under XLA); nested
``tf.GradientTape`` s otherwise.
"""

from __future__ import annotations

import tensorflow as tf

from kextras_sci.pde.operators import jet
from kextras_sci.pde.operators._checks import _as_2d, _as_points, _check_component, _normalize_orders, _zero_grad

__all__ = ["derivatives", "jet_plan"]

_MODES = ("auto", "reverse", "forward", "jet")


def jet_plan(u):
    """``(chain, transform)`` when ``u`` (or ``u.decompose()``'s net) is a recognised MLP, else ``None``."""
    decompose = getattr(u, "decompose", None)
    net, transform = decompose() if callable(decompose) else (u, None)
    chain = jet.mlp_chain(net)
    return None if chain is None else (chain, transform)


def derivatives(u, x, requests, mode="auto"):
    """Evaluates ``u`` once and returns its value and several partial derivatives.

    For each request ``(component, orders)`` it returns
    ``d^k u_component / dx_orders[0] ... dx_orders[k-1]`` as an ``[n, 1]`` tensor.
    Reverse mode nests one ``tf.GradientTape`` per derivative order around a
    single forward pass; level ``k`` takes one gradient per distinct
    ``(component, orders[:k-1])`` parent, which yields all ``d`` derivatives of
    that parent at once. Jet mode (Taylor mode, :mod:`~kextras_sci.pde.operators.jet`)
    carries all derivatives through the layers of an MLP in one batched forward
    pass (exact, no tapes over the network). ``mode="auto"`` (default) takes jet
    mode when :func:`jet_plan` recognises ``u``, reverse mode otherwise. Forward mode (``mode="forward"``) nests
    ``tf.autodiff.ForwardAccumulator`` contexts instead and runs one forward pass
    per distinct multi-index (cheaper when few directional derivatives of a
    wide output are needed; orders up to 2).

    Args:
        u: callable mapping ``[n, d]`` to ``[n, m]`` (or ``[n]``).
        x: ``[n, d]`` float tensor of points.
        requests: iterable of ``(component, orders)`` pairs; ``orders`` is a
            tuple of coordinate indices (order 0, i.e. ``()``, gives the value).
        mode: ``"auto"`` (default), ``"jet"``, ``"reverse"`` or ``"forward"``.

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
    if mode not in _MODES:
        raise ValueError(f"`mode` must be one of {_MODES}. Received: mode={mode!r}")
    if mode in ("auto", "jet"):
        plan = jet_plan(u)
        if plan is not None:
            return _derivatives_jet(plan, x, reqs)
        if mode == "jet":
            raise ValueError(
                "`mode='jet'` needs an MLP: a keras.layers.Dense or a keras.Sequential of Dense / "
                "Activation layers with linear, tanh, sigmoid, sin, silu or gelu activations "
                f"(or a callable whose decompose() returns one). Received: u={u!r}"
            )
        mode = "reverse"
    if mode == "forward":
        if any(len(o) > 2 for _, o in reqs):
            raise ValueError(
                "`mode='forward'` supports derivatives up to order 2 (nested forward "
                "accumulators of higher order are unreliable in TensorFlow); use "
                f"mode='reverse'. Received: orders={[o for _, o in reqs if len(o) > 2]}"
            )
        return _derivatives_forward(u, x, reqs)
    return _derivatives_reverse(u, x, reqs)


def _derivatives_jet(plan, x, reqs):
    chain, transform = plan
    keys = jet.closure([o for _, o in reqs])
    if transform is not None:
        # the jets around a copy x0 of x that the tapes do not watch; the tapes
        # then run through the cheap transform only (see the jet module)
        x0 = tf.identity(x)
        return _derivatives_reverse(jet.composed(transform, jet.network_jets(chain, x0, keys), x0), x, reqs)
    jets = jet.network_jets(chain, x, keys)
    y = _as_2d(jets[()])
    out = {}
    for comp, orders in reqs:
        _check_component(comp, y.shape[-1])
        value = jets[orders]
        col = tf.zeros_like(y[:, :1]) if value is None else value[:, comp : comp + 1]
        out[(comp, orders)] = col + tf.zeros_like(y[:, :1]) if col.shape[0] == 1 else col
    return y, out


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


