"""EdgeConv: dynamic graph CNN edge convolution (Wang et al., 2019)."""

import tensorflow as tf

from kextras import validation
from kextras.activations import resolve
from kextras_graph.layers._dense import DenseWeightsMixin
from kextras_graph.layers._mlp import apply_mlp, build_mlp
from kextras_graph.layers.message_passing import MessagePassing


class EdgeConv(DenseWeightsMixin, MessagePassing):
    """Edge convolution ("Dynamic Graph CNN for Learning on Point Clouds").

    ``x_i' = AGG_{j -> i} MLP([x_i, x_j - x_i])`` on the given edges (AGG default "max";
    0 for a node without incoming edges). The MLP is Dense layers of sizes ``mlp_units``
    with ``mlp_activation`` between them and ``activation`` after the last.

    Args:
        mlp_units: int or list of ints (the last is the output size).
        aggregate: "max" (default), "sum", "mean" or "min".
        mlp_activation: default "relu".
        activation: default None.
        use_bias: for every MLP layer.
        kernel_initializer: for every MLP layer.
        bias_initializer: for every MLP layer.
        kernel_regularizer: for every MLP layer.
        bias_regularizer: for every MLP layer.
        kernel_constraint: for every MLP layer.
        bias_constraint: for every MLP layer.

    Weights: ``kernel_0 [2F, u_0], bias_0, kernel_1, ...`` (the first ``F`` rows of
    ``kernel_0`` act on ``x_i``, the next ``F`` on ``x_j - x_i``).

    Input: ``[nodes, edges]`` or a dict. Output: ``RaggedTensor[batch, (n), mlp_units[-1]]``.
    """

    eager_function = True

    def __init__(self, mlp_units, aggregate="max", mlp_activation="relu", activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(aggregate=aggregate, **kwargs)
        self._init_dense_options(None, activation, use_bias, kernel_initializer,
                                 bias_initializer, kernel_regularizer, bias_regularizer,
                                 kernel_constraint, bias_constraint)
        self.mlp_units = validation.int_list("mlp_units", mlp_units)
        self.mlp_activation, self._mlp_activation_config = resolve(mlp_activation)

    def build_graph(self, node_dim, edge_dim):
        self.mlp = build_mlp(self, 2 * node_dim, self.mlp_units)

    def compute_output_dim(self, node_dim, edge_dim):
        return self.mlp_units[-1]

    def message(self, x_i, x_j):
        return apply_mlp(tf.concat([x_i, x_j - x_i], axis=-1), self.mlp,
                         self.mlp_activation, self.activation)

    def get_config(self):
        config = super().get_config()
        config.update(self._dense_config())
        config.update(mlp_units=list(self.mlp_units),
                      mlp_activation=self._mlp_activation_config)
        return config
