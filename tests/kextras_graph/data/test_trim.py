"""TrimToLayer: the kept prefix against the hop of every node and edge, seed outputs against the untrimmed model."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

import kextras
from kextras.testing import check_layer
from kextras_graph import data as gd
from kextras_graph import layers as gl


@pytest.fixture(scope="module")
def cora():
    data = gd.load_cora()
    return data, gd.GraphStore.from_node_data(data)


def ragged(values):
    return tf.RaggedTensor.from_row_lengths(values, [values.shape[0]])


def batch_of(sub, x):
    return {"nodes": ragged(x[sub.node_ids]), "edges": ragged(sub.edges),
            "hop_nodes": sub.hop_sizes[None].astype(np.int32), "hop_edges": sub.hop_edge_sizes[None].astype(np.int32)}


@pytest.mark.parametrize("fanouts", [[4], [15, 10, 5], [3, 3, 3, 3]])
def test_kept_prefix_is_the_needed_hops(cora, fanouts):
    data, store = cora
    sub = gd.NeighborSampler(store, fanouts, seed=2).sample(np.arange(0, 2708, 41))
    L = len(fanouts)
    node_hop = np.repeat(np.arange(L + 1), sub.hop_sizes)  # hop that first reached each node
    assert sub.hop_edge_sizes.sum() == sub.edges.shape[0]
    target_hop = node_hop[sub.edges[:, 1]]
    batch = batch_of(sub, data.x)
    for layer in range(L + 2):
        out = gd.TrimToLayer(layer)(batch)
        nodes, edges = out["nodes"].values.numpy(), out["edges"].values.numpy()
        keep_n = node_hop <= max(L - layer, 0)
        keep_e = target_hop <= L - layer - 1  # edges into nodes whose output layer `layer` still needs
        np.testing.assert_array_equal(nodes, data.x[sub.node_ids[keep_n]])
        np.testing.assert_array_equal(edges, sub.edges[keep_e])
        assert edges.size == 0 or edges.max() < nodes.shape[0]  # a prefix: local ids stay valid
        np.testing.assert_array_equal(out["hop_nodes"], batch["hop_nodes"])  # other keys pass through


def test_several_graphs_per_batch():
    nodes = tf.ragged.constant([[[1.0], [2.0], [3.0]], [[4.0], [5.0]]], ragged_rank=1)
    edges = tf.ragged.constant([[[1, 0], [2, 1], [2, 0]], [[1, 0], [0, 1]]], ragged_rank=1)
    hop_nodes, hop_edges = np.array([[1, 1, 1], [1, 1, 0]]), np.array([[1, 2], [1, 1]])
    n, e = gd.TrimToLayer(1)([nodes, edges, hop_nodes, hop_edges])
    assert n.to_list() == [[[1.0], [2.0]], [[4.0], [5.0]]]
    assert e.to_list() == [[[1, 0]], [[1, 0]]]
    n, e, f = gd.trim_to_layer(2, nodes, edges, hop_nodes, hop_edges, edge_features=tf.cast(edges, "float32"))
    assert n.to_list() == [[[1.0]], [[4.0]]] and e.to_list() == [[], []] and f.row_lengths().numpy().tolist() == [0, 0]


def make_layers(kind, classes):
    if kind == "sage":
        return [gl.GraphSAGEConv(16, activation="relu"), gl.GraphSAGEConv(8, aggregate="max", activation="relu"),
                gl.GraphSAGEConv(classes)]
    if kind == "gin":
        return [gl.GINConv(16), gl.GINConv(8), gl.GINConv(classes)]
    return [gl.GATConv(8, heads=2, activation="elu"), gl.GATConv(8), gl.GraphSAGEConv(classes)]


@pytest.mark.parametrize("kind", ["sage", "gin", "gat"])
def test_seed_outputs_equal_untrimmed_model(cora, kind):
    data, store = cora
    keras.utils.set_random_seed(0)
    layers = make_layers(kind, data.num_classes)
    sub = gd.NeighborSampler(store, [15, 10, 5], seed=0).sample(np.arange(1, 2708, 29))
    batch = batch_of(sub, data.x)
    full = {"nodes": batch["nodes"], "edges": batch["edges"]}
    for layer in layers:
        full = layer(full)
    trimmed = batch
    for i, layer in enumerate(layers):
        trimmed = layer(gd.TrimToLayer(i)(trimmed))
    seeds = gd.TrimToLayer(len(layers))(trimmed)["nodes"].values.numpy()
    assert seeds.shape == (sub.num_seeds, data.num_classes)
    np.testing.assert_allclose(seeds, full["nodes"].values.numpy()[: sub.num_seeds], rtol=1e-6, atol=1e-6)


def trimmed_sage(features, classes, hops):
    nodes = keras.Input(shape=(None, features), ragged=True, name="nodes")
    edges = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")
    hop_nodes = keras.Input(shape=(hops + 1,), dtype="int32", name="hop_nodes")
    hop_edges = keras.Input(shape=(hops,), dtype="int32", name="hop_edges")
    h = nodes
    for i in range(hops):
        h, e = gd.TrimToLayer(i)([h, edges, hop_nodes, hop_edges])
        h = gl.GraphSAGEConv(classes if i == hops - 1 else 32, activation=None if i == hops - 1 else "relu")([h, e])
    h, _ = gd.TrimToLayer(hops)([h, edges, hop_nodes, hop_edges])
    inputs = {"nodes": nodes, "edges": edges, "hop_nodes": hop_nodes, "hop_edges": hop_edges}
    return keras.Model(inputs, keras.layers.Reshape((-1, classes))(h))


def test_model_with_trimming_is_not_xla_compiled():
    model = trimmed_sage(4, 3, 2)
    assert not gd.TrimToLayer(0).supports_jit
    with pytest.warns(UserWarning, match="doesn't support `jit_compile=True`"):
        model.compile("adam", "sparse_categorical_crossentropy", jit_compile=True)
    assert model.jit_compile is False


def test_fit_trimmed_model_on_hop_count_batches(cora, tmp_path):
    data, store = cora
    keras.utils.set_random_seed(0)
    sampler = gd.NeighborSampler(store, [10, 5], seed=0)
    ds = sampler.dataset(batch_size=70, hop_counts=True, with_node_ids=True)
    inputs, y, w, ids = next(iter(ds))
    sub_seeds = ids.numpy()[0][: inputs["hop_nodes"].numpy()[0, 0]]
    assert inputs["hop_nodes"].shape == (1, 3) and inputs["hop_edges"].shape == (1, 2)
    assert int(inputs["hop_nodes"].numpy().sum()) == inputs["nodes"].values.shape[0]
    assert int(inputs["hop_edges"].numpy().sum()) == inputs["edges"].values.shape[0]
    np.testing.assert_array_equal(y.numpy()[0], data.y[sub_seeds])  # targets of the seeds only
    assert w.shape == (1, 70) and float(w.numpy().min()) == 1.0
    model = trimmed_sage(data.num_features, data.num_classes, 2)
    model.compile(keras.optimizers.Adam(0.01),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="mean_with_sample_weight"),
                  weighted_metrics=["accuracy"])
    model.fit(sampler.dataset(batch_size=70, hop_counts=True), epochs=15, verbose=0)
    conv = [layer for layer in model.layers if isinstance(layer, gl.GraphSAGEConv)]
    logits = gd.layerwise_predict(conv, store)
    test = store.index("test")
    assert (logits[test].argmax(1) == data.y[test]).mean() > 0.7
    path = str(tmp_path / "trimmed.keras")
    model.save(path)
    reloaded = kextras.load_model(path)
    np.testing.assert_allclose(reloaded(inputs).numpy(), model(inputs).numpy(), rtol=1e-6, atol=1e-6)


@settings(max_examples=10, deadline=None)
@given(st.one_of(st.integers(-10, -1), st.just(1.5), st.just("2"), st.just(None)))
def test_bad_layer_index(layer):
    with pytest.raises(ValueError, match="`layer` must be a non-negative integer.*Received: layer="):
        gd.TrimToLayer(layer)


def test_bad_inputs():
    nodes = tf.ragged.constant([[[1.0], [2.0]]], ragged_rank=1)
    edges = tf.ragged.constant([[[1, 0]]], ragged_rank=1)
    with pytest.raises(ValueError, match=r"needs the keys .*without \['hop_nodes', 'hop_edges'\]"):
        gd.TrimToLayer(0)({"nodes": nodes, "edges": edges})
    with pytest.raises(ValueError, match="takes \\[nodes, edges, hop_nodes, hop_edges\\].*with 2 entries"):
        gd.TrimToLayer(0)([nodes, edges])
    with pytest.raises(ValueError, match="`nodes` must be a RaggedTensor"):
        gd.TrimToLayer(0)([nodes.to_tensor(), edges, np.array([[1, 1]]), np.array([[1]])])
    store = gd.GraphStore.from_edges([[0, 1]], np.zeros((2, 1), np.float32), [0, 1])
    with pytest.raises(ValueError, match="`hop_counts` must be True or False. Received: hop_counts='yes'"):
        gd.NeighborSampler(store, [1]).dataset(np.arange(2), hop_counts="yes")


def test_trim_to_layer_passes_the_harness(cora):
    data, store = cora
    sub = gd.NeighborSampler(store, [3, 2], seed=1).sample(np.arange(0, 2708, 300))
    batch = batch_of(sub, data.x[:, :8])
    nodes, edges = check_layer(
        gd.TrimToLayer(1), [batch[k] for k in ("nodes", "edges", "hop_nodes", "hop_edges")], train=False,
        wrong_rank_inputs=False, expected_num_trainable_weights=0)
    assert nodes.row_lengths().numpy().tolist() == [sub.hop_sizes[:2].sum()]
