"""GCNConv: graph convolution of Kipf & Welling (2017)."""

import tensorflow as tf

from kextras_graph.layers._dense import DenseWeightsMixin
from kextras_graph.layers.message_passing import MessagePassing
from kextras_graph.ops.segment import propagate_sum


class GCNConv(DenseWeightsMixin, MessagePassing):
    """Graph convolution (Kipf & Welling, "Semi-Supervised Classification with GCNs").

    ``X' = activation(D^-1/2 Â D^-1/2 X W + b)`` with ``Â = A + I`` (``add_self_loops``)
    and ``D_tt = sum_s Â[t, s]``. ``A[t, s]`` counts the edges ``s -> t`` (duplicate
    edges and existing self loops count; note PyTorch Geometric instead adds self loops
    only to nodes without one). With ``normalize=False``, ``X' = activation(Â X W + b)``.
    A node of degree 0 (no self loop, no incoming edge) gets ``activation(b)``.

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

    def __init__(self, units, activation=None, use_bias=True, add_self_loops=True,
                 normalize=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(aggregate="sum", **kwargs)
        self._init_dense_options(units, activation, use_bias, kernel_initializer,
                                 bias_initializer, kernel_regularizer, bias_regularizer,
                                 kernel_constraint, bias_constraint)
        self.add_self_loops = bool(add_self_loops)
        self.normalize = bool(normalize)

    def build_graph(self, node_dim, edge_dim):
        self.kernel = self._kernel((node_dim, self.units))
        self.bias = self._bias((self.units,)) if self.use_bias else None

    def _normalization(self, graph, dtype):
        """``(edge_norm [E], loop_norm [N] or None)``, memoized per edge structure.

        ``edge_norm[k] = d[s_k]^-1/2 d[t_k]^-1/2`` and ``loop_norm[v] = 1 / d[v]`` with
        ``d`` the in-degree (+1 for the self loop): the same numbers as
        ``ops.gcn_norm`` on the edge list with the self loops appended.
        """
        key = ("gcn_norm", self.add_self_loops, tf.as_dtype(dtype).name)
        if key not in graph.cache:
            ones = tf.ones(tf.shape(graph.targets), dtype)
            deg = tf.math.unsorted_segment_sum(ones, graph.targets, graph.num_nodes)
            if self.add_self_loops:
                inv_sqrt = tf.math.rsqrt(deg + 1)  # degree >= 1
                loop = inv_sqrt * inv_sqrt
            else:
                positive = deg > 0
                inv_sqrt = tf.where(
                    positive, tf.math.rsqrt(tf.where(positive, deg, tf.ones_like(deg))),
                    tf.zeros_like(deg))
                loop = None
            edge = tf.gather(inv_sqrt, graph.sources) * tf.gather(inv_sqrt, graph.targets)
            graph.cache[key] = (edge, loop)
        return graph.cache[key]

    def call_graph(self, graph, training=None):
        x = tf.matmul(graph.nodes, self.kernel)
        dtype = x.dtype
        edge_norm, loop_norm = self._normalization(graph, dtype) if self.normalize else (None, None)
        out = propagate_sum(x, graph.sources, graph.targets, graph.num_nodes, edge_norm,
                            cache=graph.cache)
        if self.add_self_loops:
            # the self loop v -> v, added after the edges (as with appended loop edges)
            out = out + (x * loop_norm[:, None] if self.normalize else x)
        if self.bias is not None:
            out = out + self.bias
        return self.activation(out)

    def get_config(self):
        config = super().get_config()
        config.pop("aggregate")
        config.update(self._dense_config())
        config.update(add_self_loops=self.add_self_loops, normalize=self.normalize)
        return config
