"""NodeActivation: an activation applied to node features."""

import keras

from kextras_graph.layers._base import NodeLayerMixin, get_activation, serialize_activation


class NodeActivation(NodeLayerMixin, keras.layers.Layer):
    """``x_i' = activation(x_i)`` on node features.

    Args:
        activation: a name resolved by ``kextras.activations.get`` ("relu", "hyper_sinh",
            ...) or a callable.

    Input: ragged (or dense) nodes, ``[nodes, edges(, ...)]`` or a graph dict.
    Output: same structure, same shape.
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self._activation_identifier = activation
        self.activation = get_activation(activation)
        self.supports_jit = False
        self.built = True

    def call(self, inputs, training=None):
        return self._apply_to_nodes(inputs, self.activation)

    def get_config(self):
        config = super().get_config()
        config["activation"] = serialize_activation(self._activation_identifier)
        return config
