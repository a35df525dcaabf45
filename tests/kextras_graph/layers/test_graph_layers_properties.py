"""Hypothesis properties: permutation equivariance of the convolutions, permutation
invariance of the global pooling layers, batching independence."""

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

import graph_layer_reference as ref
from kextras_graph import layers as L

F, FE = 3, 2

CONVS = {
    "gcn": lambda: L.GCNConv(4, dtype="float64"),
    "graph_conv_max": lambda: L.GraphConv(4, aggregate="max", dtype="float64"),
    "gin": lambda: L.GINConv([4, 4], eps=0.2, dtype="float64"),
    "gine": lambda: L.GINEConv([4], dtype="float64"),
    "sage": lambda: L.GraphSAGEConv(4, normalize=True, dtype="float64"),
    "gat": lambda: L.GATConv(2, heads=2, dtype="float64"),
    "gatv2": lambda: L.GATConv(2, heads=2, v2=True, concat=False, dtype="float64"),
    "edge_conv": lambda: L.EdgeConv([4], dtype="float64"),
    "nn_conv": lambda: L.NNConv(3, kernel_network=[4], dtype="float64"),
}
USES_EF = {"gine", "nn_conv"}
POOLS = {
    "sum": lambda: L.GlobalSumPool(dtype="float64"),
    "mean": lambda: L.GlobalMeanPool(dtype="float64"),
    "max": lambda: L.GlobalMaxPool(dtype="float64"),
    "attention": lambda: L.GlobalAttentionPool(4, dtype="float64"),
    "set2set": lambda: L.Set2Set(2, dtype="float64"),
}

graph_sizes = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 12)), min_size=1, max_size=4)


def _graphs(sizes, seed):
    rng = np.random.default_rng(seed)
    out = []
    for n, e in sizes:
        e = e if n else 0
        out.append((rng.normal(size=(n, F)), ref.random_graph(rng, n, e),
                    rng.normal(size=(e, FE))))
    return out


def _call(layer, graphs, ef):
    nodes, edges, efs = ref.to_ragged(graphs, dtype="float64")
    return layer([nodes, edges, efs] if ef else [nodes, edges])


def _permute(graphs, seed):
    rng = np.random.default_rng(seed + 1)
    perms, out = [], []
    for x, e, ef in graphs:
        p = rng.permutation(len(x))  # old node i becomes node p[i]
        x_new = np.empty_like(x)
        x_new[p] = x
        edge_order = rng.permutation(len(e))  # edge order must not matter either
        out.append((x_new, p[e][edge_order] if len(e) else e, ef[edge_order]))
        perms.append(p)
    return out, perms


@pytest.mark.parametrize("name", sorted(CONVS))
def test_conv_permutation_equivariance_and_batching_independence(name):
    layer = CONVS[name]()
    ef = name in USES_EF

    @settings(max_examples=6)
    @given(sizes=graph_sizes, seed=st.integers(0, 2**16))
    def check(sizes, seed):
        graphs = _graphs(sizes, seed)
        out = _call(layer, graphs, ef)
        permuted, perms = _permute(graphs, seed)
        out_p = _call(layer, permuted, ef)
        for k, p in enumerate(perms):
            np.testing.assert_allclose(out_p[k].numpy()[p], out[k].numpy(), atol=1e-10)
            alone = _call(layer, graphs[k:k + 1], ef)[0].numpy()
            np.testing.assert_allclose(alone, out[k].numpy(), atol=1e-10)

    check()


@pytest.mark.parametrize("name", sorted(POOLS))
def test_pool_permutation_invariance_and_batching_independence(name):
    layer = POOLS[name]()

    @settings(max_examples=6)
    @given(sizes=graph_sizes, seed=st.integers(0, 2**16))
    def check(sizes, seed):
        graphs = _graphs(sizes, seed)
        nodes = ref.to_ragged(graphs, dtype="float64")[0]
        out = layer(nodes).numpy()
        permuted, _ = _permute(graphs, seed)
        out_p = layer(ref.to_ragged(permuted, dtype="float64")[0]).numpy()
        np.testing.assert_allclose(out_p, out, atol=1e-10)
        for k in range(len(graphs)):
            alone = layer(ref.to_ragged(graphs[k:k + 1], dtype="float64")[0]).numpy()
            np.testing.assert_allclose(alone[0], out[k], atol=1e-10)

    check()
