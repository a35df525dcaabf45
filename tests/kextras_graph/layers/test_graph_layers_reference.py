"""Every conv and pooling layer against an independent NumPy formula implementation.

Each batch holds a graph with self loops and duplicate edges, a graph with zero nodes, a
graph without edges, a single node, isolated nodes; batch size 1 is checked as well.
The layers run in float64 so the comparison is tight.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

import graph_layer_reference as ref
from kextras_graph.layers import (
    EdgeConv,
    GATConv,
    GCNConv,
    GINConv,
    GINEConv,
    GlobalAttentionPool,
    GlobalMaxPool,
    GlobalMeanPool,
    GlobalSumPool,
    GraphConv,
    GraphSAGEConv,
    NNConv,
    Set2Set,
)

F, FE = 3, 2


def _np(w):
    return None if w is None else w.numpy()


def _mlp_weights(layer, prefix=""):
    ws = layer.filter_network if prefix == "filter" else layer.mlp
    return [(kernel.numpy(), 0 if bias is None else bias.numpy()) for kernel, bias in ws]


def _bias(layer, units):
    return layer.bias.numpy() if layer.bias is not None else np.zeros(units)


CONV_CASES = {
    "gcn": (lambda: GCNConv(4, bias_initializer="random_normal"),
            lambda l, x, e, ef: ref.gcn(x, e, _np(l.kernel), _bias(l, 4))),
    "gcn_no_loops": (lambda: GCNConv(4, add_self_loops=False, bias_initializer="random_normal"),
                     lambda l, x, e, ef: ref.gcn(x, e, _np(l.kernel), _bias(l, 4), False)),
    "gcn_unnormalized": (lambda: GCNConv(2, normalize=False),
                         lambda l, x, e, ef: ref.gcn(x, e, _np(l.kernel), _bias(l, 2), True, False)),
    "graph_conv_sum": (lambda: GraphConv(2, bias_initializer="random_normal"),
                       lambda l, x, e, ef: ref.graph_conv(x, e, _np(l.kernel),
                                                          _np(l.root_kernel), _bias(l, 2))),
    "graph_conv_mean": (lambda: GraphConv(5, aggregate="mean"),
                        lambda l, x, e, ef: ref.graph_conv(x, e, _np(l.kernel),
                                                           _np(l.root_kernel), _bias(l, 5), "mean")),
    "graph_conv_max": (lambda: GraphConv(4, aggregate="max"),
                       lambda l, x, e, ef: ref.graph_conv(x, e, _np(l.kernel),
                                                          _np(l.root_kernel), _bias(l, 4), "max")),
    "graph_conv_min": (lambda: GraphConv(4, aggregate="min", use_bias=False),
                       lambda l, x, e, ef: ref.graph_conv(x, e, _np(l.kernel),
                                                          _np(l.root_kernel), 0, "min")),
    "sage_mean_norm": (lambda: GraphSAGEConv(4, normalize=True, bias_initializer="ones"),
                       lambda l, x, e, ef: ref.sage(x, e, _np(l.kernel), _np(l.root_kernel),
                                                    _bias(l, 4), "mean", True)),
    "sage_max": (lambda: GraphSAGEConv(4, aggregate="max"),
                 lambda l, x, e, ef: ref.sage(x, e, _np(l.kernel), _np(l.root_kernel),
                                              _bias(l, 4), "max")),
    "sage_sum_small": (lambda: GraphSAGEConv(2, aggregate="sum"),
                       lambda l, x, e, ef: ref.sage(x, e, _np(l.kernel), _np(l.root_kernel),
                                                    _bias(l, 2), "sum")),
    "gin": (lambda: GINConv([5, 4], eps=0.3, bias_initializer="random_normal"),
            lambda l, x, e, ef: ref.gin(x, e, _mlp_weights(l), 0.3)),
    "gin_train_eps": (lambda: GINConv(4, eps=-0.5, train_eps=True),
                      lambda l, x, e, ef: ref.gin(x, e, _mlp_weights(l), float(l.eps.numpy()))),
    "gin_custom_mlp": (
        lambda: GINConv(mlp=keras.Sequential([  # the inner layer computes in its own dtype
            keras.layers.Dense(5, activation="tanh", dtype="float64"),
            keras.layers.Dense(3, dtype="float64")]), eps=0.1),
        lambda l, x, e, ef: ref.gin(x, e, [(w.numpy(), b.numpy()) for w, b in zip(
            l.mlp_layer.weights[::2], l.mlp_layer.weights[1::2])], 0.1, hidden=np.tanh)),
    "gine_same_dim": (lambda: GINEConv([4], eps=0.1),
                      lambda l, x, e, ef: ref.gine(x, e, ef, _mlp_weights(l), eps=0.1)),
    "gine_projected": (lambda: GINEConv([5, 3], bias_initializer="random_normal"),
                       lambda l, x, e, ef: ref.gine(x, e, ef, _mlp_weights(l),
                                                    _np(l.edge_kernel), _np(l.edge_bias))),
    "gat": (lambda: GATConv(3, heads=2, bias_initializer="random_normal"),
            lambda l, x, e, ef: ref.gat(x, e, _np(l.kernel), _np(l.attn_kernel_source),
                                        _np(l.attn_kernel_target), _bias(l, 6), 2, 3)),
    "gat_mean_heads": (lambda: GATConv(2, heads=3, concat=False, negative_slope=0.1),
                       lambda l, x, e, ef: ref.gat(x, e, _np(l.kernel),
                                                   _np(l.attn_kernel_source),
                                                   _np(l.attn_kernel_target), _bias(l, 2), 3, 2,
                                                   concat=False, slope=0.1)),
    "gatv2": (lambda: GATConv(3, heads=2, v2=True),
              lambda l, x, e, ef: ref.gat(x, e, _np(l.kernel), None, None, _bias(l, 6), 2, 3,
                                          v2=True, w_t=_np(l.target_kernel),
                                          att=_np(l.attn_kernel))),
    "edge_conv_max": (lambda: EdgeConv([5, 4], bias_initializer="random_normal"),
                      lambda l, x, e, ef: ref.edge_conv(x, e, _mlp_weights(l), "max")),
    "edge_conv_mean": (lambda: EdgeConv(3, aggregate="mean"),
                       lambda l, x, e, ef: ref.edge_conv(x, e, _mlp_weights(l), "mean")),
    "nn_conv": (lambda: NNConv(4, kernel_network=[6], bias_initializer="random_normal"),
                lambda l, x, e, ef: ref.nn_conv(x, e, ef, _mlp_weights(l, "filter"),
                                                _np(l.root_kernel), _bias(l, 4), 4)),
}

EDGE_FEATURE_CASES = {"gine_same_dim", "gine_projected", "nn_conv"}


@pytest.mark.parametrize("case", sorted(CONV_CASES))
def test_conv_matches_numpy_formula(case):
    make, formula = CONV_CASES[case]
    rng = np.random.default_rng(sorted(CONV_CASES).index(case))
    fe = F if case == "gine_same_dim" else FE
    graphs = ref.edge_case_graphs(rng, f=F, fe=fe)
    nodes, edges, ef = ref.to_ragged(graphs, dtype="float64")
    layer = make()
    layer = type(layer).from_config({**layer.get_config(), "dtype": "float64"})
    inputs = [nodes, edges, ef] if case in EDGE_FEATURE_CASES else [nodes, edges]
    out = layer(inputs)
    assert isinstance(out, tf.RaggedTensor)
    np.testing.assert_array_equal(out.row_lengths().numpy(), [len(g[0]) for g in graphs])
    for k, (x, e, efk) in enumerate(graphs):
        expected = formula(layer, x, e, efk)
        np.testing.assert_allclose(out[k].numpy(), np.reshape(expected, out[k].shape),
                                   atol=1e-10, rtol=1e-9, err_msg=f"{case}, graph {k}")
    # batch size 1: the first graph alone
    single = ref.to_ragged(graphs[:1], dtype="float64")
    single_inputs = list(single) if case in EDGE_FEATURE_CASES else list(single[:2])
    np.testing.assert_allclose(layer(single_inputs)[0].numpy(),
                               formula(layer, *graphs[0]), atol=1e-10, rtol=1e-9)
    # dict style gives the same nodes
    d = {"nodes": nodes, "edges": edges}
    if case in EDGE_FEATURE_CASES:
        d["edge_features"] = ef
    out_dict = layer(d)
    assert set(out_dict) == set(d) | {"graph"} and out_dict["edges"] is edges
    np.testing.assert_allclose(out_dict["nodes"].values.numpy(), out.values.numpy())


POOL_CASES = {
    "sum": (GlobalSumPool, lambda l, x: ref.pool(x, "sum", F)),
    "mean": (GlobalMeanPool, lambda l, x: ref.pool(x, "mean", F)),
    "max": (GlobalMaxPool, lambda l, x: ref.pool(x, "max", F)),
    "attention": (lambda **kw: GlobalAttentionPool(4, bias_initializer="random_normal", **kw),
                  lambda l, x: ref.attention_pool(x, _np(l.kernel), _np(l.bias),
                                                  _np(l.gate_kernel), _np(l.gate_bias))),
    "set2set": (lambda **kw: Set2Set(3, **kw),
                lambda l, x: ref.set2set(x, _np(l.kernel), _np(l.recurrent_kernel),
                                         _np(l.bias), 3)),
}


@pytest.mark.parametrize("case", sorted(POOL_CASES))
def test_pool_matches_numpy_formula(case):
    make, formula = POOL_CASES[case]
    graphs = ref.edge_case_graphs(np.random.default_rng(7), f=F)
    nodes, edges, _ = ref.to_ragged(graphs, dtype="float64")
    layer = make(dtype="float64")
    out = layer(nodes)
    assert isinstance(out, tf.Tensor) and out.shape[0] == len(graphs)
    expected = np.stack([formula(layer, g[0]) for g in graphs])
    np.testing.assert_allclose(out.numpy(), expected, atol=1e-10, rtol=1e-9)
    # list and dict styles pool the nodes only
    np.testing.assert_allclose(layer([nodes, edges]).numpy(), expected, atol=1e-10, rtol=1e-9)
    np.testing.assert_allclose(layer({"nodes": nodes, "edges": edges}).numpy(), expected,
                               atol=1e-10, rtol=1e-9)
