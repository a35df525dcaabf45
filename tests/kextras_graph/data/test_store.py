"""GraphStore: layout against plain Python edge sets, constructors agree, bad input."""

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from kextras_graph import data as gd


def edge_multiset(store):
    return sorted(map(tuple, store.edges().tolist()))


def test_from_edges_groups_by_target():
    rng = np.random.default_rng(0)
    n = 50
    edges = rng.integers(0, n, size=(400, 2))
    store = gd.GraphStore.from_edges(edges, np.ones((n, 2)), rng.integers(0, 3, n))
    assert store.num_nodes == n and store.num_edges == 400 and store.num_features == 2
    assert store.indices.dtype == np.int32 and store.indptr.dtype == np.int32
    assert store.x.dtype == np.float64  # float features kept as given
    for t in range(n):  # in-neighbours of t, duplicates kept
        expected = sorted(edges[edges[:, 1] == t, 0].tolist())
        assert sorted(store.indices[store.indptr[t]:store.indptr[t + 1]].tolist()) == expected
    assert edge_multiset(store) == sorted(map(tuple, edges.tolist()))
    np.testing.assert_array_equal(store.in_degree(), np.bincount(edges[:, 1], minlength=n))


def test_undirected_adds_reverse_edges_once():
    edges = np.array([[0, 1], [1, 0], [1, 2], [2, 2], [1, 2]])
    store = gd.GraphStore.from_edges(edges, np.zeros((4, 1)), undirected=True)
    assert edge_multiset(store) == [(0, 1), (1, 0), (1, 2), (2, 1), (2, 2)]
    assert store.in_degree().tolist() == [1, 2, 2, 0]


def test_scipy_networkx_and_cora_agree():
    rng = np.random.default_rng(1)
    n = 40
    edges = np.unique(rng.integers(0, n, size=(150, 2)), axis=0)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = rng.integers(0, 4, n)
    a = gd.GraphStore.from_edges(edges, x, y)
    adj = sp.coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    b = gd.GraphStore.from_scipy(adj, x, y)
    g = nx.DiGraph()
    g.add_nodes_from((i, {"x": x[i], "y": int(y[i])}) for i in range(n))
    g.add_edges_from(edges.tolist())
    c = gd.GraphStore.from_networkx(g)
    for other in (b, c):
        assert edge_multiset(other) == edge_multiset(a)
        np.testing.assert_array_equal(other.x, a.x)
        np.testing.assert_array_equal(other.y, a.y)
    und = gd.GraphStore.from_networkx(g.to_undirected())
    assert set(edge_multiset(und)) == set(edge_multiset(a)) | {(t, s) for s, t in edge_multiset(a)}

    cora = gd.load_cora()
    store = gd.GraphStore.from_node_data(cora)
    assert store.num_nodes == 2708 and store.num_edges == 10556 and store.num_classes == 7
    assert edge_multiset(store) == sorted(map(tuple, cora.edges.tolist()))
    np.testing.assert_array_equal(store.index("test"), cora.test_index)
    assert "num_nodes=2708" in repr(store)


def test_index_splits_and_masks():
    store = gd.GraphStore.from_edges([[0, 1]], np.zeros((5, 1)), np.arange(5),
                                     splits={"train": np.array([True, False, True, False, False])})
    np.testing.assert_array_equal(store.index("train"), [0, 2])
    np.testing.assert_array_equal(store.index(np.array([4, 1])), [4, 1])
    np.testing.assert_array_equal(store.labels(np.array([3])), [3])


# ----------------------------------------------------------------------------- bad input


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 30), st.integers(-3, 3).filter(lambda d: d != 0))
def test_mismatched_feature_rows(n, delta):
    edges = np.zeros((0, 2), int)
    indptr = np.zeros(n + 1, int)
    m = max(n + delta, 0)
    with pytest.raises(ValueError, match=rf"`x` must have shape \[num_nodes, n_features\] with num_nodes={n}. "
                                         rf"Received: x of shape \({m}, 2\)"):
        gd.GraphStore(indptr, [], np.zeros((m, 2)))
    with pytest.raises(ValueError, match=rf"`y` must be integer labels of shape \[num_nodes\] with num_nodes={n}.*\({m},\)"):
        gd.GraphStore(indptr, [], np.zeros((n, 2)), np.zeros(max(n + delta, 0), int))
    with pytest.raises(ValueError, match=rf"`x` must have shape .*num_nodes={n + 5}"):
        gd.GraphStore.from_edges(edges, np.zeros((n, 2)), num_nodes=n + 5)


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 20), st.one_of(st.integers(-50, -1), st.integers(0, 50)))
def test_edge_index_out_of_range(n, offset):
    bad = offset if offset < 0 else n + offset
    with pytest.raises(ValueError, match=rf"`edges` must hold node indices in \[0, {n}\).*Received: an index {bad}"):
        gd.GraphStore.from_edges([[0, 1], [bad, 0]], np.zeros((n, 1)))
    with pytest.raises(ValueError, match=rf"`indices` must hold node indices in \[0, {n}\).*{bad}"):
        gd.GraphStore(np.r_[np.zeros(n, int), 1], [bad], np.zeros((n, 1)))
    with pytest.raises(ValueError, match=rf"`splits\['train'\]` must hold node indices in \[0, {n}\).*{bad}"):
        gd.GraphStore.from_edges([[0, 1]], np.zeros((n, 1)), splits={"train": [bad]})


def test_bad_layout_and_types():
    with pytest.raises(ValueError, match="`indptr` must start at 0"):
        gd.GraphStore([0, 2, 1], [0, 0], np.zeros((2, 1)))
    with pytest.raises(ValueError, match="`indptr` must be a 1D integer array"):
        gd.GraphStore([[0, 1]], [0], np.zeros((1, 1)))
    with pytest.raises(ValueError, match="`edges` must have shape \\[n_edges, 2\\]"):
        gd.GraphStore.from_edges([[0, 1, 2]], np.zeros((3, 1)))
    with pytest.raises(ValueError, match="`edges` must have an integer dtype"):
        gd.GraphStore.from_edges([[0.0, 1.0]], np.zeros((3, 1)))
    with pytest.raises(ValueError, match="`y` must be integer labels"):
        gd.GraphStore.from_edges([[0, 1]], np.zeros((2, 1)), np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="`undirected` must be True or False. Received: undirected=1"):
        gd.GraphStore.from_edges([[0, 1]], np.zeros((2, 1)), undirected=1)
    with pytest.raises(ValueError, match="`adjacency` must be a square scipy.sparse"):
        gd.GraphStore.from_scipy(np.eye(3), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="`splits` must be a mapping"):
        gd.GraphStore.from_edges([[0, 1]], np.zeros((2, 1)), splits=[0, 1])
    g = nx.path_graph(3)
    with pytest.raises(ValueError, match="Every node needs the attribute 'x'"):
        gd.GraphStore.from_networkx(g)
