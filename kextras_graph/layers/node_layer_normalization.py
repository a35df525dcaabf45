"""NodeLayerNormalization: layer normalization of every node's features."""

import keras

from kextras_graph.layers._base import NodeLayerMixin


class NodeLayerNormalization(NodeLayerMixin, keras.layers.LayerNormalization):
    """``keras.layers.LayerNormalization`` on node features (per node, over features).

    ``x_i' = gamma (x_i - mean(x_i)) / sqrt(var(x_i) + epsilon) + beta``.

    Args: as ``keras.layers.LayerNormalization`` (``axis`` must stay -1).

    Input: ragged (or dense) nodes, ``[nodes, edges(, ...)]`` or a graph dict.
    Output: same structure, same shape.
    """

    def __init__(self, axis=-1, **kwargs):
        if axis not in (-1, [-1], (-1,)):
            raise ValueError(
                f"`axis` must be -1 (the node feature axis). Received: axis={axis!r}")
        super().__init__(axis=axis, **kwargs)
        self.supports_jit = False

    def build(self, input_shape):
        super().build(self._node_input_shape(input_shape))

    def call(self, inputs, training=None):
        return self._apply_to_nodes(
            inputs, lambda v: super(NodeLayerNormalization, self).call(v))
