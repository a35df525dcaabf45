"""NNConv: edge-conditioned convolution (ECC, Simonovsky & Komodakis; Gilmer et al.)."""

import tensorflow as tf

from kextras import validation
from kextras.activations import resolve
from kextras_graph.layers._dense import DenseWeightsMixin
from kextras_graph.layers._mlp import apply_mlp, build_mlp
from kextras_graph.layers.message_passing import MessagePassing


class NNConv(DenseWeightsMixin, MessagePassing):
    """Edge-conditioned convolution ("Dynamic Edge-Conditioned Filters in CNNs on Graphs").

    ``x_i' = activation(x_i W_root + AGG_{j -> i} x_j Theta(e_ji) + b)`` where the filter
    network ``Theta`` maps an edge's features to a ``[F, units]`` matrix: Dense layers of
    sizes ``kernel_network`` (with ``kernel_network_activation``) followed by a linear
    Dense layer with ``F * units`` outputs, reshaped row-major to ``[F, units]``.

    Args:
        units: output feature size.
        kernel_network: list of hidden sizes of the filter network; default [] (linear).
        kernel_network_activation: default "relu".
        aggregate: "sum" (default), "mean", "max" or "min".
        root_weight: add ``x_i W_root``; default True.
        activation: default None.
        use_bias: default True (bias of every Dense and ``b``).
        kernel_initializer: as in ``keras.layers.Dense``.
        bias_initializer: as in ``keras.layers.Dense``.
        kernel_regularizer: as in ``keras.layers.Dense``.
        bias_regularizer: as in ``keras.layers.Dense``.
        kernel_constraint: as in ``keras.layers.Dense``.
        bias_constraint: as in ``keras.layers.Dense``.

    Weights: filter network ``kernel_0, bias_0, ...`` (the last is ``[.., F*units]``), then
    ``root_kernel [F, units]``, ``bias [units]``.

    Input: ``[nodes, edges, edge_features]`` or a dict with "edge_features".
    Output: ``RaggedTensor[batch, (n), units]``.
    """

    eager_function = True
    requires_edge_features = True

    def __init__(self, units, kernel_network=(), kernel_network_activation="relu",
                 aggregate="sum", root_weight=True, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(aggregate=aggregate, **kwargs)
        self._init_dense_options(units, activation, use_bias, kernel_initializer,
                                 bias_initializer, kernel_regularizer, bias_regularizer,
                                 kernel_constraint, bias_constraint)
        kernel_network = list(kernel_network or [])
        self.kernel_network = validation.int_list("kernel_network", kernel_network,
                                                  allow_scalar=False, allow_empty=True)
        self.kernel_network_activation, self._kernel_network_activation_config = resolve(
            kernel_network_activation)
        self.root_weight = validation.boolean("root_weight", root_weight)

    def build_graph(self, node_dim, edge_dim):
        self.node_dim = node_dim
        self.filter_network = build_mlp(self, edge_dim,
                                        self.kernel_network + [node_dim * self.units])
        self.root_kernel = (self._kernel((node_dim, self.units), name="root_kernel")
                            if self.root_weight else None)
        self.bias = self._bias((self.units,)) if self.use_bias else None

    def compute_output_dim(self, node_dim, edge_dim):
        return self.units

    def message(self, x_j, edge_features):
        theta = apply_mlp(edge_features, self.filter_network, self.kernel_network_activation,
                          lambda t: t)
        theta = tf.reshape(theta, [-1, self.node_dim, self.units])
        return tf.einsum("ef,efu->eu", x_j, theta)

    def update(self, aggregated, x):
        return self._output(aggregated, x, self.root_kernel)

    def get_config(self):
        config = super().get_config()
        config.update(self._dense_config())
        config.update(
            kernel_network=list(self.kernel_network),
            kernel_network_activation=self._kernel_network_activation_config,
            root_weight=self.root_weight)
        return config
