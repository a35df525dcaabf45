"""NodeDropout: Dropout applied to node features."""

import keras

from kextras_graph.layers._base import NodeLayerMixin


class NodeDropout(NodeLayerMixin, keras.layers.Dropout):
    """``keras.layers.Dropout`` on node features (each node feature dropped independently
    with probability ``rate`` while training, the rest scaled by ``1 / (1 - rate)``).

    Args: as ``keras.layers.Dropout`` (``rate``, ``noise_shape`` over the flat ``[N, F]``
    values, ``seed``).

    Input: ragged (or dense) nodes, ``[nodes, edges(, ...)]`` or a graph dict.
    Output: the same structure as ``NodeDense``.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(rate, noise_shape=noise_shape, seed=seed, **kwargs)
        self.supports_jit = False

    def build(self, input_shape):
        self.built = True

    def call(self, inputs, training=False):
        return self._apply_to_nodes(
            inputs, lambda v: super(NodeDropout, self).call(v, training=training))
