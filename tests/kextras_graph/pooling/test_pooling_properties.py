"""Permutation properties: relabelling the nodes of a graph does not change what a pooling
layer computes (selection pools: the same pooled graph; clustering pools: the same coarse
graph and a permuted assignment; SortPool: the same output)."""

import numpy as np
import pytest

from kextras_graph.layers.diff_pool import DiffPool
from kextras_graph.layers.dmon_pool import DMoNPool
from kextras_graph.layers.mincut_pool import MinCutPool
from kextras_graph.layers.sag_pool import SAGPool
from kextras_graph.layers.sort_pool import SortPool
from kextras_graph.layers.topk_pool import TopKPool

from pool_reference import random_graphs, to_ragged


def _graph_and_permuted(seed):
    rng = np.random.default_rng(seed)
    x, e, f = random_graphs(rng, [(9, 16)], symmetric=True)[0]
    perm = rng.permutation(9)          # new node j is old node perm[j]
    inv = np.argsort(perm)             # old node i is new node inv[i]
    return (x, e, f), (x[perm], inv[e], f), perm


@pytest.mark.parametrize("make", [lambda: TopKPool(ratio=0.5), lambda: SAGPool(k=4)])
def test_selection_pool_is_permutation_invariant(make):
    g, pg, perm = _graph_and_permuted(1)
    layer = make()
    a = layer(list(to_ragged([g])))
    b = layer(list(to_ragged([pg])))
    np.testing.assert_allclose(a[0].values.numpy(), b[0].values.numpy(), atol=1e-5)
    np.testing.assert_array_equal(perm[b[-1].values.numpy()], a[-1].values.numpy())
    # same edge set with the same edge features
    ea = {tuple(r): tuple(f) for r, f in zip(a[1].values.numpy(), a[2].values.numpy())}
    eb = {tuple(r): tuple(f) for r, f in zip(b[1].values.numpy(), b[2].values.numpy())}
    assert ea == eb


@pytest.mark.parametrize("make", [lambda: DiffPool(3, units=4), lambda: MinCutPool(3),
                                  lambda: DMoNPool(3)])
def test_cluster_pool_is_permutation_invariant(make):
    g, pg, perm = _graph_and_permuted(2)
    layer = make()
    a = layer(list(to_ragged([g]))[:2])
    loss_a = float(layer.losses[0])
    b = layer(list(to_ragged([pg]))[:2])
    np.testing.assert_allclose(a[0].values.numpy(), b[0].values.numpy(), atol=1e-5)
    np.testing.assert_allclose(a[2].values.numpy(), b[2].values.numpy(), atol=1e-5)
    np.testing.assert_allclose(b[3].values.numpy(), a[3].values.numpy()[perm], atol=1e-6)
    np.testing.assert_allclose(float(layer.losses[0]), loss_a, atol=1e-5)


def test_sort_pool_is_permutation_invariant():
    g, pg, _ = _graph_and_permuted(3)
    layer = SortPool(5)
    np.testing.assert_allclose(layer(to_ragged([g])[0]).numpy(),
                               layer(to_ragged([pg])[0]).numpy())
