"""NodeOutput: the node features of a graph batch as a dense tensor, for node-level losses."""

import keras
import tensorflow as tf

from kextras_graph.layers._base import unpack_graph_inputs


class NodeOutput(keras.layers.Layer):
    """Ends a node-level model: ``{"nodes": [B, (n), F], ...} -> dense [B, max(n), F]``.

    Keras losses take dense tensors, and a graph layer in dict style returns a dict, which
    Keras cannot match against the labels. ``NodeOutput`` returns the node features alone,
    padded with zeros to the largest graph: row ``b`` holds the nodes of graph ``b`` in
    order, the padding rows get zero weight from the targets of
    ``NodeClassificationData.dataset`` (``y``, ``sample_weight``: ``[B, max(n)]``). With one
    graph per batch (full-batch training) nothing is padded.

    Input: a graph dict, ``[nodes, edges(, edge_features)]`` or the nodes alone (ragged
    ``[B, (n), F]`` or dense ``[B, n, F]``, returned as is).
    Output: dense ``[B, max(n), F]``.

    The padded size depends on the data, which XLA cannot compile: ``supports_jit`` is
    False, so ``compile(jit_compile="auto")`` (the default) runs the model without XLA.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_jit = False

    def _nodes(self, inputs):
        _, nodes, _, _, _ = unpack_graph_inputs(inputs, type(self).__name__, needs_edges=False)
        rank = len(nodes.shape)
        if rank != 3:
            raise ValueError(
                f"{type(self).__name__}: `nodes` must have rank 3 ([batch, (n), features]). "
                f"Received: nodes with shape {tuple(nodes.shape)}")
        return nodes

    def build(self, input_shape):
        self.built = True

    def call(self, inputs):
        nodes = self._nodes(inputs)
        if isinstance(nodes, tf.RaggedTensor):
            if nodes.ragged_rank != 1:
                raise ValueError(
                    f"{type(self).__name__}: `nodes` must be a RaggedTensor with "
                    f"ragged_rank=1. Received: ragged_rank={nodes.ragged_rank}")
            return nodes.to_tensor()
        return tf.identity(nodes)

    def compute_output_spec(self, inputs):
        nodes = self._nodes(inputs)
        return keras.KerasTensor((nodes.shape[0], None, nodes.shape[-1]), nodes.dtype)
