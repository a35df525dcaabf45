"""NodeActivation: an activation applied to node features."""

import keras

from kextras.activations import resolve
from kextras_graph.layers._node import NodeLayer


class NodeActivation(NodeLayer):
    """``x_i' = activation(x_i)`` on node features.

    Args:
        activation: a name resolved by ``kextras.activations.resolve`` ("relu",
            "hyper_sinh", ...) or a callable.

    Input: ragged (or dense) nodes, ``[nodes, edges(, ...)]`` or a graph dict.
    Output: same structure, same shape.
    """

    def __init__(self, activation, **kwargs):
        self._activation_fn, self._activation_config = resolve(activation)
        super().__init__({"activation": self._activation_config}, **kwargs)

    def make_inner(self, dtype, activation):
        return keras.layers.Activation(self._activation_fn, dtype=dtype)

    @property
    def activation(self):
        return self._activation_fn
