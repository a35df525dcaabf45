"""Tests of kextras_graph.data: ragged batches, networkx/scipy conversion, tf.data, datasets."""

from importlib import resources

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from kextras_graph import data as gd


def random_graph(rng, n, e, f=3, fe=None):
    g = {"nodes": rng.normal(size=(n, f)), "edges": rng.integers(0, max(n, 1), size=(e if n else 0, 2))}
    if fe is not None:
        g["edge_features"] = rng.normal(size=(g["edges"].shape[0], fe))
    return g


# ----------------------------------------------------------------------------- ragged_batch


def test_ragged_batch_matches_concatenation():
    rng = np.random.default_rng(0)
    graphs = [random_graph(rng, n, e, fe=2) for n, e in [(3, 4), (0, 0), (5, 0), (1, 1), (4, 7)]]
    batch = gd.ragged_batch(graphs)
    assert set(batch) == {"nodes", "edges", "edge_features"}
    for key in batch:
        rt = batch[key]
        assert isinstance(rt, tf.RaggedTensor) and rt.ragged_rank == 1
        assert rt.row_splits.dtype == tf.int64
        np.testing.assert_array_equal(rt.row_lengths().numpy(), [g[key].shape[0] for g in graphs])
        np.testing.assert_allclose(rt.values.numpy(), np.concatenate([g[key] for g in graphs]).astype(np.float32 if key != "edges" else np.int32), rtol=1e-6)
    assert batch["nodes"].dtype == tf.float32 and batch["edges"].dtype == tf.int32
    assert batch["nodes"].shape.as_list() == [5, None, 3] and batch["edges"].shape.as_list() == [5, None, 2]


def test_ragged_batch_dtypes_and_single_graph():
    g = {"nodes": np.ones((2, 1)), "edges": [[0, 1]]}
    batch = gd.ragged_batch([g], dtype="float64", edge_dtype="int64")
    assert batch["nodes"].dtype == tf.float64 and batch["edges"].dtype == tf.int64
    assert batch["nodes"].nrows() == 1
    assert "edge_features" not in batch


def test_unbatch_inverts_ragged_batch():
    rng = np.random.default_rng(1)
    graphs = [random_graph(rng, n, e, fe=1) for n, e in [(2, 3), (0, 0), (6, 9)]]
    back = gd.unbatch(gd.ragged_batch(graphs))
    assert len(back) == 3
    for g, b in zip(graphs, back):
        np.testing.assert_allclose(b["nodes"], g["nodes"], rtol=1e-6)
        np.testing.assert_array_equal(b["edges"], g["edges"])
        np.testing.assert_allclose(b["edge_features"], g["edge_features"], rtol=1e-6)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 8)), min_size=1, max_size=5), st.integers(0, 2**31 - 1))
def test_batch_unbatch_roundtrip_property(sizes, seed):
    rng = np.random.default_rng(seed)
    graphs = [random_graph(rng, n, e) for n, e in sizes]
    back = gd.unbatch(gd.ragged_batch(graphs, dtype="float64"))
    for g, b in zip(graphs, back):
        np.testing.assert_array_equal(b["nodes"], g["nodes"])
        np.testing.assert_array_equal(b["edges"], g["edges"].reshape(-1, 2))


@pytest.mark.parametrize(
    "graph, match",
    [
        ({"nodes": np.ones((3, 2)), "edges": [[0, 3]]}, r"\[0, n_nodes\).*n_nodes=3 and an edge \[0, 3\]"),
        ({"nodes": np.ones((3, 2)), "edges": [[-1, 0]]}, r"\[0, n_nodes\).*\[-1, 0\]"),
        ({"nodes": np.ones((3, 2)), "edges": [[0.0, 1.0]]}, r"`edges` must have an integer dtype.*float64"),
        ({"nodes": np.ones((3, 2)), "edges": [[0, 1, 2]]}, r"`edges` must have shape \[n_edges, 2\].*\(1, 3\)"),
        ({"nodes": np.ones(3), "edges": [[0, 1]]}, r"`nodes` must have shape \[n_nodes, n_features\].*\(3,\)"),
        ({"nodes": np.ones((3, 2)), "edges": [[0, 1]], "edge_features": np.ones((2, 1))}, r"`edge_features`.*n_edges=1"),
        ({"nodes": np.ones((3, 2))}, r"needs the keys 'nodes' and 'edges'"),
        ({"nodes": np.ones((3, 2)), "edges": [[0, 1]], "labels": 1}, r"needs the keys.*'labels'"),
    ],
)
def test_ragged_batch_bad_graph(graph, match):
    with pytest.raises(ValueError, match=match):
        gd.ragged_batch([{"nodes": np.ones((1, 2)), "edges": np.zeros((0, 2), int)}, graph])


def test_ragged_batch_bad_lists():
    with pytest.raises(ValueError, match=r"same number of node features.*\[2, 3\]"):
        gd.ragged_batch([{"nodes": np.ones((1, 2)), "edges": []}, {"nodes": np.ones((1, 3)), "edges": []}])
    with pytest.raises(ValueError, match="'edge_features'.*mix"):
        gd.ragged_batch([{"nodes": np.ones((1, 2)), "edges": [], "edge_features": np.ones((0, 1))},
                         {"nodes": np.ones((1, 2)), "edges": []}])
    with pytest.raises(ValueError, match=r"at least one graph"):
        gd.ragged_batch([])
    with pytest.raises(ValueError, match="list of graph mappings"):
        gd.ragged_batch({"nodes": np.ones((1, 2)), "edges": []})
    with pytest.raises(ValueError, match="`edge_dtype` must be an integer dtype"):
        gd.ragged_batch([{"nodes": np.ones((1, 2)), "edges": []}], edge_dtype="float32")


def test_unbatch_mismatched_batch_sizes():
    batch = gd.ragged_batch([{"nodes": np.ones((1, 2)), "edges": []}] * 2)
    batch["edges"] = batch["edges"][:1]
    with pytest.raises(ValueError, match="same batch size"):
        gd.unbatch(batch)


# ----------------------------------------------------------------------------- networkx


def test_from_networkx_undirected_both_directions_and_attrs():
    g = nx.Graph()
    g.add_node("a", feat=[1.0, 2.0], w=5.0)
    g.add_node("b", feat=[3.0, 4.0], w=6.0)
    g.add_node("c", feat=[5.0, 6.0], w=7.0)
    g.add_edge("a", "b", weight=0.5)
    g.add_edge("b", "c", weight=1.5)
    g.add_edge("c", "c", weight=2.5)  # self loop appears once
    batch = gd.from_networkx(g, node_attrs=["feat", "w"], edge_attrs="weight")
    nodes = batch["nodes"][0].numpy()
    np.testing.assert_allclose(nodes, [[1, 2, 5], [3, 4, 6], [5, 6, 7]])
    edges = batch["edges"][0].numpy()
    weights = batch["edge_features"][0].numpy()[:, 0]
    got = {(int(u), int(v)): float(w) for (u, v), w in zip(edges, weights)}
    assert got == {(0, 1): 0.5, (1, 0): 0.5, (1, 2): 1.5, (2, 1): 1.5, (2, 2): 2.5}
    assert len(edges) == 5


def test_from_networkx_directed_and_default_features():
    g = nx.DiGraph([(0, 1), (1, 2), (2, 0)])
    g.add_node(3)  # isolated node
    batch = gd.from_networkx([g, nx.DiGraph()])
    np.testing.assert_array_equal(batch["nodes"].row_lengths().numpy(), [4, 0])
    np.testing.assert_array_equal(batch["nodes"].values.numpy(), np.ones((4, 1)))
    assert sorted(map(tuple, batch["edges"][0].numpy().tolist())) == [(0, 1), (1, 2), (2, 0)]
    assert batch["edges"][1].shape[0] == 0


def test_from_networkx_adjacency_matches_networkx():
    g = nx.gnm_random_graph(15, 30, seed=3)
    batch = gd.from_networkx(g)
    a = gd.adjacency_from_edges(batch["edges"][0].numpy(), 15).toarray()
    np.testing.assert_array_equal(a, nx.to_numpy_array(g, nodelist=list(g.nodes)))


def test_from_networkx_errors():
    g = nx.path_graph(3)
    with pytest.raises(ValueError, match=r"attribute 'x'.*node 0"):
        gd.from_networkx(g, node_attrs=["x"])
    nx.set_node_attributes(g, {0: [1.0], 1: [1.0, 2.0], 2: [3.0]}, "x")
    with pytest.raises(ValueError, match=r"'x' must have the same size.*\[1, 2\]"):
        gd.from_networkx(g, node_attrs=["x"])
    with pytest.raises(ValueError, match="must be a networkx graph"):
        gd.from_networkx([np.ones(3)])


def test_to_networkx_roundtrip():
    rng = np.random.default_rng(4)
    graphs = [nx.gnm_random_graph(n, m, seed=i, directed=True) for i, (n, m) in enumerate([(5, 8), (1, 0), (7, 12)])]
    for g in graphs:
        for node in g.nodes:
            g.nodes[node]["x"] = rng.normal(size=2)
        for u, v in g.edges:
            g.edges[u, v]["edge_attr"] = rng.normal(size=3)
    back = gd.to_networkx(gd.from_networkx(graphs, node_attrs=["x"], edge_attrs=["edge_attr"], dtype="float64"))
    for g, b in zip(graphs, back):
        assert isinstance(b, nx.DiGraph)
        assert sorted(g.edges) == sorted(b.edges)
        for node in g.nodes:
            np.testing.assert_array_equal(b.nodes[node]["x"], g.nodes[node]["x"])
        for u, v in g.edges:
            np.testing.assert_array_equal(b.edges[u, v]["edge_attr"], g.edges[u, v]["edge_attr"])
    und = gd.to_networkx(gd.from_networkx(nx.cycle_graph(6)), directed=False)[0]
    assert nx.utils.graphs_equal(nx.Graph(und.edges), nx.Graph(nx.cycle_graph(6).edges))


# ----------------------------------------------------------------------------- scipy.sparse


def test_edges_from_adjacency_matches_dense_nonzero():
    a = sp.random(20, 20, density=0.15, random_state=5, format="coo")
    edges, w = gd.edges_from_adjacency(a, return_weights=True)
    dense = a.toarray()
    rows, cols = np.nonzero(dense)  # row-major order
    np.testing.assert_array_equal(edges, np.stack([rows, cols], axis=1))
    np.testing.assert_allclose(w, dense[rows, cols])
    np.testing.assert_array_equal(gd.edges_from_adjacency(dense), edges)


def test_edges_from_adjacency_duplicates_and_explicit_zeros():
    a = sp.coo_matrix(([1.0, 2.0, 0.0, 3.0], ([0, 0, 1, 2], [1, 1, 2, 0])), shape=(3, 3))
    edges, w = gd.edges_from_adjacency(a, return_weights=True)
    np.testing.assert_array_equal(edges, [[0, 1], [2, 0]])
    np.testing.assert_allclose(w, [3.0, 3.0])
    assert edges.dtype == np.int64


def test_adjacency_roundtrip_and_errors():
    edges = np.array([[0, 1], [1, 2], [0, 1]])
    a = gd.adjacency_from_edges(edges, 4)
    np.testing.assert_array_equal(a.toarray(), [[0, 2, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
    with pytest.raises(ValueError, match=r"`adjacency` must be square.*\(2, 3\)"):
        gd.edges_from_adjacency(np.ones((2, 3)))
    with pytest.raises(ValueError, match="`num_nodes` must be a non-negative integer"):
        gd.adjacency_from_edges(edges, -1)
    with pytest.raises(ValueError, match=r"\[0, num_nodes\)"):
        gd.adjacency_from_edges(edges, 2)


# ----------------------------------------------------------------------------- tf.data


def tagged_graphs(count, seed=0):
    """Graphs whose single node feature column holds the graph id (to identify them in batches)."""
    rng = np.random.default_rng(seed)
    graphs = []
    for i in range(count):
        n = int(rng.integers(1, 6))
        graphs.append({"nodes": np.full((n, 1), float(i)), "edges": rng.integers(0, n, size=(int(rng.integers(0, 5)), 2))})
    return graphs


def ids_of(batch):
    return [int(g["nodes"][0, 0]) for g in gd.unbatch(batch)]


def test_graph_dataset_batches_are_ragged_batches():
    graphs = tagged_graphs(10)
    ds = gd.graph_dataset(graphs, np.arange(10.0), batch_size=4)
    spec_x, spec_y = ds.element_spec
    assert isinstance(spec_x["nodes"], tf.RaggedTensorSpec) and spec_x["nodes"].ragged_rank == 1
    batches = list(ds)
    assert [int(x["nodes"].nrows()) for x, _ in batches] == [4, 4, 2]
    for k, (x, y) in enumerate(batches):
        expected = gd.ragged_batch(graphs[4 * k: 4 * k + 4])
        for key in ("nodes", "edges"):
            np.testing.assert_array_equal(x[key].row_splits.numpy(), expected[key].row_splits.numpy())
            np.testing.assert_array_equal(x[key].values.numpy(), expected[key].values.numpy())
        np.testing.assert_array_equal(y.numpy(), np.arange(10.0)[4 * k: 4 * k + 4])


def test_graph_dataset_shuffle_seed_and_epochs():
    graphs = tagged_graphs(12)
    ds = gd.graph_dataset(graphs, np.arange(12), batch_size=5, shuffle=True, seed=7)

    def epoch(d):
        out = []
        for x, y in d:
            ids = ids_of(x)
            np.testing.assert_array_equal(ids, y.numpy())  # targets stay with their graphs
            out.extend(ids)
        return out

    first, second = epoch(ds), epoch(ds)
    assert sorted(first) == list(range(12)) and sorted(second) == list(range(12))
    assert first != list(range(12)) and first != second  # shuffled, anew each epoch
    again = gd.graph_dataset(graphs, np.arange(12), batch_size=5, shuffle=True, seed=7)
    assert epoch(again) == first  # same seed, same order
    dropped = gd.graph_dataset(graphs, batch_size=5, drop_remainder=True)
    assert [int(x["nodes"].nrows()) for x in dropped] == [5, 5]


def test_graph_dataset_ragged_targets_weights_and_networkx():
    graphs = [nx.path_graph(n) for n in (2, 3, 4)]
    node_targets = [np.arange(g.number_of_nodes()) for g in graphs]
    ds = gd.graph_dataset(graphs, node_targets, sample_weights=np.array([1.0, 0.5, 2.0]), batch_size=2)
    (x, y, w), (x2, y2, w2) = list(ds)
    assert isinstance(y, tf.RaggedTensor)
    np.testing.assert_array_equal(y.row_lengths().numpy(), [2, 3])
    np.testing.assert_array_equal(w.numpy(), [1.0, 0.5])
    np.testing.assert_array_equal(x["edges"].row_lengths().numpy(), [2, 4])
    np.testing.assert_array_equal(x2["nodes"].row_lengths().numpy(), [4])


def test_graph_dataset_errors():
    graphs = tagged_graphs(3)
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer. Received: batch_size=0"):
        gd.graph_dataset(graphs, batch_size=0)
    with pytest.raises(ValueError, match=r"`targets` must have one entry per graph \(3\)"):
        gd.graph_dataset(graphs, np.arange(4))
    with pytest.raises(ValueError, match="`sample_weights` needs `targets`"):
        gd.graph_dataset(graphs, sample_weights=np.ones(3))
    with pytest.raises(ValueError, match="`seed` must be an integer. Received: seed=.a."):
        gd.graph_dataset(graphs, seed="a")
    with pytest.raises(ValueError, match="list of graphs.*single Graph"):
        gd.graph_dataset(nx.path_graph(3))


# ----------------------------------------------------------------------------- datasets


def test_load_cora_planetoid():
    cora = gd.load_cora()
    assert cora.x.shape == (2708, 1433) and cora.x.dtype == np.float32
    assert cora.num_classes == 7 and cora.num_nodes == 2708 and cora.num_features == 1433
    # Independent reconstruction of the features from the shipped CSR arrays.
    with np.load(resources.files("kextras_graph.data").joinpath("cora_planetoid.npz")) as d:
        x_ref = sp.csr_matrix((d["x_data"], d["x_indices"], d["x_indptr"]), shape=tuple(d["x_shape"])).toarray()
    np.testing.assert_array_equal(cora.x, x_ref)
    assert cora.edges.shape == (10556, 2)
    a = gd.adjacency_from_edges(cora.edges, 2708)
    assert (a != a.T).nnz == 0 and a.diagonal().sum() == 0  # undirected, no self loops
    assert len(cora.train_index) == 140 and len(cora.val_index) == 500 and len(cora.test_index) == 1000
    np.testing.assert_array_equal(np.bincount(cora.y[cora.train_index], minlength=7), [20] * 7)
    splits = [set(cora.index(s).tolist()) for s in ("train", "val", "test")]
    assert not (splits[0] & splits[1]) and not (splits[0] & splits[2]) and not (splits[1] & splits[2])
    assert cora.mask("test").sum() == 1000
    inputs = cora.inputs()
    assert inputs["nodes"].shape.as_list() == [1, None, 1433] and int(inputs["edges"].row_lengths()[0]) == 10556
    (x, y, w), = list(cora.dataset("val"))
    assert y.shape == (1, 2708) and w.shape == (1, 2708) and float(tf.reduce_sum(w)) == 500.0
    np.testing.assert_array_equal(np.flatnonzero(w.numpy()[0]), np.sort(cora.val_index))
    np.testing.assert_array_equal(y.numpy()[0], cora.y)
    with pytest.raises(ValueError, match="`split` must be one of.*split='dev'"):
        cora.mask("dev")


def test_load_karate_club_matches_networkx():
    k = gd.load_karate_club()
    g = nx.karate_club_graph()
    assert k.x.shape == (34, 34) and k.edges.shape == (156, 2)
    assert {tuple(sorted(e)) for e in k.edges.tolist()} == {tuple(sorted(e)) for e in g.edges}
    np.testing.assert_array_equal(k.y, [g.nodes[i]["club"] != "Mr. Hi" for i in range(34)])
    assert k.y[0] == 0 and k.y[33] == 1
    np.testing.assert_array_equal(k.train_index, [0, 33])
    assert len(k.test_index) == 32
    assert nx.utils.graphs_equal(nx.Graph(k.to_networkx().edges), nx.Graph(g.edges))
