"""Pooling layers vs independent NumPy references on batches with every edge case:
a graph with zero nodes, a graph with no edges, a graph with fewer nodes than k, a single
node, batch size 1."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from kextras_graph.layers.diff_pool import DiffPool
from kextras_graph.layers.dmon_pool import DMoNPool
from kextras_graph.layers.mincut_pool import MinCutPool
from kextras_graph.layers.sag_pool import SAGPool
from kextras_graph.layers.sort_pool import SortPool
from kextras_graph.layers.topk_pool import TopKPool
from kextras_graph.layers.topk_unpool import TopKUnpool

from pool_reference import (
    EDGE_CASE_SPECS,
    all_pairs,
    diffpool,
    dmon,
    mincut,
    random_graphs,
    sag_scores,
    select,
    sort_pool,
    to_ragged,
    topk_scores,
    unpool,
)

ATOL = 1e-4


def _batches():
    rng = np.random.default_rng(7)
    return {
        "edge_cases": random_graphs(rng, EDGE_CASE_SPECS),
        "batch_size_1": random_graphs(rng, [(9, 20)]),
        "single_empty": random_graphs(rng, [(0, 0)]),
    }


BATCHES = _batches()


def _check_selection(layer, graphs, scores_fn, ratio=None, k=None, with_ef=True):
    nodes, edges, ef = to_ragged(graphs)
    inputs = [nodes, edges, ef] if with_ef else [nodes, edges]
    out = layer(inputs)
    x_out, e_out, idx_out = out[0], out[1], out[-1]
    ef_out = out[2] if with_ef else None
    assert len(out) == (4 if with_ef else 3)
    for g, (x, e, f) in enumerate(graphs):
        y = scores_fn(x, e)
        rx, re_, rf, ridx = select(x, e, f if with_ef else None, y, np.tanh, ratio=ratio, k=k)
        np.testing.assert_array_equal(idx_out[g].numpy(), ridx)
        np.testing.assert_allclose(x_out[g].numpy().reshape(-1, x.shape[1]), rx, atol=ATOL)
        np.testing.assert_array_equal(e_out[g].numpy().reshape(-1, 2), re_)
        if with_ef:
            np.testing.assert_allclose(ef_out[g].numpy().reshape(-1, f.shape[1]), rf, atol=ATOL)
    return out


@pytest.mark.parametrize("batch,ratio,k", [
    ("edge_cases", 0.5, None), ("edge_cases", 0.7, None), ("edge_cases", None, 3),
    ("edge_cases", 1.0, None), ("batch_size_1", 0.5, None), ("single_empty", None, 2)])
def test_topk_pool_matches_reference(batch, ratio, k):
    graphs = BATCHES[batch]
    layer = TopKPool(ratio=ratio, k=k)
    nodes, edges, ef = to_ragged(graphs)
    layer([nodes, edges, ef])
    p = layer.kernel.numpy().astype(np.float64)
    _check_selection(layer, graphs, lambda x, e: topk_scores(x, p), ratio, k)


@pytest.mark.parametrize("batch,ratio,k", [
    ("edge_cases", 0.5, None), ("edge_cases", None, 3), ("batch_size_1", None, 3)])
def test_sag_pool_matches_reference(batch, ratio, k):
    graphs = BATCHES[batch]
    layer = SAGPool(ratio=ratio, k=k, bias_initializer="ones")
    nodes, edges, _ = to_ragged(graphs)
    layer([nodes, edges])
    theta, b = layer.kernel.numpy(), layer.bias.numpy()
    _check_selection(layer, graphs, lambda x, e: sag_scores(x, e, theta, b), ratio, k,
                     with_ef=False)


def test_fewer_nodes_than_k_keeps_all_sorted_by_score():
    graphs = BATCHES["edge_cases"]
    layer = TopKPool(k=100)
    nodes, edges, _ = to_ragged(graphs)
    out = layer([nodes, edges])
    np.testing.assert_array_equal(out[0].row_lengths().numpy(), [len(g[0]) for g in graphs])
    # same edge count: nothing is dropped, only re-indexed
    np.testing.assert_array_equal(out[1].row_lengths().numpy(), edges.row_lengths().numpy())


@pytest.mark.parametrize("combine", [None, "add", "concat"])
def test_topk_unpool_matches_reference(combine):
    graphs = BATCHES["edge_cases"]
    nodes, edges, _ = to_ragged(graphs)
    pool = TopKPool(ratio=0.5)
    x_p, _, idx = pool([nodes, edges])
    up = TopKUnpool(combine=combine)([x_p, idx, nodes])
    np.testing.assert_array_equal(up.row_lengths().numpy(), nodes.row_lengths().numpy())
    for g, (x, _, _) in enumerate(graphs):
        ref = unpool(x_p[g].numpy().reshape(-1, 3), idx[g].numpy(), x, combine)
        np.testing.assert_allclose(up[g].numpy().reshape(ref.shape), ref, atol=ATOL)


def test_dict_style_stacks_levels_and_unpool_pops_them():
    graphs = BATCHES["edge_cases"]
    nodes, edges, ef = to_ragged(graphs)
    d0 = {"nodes": nodes, "edges": edges, "edge_features": ef}
    d1 = TopKPool(ratio=0.5)(d0)
    d2 = SAGPool(k=1)(d1)
    assert {"pool_indices_0", "pool_nodes_0", "pool_edges_0", "pool_edge_features_0",
            "pool_indices_1", "pool_nodes_1", "pool_edges_1"} <= set(d2)
    assert all(n <= 1 for n in d2["nodes"].row_lengths().numpy())
    u1 = TopKUnpool()(d2)
    assert not any(key.endswith("_1") for key in u1)
    np.testing.assert_array_equal(u1["edges"].values.numpy(), d1["edges"].values.numpy())
    np.testing.assert_array_equal(u1["edge_features"].values.numpy(),
                                  d1["edge_features"].values.numpy())
    u0 = TopKUnpool(combine="add")(u1)
    assert set(u0) == {"nodes", "edges", "edge_features"}
    np.testing.assert_array_equal(u0["nodes"].row_lengths().numpy(),
                                  nodes.row_lengths().numpy())
    np.testing.assert_array_equal(u0["edges"].values.numpy(), edges.values.numpy())


# ------------------------------------------------------------------ clustering pools

def _check_cluster(layer, graphs, ref_fn, k, loss_names, weights_by_loss):
    """Outputs vs reference; each loss checked alone by zeroing the other weights."""
    nodes, edges, _ = to_ragged(graphs)
    x_out, e_out, w_out, s_out = layer([nodes, edges])
    expected_len = [k if len(g[0]) else 0 for g in graphs]
    np.testing.assert_array_equal(x_out.row_lengths().numpy(), expected_len)
    np.testing.assert_array_equal(e_out.row_lengths().numpy(), [n * k for n in expected_len])
    refs = []
    for g, (x, e, _) in enumerate(graphs):
        if len(x) == 0:
            assert s_out[g].shape[0] == 0
            refs.append(None)
            continue
        s, xp, ap, losses = ref_fn(x, e)
        refs.append(losses)
        np.testing.assert_allclose(s_out[g].numpy(), s, atol=ATOL)
        np.testing.assert_allclose(x_out[g].numpy(), xp, atol=ATOL)
        ref_edges, ref_w = all_pairs(k, ap)
        np.testing.assert_array_equal(e_out[g].numpy(), ref_edges)
        np.testing.assert_allclose(w_out[g].numpy(), ref_w, atol=ATOL)
    config = layer.get_config()
    for name in loss_names:
        values = [r[name] for r in refs if r is not None and r[name] is not None]
        expected = np.mean(values) if values else 0.0
        cfg = dict(config, **{w: (1.0 if loss == name else 0.0)
                              for loss, w in weights_by_loss.items()})
        cfg.pop("name")
        other = type(layer).from_config(cfg)
        other([nodes, edges])
        other.set_weights(layer.get_weights())
        other([nodes, edges])
        assert len(other.losses) == 1
        np.testing.assert_allclose(other.losses[0].numpy(), expected, atol=ATOL, rtol=1e-4,
                                   err_msg=name)


@pytest.mark.parametrize("batch", ["edge_cases", "batch_size_1"])
# (k, units): no embedding; 3 features propagated before the projection (3 <= k + units);
# projected before the propagation (3 > k + units)
@pytest.mark.parametrize("k,units", [(3, None), (3, 4), (1, 1)])
@pytest.mark.parametrize("sparse", [True, False])  # CPU kernels (padded products) / XLA ones
def test_diffpool_matches_reference(batch, k, units, sparse):
    graphs = BATCHES[batch]
    layer = DiffPool(k, units=units, activation="relu", bias_initializer="random_normal",
                     sparse=sparse)
    nodes, edges, _ = to_ragged(graphs)
    layer([nodes, edges])
    w = [v.numpy().astype(np.float64) for v in layer.weights]
    emb = (w[2], w[3]) if units else (None, None)

    def ref(x, e):
        return diffpool(x, e, w[0], w[1], *emb, act=lambda v: np.maximum(v, 0))

    _check_cluster(layer, graphs, ref, k, ["link", "entropy"],
                   {"link": "link_prediction_weight", "entropy": "entropy_weight"})


def _clique_pair_with_hard_assignment(n):
    """Two disjoint n-cliques with self loops, features = clique one-hot: with pool kernel
    30 I the assignment is near one-hot, S Sᵀ ~ A, the link loss ~ 0 (the worst case for
    its trace form, whose terms are O(n^2))."""
    x = np.repeat(np.eye(2), n, 0)
    block = np.array([[s, t] for s in range(n) for t in range(n)])
    return x, np.concatenate([block, block + n])


@pytest.mark.parametrize("sparse", [True, False])
@pytest.mark.parametrize("case", ["cliques", "random"])
def test_diffpool_link_loss_is_accurate_in_float32_on_large_graphs(case, sparse):
    """The link loss from ``sum A^2 - 2 Tr(Sᵀ A S) + ||Sᵀ S||^2`` in float32 against the
    dense NumPy ``||A - S Sᵀ||_F / n^2`` in float64, on graphs of 200 and 1500 nodes."""
    rng = np.random.default_rng(3)
    if case == "cliques":
        x, edges = _clique_pair_with_hard_assignment(100)
        layer = DiffPool(2, entropy_weight=0.0, sparse=sparse, use_bias=False,
                         kernel_initializer=keras.initializers.Constant(30 * np.eye(2)))
    else:
        x, edges = rng.normal(size=(1500, 4)), rng.integers(0, 1500, size=(20000, 2))
        layer = DiffPool(5, entropy_weight=0.0, sparse=sparse, bias_initializer="random_normal")
    nodes, ragged_edges, _ = to_ragged([(x, edges, np.zeros((len(edges), 2)))])
    layer([nodes, ragged_edges])
    w = [v.numpy().astype(np.float64) for v in layer.weights]
    *_, losses = diffpool(x, edges, w[0], w[1] if len(w) > 1 else np.zeros(w[0].shape[1]))
    got = float(layer.losses[0])
    np.testing.assert_allclose(got, losses["link"], rtol=1e-4, atol=1e-7)
    if case == "cliques":
        assert losses["link"] < 1e-6


@pytest.mark.parametrize("batch", ["edge_cases", "batch_size_1"])
def test_mincut_matches_reference(batch):
    graphs = BATCHES[batch]
    layer = MinCutPool(3, mlp_units=[5], bias_initializer="random_normal")
    nodes, edges, _ = to_ragged(graphs)
    layer([nodes, edges])
    w = [v.numpy().astype(np.float64) for v in layer.weights]
    weights = [(w[0], w[1]), (w[2], w[3])]
    _check_cluster(layer, graphs, lambda x, e: mincut(x, e, weights, 3), 3, ["cut", "ortho"],
                   {"cut": "cut_weight", "ortho": "ortho_weight"})


@pytest.mark.parametrize("batch", ["edge_cases", "batch_size_1"])
def test_dmon_matches_reference(batch):
    graphs = BATCHES[batch]
    layer = DMoNPool(3, bias_initializer="random_normal")
    nodes, edges, _ = to_ragged(graphs)
    layer([nodes, edges])
    w = [v.numpy().astype(np.float64) for v in layer.weights]
    _check_cluster(layer, graphs, lambda x, e: dmon(x, e, [(w[0], w[1])], 3), 3,
                   ["spectral", "collapse"],
                   {"spectral": "spectral_weight", "collapse": "collapse_weight"})


def test_cluster_pool_on_all_empty_batch_gives_empty_graphs_and_zero_loss():
    nodes, edges, _ = to_ragged(BATCHES["single_empty"])
    for layer in (DiffPool(2), MinCutPool(2), DMoNPool(2)):
        x, e, w, s = layer([nodes, edges])
        assert x.row_lengths().numpy().tolist() == [0]
        assert e.row_lengths().numpy().tolist() == [0]
        assert float(layer.losses[0]) == 0.0


@pytest.mark.parametrize("k", [1, 4, 10])
def test_sort_pool_matches_reference(k):
    graphs = BATCHES["edge_cases"]
    nodes, _, _ = to_ragged(graphs)
    out = SortPool(k)(nodes).numpy()
    assert out.shape == (len(graphs), k, 3)
    for g, (x, _, _) in enumerate(graphs):
        np.testing.assert_allclose(out[g], sort_pool(x, k), atol=1e-6)
    flat = SortPool(k, flatten=True)(nodes).numpy()
    np.testing.assert_allclose(flat, out.reshape(len(graphs), -1))


def test_sort_pool_ties_take_lower_index_first():
    nodes = tf.ragged.constant([[[1.0, 5.0], [2.0, 5.0], [3.0, 7.0]]], ragged_rank=1)
    out = SortPool(2)(nodes).numpy()
    np.testing.assert_array_equal(out[0], [[3.0, 7.0], [1.0, 5.0]])


def test_pool_gradient_reaches_score_weights():
    nodes, edges, _ = to_ragged(BATCHES["edge_cases"])
    for layer in (TopKPool(ratio=0.5), SAGPool(ratio=0.5)):
        with tf.GradientTape() as tape:
            out = layer([nodes, edges])
            loss = tf.reduce_sum(out[0].values ** 2)
        grads = tape.gradient(loss, layer.trainable_weights)
        assert all(g is not None and np.all(np.isfinite(g.numpy())) for g in grads)
        assert any(np.abs(g.numpy()).max() > 0 for g in grads)
