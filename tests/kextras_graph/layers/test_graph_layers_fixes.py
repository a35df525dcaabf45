"""Regression tests of the fixes of issue 16 (each against a NumPy/analytic reference)."""

import keras
import numpy as np
import tensorflow as tf

from kextras_graph import layers as L
from kextras_graph import ops


def _ragged(values, lengths, dtype="float64"):
    return tf.RaggedTensor.from_row_lengths(np.asarray(values, dtype), lengths)


def test_pooling_sorts_in_the_score_dtype():
    """float64 scores 1 and 1 + 1e-9 must not tie (a float32 copy would make them equal)."""
    nodes = _ragged([[1.0], [1.0 + 1e-9]], [2])
    edges = tf.RaggedTensor.from_row_lengths(np.zeros((0, 2), "int32"), [0])
    top = L.TopKPool(k=1, kernel_initializer="ones", dtype="float64")
    _, _, indices = top([nodes, edges])
    assert indices.values.numpy().tolist() == [1]  # the larger score, not the lower index
    sag = L.SAGPool(k=1, kernel_initializer="ones", use_bias=False, dtype="float64")
    _, _, indices = sag([nodes, edges])  # no edges: the score is x itself
    assert indices.values.numpy().tolist() == [1]
    out = L.SortPool(k=2, dtype="float64")(nodes).numpy()
    np.testing.assert_array_equal(out[0, :, 0], [1.0 + 1e-9, 1.0])


def test_global_max_pool_propagates_nan_like_reduce_max():
    for values in ([[np.nan], [1.0]], [[1.0], [np.nan]]):
        nodes = _ragged(values + [[2.0], [3.0]], [2, 2])
        out = L.GlobalMaxPool(dtype="float64")(nodes).numpy()
        expected = [tf.reduce_max(values).numpy(), 3.0]
        np.testing.assert_array_equal(out[:, 0], expected)  # [nan, 3]
    data = tf.constant([[1.0, np.nan], [np.nan, 2.0], [0.5, 0.5]])
    np.testing.assert_array_equal(ops.segment_min(data, tf.constant([0, 0, 1]), 3).numpy(),
                                  [[np.nan, np.nan], [0.5, 0.5], [0.0, 0.0]])


def test_node_batch_normalization_accepts_graph_inputs_in_sequential():
    nodes = _ragged(np.random.default_rng(0).normal(size=(7, 3)), [3, 4], "float32")
    edges = tf.RaggedTensor.from_row_lengths(np.array([[0, 1], [2, 0], [3, 1]], "int32"), [2, 1])
    bn = L.NodeBatchNormalization(epsilon=1e-5)
    out = bn([nodes, edges], training=True)
    x = nodes.values.numpy()
    np.testing.assert_allclose(out.values.numpy(), (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5),
                               atol=1e-5)
    assert set(bn({"nodes": nodes, "edges": edges})) == {"nodes", "edges"}
    model = keras.Sequential([L.GCNConv(4), L.NodeBatchNormalization(), L.GlobalSumPool(),
                              keras.layers.Dense(1)])
    model.compile("adam", "mse")
    data = tf.data.Dataset.from_tensors(({"nodes": nodes, "edges": edges}, np.zeros((2, 1))))
    history = model.fit(data, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
