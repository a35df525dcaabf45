"""Ragged <-> disjoint conversion and its validation (eager and graph mode)."""

import numpy as np
import pytest
import tensorflow as tf

from kextras_graph import ops


def _batch():
    nodes = tf.RaggedTensor.from_row_lengths(
        np.arange(18, dtype=np.float32).reshape(9, 2), [3, 0, 2, 4])
    edges = tf.RaggedTensor.from_row_lengths(
        np.array([[0, 1], [2, 2], [1, 0], [3, 0], [0, 3]], np.int64), [2, 0, 1, 2])
    ef = tf.RaggedTensor.from_row_lengths(np.ones((5, 3), np.float32), [2, 0, 1, 2])
    return nodes, edges, ef


def test_conversion_offsets_graph_ids_and_back():
    nodes, edges, ef = _batch()
    g = ops.ragged_to_disjoint(nodes, edges, ef)
    np.testing.assert_array_equal(g.nodes.numpy(), nodes.values.numpy())
    # offsets 0, 3, 3, 5
    np.testing.assert_array_equal(g.sources.numpy(), [0, 2, 4, 8, 5])
    np.testing.assert_array_equal(g.targets.numpy(), [1, 2, 3, 5, 8])
    np.testing.assert_array_equal(g.node_graph_ids.numpy(), [0, 0, 0, 2, 2, 3, 3, 3, 3])
    np.testing.assert_array_equal(g.edge_graph_ids.numpy(), [0, 0, 2, 3, 3])
    assert int(g.num_nodes) == 9 and int(g.num_edges) == 5 and int(g.num_graphs) == 4
    back = g.nodes_to_ragged(g.nodes)
    np.testing.assert_array_equal(back.to_tensor().numpy(), nodes.to_tensor().numpy())
    back = g.edges_to_ragged(g.edge_features)
    np.testing.assert_array_equal(back.row_lengths().numpy(), [2, 0, 1, 2])
    np.testing.assert_array_equal(g.in_degree.numpy(), [0, 1, 1, 1, 0, 1, 0, 0, 1])
    np.testing.assert_array_equal(g.out_degree.numpy(), [1, 0, 1, 0, 1, 1, 0, 0, 1])
    np.testing.assert_array_equal(g.adjacency.numpy(), np.stack([g.targets, g.sources], 1))
    assert not bool(g.invalid)


def test_int64_indices_are_checked_before_the_int32_cast():
    """An edge 0 -> 2**32 + 1 must not wrap around to 0 -> 1."""
    nodes = tf.RaggedTensor.from_row_lengths(tf.ones([3, 1]), [3])
    edges = tf.RaggedTensor.from_row_lengths(tf.constant([[0, 2**32 + 1]], tf.int64), [1])
    with pytest.raises(ValueError, match="out of range.*4294967297"):
        ops.ragged_to_disjoint(nodes, edges)
    spec = [tf.RaggedTensorSpec([None, None, 1], tf.float32, 1, tf.int64),
            tf.RaggedTensorSpec([None, None, 2], tf.int64, 1, tf.int64)]
    graph = tf.function(lambda n, e: ops.ragged_to_disjoint(n, e).sources, input_signature=spec)
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
        graph(nodes, edges)
    xla = tf.function(lambda n, e: ops.ragged_to_disjoint(n, e).invalid, jit_compile=True)
    assert bool(xla(nodes, edges))
    assert int(tf.function(ops.graph_structure, jit_compile=True)(nodes, edges)[-1]) == 1


def test_prepared_structure_is_reused_not_rebuilt():
    nodes, edges, ef = _batch()
    prepared = ops.prepare_graph({"nodes": nodes, "edges": edges})
    assert ops.prepare_graph(prepared) is prepared
    structure = prepared[ops.STRUCTURE_KEY]
    g = ops.ragged_to_disjoint(nodes, edges, ef, structure=structure)
    assert g.structure is structure
    # the packed layout: sources, targets, in-degrees, invalid
    np.testing.assert_array_equal(structure.numpy(), [0, 2, 4, 8, 5, 1, 2, 3, 5, 8,
                                                      0, 1, 1, 1, 0, 1, 0, 0, 1, 0])
    np.testing.assert_array_equal(g.sources.numpy(), [0, 2, 4, 8, 5])
    fewer = tf.RaggedTensor.from_row_lengths(edges.values[:3], [2, 0, 1, 0])
    with pytest.raises(ValueError, match=r"does not belong to these nodes and edges: it has 20 "
                                         r"entries, 9 nodes and 3 edges need.*drop its 'graph'"):
        ops.ragged_to_disjoint(nodes, fewer, structure=structure)
    with pytest.raises(ValueError, match="must be the int32 vector of.*Received: dict"):
        ops.ragged_to_disjoint(nodes, edges, structure={"sources": g.sources})


def _bad_cases():
    nodes, edges, ef = _batch()
    splits = edges.row_splits
    out_of_range = tf.RaggedTensor.from_row_splits(
        tf.constant([[0, 1], [2, 3], [1, 0], [3, 0], [0, 3]], tf.int64), splits)
    negative = tf.RaggedTensor.from_row_splits(
        tf.constant([[0, 1], [2, 2], [1, -1], [3, 0], [0, 3]], tf.int64), splits)
    fewer = tf.RaggedTensor.from_row_lengths(edges.values[:3], [2, 0, 1])
    ef_bad = tf.RaggedTensor.from_row_lengths(tf.ones((5, 3)), [1, 1, 1, 2])
    return {
        "out_of_range": ((nodes, out_of_range, None), "out of range"),
        "negative": ((nodes, negative, None), "non-negative"),
        "batch": ((nodes, fewer, None), "same batch size"),
        "edge_features_rows": ((nodes, edges, ef_bad), "one row per edge"),
    }


@pytest.mark.parametrize("case", sorted(_bad_cases()))
def test_invalid_values_raise_eagerly(case):
    (nodes, edges, ef), match = _bad_cases()[case]
    with pytest.raises(ValueError, match=match):
        ops.ragged_to_disjoint(nodes, edges, ef)


@pytest.mark.parametrize("case", sorted(_bad_cases()))
def test_invalid_values_raise_in_graph_mode(case):
    (nodes, edges, ef), match = _bad_cases()[case]
    # unknown batch sizes: nothing can be checked while tracing
    spec = [tf.RaggedTensorSpec([None, None, 2], tf.float32, 1, tf.int64),
            tf.RaggedTensorSpec([None, None, 2], tf.int64, 1, tf.int64),
            tf.RaggedTensorSpec([None, None, 3], tf.float32, 1, tf.int64)]
    if ef is None:
        spec = spec[:2]
        ef_args = ()
    else:
        ef_args = (ef,)

    @tf.function(input_signature=spec)
    def convert(n, e, *f):
        return ops.ragged_to_disjoint(n, e, *f).sources

    with pytest.raises(tf.errors.InvalidArgumentError, match=match):
        convert(nodes, edges, *ef_args)


def test_valid_batch_traces_and_runs_in_graph_mode():
    nodes, edges, ef = _batch()

    @tf.function
    def convert(n, e):
        return ops.ragged_to_disjoint(n, e).targets

    np.testing.assert_array_equal(convert(nodes, edges).numpy(), [1, 2, 3, 5, 8])


def test_static_errors():
    nodes, edges, _ = _batch()
    with pytest.raises(ValueError, match="integer node indices.*float32"):
        ops.ragged_to_disjoint(nodes, tf.cast(edges, tf.float32))
    with pytest.raises(ValueError, match="`nodes` must be a tf.RaggedTensor"):
        ops.ragged_to_disjoint(nodes.to_tensor(), edges)
    with pytest.raises(ValueError, match="ragged_rank=1 and rank 3"):
        ops.ragged_to_disjoint(tf.RaggedTensor.from_row_lengths(tf.ones([4]), [2, 2]), edges)
    three = tf.RaggedTensor.from_row_lengths(tf.zeros([5, 3], tf.int64), [2, 0, 1, 2])
    with pytest.raises(ValueError, match="size 2 on its last axis"):
        ops.ragged_to_disjoint(nodes, three)
    with pytest.raises(ValueError, match="floating point features"):
        ops.ragged_to_disjoint(tf.cast(nodes, tf.int32), edges)
