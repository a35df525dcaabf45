"""gcn_norm and degree against dense-matrix formulas."""

import numpy as np
import tensorflow as tf

from kextras_graph import ops


def _dense_from_edges(sources, targets, weights, n):
    a = np.zeros((n, n))
    np.add.at(a, (targets, sources), weights)
    return a


def test_gcn_norm_matches_dense_formula():
    # 6 nodes: self loop on 0, duplicate 1->2, isolated node 5, directed 3->4
    sources = np.array([0, 1, 1, 2, 3, 2], np.int32)
    targets = np.array([0, 2, 2, 1, 4, 0], np.int32)
    n = 6
    for add_loops in (True, False):
        s, t, w = ops.gcn_norm(tf.constant(sources), tf.constant(targets), n,
                               add_self_loops=add_loops, dtype=tf.float64)
        got = _dense_from_edges(s.numpy(), t.numpy(), w.numpy(), n)
        a = _dense_from_edges(sources, targets, np.ones(len(sources)), n)
        if add_loops:
            a = a + np.eye(n)
        deg = a.sum(1)
        inv = np.where(deg > 0, 1 / np.sqrt(np.where(deg > 0, deg, 1)), 0)
        np.testing.assert_allclose(got, inv[:, None] * a * inv[None, :], atol=1e-14)


def test_gcn_norm_with_edge_weight():
    sources = tf.constant([0, 1, 2])
    targets = tf.constant([1, 2, 0])
    weights = tf.constant([2.0, 0.5, 1.0], tf.float64)
    s, t, w = ops.gcn_norm(sources, targets, 3, edge_weight=weights, dtype=tf.float64)
    got = _dense_from_edges(s.numpy(), t.numpy(), w.numpy(), 3)
    a = _dense_from_edges([0, 1, 2], [1, 2, 0], [2.0, 0.5, 1.0], 3) + np.eye(3)
    d = 1 / np.sqrt(a.sum(1))
    np.testing.assert_allclose(got, d[:, None] * a * d[None, :], atol=1e-14)


def test_degree_and_self_loop_helpers():
    targets = tf.constant([0, 0, 2, 2, 2])
    np.testing.assert_array_equal(ops.degree(targets, 4).numpy(), [2, 0, 3, 0])
    np.testing.assert_array_equal(
        ops.degree(targets, 4, edge_weight=tf.constant([1.0, 2, 3, 4, 5])).numpy(), [3, 0, 12, 0])
    s, t, w = ops.add_self_loops(tf.constant([0, 1]), tf.constant([1, 1]), 3,
                                 edge_weight=tf.constant([5.0, 6.0]))
    np.testing.assert_array_equal(s.numpy(), [0, 1, 0, 1, 2])
    np.testing.assert_array_equal(t.numpy(), [1, 1, 0, 1, 2])
    np.testing.assert_array_equal(w.numpy(), [5, 6, 1, 1, 1])
    s, t, w = ops.remove_self_loops(tf.constant([0, 1, 2]), tf.constant([1, 1, 0]),
                                    tf.constant([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(s.numpy(), [0, 2])
    np.testing.assert_array_equal(t.numpy(), [1, 0])
    np.testing.assert_array_equal(w.numpy(), [1, 3])
