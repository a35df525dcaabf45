"""NodeOutput: the node features of a graph batch as a dense tensor, for node-level losses."""

import keras
import tensorflow as tf

from kextras import validation
from kextras_graph.layers._base import unpack_graph_inputs


class NodeOutput(keras.layers.Layer):
    """Ends a node-level model: ``{"nodes": [B, (n), F], ...} -> dense node features``.

    Keras losses take dense tensors, and a graph layer in dict style returns a dict, which
    Keras cannot match against the labels: without ``NodeOutput``, ``fit`` fails inside
    Keras with ``KeyError: "The path: ('nodes',) in the `loss` argument, can't be found
    ..."`` (or, with ``loss={"nodes": ...}``, ``TypeError: Failed to convert elements of
    tf.RaggedTensor``; docs/graph/index.md, "Node-level tasks"). ``NodeOutput`` returns the
    node features alone:

    * ``pad=True`` (default): ``[B, max(n), F]``, row ``b`` the nodes of graph ``b`` in
      order, zero padding behind (give the padding zero sample weight). The padded size
      depends on the data, which XLA cannot compile: ``supports_jit`` is False, so
      ``compile(jit_compile="auto")`` (the default) runs the model without XLA.
    * ``pad=False``: ``[1, N, F]``, the ``N`` nodes of all graphs of the batch in one row
      (targets ``[1, N]``, e.g. ``y.values[None]`` of ragged labels); compiles under XLA.

    For a batch of one graph (``NodeClassificationData.dataset``: ``y`` and
    ``sample_weight`` ``[1, n]``) both give ``[1, n, F]``.

    Input: a graph dict, ``[nodes, edges(, edge_features)]`` or the nodes alone (ragged
    ``[B, (n), F]``, or dense ``[B, n, F]``: returned as is with ``pad=True``).
    """

    def __init__(self, pad=True, **kwargs):
        super().__init__(**kwargs)
        self.pad = validation.boolean("pad", pad)
        self.supports_jit = not self.pad

    def _nodes(self, inputs):
        _, nodes, _, _, _ = unpack_graph_inputs(inputs, type(self).__name__, needs_edges=False)
        if len(nodes.shape) != 3:
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
            return nodes.to_tensor() if self.pad else nodes.values[None]
        if self.pad:
            return tf.identity(nodes)
        return tf.reshape(nodes, [1, -1, nodes.shape[-1]])

    def compute_output_spec(self, inputs):
        nodes = self._nodes(inputs)
        batch = nodes.shape[0] if self.pad else 1
        return keras.KerasTensor((batch, None, nodes.shape[-1]), nodes.dtype)

    def get_config(self):
        config = super().get_config()
        config["pad"] = self.pad
        return config
