"""The eager (NumPy), traced (TensorFlow ops) and the eager-function builds of the packed
batch structure, and the fields a GraphBatch derives from it, agree with a Python reference
and raise the same errors; the GCN node
factors and the sparse kernel with unknown sizes."""

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from kextras_graph import ops
from kextras_graph.ops.structure import _eager_structure as eager_structure


def _reference(lengths, edge_lengths, local):
    """The structure written out with Python loops."""
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    n = int(offsets[-1])
    edge_graph = [g for g, m in enumerate(edge_lengths) for _ in range(m)]
    sources = [int(local[k][0] + offsets[g]) for k, g in enumerate(edge_graph)]
    targets = [int(local[k][1] + offsets[g]) for k, g in enumerate(edge_graph)]
    return {
        "sources": sources, "targets": targets,
        "node_graph_ids": [g for g, m in enumerate(lengths) for _ in range(m)],
        "edge_graph_ids": edge_graph,
        "in_degree": [targets.count(v) for v in range(n)],
        "out_degree": [sources.count(v) for v in range(n)],
        "adjacency": [[t, s] for s, t in zip(sources, targets)],
    }


@st.composite
def _batches(draw):
    lengths = draw(st.lists(st.integers(0, 5), min_size=1, max_size=5))
    edges, edge_lengths = [], []
    for n in lengths:
        m = draw(st.integers(0, 6)) if n else 0
        edge_lengths.append(m)
        edges += [[draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))] for _ in range(m)]
    dtype = draw(st.sampled_from([np.int32, np.int64]))
    return lengths, edge_lengths, np.array(edges, dtype).reshape(-1, 2)


@pytest.mark.parametrize("lengths, edge_lengths, local, match", [
    ([2, 3], [1, 1], [[0, 1], [0, 3]], "index out of range for its graph.*graph 1 contains"),
    ([2, 3], [1, 1], [[0, -1], [0, 1]], "non-negative node indices.*graph 0"),
    ([2], [1], np.array([[0, 2 ** 32 + 1]], np.int64), "out of range for its graph"),
])
def test_layers_eager_structure_raises_the_numpy_errors(lengths, edge_lengths, local, match):
    nodes = tf.RaggedTensor.from_row_lengths(tf.ones([sum(lengths), 2]), lengths)
    local = local if isinstance(local, np.ndarray) else np.array(local, np.int32)
    edges = tf.RaggedTensor.from_row_lengths(local, edge_lengths)
    for build in (ops.graph_structure, eager_structure, eager_structure, eager_structure):
        with pytest.raises(ValueError, match=match):  # the last ones through the function
            build(nodes, edges)


@settings(max_examples=25, deadline=None)
@given(_batches())
def test_eager_and_traced_structures_match_the_reference(batch):
    lengths, edge_lengths, local = batch
    nodes = tf.RaggedTensor.from_row_lengths(tf.ones([sum(lengths), 2]), lengths)
    edges = tf.RaggedTensor.from_row_lengths(local, edge_lengths)
    want = _reference(lengths, edge_lengths, local)
    packed = np.array(want["sources"] + want["targets"] + want["in_degree"] + [0], np.int32)
    spec = [tf.RaggedTensorSpec([None, None, 2], tf.float32, 1, tf.int64),
            tf.RaggedTensorSpec([None, None, 2], local.dtype, 1, tf.int64)]
    traced = tf.function(ops.graph_structure, input_signature=spec)

    def fields(n, e, s):
        g = ops.ragged_to_disjoint(n, e, structure=s)
        return {k: getattr(g, k) for k in want}

    traced_fields = tf.function(fields, input_signature=spec + [tf.TensorSpec([None], tf.int32)])

    def built(n, e, packed):  # built in the graph: as parts (list style) or packed (dict)
        g = ops.ragged_to_disjoint(n, e, packed=packed)
        return {"structure": g.structure, **{k: getattr(g, k) for k in want}}

    for pack in (False, True):
        got = tf.function(lambda n, e: built(n, e, pack), input_signature=spec)(nodes, edges)
        np.testing.assert_array_equal(got.pop("structure").numpy(), packed)
        for key, value in want.items():
            np.testing.assert_array_equal(got[key].numpy(), np.reshape(value, got[key].shape),
                                          err_msg=f"built in a graph, packed={pack} {key}")
    for mode, got in (("eager", ops.graph_structure(nodes, edges)),
                      ("traced", traced(nodes, edges)),
                      ("eager function", eager_structure(nodes, edges))):
        assert got.dtype == tf.int32, mode
        np.testing.assert_array_equal(got.numpy(), packed, err_msg=mode)
    for mode, got in (("eager", fields(nodes, edges, tf.constant(packed))),
                      ("traced", traced_fields(nodes, edges, packed))):
        for key, value in want.items():
            expected = np.array(value, np.int64 if key == "adjacency" else np.int32)
            np.testing.assert_array_equal(got[key].numpy(), expected.reshape(got[key].shape),
                                          err_msg=f"{mode} {key}")
            assert got[key].dtype == expected.dtype, (mode, key)


@pytest.mark.parametrize("add_self_loops", [True, False])
def test_gcn_degree_norm_matches_numpy(add_self_loops):
    deg = np.array([0, 1, 4, 2])
    got = ops.gcn_degree_norm(tf.constant(deg, tf.int32), add_self_loops, tf.float64).numpy()
    d = deg + 1.0 if add_self_loops else deg.astype(float)
    want = np.where(d > 0, 1 / np.sqrt(np.where(d > 0, d, 1)), 0)
    np.testing.assert_allclose(got, want, rtol=1e-15)


def test_propagate_sum_sparse_kernel_with_unknown_sizes():
    x = np.arange(12.0).reshape(4, 3)
    sources, targets = np.array([0, 1, 3, 3], np.int32), np.array([1, 1, 0, 2], np.int32)
    want = np.zeros_like(x)
    np.add.at(want, targets, x[sources])

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float64),
                                  tf.TensorSpec([None], tf.int32), tf.TensorSpec([None], tf.int32),
                                  tf.TensorSpec([], tf.int32)])
    def run(x, s, t, n):
        return ops.propagate_sum(x, s, t, n, sparse=True)

    np.testing.assert_allclose(run(x, sources, targets, 4).numpy(), want, rtol=1e-15)
