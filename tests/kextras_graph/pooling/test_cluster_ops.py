"""The per-graph products of the clustering pools, both kernels (``sparse=True``: padded
batched matmul, hash-counted duplicates; ``sparse=False``: flat outer products, sorted
keys), against dense NumPy per-graph matrices, gradients included."""

import numpy as np
import pytest
import tensorflow as tf

from kextras_graph.layers._cluster_ops import (
    coarse_adjacency,
    per_graph_outer,
    sum_squared_adjacency,
)
from kextras_graph.ops import ragged_to_disjoint

LENGTHS = [4, 0, 5, 1]  # an empty graph, a single node
LOCAL_EDGES = [[[0, 1], [1, 2], [3, 3], [1, 2]], [], [[0, 4], [4, 2], [1, 1], [0, 4], [3, 0]],
               [[0, 0]]]  # duplicates and self loops


def _graph():
    rng = np.random.default_rng(0)
    nodes = tf.RaggedTensor.from_row_lengths(rng.normal(size=(10, 2)), LENGTHS)
    flat = [e for g in LOCAL_EDGES for e in g]
    edges = tf.RaggedTensor.from_row_lengths(np.array(flat, np.int32).reshape(-1, 2),
                                             [len(g) for g in LOCAL_EDGES])
    return ragged_to_disjoint(nodes, edges)


def _dense_adjacency(g):
    a = np.zeros((LENGTHS[g], LENGTHS[g]))
    for s, t in LOCAL_EDGES[g]:
        a[t, s] += 1
    return a


@pytest.mark.parametrize("sparse", [True, False])
def test_per_graph_products_and_gradients_match_dense_numpy(sparse):
    graph = _graph()
    rng = np.random.default_rng(1)
    u, v = rng.normal(size=(10, 3)), rng.normal(size=(10, 4))
    gu, ga = rng.normal(size=(4, 3, 4)), rng.normal(size=(4, 3, 3))
    ut, vt = tf.constant(u), tf.constant(v)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([ut, vt])
        outer = per_graph_outer(ut, vt, graph, sparse)
        coarse = coarse_adjacency(ut, graph, sparse)
        loss = tf.reduce_sum(outer * gu) + tf.reduce_sum(coarse * ga)
    du, dv = tape.gradient(loss, [ut, vt])
    starts = np.concatenate([[0], np.cumsum(LENGTHS)])
    du_ref, dv_ref = np.zeros_like(u), np.zeros_like(v)
    for g in range(4):
        sl = slice(starts[g], starts[g + 1])
        ug, vg, a = u[sl], v[sl], _dense_adjacency(g)
        np.testing.assert_allclose(outer[g].numpy(), ug.T @ vg, atol=1e-12)
        np.testing.assert_allclose(coarse[g].numpy(), ug.T @ a @ ug, atol=1e-12)
        du_ref[sl] = vg @ gu[g].T + a @ ug @ ga[g].T + a.T @ ug @ ga[g]
        dv_ref[sl] = ug @ gu[g]
    np.testing.assert_allclose(du.numpy(), du_ref, atol=1e-12)
    np.testing.assert_allclose(dv.numpy(), dv_ref, atol=1e-12)
    expected = [np.sum(_dense_adjacency(g) ** 2) for g in range(4)]
    np.testing.assert_array_equal(sum_squared_adjacency(graph, tf.float64, sparse).numpy(),
                                  expected)


@pytest.mark.parametrize("sparse", [True, False])
@pytest.mark.parametrize("first_is_u", [True, False])
def test_several_products_in_one_call_match_dense_numpy(sparse, first_is_u):
    """``per_graph_outer(u, [v1, v2])`` (one padding and one matmul, as DiffPool uses it)
    gives ``[uᵀ v1, uᵀ v2]`` per graph, gradients included."""
    graph = _graph()
    rng = np.random.default_rng(2)
    u, w = rng.normal(size=(10, 3)), rng.normal(size=(10, 5))
    ut, wt = tf.constant(u), tf.constant(w)
    g1, g2 = rng.normal(size=(4, 3, 3)), rng.normal(size=(4, 3, 5))
    with tf.GradientTape() as tape:
        tape.watch([ut, wt])
        first = ut if first_is_u else tf.constant(u[:, ::-1].copy())
        p1, p2 = per_graph_outer(ut, [first, wt], graph, sparse)
        loss = tf.reduce_sum(p1 * g1) + tf.reduce_sum(p2 * g2)
    du, dw = tape.gradient(loss, [ut, wt])
    assert p1.shape[-1] == 3 and p2.shape[-1] == 5
    v1 = u if first_is_u else u[:, ::-1]
    starts = np.concatenate([[0], np.cumsum(LENGTHS)])
    du_ref, dw_ref = np.zeros_like(u), np.zeros_like(w)
    for g in range(4):
        sl = slice(starts[g], starts[g + 1])
        np.testing.assert_allclose(p1[g].numpy(), u[sl].T @ v1[sl], atol=1e-12)
        np.testing.assert_allclose(p2[g].numpy(), u[sl].T @ w[sl], atol=1e-12)
        du_ref[sl] = v1[sl] @ g1[g].T + w[sl] @ g2[g].T + (u[sl] @ g1[g] if first_is_u else 0)
        dw_ref[sl] = u[sl] @ g2[g]
    np.testing.assert_allclose(du.numpy(), du_ref, atol=1e-12)
    np.testing.assert_allclose(dw.numpy(), dw_ref, atol=1e-12)


@pytest.mark.parametrize("sparse", [True, False])
def test_sum_squared_adjacency_counts_duplicates_beyond_int32_keys(sparse):
    """With ``N = 70003`` nodes the keys ``t * N + s`` exceed int32 (the hash kernel then
    counts in int64): ``0 -> 0`` and ``s -> t`` with ``t N + s = 2**32`` have keys equal in
    wrapped int32 and must stay two entries; true duplicates still count."""
    n = 70000
    t, s = divmod(2 ** 32, n + 3)  # graph 0 starts at node 0: global = local indices
    local = np.array([[0, 0], [s, t], [7, n - 1], [7, n - 1], [5, 5]])
    nodes = tf.RaggedTensor.from_row_lengths(np.zeros((n + 3, 1)), [n, 3])
    edges = tf.RaggedTensor.from_row_lengths(
        np.concatenate([local, [[0, 2], [0, 2]]]).astype(np.int32), [len(local), 2])
    graph = ragged_to_disjoint(nodes, edges)
    # graph 0: entries 1, 1, 2, 1 -> 1 + 1 + 4 + 1; graph 1: one entry of 2 -> 4
    np.testing.assert_array_equal(sum_squared_adjacency(graph, tf.float64, sparse).numpy(),
                                  [7.0, 4.0])
