"""NeighborSampler against a brute-force reference (plain Python sets and networkx BFS)."""

import networkx as nx
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from kextras_graph import data as gd


def random_store(n=300, e=2400, seed=0, undirected=False, f=4):
    rng = np.random.default_rng(seed)
    edges = rng.integers(0, n, size=(e, 2))
    edges = np.unique(edges, axis=0)  # simple digraph: no duplicate pairs
    x = rng.normal(size=(n, f)).astype(np.float32)
    y = rng.integers(0, 3, size=n)
    return gd.GraphStore.from_edges(edges, x, y, undirected=undirected,
                                    splits={"train": np.arange(0, n, 3)}), edges


def in_neighbours(edges, n, undirected):
    """Reference: a Python set of in-neighbours per node."""
    nb = [set() for _ in range(n)]
    for s, t in edges.tolist():
        nb[t].add(s)
        if undirected:
            nb[s].add(t)
    return nb


def hop_of(sub):
    return np.repeat(np.arange(sub.hop_sizes.size), sub.hop_sizes)


@pytest.mark.parametrize("undirected", [False, True])
@pytest.mark.parametrize("fanouts", [[3], [4, 2], [15, 10, 5]])
def test_without_replacement_matches_reference(undirected, fanouts):
    n = 300
    store, edges = random_store(n, undirected=undirected)
    nb = in_neighbours(edges, n, undirected)
    seeds = np.array([5, 17, 42, 100, 299, 0])
    sub = gd.NeighborSampler(store, fanouts, seed=1).sample(seeds)
    ids = sub.node_ids
    np.testing.assert_array_equal(ids[: sub.num_seeds], seeds)  # seeds first, in order
    assert np.unique(ids).size == ids.size
    assert sub.hop_sizes.sum() == ids.size and sub.hop_sizes[0] == seeds.size
    src, dst = ids[sub.edges[:, 0]], ids[sub.edges[:, 1]]
    for s, t in zip(src.tolist(), dst.tolist()):  # every sampled edge exists
        assert s in nb[t]
    pairs = set(zip(src.tolist(), dst.tolist()))
    assert len(pairs) == len(src)  # distinct edges without replacement
    hop = hop_of(sub)
    counts = np.bincount(sub.edges[:, 1], minlength=ids.size)
    for local, node in enumerate(ids.tolist()):
        h = hop[local]
        expected = min(fanouts[h], len(nb[node])) if h < len(fanouts) else 0
        assert counts[local] == expected, (node, h)
    # hop-l nodes have an edge into a hop-(l-1) node and lie within l steps of the seeds
    assert (hop[sub.edges[:, 0]] <= hop[sub.edges[:, 1]] + 1).all()
    for local in range(sub.num_seeds, ids.size):
        into = sub.edges[sub.edges[:, 0] == local, 1]
        assert (hop[into] == hop[local] - 1).any()
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from((t, s) for t in range(n) for s in nb[t])  # reversed: seed -> in-neighbour
    dist = nx.multi_source_dijkstra_path_length(g, set(seeds.tolist()))
    for local, node in enumerate(ids.tolist()):
        assert dist[node] <= hop[local]


def test_with_replacement_counts_and_membership():
    n = 200
    store, edges = random_store(n, e=800)
    nb = in_neighbours(edges, n, False)
    seeds = np.arange(0, n, 7)
    sub = gd.NeighborSampler(store, [6, 3], replace=True, seed=3).sample(seeds)
    ids, hop = sub.node_ids, hop_of(sub)
    counts = np.bincount(sub.edges[:, 1], minlength=ids.size)
    for local, node in enumerate(ids.tolist()):
        expected = ([6, 3][hop[local]] if len(nb[node]) else 0) if hop[local] < 2 else 0
        assert counts[local] == expected
    for s, t in zip(ids[sub.edges[:, 0]].tolist(), ids[sub.edges[:, 1]].tolist()):
        assert s in nb[t]


def star_store(d):
    """Node 0 with d in-neighbours 1..d."""
    edges = np.stack([np.arange(1, d + 1), np.zeros(d, int)], axis=1)
    return gd.GraphStore.from_edges(edges, np.zeros((d + 1, 1)), np.zeros(d + 1, int))


def test_with_replacement_is_uniform():
    d, k = 8, 16000
    sub = gd.NeighborSampler(star_store(d), [k], replace=True, seed=0).sample([0])
    counts = np.bincount(sub.node_ids[sub.edges[:, 0]], minlength=d + 1)[1:]
    chi2 = ((counts - k / d) ** 2 / (k / d)).sum()
    assert chi2 < 24.3  # chi-square with 7 dof, p = 0.001


def test_without_replacement_is_uniform():
    d, k, reps = 10, 3, 3000
    sampler = gd.NeighborSampler(star_store(d), [k], seed=0)
    hits = np.zeros(d + 1)
    rng = np.random.default_rng(0)
    for r in range(reps):
        sub = sampler.sample([0], seed=int(rng.integers(1 << 30)))
        hits[sub.node_ids[sub.edges[:, 0]]] += 1
    p = k / d
    z = (hits[1:] - reps * p) / np.sqrt(reps * p * (1 - p))
    assert np.abs(z).max() < 4.0
    assert hits.sum() == reps * k


def test_deterministic_under_seed():
    store, _ = random_store()
    a = gd.NeighborSampler(store, [5, 5], seed=11).sample([1, 2, 3])
    b = gd.NeighborSampler(store, [5, 5], seed=11).sample([1, 2, 3])
    c = gd.NeighborSampler(store, [5, 5], seed=12).sample([1, 2, 3])
    np.testing.assert_array_equal(a.node_ids, b.node_ids)
    np.testing.assert_array_equal(a.edges, b.edges)
    assert a.edges.shape != c.edges.shape or not np.array_equal(a.node_ids, c.node_ids)


def test_directed_and_undirected():
    path = np.array([[0, 1], [1, 2]])
    x, y = np.zeros((3, 1)), np.zeros(3, int)
    directed = gd.GraphStore.from_edges(path, x, y)
    undirected = gd.GraphStore.from_edges(path, x, y, undirected=True)
    assert sorted(gd.NeighborSampler(directed, [2, 2]).sample([2]).node_ids.tolist()) == [0, 1, 2]
    assert gd.NeighborSampler(directed, [2, 2]).sample([0]).node_ids.tolist() == [0]
    assert sorted(gd.NeighborSampler(undirected, [2, 2]).sample([0]).node_ids.tolist()) == [0, 1, 2]


def test_dataset_covers_every_seed_once_per_epoch():
    store, _ = random_store()
    train = store.index("train")
    ds = gd.NeighborSampler(store, [4, 3], seed=5).dataset(batch_size=32, with_node_ids=True)
    assert int(ds.cardinality()) == -(-train.size // 32)
    epochs, batches = [], []
    for _ in range(2):
        seen = []
        for inputs, y, w, ids in ds:
            batches.append(ids.numpy()[0])
            ids, w = ids.numpy()[0], w.numpy()[0]
            assert inputs["nodes"].shape[0] == 1 and inputs["edges"].dtype == tf.int32
            np.testing.assert_array_equal(inputs["nodes"].values.numpy(), store.x[ids])
            np.testing.assert_array_equal(y.numpy()[0], store.y[ids])
            assert w[: int(w.sum())].all() and w.sum() == (w > 0).sum()
            e = inputs["edges"].values.numpy()
            assert e.max() < ids.size
            seen.append(ids[w > 0])
        seen = np.concatenate(seen)
        np.testing.assert_array_equal(np.sort(seen), train)
        epochs.append(seen)
    assert not np.array_equal(epochs[0], epochs[1])  # reshuffled every epoch
    fresh = gd.NeighborSampler(store, [4, 3], seed=5).dataset(batch_size=32, with_node_ids=True)
    for a, (*_, b) in zip(batches, fresh.take(2)):  # the same sequence again from the same seed
        np.testing.assert_array_equal(a, b.numpy()[0])


def test_fit_on_cora_counts_only_seeds():
    import keras

    from kextras_graph import layers as gl

    cora = gd.load_cora()
    store = gd.GraphStore.from_node_data(cora)
    keras.utils.set_random_seed(0)
    nodes = keras.Input(shape=(None, cora.num_features), ragged=True, name="nodes")
    edges = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")
    h = gl.GraphSAGEConv(32, activation="relu")([nodes, edges])
    h = gl.GraphSAGEConv(cora.num_classes)([h, edges])
    model = keras.Model({"nodes": nodes, "edges": edges}, keras.layers.Reshape((-1, cora.num_classes))(h))
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="mean_with_sample_weight")
    model.compile(keras.optimizers.Adam(0.01), loss, weighted_metrics=["accuracy"])
    ds = gd.NeighborSampler(store, [10, 5], seed=0).dataset(batch_size=70)
    history = model.fit(ds, epochs=15, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    # the weighted loss is the cross-entropy over the seed nodes only
    inputs, y, w = next(iter(ds))
    logits = model(inputs).numpy()[0].astype(np.float64)
    y, w = y.numpy()[0], w.numpy()[0]
    m = logits.max(1, keepdims=True)
    logp = logits - m - np.log(np.exp(logits - m).sum(1, keepdims=True))
    manual = -(logp[np.arange(y.size), y] * w).sum() / w.sum()
    np.testing.assert_allclose(float(loss(y[None], logits[None], w[None])), manual, rtol=1e-3, atol=1e-6)
    shuffled = np.where(w > 0, y, (y + 1) % cora.num_classes)  # labels of non-seed nodes do not count
    assert float(loss(shuffled[None], logits[None], w[None])) == float(loss(y[None], logits[None], w[None]))
    _, acc = model.evaluate(cora.dataset("test"), verbose=0)
    assert acc > 0.7


# ----------------------------------------------------------------------------- bad input


@settings(max_examples=25, deadline=None)
@given(st.one_of(st.just([]), st.lists(st.integers(-5, 0), min_size=1, max_size=3),
                 st.lists(st.floats(0.5, 3.5), min_size=1, max_size=3), st.just("15"), st.just(None)))
def test_bad_fanouts(fanouts):
    store, _ = random_store(30, 60)
    with pytest.raises(ValueError, match=r"`fanouts` must be .*Received: fanouts=") as info:
        gd.NeighborSampler(store, fanouts)
    assert repr(fanouts) in str(info.value)  # the value received is named


@settings(max_examples=25, deadline=None)
@given(st.one_of(st.integers(-100, -1), st.integers(30, 10**6)))
def test_seeds_out_of_range(bad):
    store, _ = random_store(30, 60)
    sampler = gd.NeighborSampler(store, [2])
    with pytest.raises(ValueError, match=rf"`seeds` must hold node indices in \[0, 30\).*{bad}"):
        sampler.sample([0, bad])
    with pytest.raises(ValueError, match="`seeds` must hold node indices"):
        sampler.dataset(np.array([1, bad]))


def test_bad_seeds_and_labels():
    store, _ = random_store(30, 60)
    sampler = gd.NeighborSampler(store, [2])
    with pytest.raises(ValueError, match="`seeds` must be distinct"):
        sampler.sample([1, 1])
    with pytest.raises(ValueError, match="`seeds` must be a 1D array"):
        sampler.sample([[1, 2]])
    with pytest.raises(ValueError, match="`split` must be one of"):
        sampler.dataset("validation")
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer. Received: batch_size=0"):
        sampler.dataset(batch_size=0)
    y = store.y.copy()
    y[4] = -1
    partial = gd.GraphStore(store.indptr, store.indices, store.x, y)
    with pytest.raises(ValueError, match=r"Every node of `seeds` needs a label.*node 4 with y=-1"):
        gd.NeighborSampler(partial, [2]).dataset(np.arange(10))
    unlabelled = gd.GraphStore(store.indptr, store.indices, store.x)
    with pytest.raises(ValueError, match="no labels"):
        gd.NeighborSampler(unlabelled, [2]).dataset(np.arange(10))
    with pytest.raises(ValueError, match="`store` must be a GraphStore"):
        gd.NeighborSampler({"nodes": 1}, [2])


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 29), st.integers(-5, -1))
def test_labels_missing_for_a_seed(node, label):
    store, _ = random_store(30, 60)
    y = store.y.copy()
    y[node] = label
    partial = gd.GraphStore(store.indptr, store.indices, store.x, y)
    sampler = gd.NeighborSampler(partial, [2])
    with pytest.raises(ValueError, match=rf"Every node of `seeds` needs a label \(y >= 0\). Received: node {node} with y={label}"):
        sampler.dataset(np.arange(30))
    others = np.setdiff1d(np.arange(30), [node])
    assert int(sampler.dataset(others, batch_size=29).cardinality()) == 1  # unlabelled non-seeds are fine
