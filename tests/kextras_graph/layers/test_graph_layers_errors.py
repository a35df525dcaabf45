"""Bad inputs and bad arguments give clear errors, eagerly and inside compiled models."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from kextras_graph import layers as L


def _graph():
    nodes = tf.RaggedTensor.from_row_lengths(np.ones((5, 3), "float32"), [3, 2])
    edges = tf.RaggedTensor.from_row_lengths(np.array([[0, 1], [2, 0], [1, 0]], "int32"),
                                             [2, 1])
    return nodes, edges


def _edges(values, lengths=(2, 1)):
    return tf.RaggedTensor.from_row_lengths(np.array(values, "int32"), list(lengths))


def test_index_out_of_range_for_its_graph():
    nodes, _ = _graph()
    # index 2 is valid in graph 0 (3 nodes) but not in graph 1 (2 nodes)
    bad = _edges([[0, 1], [2, 0], [1, 2]])
    with pytest.raises(ValueError, match=r"out of range.*graph 1 contains \[1, 2\].*2 nodes"):
        L.GCNConv(2)([nodes, bad])


def test_negative_index():
    nodes, _ = _graph()
    with pytest.raises(ValueError, match=r"non-negative.*graph 0 contains \[-1, 1\]"):
        L.GraphConv(2)([nodes, _edges([[-1, 1], [2, 0], [1, 0]])])


def test_float_edges():
    nodes, edges = _graph()
    with pytest.raises(ValueError, match="`edges` must hold integer node indices.*float32"):
        L.GATConv(2)([nodes, tf.cast(edges, tf.float32)])


def test_wrong_ragged_rank_and_dense_inputs():
    nodes, edges = _graph()
    flat = tf.RaggedTensor.from_row_lengths(tf.ones([5]), [3, 2])
    with pytest.raises(ValueError, match="rank 3"):
        L.GINConv(2)([flat, edges])
    with pytest.raises(ValueError, match="`nodes` must be a tf.RaggedTensor"):
        L.GCNConv(2)([nodes.to_tensor(), edges])
    nested = tf.RaggedTensor.from_row_lengths(nodes, [1, 1])
    with pytest.raises(ValueError, match=r"must have rank 3.*\(2, None, None, 3\)"):
        L.GlobalSumPool()(nested)
    with pytest.raises(ValueError, match="ragged_rank=1.*ragged_rank=2"):
        L.NodeActivation("relu")(nested)


def test_mismatched_batch_sizes():
    nodes, _ = _graph()
    with pytest.raises(ValueError, match="same batch size.*nodes batch=2, edges batch=3"):
        L.GCNConv(2)([nodes, _edges([[0, 1], [1, 0], [0, 0]], (1, 1, 1))])


def test_missing_edge_features_and_bad_structures():
    nodes, edges = _graph()
    with pytest.raises(ValueError, match="needs edge features"):
        L.GINEConv(2)([nodes, edges])
    with pytest.raises(ValueError, match="needs edge features"):
        L.NNConv(2)({"nodes": nodes, "edges": edges})
    with pytest.raises(ValueError, match="keys 'nodes' and 'edges'"):
        L.GCNConv(2)({"nodes": nodes})
    with pytest.raises(ValueError, match=r"GCNConv expects \[nodes, edges\(, edge_features\)\].*RaggedTensor"):
        L.GCNConv(2)(nodes)


@pytest.mark.parametrize("make, match", [
    (lambda: L.GCNConv(0), "`units` must be a positive integer. Received: units=0"),
    (lambda: L.GATConv(4, heads=-1), "`heads` must be a positive integer. Received: heads=-1"),
    (lambda: L.GATConv(4, dropout=1.5), r"`dropout` must be a finite number in \[0, 1\). Received: dropout=1.5"),
    (lambda: L.GraphConv(4, aggregate="median"), "`aggregate` must be one of .*aggregate='median'"),
    (lambda: L.GINConv([]), "`mlp_units` must be an integer or a non-empty list of positive integers. Received: mlp_units=\\[\\]"),
    (lambda: L.EdgeConv([4, -2]), "`mlp_units` .* Received: mlp_units=\\[4, -2\\]"),
    (lambda: L.GINConv(), "Give exactly one of `mlp_units` and `mlp`"),
    (lambda: L.GINConv(mlp="dense"), "`mlp` must be a Keras layer. Received: mlp='dense'"),
    (lambda: L.Set2Set(0), "`processing_steps` must be a positive integer"),
    (lambda: L.NodeDense(4, activation="no_such_act"), "activation"),
    (lambda: L.NodeBatchNormalization(axis=1), "`axis` must be -1"),
])
def test_bad_constructor_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("bad_edges", [[[0, 1], [2, 0], [1, 5]], [[0, 3], [2, 0], [1, 0]],
                                       [[0, 1], [2, 0], [-1, 0]]])
def test_bad_batch_in_a_train_step_raises_before_any_weight_update(bad_edges):
    """The check is an assertion that every layer output waits for: a list-style model
    (each layer builds its own structure) raises and leaves its weights untouched, also
    for an index that stays inside the batch (graph 0's node 3 would be graph 1's node 0)."""
    nodes_in = keras.Input(shape=(None, 3), ragged=True)
    edges_in = keras.Input(shape=(None, 2), dtype="int32", ragged=True)
    h = L.GCNConv(4, activation="relu")([nodes_in, edges_in])
    out = keras.layers.Dense(1)(L.GlobalSumPool()(L.GCNConv(4)([h, edges_in])))
    model = keras.Model([nodes_in, edges_in], out)
    model.compile("sgd", "mse")
    nodes, edges = _graph()
    y = np.zeros((2, 1), "float32")
    model.train_on_batch([nodes, edges], y)
    before = [w.numpy() for w in model.weights]
    bad = _edges(bad_edges)
    for _ in range(3):
        with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
            model.train_on_batch([nodes, bad], y)
        for w, b in zip(model.weights, before):
            np.testing.assert_array_equal(w.numpy(), b)


def test_out_of_range_inside_compiled_model_raises():
    """In graph mode (predict/fit) the check is a tf.debugging assertion."""
    nodes_in = keras.Input(shape=(None, 3), ragged=True)
    edges_in = keras.Input(shape=(None, 2), dtype="int32", ragged=True)
    out = L.GlobalSumPool()(L.GCNConv(2)([nodes_in, edges_in]))
    model = keras.Model([nodes_in, edges_in], out)
    nodes, edges = _graph()
    assert model.predict([nodes, edges], verbose=0).shape == (2, 2)
    bad = _edges([[0, 1], [2, 0], [1, 5]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
        model.predict([nodes, bad], verbose=0)
    neg = _edges([[0, 1], [2, 0], [-1, 0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="non-negative"):
        model.predict([nodes, neg], verbose=0)
