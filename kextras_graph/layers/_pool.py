"""Private base of the global pooling layers."""

import keras
import tensorflow as tf

from kextras_graph.layers._base import feature_dim, split_input_shape, unpack_graph_inputs
from kextras_graph.ops._eager import EagerFunction
from kextras_graph.ops.structure import row_ids


class GlobalPool(keras.layers.Layer):
    """Reduces the nodes of every graph to one vector: ``[batch, (n), F] -> [batch, F']``.

    Accepts ragged nodes, ``[nodes, edges(, edge_features)]`` or a graph dict (the graph
    ids come from the node row splits: one op). A graph with zero nodes
    gives zeros. Subclasses implement ``pool(values, graph_ids, num_graphs)`` and
    ``compute_output_dim(node_dim)``. An eager call runs the pooling as one call of a
    traced function (``_eager.EagerFunction``).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._eager_step = EagerFunction(self._flat_step)

    def build(self, input_shape):
        name = type(self).__name__
        node_shape, _, _ = split_input_shape(input_shape, name, needs_edges=False)
        self.build_pool(feature_dim(node_shape, "nodes", name))
        self.built = True

    def build_pool(self, node_dim):
        """Creates weights."""

    def compute_output_dim(self, node_dim):
        return node_dim

    def call(self, inputs, training=None):
        _, nodes, _, _, _ = unpack_graph_inputs(inputs, type(self).__name__,
                                                needs_edges=False)
        if not isinstance(nodes, tf.RaggedTensor):
            nodes = tf.convert_to_tensor(nodes)
            if nodes.shape.rank != 3:
                raise ValueError(
                    f"{type(self).__name__}: `nodes` must have rank 3 ([batch, (n), F]). "
                    f"Received: nodes with shape {nodes.shape}")
            nodes = tf.RaggedTensor.from_tensor(nodes)
        values = nodes.values
        if isinstance(values, tf.RaggedTensor) or values.shape.rank != 2:
            raise ValueError(
                f"{type(self).__name__}: `nodes` must be a RaggedTensor [batch, (n), F] with "
                f"ragged_rank=1. Received: nodes with shape {nodes.shape} and "
                f"ragged_rank={nodes.ragged_rank}")
        return self._eager_step(training, values, nodes.row_splits)

    def _flat_step(self, training, values, row_splits):
        values = tf.cast(values, self.compute_dtype)
        graph_ids = row_ids(row_splits, values)
        num_graphs = tf.shape(row_splits, out_type=tf.int32)[0] - 1
        return self.pool(values, graph_ids, num_graphs, training=training)

    def pool(self, values, graph_ids, num_graphs, training=None):
        raise NotImplementedError

    def compute_output_spec(self, inputs, training=None):
        _, nodes, _, _, _ = unpack_graph_inputs(inputs, type(self).__name__, needs_edges=False)
        return keras.KerasTensor((nodes.shape[0], self.compute_output_dim(nodes.shape[-1])),
                                 self.compute_dtype)
