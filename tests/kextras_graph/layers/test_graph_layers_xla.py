"""The layers opt out of automatic XLA, compile when XLA is forced, and never give a
silently wrong number there (XLA drops assertions: bad edges give NaN)."""

import keras
import numpy as np
import tensorflow as tf

from kextras_graph import layers as L


def _model():
    nodes = keras.Input(shape=(None, 3), ragged=True)
    edges = keras.Input(shape=(None, 2), dtype="int32", ragged=True)
    h = L.GCNConv(4, activation="relu")([nodes, edges])
    h = L.GATConv(2, heads=2)([h, edges])
    return keras.Model([nodes, edges], L.GlobalMeanPool()(h))


def test_xla_forced_matches_eager_and_poisons_bad_edges():
    model = _model()
    assert not any(layer.supports_jit for layer in model.layers[2:])
    nodes = tf.RaggedTensor.from_row_lengths(
        np.random.default_rng(0).normal(size=(6, 3)).astype("float32"), [3, 0, 3])
    edges = tf.RaggedTensor.from_row_lengths(
        np.array([[0, 1], [2, 1], [1, 1], [2, 0]], "int32"), [2, 0, 2])

    @tf.function(jit_compile=True)
    def compiled(n, e):
        return model([n, e])

    np.testing.assert_allclose(compiled(nodes, edges).numpy(), model([nodes, edges]).numpy(),
                               atol=1e-5)
    bad = tf.RaggedTensor.from_row_lengths(
        np.array([[0, 1], [2, 1], [1, 1], [3, 0]], "int32"), [2, 0, 2])
    out = compiled(nodes, bad).numpy()
    assert np.isnan(out[[0, 2]]).all()  # every node is NaN; graph 1 has no nodes (pools to 0)
