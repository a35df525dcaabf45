"""NodeDropout: Dropout applied to node features."""

import keras

from kextras_graph.layers._node import NodeLayer


class NodeDropout(NodeLayer):
    """``keras.layers.Dropout`` on node features (each node feature dropped independently
    with probability ``rate`` while training, the rest scaled by ``1 / (1 - rate)``).

    Args: as ``keras.layers.Dropout`` (``rate``, ``noise_shape`` over the flat ``[N, F]``
    values, ``seed``).

    Input: ragged (or dense) nodes, ``[nodes, edges(, ...)]`` or a graph dict.
    Output: the same structure as ``NodeDense``.
    """

    inner_training = True

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(dict(rate=rate, noise_shape=noise_shape, seed=seed), **kwargs)

    def make_inner(self, dtype, **options):
        return keras.layers.Dropout(dtype=dtype, **options)
