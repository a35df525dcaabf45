"""Fast paths of the graph core: row ids, scatter sum, gather with scatter gradient, memo."""

import numpy as np
import pytest
import tensorflow as tf

from kextras_graph import ops
from kextras_graph.ops.segment import gather_rows, scatter_sum


@pytest.mark.parametrize("lengths", [[2, 0, 3, 0], [0], [1], [], [0, 0, 4]])
def test_row_ids_matches_numpy_eager_and_graph(lengths):
    splits = tf.constant(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64))
    expected = np.repeat(np.arange(len(lengths)), lengths)
    np.testing.assert_array_equal(ops.row_ids(splits).numpy(), expected)
    traced = tf.function(ops.row_ids, input_signature=[tf.TensorSpec([None], tf.int64)])
    np.testing.assert_array_equal(traced(splits).numpy(), expected)


def test_scatter_sum_and_gather_rows_match_numpy_with_gradients():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5, 3))
    src = np.array([0, 4, 4, 2, 0, 1])
    dst = np.array([1, 1, 3, 0, 1, 4])
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        out = scatter_sum(gather_rows(xt, tf.constant(src, tf.int32)),
                          tf.constant(dst, tf.int32), 5)
        loss = tf.reduce_sum(out * out)
    grad = tape.gradient(loss, xt)
    ref = np.zeros((5, 3))
    np.add.at(ref, dst, x[src])
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-12)
    # d/dx sum(out^2) = sum over edges k with src_k = v of 2 out[dst_k]
    ref_grad = np.zeros((5, 3))
    np.add.at(ref_grad, src, 2 * ref[dst])
    np.testing.assert_allclose(grad.numpy(), ref_grad, rtol=1e-12)


def test_every_layer_of_a_dict_model_shares_one_structure():
    """The first layer builds the structure (once), every later layer reuses it."""
    import keras

    from kextras_graph import layers as L

    nodes = tf.RaggedTensor.from_row_lengths(tf.ones([5, 2]), [3, 0, 2])
    edges = tf.RaggedTensor.from_row_lengths(
        tf.constant([[0, 1], [2, 0], [1, 0]], tf.int32), [2, 0, 1])
    first, second = L.GCNConv(3), L.GraphConv(3)
    h1 = first({"nodes": nodes, "edges": edges})
    h2 = second(h1)
    assert h2["graph"] is h1["graph"]
    # sources, targets, in-degrees, invalid
    np.testing.assert_array_equal(h1["graph"].numpy(), [0, 2, 4, 1, 0, 3, 1, 1, 0, 1, 0, 0])
    model = keras.Sequential([L.GCNConv(3), L.GraphConv(3), L.GlobalSumPool()])
    assert model({"nodes": nodes, "edges": edges}).shape == (3, 3)
