"""Extra convolutions vs independent NumPy dense-adjacency formulas, on a batch with a
zero-node graph, a graph without edges, self loops, duplicate edges, isolated nodes;
plus batch size 1."""

import numpy as np
import pytest
import tensorflow as tf

from kextras_graph.layers.appnp import APPNP
from kextras_graph.layers.cheb_conv import ChebConv
from kextras_graph.layers.gated_graph_conv import GatedGraphConv
from kextras_graph.layers.rgcn_conv import RGCNConv
from kextras_graph.layers.schnet_conv import SchNetConv

import conv_reference as ref

ATOL = 1e-4
SPECS = [(5, 9), (0, 0), (4, 0), (1, 1), (6, 4), (3, 12)]


def _graphs(specs, seed=0, num_relations=3):
    rng = np.random.default_rng(seed)
    graphs = []
    for n, e in specs:
        x = rng.normal(size=(n, 3))
        edges = rng.integers(0, n, size=(e, 2)) if n else np.zeros((0, 2), np.int64)
        if e >= 3:
            edges[0] = [0, 0]          # a self loop
        if e >= 4:
            edges[1] = edges[2]        # a duplicate edge
        ef = np.stack([rng.integers(0, num_relations, size=e).astype(float),
                       rng.uniform(0.2, 6.0, size=e)], 1)  # relation id, distance
        graphs.append((x, edges.reshape(-1, 2), ef))
    return graphs


def _ragged(graphs):
    nodes = tf.RaggedTensor.from_row_lengths(
        np.concatenate([g[0] for g in graphs]).astype("float32"), [len(g[0]) for g in graphs])
    edges = tf.RaggedTensor.from_row_lengths(
        np.concatenate([g[1] for g in graphs]).astype("int32"), [len(g[1]) for g in graphs])
    ef = tf.RaggedTensor.from_row_lengths(
        np.concatenate([g[2] for g in graphs]).astype("float32"), [len(g[2]) for g in graphs])
    return nodes, edges, ef


BATCHES = {"edge_cases": _graphs(SPECS), "batch_size_1": _graphs([(7, 15)], seed=1)}


def _compare(layer, graphs, reference, with_ef=False):
    nodes, edges, ef = _ragged(graphs)
    inputs = [nodes, edges, ef] if with_ef else [nodes, edges]
    layer(inputs)
    weights = [w.numpy().astype(np.float64) for w in layer.weights]
    out = layer(inputs)
    np.testing.assert_array_equal(out.row_lengths().numpy(), nodes.row_lengths().numpy())
    for g, (x, e, f) in enumerate(graphs):
        expected = reference(x, e, f, weights)
        np.testing.assert_allclose(out[g].numpy().reshape(expected.shape), expected,
                                   atol=ATOL, rtol=1e-4)


@pytest.mark.parametrize("batch", sorted(BATCHES))
@pytest.mark.parametrize("K,lambda_max", [(1, 2.0), (3, 2.0), (4, 1.5)])
def test_cheb_conv(batch, K, lambda_max):
    layer = ChebConv(4, K=K, lambda_max=lambda_max, bias_initializer="random_normal")
    _compare(layer, BATCHES[batch],
             lambda x, e, f, w: ref.cheb(x, e, w[0], w[1], lambda_max))


def test_cheb_conv_directed_graph_matches_pyg():
    """PyG ``ChebConv(3, 3, K=2, normalization="sym")`` with identity weights on edges
    0->1, 0->2, 1->2 and X = I (PyG's out-degree convention); numbers recorded from
    torch_geometric 2.8.1 (``out = X + L̂ X``)."""
    pyg = np.array([[1.0, 0.0, 0.0], [-0.7071067811865475, 1.0, 0.0], [0.0, 0.0, 1.0]])
    layer = ChebConv(3, K=2, use_bias=False, dtype="float64",
                     kernel_initializer=lambda shape, dtype=None: np.stack([np.eye(3)] * 2))
    nodes = tf.RaggedTensor.from_row_lengths(np.eye(3), [3])
    edges = tf.RaggedTensor.from_row_lengths(np.array([[0, 1], [0, 2], [1, 2]], "int32"), [3])
    np.testing.assert_allclose(layer([nodes, edges])[0].numpy(), pyg, atol=1e-15)


@pytest.mark.parametrize("batch", sorted(BATCHES))
@pytest.mark.parametrize("K,alpha", [(1, 0.1), (10, 0.1), (5, 0.5)])
def test_appnp(batch, K, alpha):
    _compare(APPNP(K, alpha), BATCHES[batch], lambda x, e, f, w: ref.appnp(x, e, K, alpha))


@pytest.mark.parametrize("batch", sorted(BATCHES))
@pytest.mark.parametrize("units,steps", [(3, 1), (5, 3)])
def test_gated_graph_conv(batch, units, steps):
    layer = GatedGraphConv(units, num_steps=steps, bias_initializer="random_normal")
    _compare(layer, BATCHES[batch], lambda x, e, f, w: ref.gated(x, e, *w))


@pytest.mark.parametrize("batch", sorted(BATCHES))
@pytest.mark.parametrize("aggregate", ["mean", "sum"])
@pytest.mark.parametrize("num_bases", [None, 2])
def test_rgcn_conv(batch, aggregate, num_bases):
    layer = RGCNConv(4, num_relations=3, num_bases=num_bases, aggregate=aggregate,
                     bias_initializer="random_normal")

    def reference(x, e, f, w):
        if num_bases is None:
            kernels, root, bias = w
        else:
            bases, coef, root, bias = w
            kernels = np.einsum("rb,bfu->rfu", coef, bases)
        return ref.rgcn(x, e, f[:, 0].astype(int), kernels, root, bias, aggregate)

    _compare(layer, BATCHES[batch], reference, with_ef=True)


@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_schnet_conv(batch):
    layer = SchNetConv(4, filters=6, num_rbf=8, cutoff=5.0, distance_feature=1,
                       bias_initializer="random_normal")
    _compare(layer, BATCHES[batch],
             lambda x, e, f, w: ref.schnet(x, e, f[:, 1], *w, num_rbf=8, cutoff=5.0),
             with_ef=True)


def test_schnet_filter_vanishes_beyond_cutoff():
    x = tf.RaggedTensor.from_row_lengths(np.ones((2, 3), "float32"), [2])
    e = tf.RaggedTensor.from_row_lengths(np.array([[0, 1]], "int32"), [1])
    far = tf.RaggedTensor.from_row_lengths(np.array([[7.0]], "float32"), [1])
    layer = SchNetConv(4, cutoff=5.0, bias_initializer="random_normal")
    out = layer([x, e, far]).values.numpy()
    np.testing.assert_allclose(out[0], out[1], atol=1e-6)  # no message reaches node 1


def test_rgcn_rejects_out_of_range_relation():
    graphs = _graphs([(3, 4)], num_relations=5)
    nodes, edges, ef = _ragged(graphs)
    with pytest.raises(ValueError, match=r"relation ids must be in \[0, 2\)"):
        RGCNConv(4, num_relations=2)([nodes, edges, ef])


@pytest.mark.parametrize("make,match", [
    (lambda: ChebConv(4, K=0), "`K` must be a positive integer. Received: K=0"),
    (lambda: ChebConv(4, lambda_max=-1), "`lambda_max` must be a positive finite number. Received: lambda_max=-1"),
    (lambda: APPNP(alpha=1.5), r"`alpha` must be a finite number in \[0, 1\]. Received: alpha=1.5"),
    (lambda: APPNP(K=0), "`K` must be a positive integer"),
    (lambda: GatedGraphConv(4, num_steps=0), "`num_steps` must be a positive integer"),
    (lambda: RGCNConv(4, 0), "`num_relations` must be a positive integer"),
    (lambda: RGCNConv(4, 2, aggregate="max"), r"`aggregate` must be one of \['mean', 'sum'\]. Received: aggregate='max'"),
    (lambda: SchNetConv(4, num_rbf=1), r"`num_rbf` must be an integer in \[2, inf\]. Received: num_rbf=1"),
    (lambda: SchNetConv(4, cutoff=0), "`cutoff` must be a positive finite number. Received: cutoff=0"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_inputs():
    nodes, edges, ef = _ragged(BATCHES["edge_cases"])
    with pytest.raises(ValueError, match="node feature size must be <= `units`"):
        GatedGraphConv(2)([nodes, edges])
    with pytest.raises(ValueError, match="needs edge features"):
        RGCNConv(4, 3)([nodes, edges])
    with pytest.raises(ValueError, match="`distance_feature` must index an edge feature"):
        SchNetConv(4, distance_feature=5)([nodes, edges, ef])
