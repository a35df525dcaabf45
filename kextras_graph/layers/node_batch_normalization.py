"""NodeBatchNormalization: batch normalization over all nodes of the batch."""

import keras

from kextras_graph.layers._base import NodeLayerMixin


class NodeBatchNormalization(NodeLayerMixin, keras.layers.BatchNormalization):
    """``keras.layers.BatchNormalization`` on node features; the statistics are taken
    over every node of every graph in the batch (the flat ``[N, F]`` values).

    ``x' = gamma (x - mean) / sqrt(var + epsilon) + beta``.

    Args: as ``keras.layers.BatchNormalization`` (``axis`` must stay -1).

    Graphs with zero nodes contribute nothing; a training batch without any node at all has
    undefined statistics (NaN), exactly as ``keras.layers.BatchNormalization`` on an empty
    batch, so do not train on such batches.

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

    def call(self, inputs, training=None, mask=None):
        return self._apply_to_nodes(
            inputs, lambda v: super(NodeBatchNormalization, self).call(v, training=training))
