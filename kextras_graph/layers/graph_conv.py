"""GraphConv: the GNN of Morris et al. (2019), "Weisfeiler and Leman go neural"."""

import tensorflow as tf

from kextras_graph.layers._dense import DenseWeightsMixin
from kextras_graph.layers.message_passing import MessagePassing


class GraphConv(DenseWeightsMixin, MessagePassing):
    """Graph convolution of Morris et al. (k-GNN with k=1).

    ``x_i' = activation(x_i W_root + (AGG_{j -> i} x_j) W + b)`` where AGG is the
    ``aggregate`` reduction over the incoming edges (0 for a node without any).

    Args:
        units: output feature size.
        aggregate: "sum" (default), "mean", "max" or "min".
        activation: default None.
        use_bias: default True.
        kernel_initializer: as in ``keras.layers.Dense``.
        bias_initializer: as in ``keras.layers.Dense``.
        kernel_regularizer: as in ``keras.layers.Dense``.
        bias_regularizer: as in ``keras.layers.Dense``.
        kernel_constraint: as in ``keras.layers.Dense``.
        bias_constraint: as in ``keras.layers.Dense``.

    Weights: ``kernel [F, units]`` (neighbours), ``root_kernel [F, units]``, ``bias [units]``.

    Input: ``[nodes, edges]`` or a dict (see ``MessagePassing``).
    Output: ``RaggedTensor[batch, (n), units]`` (or the dict with new "nodes").
    """

    eager_function = True

    def __init__(self, units, aggregate="sum", activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(aggregate=aggregate, **kwargs)
        self._init_dense_options(units, activation, use_bias, kernel_initializer,
                                 bias_initializer, kernel_regularizer, bias_regularizer,
                                 kernel_constraint, bias_constraint)

    def build_graph(self, node_dim, edge_dim):
        self.kernel = self._kernel((node_dim, self.units))
        self.root_kernel = self._kernel((node_dim, self.units), name="root_kernel")
        self.bias = self._bias((self.units,)) if self.use_bias else None

    def compute_output_dim(self, node_dim, edge_dim):
        return self.units

    def call_graph(self, graph, training=None):
        x = graph.nodes
        if self.aggregate_name in ("sum", "mean") and self.units < x.shape[-1]:
            out = self.propagate(tf.matmul(x, self.kernel), graph)  # (A x) W = A (x W)
        else:
            out = tf.matmul(self.propagate(x, graph), self.kernel)
        return self._output(out, x, self.root_kernel)

    def get_config(self):
        config = super().get_config()
        config.update(self._dense_config())
        return config
