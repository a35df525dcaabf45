"""Every pooling layer through ``kextras.testing.check_layer``, both call styles,
``.keras`` round trip, training with ``fit``, bad arguments."""

import os
import tempfile

import keras
import numpy as np
import pytest
import tensorflow as tf

from kextras.testing import assert_allclose, check_layer
from kextras_graph import layers as _zoo
from kextras_graph.layers.diff_pool import DiffPool
from kextras_graph.layers.dmon_pool import DMoNPool
from kextras_graph.layers.mincut_pool import MinCutPool
from kextras_graph.layers.sag_pool import SAGPool
from kextras_graph.layers.sort_pool import SortPool
from kextras_graph.layers.topk_pool import TopKPool
from kextras_graph.layers.topk_unpool import TopKUnpool

from pool_reference import EDGE_CASE_SPECS, random_graphs, to_ragged

NODES, EDGES, EF = to_ragged(random_graphs(np.random.default_rng(3), EDGE_CASE_SPECS))
WRONG_NODES = tf.ragged.constant([[1.0, 2.0], [], [3.0], [], [1.0], [2.0]])


def _pooled():
    x, _, idx = TopKPool(ratio=0.5)([NODES, EDGES])
    return x, idx


CASES = {
    "TopKPool": (lambda: TopKPool(ratio=0.5), "graph+ef"),
    "SAGPool": (lambda: SAGPool(k=3, gate="sigmoid"), "dict"),
    "DiffPool": (lambda: DiffPool(3, units=4, activation="relu"), "graph"),
    "MinCutPool": (lambda: MinCutPool(3, mlp_units=[4]), "dict"),
    "DMoNPool": (lambda: DMoNPool(2, mlp_units=[4]), "graph"),
    "SortPool": (lambda: SortPool(4), "nodes"),
    "TopKUnpool": (lambda: TopKUnpool(combine="add"), "unpool"),
}


def _example(style):
    if style == "graph":
        return [NODES, EDGES], [WRONG_NODES, EDGES]
    if style == "graph+ef":
        return [NODES, EDGES, EF], [WRONG_NODES, EDGES, EF]
    if style == "dict":
        return {"nodes": NODES, "edges": EDGES}, {"nodes": WRONG_NODES, "edges": EDGES}
    if style == "unpool":
        x, idx = _pooled()
        return [x, idx, NODES], [x, idx, WRONG_NODES]
    return NODES, WRONG_NODES


def test_zoo_exports_every_case():
    assert set(_zoo.__all__) >= set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_pooling_layer_passes_harness(name):
    make, style = CASES[name]
    inputs, wrong = _example(style)
    check_layer(make(), inputs, fresh_process=False, wrong_rank_inputs=wrong,
                atol=1e-5, rtol=1e-5)


def test_unet_model_saves_and_reloads():
    """A graph U-Net and a DiffPool model in one ``.keras`` archive."""
    from kextras_graph.layers import GCNConv, GlobalMeanPool

    nodes_in = keras.Input(shape=(None, 3), ragged=True, name="nodes")
    edges_in = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")
    h = GCNConv(8, activation="relu")([nodes_in, edges_in])
    h2, e2, idx = TopKPool(ratio=0.5)([h, edges_in])
    h2 = GCNConv(8, activation="relu")([h2, e2])
    up = TopKUnpool(combine="add")([h2, idx, h])
    xd, ed, wd, s = DiffPool(2, units=4)([up, edges_in])
    out = keras.layers.Concatenate()([GlobalMeanPool()(up), GlobalMeanPool()(xd),
                                      keras.layers.Flatten()(SortPool(2)(up))])
    model = keras.Model([nodes_in, edges_in], [out, s])
    expected = model([NODES, EDGES])
    custom = {cls.__name__: cls for cls in (GCNConv, GlobalMeanPool, TopKPool, TopKUnpool,
                                            DiffPool, SortPool)}
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "unet.keras")
        model.save(path)
        reloaded = keras.saving.load_model(path, custom_objects=custom)
    assert_allclose(reloaded([NODES, EDGES]), expected, atol=1e-6, rtol=1e-6)


@pytest.mark.parametrize("pool", ["topk", pytest.param("mincut", marks=pytest.mark.slow)])
def test_sequential_dict_model_trains_with_fit(pool):
    """``keras.Sequential`` on graph dicts with a pooling layer; the aux loss is logged."""
    from kextras_graph.layers import GCNConv, GlobalMeanPool

    rng = np.random.default_rng(0)
    graphs = random_graphs(rng, [(5, 8), (3, 2), (0, 0), (6, 0)] * 4)
    nodes, edges, _ = to_ragged(graphs)
    y = rng.normal(size=(len(graphs), 1)).astype("float32")
    layer = TopKPool(ratio=0.5) if pool == "topk" else MinCutPool(2)
    model = keras.Sequential([GCNConv(8, activation="relu"), layer, GlobalMeanPool(),
                              keras.layers.Dense(1)])
    model.compile("adam", "mse")
    ds = tf.data.Dataset.from_tensor_slices(({"nodes": nodes, "edges": edges}, y)).batch(4)
    history = model.fit(ds, epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    if pool == "mincut":
        assert len(model.losses) == 1


def test_cluster_loss_enters_training_loss():
    layer = MinCutPool(2)
    x, e, w, s = layer([NODES, EDGES])
    assert len(layer.losses) == 1 and layer.losses[0].shape == ()
    zero = MinCutPool(2, cut_weight=0.0, ortho_weight=0.0)
    zero([NODES, EDGES])
    assert zero.losses == []


@pytest.mark.parametrize("make,match", [
    (lambda: TopKPool(), "Exactly one of `ratio` and `k`"),
    (lambda: TopKPool(ratio=0.5, k=2), "Exactly one of `ratio` and `k`"),
    (lambda: TopKPool(ratio=1.5), r"`ratio` must be a finite number in \(0, 1\]. Received: ratio=1.5"),
    (lambda: SAGPool(k=0), "`k` must be a positive integer. Received: k=0"),
    (lambda: DiffPool(0), "`k` must be a positive integer. Received: k=0"),
    (lambda: DiffPool(2, units=-1), "`units` must be a positive integer"),
    (lambda: MinCutPool(2.5), "`k` must be a positive integer. Received: k=2.5"),
    (lambda: DMoNPool(2, mlp_units=[0]), "`mlp_units` must be"),
    (lambda: SortPool(0), "`k` must be a positive integer. Received: k=0"),
    (lambda: TopKUnpool(combine="mul"), "`combine` must be one of"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_inputs():
    with pytest.raises(ValueError, match="expects a graph dict produced by TopKPool"):
        TopKUnpool()({"nodes": NODES, "edges": EDGES})
    x, idx = _pooled()
    with pytest.raises(ValueError, match="combine='add' needs the same feature size"):
        TopKUnpool(combine="add")([x, idx, EF])
    with pytest.raises(ValueError, match="`edges` index out of range"):
        bad = tf.RaggedTensor.from_row_lengths(tf.constant([[0, 9]]), [1, 0, 0, 0, 0, 0])
        TopKPool(k=1)([NODES, bad])
    with pytest.raises(ValueError, match="expects"):
        DiffPool(2)(NODES)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_pooling_layer_passes_full_harness_fresh_process(name):
    """Needs the ``_zoo`` classes in ``kextras_graph.layers.__all__`` (plugin registration)."""
    make, style = CASES[name]
    inputs, wrong = _example(style)
    check_layer(make(), inputs, wrong_rank_inputs=wrong, atol=1e-5, rtol=1e-5)


def test_two_level_sequential_unet_from_the_docs():
    """The ``keras.Sequential`` graph U-Net of docs/graph/pooling.md runs and restores the
    input graph structure."""
    from kextras_graph.layers import GCNConv, GlobalMeanPool

    model = keras.Sequential([
        GCNConv(8, activation="relu"),
        TopKPool(ratio=0.5), GCNConv(8, activation="relu"),
        TopKPool(ratio=0.5), GCNConv(8, activation="relu"),
        TopKUnpool(combine="add"), GCNConv(8, activation="relu"),
        TopKUnpool(combine="add"), GCNConv(8, activation="relu"),
    ])
    out = model({"nodes": NODES, "edges": EDGES})
    assert set(out) == {"nodes", "edges", "graph"}
    np.testing.assert_array_equal(out["nodes"].row_lengths().numpy(),
                                  NODES.row_lengths().numpy())
    np.testing.assert_array_equal(out["edges"].values.numpy(), EDGES.values.numpy())
    assert GlobalMeanPool()(out).shape == (len(EDGE_CASE_SPECS), 8)


def test_every_pooling_layer_runs_in_tf_function():
    """Graph mode (as in ``fit``) gives the eager results."""
    x, idx = _pooled()
    calls = {
        "topk": (lambda: TopKPool(k=2), lambda l, n, e: l([n, e])),
        "sag": (lambda: SAGPool(ratio=0.4), lambda l, n, e: l([n, e])),
        "diff": (lambda: DiffPool(3), lambda l, n, e: l([n, e])),
        "mincut": (lambda: MinCutPool(3), lambda l, n, e: l([n, e])),
        "dmon": (lambda: DMoNPool(3), lambda l, n, e: l([n, e])),
        "sort": (lambda: SortPool(9), lambda l, n, e: l(n)),
        "unpool": (lambda: TopKUnpool(), lambda l, n, e: l([x, idx, n])),
    }
    for name, (make, call) in calls.items():
        layer = make()
        eager = call(layer, NODES, EDGES)
        graph = tf.function(lambda n, e: call(layer, n, e))(NODES, EDGES)
        assert_allclose(graph, eager, atol=1e-6, rtol=1e-6, what=name)


@pytest.mark.parametrize("make", [lambda: DiffPool(2, units=4), lambda: MinCutPool(2),
                                  lambda: DMoNPool(2)], ids=["diff", "mincut", "dmon"])
def test_cluster_pool_keeps_static_feature_size_with_unknown_batch(make):
    """In a ``fit`` the batch size is unknown; the coarse nodes keep ``F'`` static (a later
    layer's ``build`` needs it)."""
    spec = {"nodes": tf.RaggedTensorSpec([None, None, 3], tf.float32, 1),
            "edges": tf.RaggedTensorSpec([None, None, 2], tf.int32, 1)}
    pool, shapes = make(), []

    @tf.function(input_signature=[spec])
    def step(graph):
        out = pool(graph)
        shapes.append(out["nodes"].shape)
        return out["nodes"].values

    step({"nodes": NODES, "edges": EDGES})
    expected = 4 if isinstance(pool, DiffPool) else 3
    assert shapes and all(s[-1] == expected for s in shapes)
