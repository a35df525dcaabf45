"""Segment reductions vs NumPy loops; empty segments give 0; XLA compiles them."""

import numpy as np
import pytest
import tensorflow as tf

from kextras_graph import ops

NUM_SEGMENTS = 6  # segments 1 and 4 stay empty


def _data(dtype=np.float64):
    rng = np.random.default_rng(0)
    ids = np.array([0, 3, 3, 2, 0, 5, 3, 2, 0, 5, 5, 3], np.int32)
    data = rng.normal(size=(len(ids), 4)).astype(dtype)
    data[9] = data[10]  # segment 5 has two equal rows and one other
    return data, ids


def _reference(data, ids, fn):
    out = np.zeros((NUM_SEGMENTS,) + data.shape[1:])
    for s in range(NUM_SEGMENTS):
        rows = data[ids == s]
        if len(rows):
            out[s] = fn(rows)
    return out


CASES = {
    "sum": (ops.segment_sum, lambda r: r.sum(0)),
    "mean": (ops.segment_mean, lambda r: r.mean(0)),
    "max": (ops.segment_max, lambda r: r.max(0)),
    "min": (ops.segment_min, lambda r: r.min(0)),
    "std": (ops.segment_std, lambda r: r.std(0)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_segment_reduction_matches_numpy(name):
    fn, reference = CASES[name]
    data, ids = _data()
    out = fn(tf.constant(data), tf.constant(ids), NUM_SEGMENTS).numpy()
    np.testing.assert_allclose(out, _reference(data, ids, reference), atol=1e-12)
    assert np.all(out[[1, 4]] == 0)


def test_segment_count_and_default_num_segments():
    _, ids = _data()
    np.testing.assert_array_equal(ops.segment_count(tf.constant(ids), NUM_SEGMENTS).numpy(),
                                  np.bincount(ids, minlength=NUM_SEGMENTS))
    # num_segments=None: max id + 1
    out = ops.segment_sum(tf.ones([3]), tf.constant([0, 2, 2]))
    np.testing.assert_array_equal(out.numpy(), [1, 0, 2])


def test_segment_softmax_matches_numpy_with_heads():
    rng = np.random.default_rng(1)
    ids = np.array([2, 0, 2, 2, 0, 5], np.int32)
    logits = rng.normal(size=(6, 3)) * 30  # large: needs the max shift
    out = ops.segment_softmax(tf.constant(logits), tf.constant(ids), NUM_SEGMENTS).numpy()
    expected = np.zeros_like(logits)
    for s in np.unique(ids):
        rows = logits[ids == s]
        e = np.exp(rows - rows.max(0))
        expected[ids == s] = e / e.sum(0)
    np.testing.assert_allclose(out, expected, atol=1e-12)
    assert np.all(np.isfinite(out))


def test_std_gradient_is_finite_for_constant_segments():
    data = tf.constant([[1.0], [1.0], [2.0]])
    ids = tf.constant([0, 0, 1])
    with tf.GradientTape() as tape:
        tape.watch(data)
        out = tf.reduce_sum(ops.segment_std(data, ids, 3))
    grad = tape.gradient(out, data).numpy()
    assert np.all(np.isfinite(grad))
    np.testing.assert_array_equal(grad, 0.0)


def test_max_gradient_with_empty_segments_is_finite():
    data, ids = _data(np.float32)
    data = tf.constant(data)
    with tf.GradientTape() as tape:
        tape.watch(data)
        out = tf.reduce_sum(ops.segment_max(data, tf.constant(ids), NUM_SEGMENTS))
    assert np.all(np.isfinite(tape.gradient(out, data).numpy()))


def test_segment_reductions_compile_with_xla():
    data, ids = _data(np.float32)

    @tf.function(jit_compile=True)
    def all_ops(d, i):
        return [fn(d, i, NUM_SEGMENTS) for fn, _ in CASES.values()] + [
            ops.segment_softmax(d, i, NUM_SEGMENTS)]

    compiled = all_ops(tf.constant(data), tf.constant(ids))
    eager = [fn(tf.constant(data), tf.constant(ids), NUM_SEGMENTS) for fn, _ in CASES.values()]
    for c, e in zip(compiled, eager):
        np.testing.assert_allclose(c.numpy(), e.numpy(), atol=1e-5)


def _propagate_reference(x, sources, targets, weights):
    """``out[t] = sum_k w_k x[s_k]`` with a Python loop; the dense ``A^T``-gradient."""
    out = np.zeros_like(x)
    for s, t, w in zip(sources, targets, weights):
        out[t] += w * x[s]
    return out


def _graph_case(dtype):
    rng = np.random.default_rng(1)
    n = 7  # node 6 has no edge at all; edge 0 -> 3 is duplicated; 2 -> 2 is a self loop
    sources = np.array([0, 0, 1, 2, 4, 5, 5, 0], np.int32)
    targets = np.array([3, 1, 0, 2, 3, 4, 0, 3], np.int32)
    x = rng.normal(size=(n, 3)).astype(dtype)
    w = rng.uniform(0.5, 2.0, size=len(sources)).astype(dtype)
    return x, sources, targets, w


# XLA has no sparse matmul: sparse=False (gather + scatter) is the XLA kernel
@pytest.mark.parametrize("mode,sparse", [("eager", True), ("eager", False), ("graph", True), ("graph", False),
                                         ("xla", False)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("weighted", [False, True])
def test_propagate_sum_values_and_gradients_match_numpy(mode, sparse, dtype, weighted):
    """Sparse-matmul kernel (float32/64) and gather-scatter kernel (``sparse=False``, XLA,
    float16) give the same sums and the gradients ``dL/dx = A^T g``,
    ``dL/dw_k = <g[t_k], x[s_k]>``."""
    x, sources, targets, w = _graph_case(dtype)
    w_used = w if weighted else np.ones_like(w)
    g = np.random.default_rng(2).normal(size=x.shape).astype(dtype)

    def run(x_t, w_t):
        with tf.GradientTape() as tape:
            tape.watch([x_t, w_t])
            out = ops.propagate_sum(x_t, sources, targets, tf.constant(len(x), tf.int32),
                                    edge_weight=w_t if weighted else None, sparse=sparse)
            loss = tf.reduce_sum(out * g)
        dx, dw = tape.gradient(loss, [x_t, w_t])
        return out, dx, (tf.zeros_like(w_t) if dw is None else dw)

    fn = {"eager": run, "graph": tf.function(run), "xla": tf.function(run, jit_compile=True)}[mode]
    out, dx, dw = fn(tf.constant(x), tf.constant(w))
    tol = 2e-2 if dtype == np.float16 else 1e-5
    x64, w64, g64 = x.astype(np.float64), w_used.astype(np.float64), g.astype(np.float64)
    np.testing.assert_allclose(out.numpy(), _propagate_reference(x64, sources, targets, w64),
                               rtol=tol, atol=tol)
    dx_ref = np.zeros_like(x64)
    for s, t, wk in zip(sources, targets, w64):
        dx_ref[s] += wk * g64[t]
    np.testing.assert_allclose(dx.numpy(), dx_ref, rtol=tol, atol=tol)
    if weighted:
        dw_ref = np.einsum("kf,kf->k", g64[targets], x64[sources])
        np.testing.assert_allclose(dw.numpy(), dw_ref, rtol=tol, atol=tol)
    assert out.dtype == dx.dtype == tf.as_dtype(dtype)


def test_propagate_sum_with_a_prebuilt_sparse_pattern():
    x, sources, targets, w = _graph_case(np.float32)
    n = tf.constant(len(x), tf.int32)
    pattern = tf.constant(np.stack([targets, sources], 1).astype(np.int64))
    a = ops.propagate_sum(x, sources, targets, n, adjacency=pattern)
    b = ops.propagate_sum(x, sources, targets, n, edge_weight=w, adjacency=pattern)
    np.testing.assert_allclose(a.numpy(), _propagate_reference(x, sources, targets, np.ones_like(w)), rtol=1e-6)
    np.testing.assert_allclose(b.numpy(), _propagate_reference(x, sources, targets, w), rtol=1e-6)
