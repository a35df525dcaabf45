"""NodeDense: a Dense layer applied to every node's features."""

import keras

from kextras.activations import resolve
from kextras_graph.layers._node import NodeLayer


class NodeDense(NodeLayer):
    """``keras.layers.Dense`` on node features: ``x_i' = activation(x_i W + b)``.

    Works on the flat values of a ragged node tensor (stock Dense does not accept
    RaggedTensor in Keras 3). Same arguments as ``keras.layers.Dense`` (``units``,
    ``activation``, ``use_bias``, initializers, regularizers, constraints);
    ``activation`` also takes kextras names ("hyper_sinh"). Weights: ``kernel [F, units]``,
    ``bias [units]`` (of ``self.inner``).

    Input: ``RaggedTensor[batch, (n), F]`` (or a dense tensor), ``[nodes, edges(, ...)]``
    (returns the new nodes) or a graph dict (returns the dict with new "nodes").
    Output: ``[batch, (n), units]``.
    """

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        self._activation_fn, self._activation_config = resolve(activation)
        options = dict(
            units=units, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint)
        super().__init__(options, **kwargs)

    def make_inner(self, dtype, activation=None, **options):
        return keras.layers.Dense(activation=self._activation_fn, dtype=dtype, **options)

    @property
    def kernel(self):
        return self.inner.kernel

    @property
    def bias(self):
        return self.inner.bias

    def get_config(self):
        config = super().get_config()
        inner = self.inner.get_config()
        config.update({k: inner[k] for k in self._options if k in inner and k != "activation"})
        config["activation"] = self._activation_config
        return config
