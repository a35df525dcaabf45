"""NodeDense: a Dense layer applied to every node's features."""

import keras

from kextras_graph.layers._base import NodeLayerMixin, get_activation, serialize_activation


class NodeDense(NodeLayerMixin, keras.layers.Dense):
    """``keras.layers.Dense`` on node features: ``x_i' = activation(x_i W + b)``.

    Works on the flat values of a ragged node tensor (stock Dense does not accept
    RaggedTensor in Keras 3). Same arguments and weights (``kernel [F, units]``, ``bias``)
    as ``keras.layers.Dense``; ``activation`` also takes kextras names ("hyper_sinh").

    Input: ``RaggedTensor[batch, (n), F]`` (or a dense tensor), ``[nodes, edges(, ...)]``
    (returns the new nodes) or a graph dict (returns the dict with new "nodes").
    Output: ``[batch, (n), units]``.
    """

    def __init__(self, units, activation=None, **kwargs):
        super().__init__(units, **kwargs)
        self._activation_identifier = activation
        self.activation = get_activation(activation)
        self.supports_jit = False

    def build(self, input_shape):
        super().build(self._node_input_shape(input_shape))

    def call(self, inputs, training=None):
        return self._apply_to_nodes(inputs, lambda v: super(NodeDense, self).call(v))

    def get_config(self):
        config = super().get_config()
        config["activation"] = serialize_activation(self._activation_identifier)
        return config
