"""GlobalAttentionPool: gated attention sum of the node features (Li et al., 2016)."""

import tensorflow as tf

from kextras_graph.layers._dense import DenseWeightsMixin
from kextras_graph.layers._pool import GlobalPool
from kextras_graph.ops.segment import scatter_sum


class GlobalAttentionPool(DenseWeightsMixin, GlobalPool):
    """Gated global attention pooling ("Gated Graph Sequence Neural Networks").

    ``out[g] = sum_{i in g} sigmoid(x_i W_gate + b_gate) * (x_i W + b)`` (elementwise
    gate per output feature; 0 for a graph with no nodes). Differs from PyTorch
    Geometric's ``AttentionalAggregation``, which normalizes a scalar gate with a softmax
    over the nodes of each graph: here each gate is an independent sigmoid (Li et al.).

    Args:
        units: output feature size.
        use_bias: default True.
        kernel_initializer: as in ``keras.layers.Dense``.
        bias_initializer: as in ``keras.layers.Dense``.
        kernel_regularizer: as in ``keras.layers.Dense``.
        bias_regularizer: as in ``keras.layers.Dense``.
        kernel_constraint: as in ``keras.layers.Dense``.
        bias_constraint: as in ``keras.layers.Dense``.

    Weights: ``kernel [F, units]``, ``bias [units]``, ``gate_kernel [F, units]``,
    ``gate_bias [units]``.

    Input: ragged nodes, ``[nodes, edges(, ...)]`` or a graph dict. Output: ``[batch, units]``.
    """

    def __init__(self, units, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self._init_dense_options(units, None, use_bias, kernel_initializer,
                                 bias_initializer, kernel_regularizer, bias_regularizer,
                                 kernel_constraint, bias_constraint)

    def compute_output_dim(self, node_dim):
        return self.units

    def build_pool(self, node_dim):
        self.kernel = self._kernel((node_dim, self.units))
        self.bias = self._bias((self.units,)) if self.use_bias else None
        self.gate_kernel = self._kernel((node_dim, self.units), name="gate_kernel")
        self.gate_bias = self._bias((self.units,), name="gate_bias") if self.use_bias else None

    def pool(self, values, graph_ids, num_graphs, training=None):
        h = tf.matmul(values, self.kernel)
        gate = tf.matmul(values, self.gate_kernel)
        if self.use_bias:
            h = h + self.bias
            gate = gate + self.gate_bias
        return scatter_sum(tf.sigmoid(gate) * h, graph_ids, num_graphs)  # ids in range

    def get_config(self):
        config = super().get_config()
        config.update(self._dense_config())
        config.pop("activation")
        return config
