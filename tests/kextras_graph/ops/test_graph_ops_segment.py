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
