"""layerwise_predict equals the full-batch forward pass on Cora."""

import keras
import numpy as np
import pytest

from kextras_graph import data as gd
from kextras_graph import layers as gl


@pytest.fixture(scope="module")
def cora():
    data = gd.load_cora()
    return data, gd.GraphStore.from_node_data(data)


def full_batch(layers, data):
    h = data.inputs()
    for layer in layers:
        h = layer(h)
    return h["nodes"].flat_values.numpy()


@pytest.mark.parametrize("batch_size", [500, 2708, 4096])
def test_graphsage_stack_matches_full_batch(cora, batch_size):
    data, store = cora
    keras.utils.set_random_seed(0)
    layers = [gl.GraphSAGEConv(32, activation="relu"), gl.NodeDropout(0.5),
              gl.GraphSAGEConv(16, aggregate="max", activation="relu"),
              gl.GraphSAGEConv(data.num_classes)]
    expected = full_batch(layers, data)  # direct calls: inference mode, dropout off
    got = gd.layerwise_predict(layers, store, batch_size=batch_size)
    assert got.shape == (data.num_nodes, data.num_classes)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_gat_and_gin_sequential_match_full_batch(cora):
    data, store = cora
    keras.utils.set_random_seed(1)
    model = keras.Sequential([gl.GATConv(8, heads=2, activation="elu"), gl.GINConv(7)])
    expected = full_batch(model.layers, data)
    got = gd.layerwise_predict(model, store, batch_size=300)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_bad_arguments(cora):
    _, store = cora
    with pytest.raises(ValueError, match="`layers` must be a non-empty sequence"):
        gd.layerwise_predict([], store)
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer. Received: batch_size=0"):
        gd.layerwise_predict([gl.GraphSAGEConv(2)], store, batch_size=0)
    with pytest.raises(ValueError, match=r"`x` must have shape \[num_nodes, n_features\] with num_nodes=2708"):
        gd.layerwise_predict([gl.GraphSAGEConv(2)], store, x=np.zeros((5, 3)))


def test_docs_example_functional_model(cora):
    """The docs/graph/large-graphs.md example: sampled fit, then layer-wise inference of its layers."""
    data, store = cora
    keras.utils.set_random_seed(0)
    nodes = keras.Input(shape=(None, store.num_features), ragged=True, name="nodes")
    edges = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")
    conv1 = gl.GraphSAGEConv(64, activation="relu")
    conv2 = gl.GraphSAGEConv(store.num_classes)
    h = conv2([gl.NodeDropout(0.5)(conv1([gl.NodeDropout(0.5)(nodes), edges])), edges])
    model = keras.Model({"nodes": nodes, "edges": edges}, keras.layers.Reshape((-1, store.num_classes))(h))
    model.compile(keras.optimizers.Adam(0.01),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="mean_with_sample_weight"),
                  weighted_metrics=["accuracy"])
    model.fit(gd.NeighborSampler(store, [10, 10], seed=0).dataset("train", batch_size=70), epochs=10, verbose=0)
    logits = gd.layerwise_predict([conv1, conv2], store, batch_size=1024)
    np.testing.assert_allclose(logits, model(data.inputs(), training=False).numpy()[0], rtol=1e-4, atol=1e-4)
    test = store.index("test")
    assert (logits[test].argmax(1) == store.y[test]).mean() > 0.7
