"""XLA everywhere: every graph layer says ``supports_jit`` (with ``sparse=False``),
compiles under ``tf.function(jit_compile=True)`` and ``model.compile(jit_compile=True)``
without Keras' fallback warning, gives the eager numbers there, and never a silently
wrong number on bad input (XLA drops assertions: bad edges or a nodes/edges batch-size
mismatch give NaN)."""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from kextras_graph import layers as L

RNG = np.random.default_rng(0)
NODES = tf.RaggedTensor.from_row_lengths(RNG.normal(size=(10, 3)).astype("float32"),
                                         [4, 0, 5, 1])
EDGES = tf.RaggedTensor.from_row_lengths(np.array(
    [[0, 1], [1, 2], [3, 3], [1, 2], [0, 4], [4, 2], [1, 1], [0, 4], [3, 0]], "int32"),
    [4, 0, 5, 0])
EF = tf.RaggedTensor.from_row_lengths(RNG.uniform(0, 2, size=(9, 2)).astype("float32"),
                                      [4, 0, 5, 0])

S = {"sparse": False}
LAYERS = {
    "GCNConv": lambda: L.GCNConv(4, **S),
    "GraphConv_max": lambda: L.GraphConv(4, aggregate="max", **S),
    "GraphConv_mean": lambda: L.GraphConv(2, aggregate="mean", **S),
    "GINConv": lambda: L.GINConv([6, 4], train_eps=True, **S),
    "GINEConv": lambda: L.GINEConv([4], **S),
    "GraphSAGEConv": lambda: L.GraphSAGEConv(4, normalize=True, **S),
    "GATConv": lambda: L.GATConv(3, heads=2, **S),
    "GATConv_v2": lambda: L.GATConv(3, heads=2, v2=True, concat=False, **S),
    "EdgeConv": lambda: L.EdgeConv([5, 4], **S),
    "NNConv": lambda: L.NNConv(3, kernel_network=[4], **S),
    "MessagePassing": lambda: L.MessagePassing(aggregate="mean", **S),
    "ChebConv": lambda: L.ChebConv(4, K=3, **S),
    "APPNP": lambda: L.APPNP(K=3, **S),
    "GatedGraphConv": lambda: L.GatedGraphConv(5, num_steps=2, **S),
    "RGCNConv": lambda: L.RGCNConv(4, num_relations=3, **S),
    "SchNetConv": lambda: L.SchNetConv(4, num_rbf=6, distance_feature=1, **S),
    "GlobalSumPool": lambda: L.GlobalSumPool(),
    "GlobalMeanPool": lambda: L.GlobalMeanPool(),
    "GlobalMaxPool": lambda: L.GlobalMaxPool(),
    "GlobalAttentionPool": lambda: L.GlobalAttentionPool(4),
    "Set2Set": lambda: L.Set2Set(2),

    "NodeDense": lambda: L.NodeDense(4),
    "NodeDropout": lambda: L.NodeDropout(0.3),
    "NodeBatchNormalization": lambda: L.NodeBatchNormalization(),
    "NodeLayerNormalization": lambda: L.NodeLayerNormalization(),
    "NodeActivation": lambda: L.NodeActivation("relu"),
    "SortPool": lambda: L.SortPool(3),
    "TopKPool": lambda: L.TopKPool(ratio=0.5),
    "SAGPool": lambda: L.SAGPool(k=2, **S),
    "DiffPool": lambda: L.DiffPool(2, units=3, **S),
    "MinCutPool": lambda: L.MinCutPool(2),
    "DMoNPool": lambda: L.DMoNPool(2),
}
NEEDS_EF = {"GINEConv", "NNConv", "RGCNConv", "SchNetConv"}


def _inputs(name, edges=EDGES):
    return [NODES, edges, EF] if name in NEEDS_EF else [NODES, edges]


def _compiled(layer, inputs):
    """``layer`` under XLA, traced for unknown batch sizes (no static batch check)."""
    spec = [tf.RaggedTensorSpec([None, None, x.shape[-1]], x.dtype, 1, x.row_splits.dtype)
            for x in inputs]
    return tf.function(lambda *x: layer(list(x)), jit_compile=True, input_signature=spec)


def _flat(out):
    return [t.values if isinstance(t, tf.RaggedTensor) else t for t in tf.nest.flatten(out)]


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_compiles_with_xla_and_matches_eager(name):
    layer = LAYERS[name]()
    inputs = _inputs(name)
    eager = layer(inputs)
    assert layer.supports_jit
    compiled = tf.function(lambda *x: layer(list(x)), jit_compile=True)
    for got, want in zip(_flat(compiled(*inputs)), _flat(eager)):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["GCNConv", "GATConv", "GraphConv_max", "RGCNConv",
                                  "TopKPool", "DiffPool", "Set2Set"])
def test_bad_edges_and_batch_mismatch_give_nan_under_xla(name):
    layer = LAYERS[name]()
    compiled = _compiled(layer, _inputs(name))
    layer(_inputs(name))
    bad = tf.RaggedTensor.from_row_lengths(
        np.array([[0, 1], [1, 2], [3, 3], [1, 9], [0, 4], [4, 2], [1, 1], [0, 4], [3, 0]],
                 "int32"), [4, 0, 5, 0])
    fewer = EDGES[:3]
    for edges in (bad, fewer):
        inputs = _inputs(name, edges)
        if name in NEEDS_EF and edges is fewer:
            inputs[2] = EF[:3]
        out = _flat(compiled(*inputs))[0].numpy()
        if name == "Set2Set":  # no edges: only the nodes count, always valid
            assert np.isfinite(out).all()
        else:
            assert np.isnan(out).all(), (name, out)


def test_model_compile_jit_compile_true_trains_without_fallback_warning():
    nodes = keras.Input(shape=(None, 3), ragged=True)
    edges = keras.Input(shape=(None, 2), dtype="int32", ragged=True)
    g = {"nodes": nodes, "edges": edges}
    g = L.GCNConv(8, activation="relu", sparse=False)(g)
    g = L.NodeBatchNormalization()(g)
    g = L.GATConv(4, heads=2, sparse=False)(g)
    g = L.TopKPool(ratio=0.5)(g)
    out = keras.layers.Dense(1)(L.GlobalMeanPool()(g))
    model = keras.Model([nodes, edges], out)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Keras' "doesn't support jit_compile" fallback
        model.compile(optimizer="adam", loss="mse", jit_compile=True)
    assert model.jit_compile is True
    y = np.zeros((4, 1), "float32")
    loss = model.train_on_batch([NODES, EDGES], y)
    assert np.isfinite(loss)


def test_sparse_kernel_says_it_does_not_support_jit():
    assert not L.GCNConv(4, sparse=True).supports_jit
    assert L.GCNConv(4, sparse=False).supports_jit
    with pytest.raises(ValueError, match="`sparse` must be 'auto', True or False"):
        L.GCNConv(4, sparse="yes")
