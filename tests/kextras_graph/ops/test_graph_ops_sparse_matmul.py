"""The CPU sparse-product kernels (per-head weights, column chunks, incidence scatter,
their custom gradients) vs NumPy loops; ``sparse=False`` is the XLA twin."""

import numpy as np
import pytest
import tensorflow as tf

from kextras_graph import ops
from kextras_graph.ops.segment import gather_rows, scatter_sum

N = 7  # node 6 has no edge; 0 -> 3 twice; 2 -> 2 is a self loop
SOURCES = np.array([0, 0, 1, 2, 4, 5, 5, 0, 3], np.int32)
TARGETS = np.array([3, 1, 0, 2, 3, 4, 0, 3, 5], np.int32)
MODES = [("eager", True), ("graph", True), ("eager", False), ("xla", False)]


def _run(mode, fn, *args):
    wrapped = {"eager": fn, "graph": tf.function(fn),
               "xla": tf.function(fn, jit_compile=True)}[mode]
    return [t.numpy() for t in wrapped(*[tf.constant(a) for a in args])]


@pytest.mark.parametrize("mode,sparse", MODES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("heads,cols,per_head", [(1, 40, False), (3, 2, True), (2, 33, True),
                                                 (4, 5, False)])
def test_propagate_sum_per_head_weights_and_gradients(mode, sparse, dtype, heads, cols,
                                                      per_head):
    """``out[t, h] = sum_k w[k, h] x[s_k, h]`` (``w [E, H]``, or ``[E]`` for every head),
    ``dL/dx[s, h] = sum_k w[k, h] g[t_k, h]``, ``dL/dw[k, h] = <g[t_k, h], x[s_k, h]>``;
    40 and 33 columns run in chunks of at most 16 columns."""
    rng = np.random.default_rng(heads * cols)
    x = rng.normal(size=(N, heads, cols)).astype(dtype)
    if heads == 1:
        x = x[:, 0]
    w = rng.uniform(0.2, 2.0, size=(len(SOURCES), heads) if per_head else len(SOURCES))
    w = w.astype(dtype)
    g = rng.normal(size=x.shape).astype(dtype)

    def fn(x_t, w_t):
        with tf.GradientTape() as tape:
            tape.watch([x_t, w_t])
            out = ops.propagate_sum(x_t, SOURCES, TARGETS, tf.constant(N, tf.int32),
                                    edge_weight=w_t, sparse=sparse)
            loss = tf.reduce_sum(out * g)
        return [out] + tape.gradient(loss, [x_t, w_t])

    out, dx, dw = _run(mode, fn, x, w)
    x3, g3 = x.reshape(N, heads, cols), g.reshape(N, heads, cols)
    w2 = w.reshape(len(SOURCES), -1) * np.ones((1, heads))
    ref, dx_ref = np.zeros_like(x3, np.float64), np.zeros_like(x3, np.float64)
    dw_ref = np.zeros((len(SOURCES), heads))
    for k, (s, t) in enumerate(zip(SOURCES, TARGETS)):
        ref[t] += w2[k][:, None] * x3[s]
        dx_ref[s] += w2[k][:, None] * g3[t]
        dw_ref[k] = (g3[t] * x3[s]).sum(-1)
    if not per_head:
        dw_ref = dw_ref.sum(-1)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out, ref.reshape(x.shape), rtol=tol, atol=tol)
    np.testing.assert_allclose(dx, dx_ref.reshape(x.shape), rtol=tol, atol=tol)
    np.testing.assert_allclose(dw, dw_ref, rtol=tol, atol=tol)
    assert out.dtype == dx.dtype == dtype


@pytest.mark.parametrize("mode,sparse", MODES)
@pytest.mark.parametrize("shape", [(), (3,), (40,), (2, 17)])
def test_scatter_sum_and_gather_rows_kernels_match_numpy(mode, sparse, shape):
    """``scatter_sum`` (incidence product with ``sparse=True``) and the gradient of
    ``gather_rows`` (that scatter sum) for any trailing shape."""
    rng = np.random.default_rng(len(shape))
    data = rng.normal(size=(N,) + shape)
    g = rng.normal(size=(len(SOURCES),) + shape)

    def fn(d):
        with tf.GradientTape() as tape:
            tape.watch(d)
            picked = gather_rows(d, SOURCES, sparse=sparse)  # [E, ...]
            summed = scatter_sum(picked * g, TARGETS, N, sparse=sparse)  # [N, ...]
            loss = tf.reduce_sum(summed * summed)
        return summed, tape.gradient(loss, d)

    summed, grad = _run(mode, fn, data)
    ref = np.zeros_like(data)
    np.add.at(ref, TARGETS, data[SOURCES] * g)
    grad_ref = np.zeros_like(data)
    np.add.at(grad_ref, SOURCES, 2 * ref[TARGETS] * g)
    np.testing.assert_allclose(summed, ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad, grad_ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode,sparse", MODES)
def test_segment_softmax_kernels_and_gradient_match_numpy(mode, sparse):
    """Values and ``dL/dl_k = a_k (g_k - sum_{k' in seg(k)} a_k' g_k')`` for
    ``L = sum(a * g)``; logits large enough to need the max shift."""
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(len(TARGETS), 3)) * 40
    logits[2, 1] = -np.inf  # a masked edge: weight 0
    g = rng.normal(size=logits.shape)

    def fn(l_t):
        with tf.GradientTape() as tape:
            tape.watch(l_t)
            a = ops.segment_softmax(l_t, TARGETS, N, sparse=sparse)
            loss = tf.reduce_sum(a * g)
        return a, tape.gradient(loss, l_t)

    a, grad = _run(mode, fn, logits)
    ref, grad_ref = np.zeros_like(logits), np.zeros_like(logits)
    for s in np.unique(TARGETS):
        m = TARGETS == s
        e = np.exp(logits[m] - logits[m].max(0))
        ref[m] = e / e.sum(0)
        grad_ref[m] = ref[m] * (g[m] - (ref[m] * g[m]).sum(0))
    np.testing.assert_allclose(a, ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad, grad_ref, rtol=1e-10, atol=1e-12)
