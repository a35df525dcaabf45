"""GCNConv: graph convolution of Kipf & Welling (2017)."""

import tensorflow as tf

from kextras import validation

from kextras_graph.layers._dense import DenseWeightsMixin
from kextras_graph.layers.message_passing import MessagePassing
from kextras_graph.ops.normalization import gcn_degree_norm


class GCNConv(DenseWeightsMixin, MessagePassing):
    """Graph convolution (Kipf & Welling, "Semi-Supervised Classification with GCNs").

    ``X' = activation(D^-1/2 Â D^-1/2 X W + b)`` with ``Â = A + I`` (``add_self_loops``)
    and ``D_tt = sum_s Â[t, s]``. ``A[t, s]`` counts the edges ``s -> t`` (duplicate
    edges and existing self loops count; note PyTorch Geometric instead adds self loops
    only to nodes without one). With ``normalize=False``, ``X' = activation(Â X W + b)``.
    A node of degree 0 (no self loop, no incoming edge) gets ``activation(b)``.
    Computed in node form, ``d * (A (d * XW) + d * XW)`` with ``d = D^-1/2`` from
    ``ops.gcn_degree_norm`` (the per-edge weights of ``ops.gcn_norm``, factored); the sum
    ``A @ .`` runs through ``MessagePassing.propagate`` (one sparse matmul, or a gather and
    a scatter with ``sparse=False``).

    Args:
        units: output feature size (positive int).
        activation: activation name (``kextras.activations.get``) or callable; default None.
        use_bias: add ``b``; default True.
        add_self_loops: use ``A + I``; default True.
        normalize: apply the symmetric normalization; default True.
        kernel_initializer: default "glorot_uniform";
        bias_initializer: default "zeros".
        kernel_regularizer: default None.
        bias_regularizer: default None.
        kernel_constraint: default None.
        bias_constraint: default None.

    Weights: ``kernel [F, units]`` then ``bias [units]`` (like ``keras.layers.Dense``).

    Input: ``[nodes, edges]`` (``RaggedTensor[batch, (n), F]``, ``RaggedTensor[batch, (e), 2]``
    int) or a dict with keys "nodes" and "edges". Output: ``RaggedTensor[batch, (n), units]``
    (or the dict with new "nodes").
    """

    eager_function = True

    def __init__(self, units, activation=None, use_bias=True, add_self_loops=True,
                 normalize=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(aggregate="sum", **kwargs)
        self._init_dense_options(units, activation, use_bias, kernel_initializer,
                                 bias_initializer, kernel_regularizer, bias_regularizer,
                                 kernel_constraint, bias_constraint)
        self.add_self_loops = validation.boolean("add_self_loops", add_self_loops)
        self.normalize = validation.boolean("normalize", normalize)

    def build_graph(self, node_dim, edge_dim):
        self.kernel = self._kernel((node_dim, self.units))
        self.bias = self._bias((self.units,)) if self.use_bias else None

    def compute_output_dim(self, node_dim, edge_dim):
        return self.units

    def call_graph(self, graph, training=None):
        x = tf.matmul(graph.nodes, self.kernel)
        if self.normalize:  # d = D^-1/2 as a column [N, 1]
            d = tf.expand_dims(gcn_degree_norm(graph.in_degree, self.add_self_loops, x.dtype), 1)
            x = x * d
        out = self.propagate(x, graph)  # A @ x, unit weights
        if self.add_self_loops:
            out = out + x
        if self.normalize:
            out = out * d
        return self._output(out)

    def get_config(self):
        config = super().get_config()
        config.pop("aggregate")
        config.update(self._dense_config())
        config.update(add_self_loops=self.add_self_loops, normalize=self.normalize)
        return config
