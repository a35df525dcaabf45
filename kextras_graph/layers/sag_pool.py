"""SAGPool: self-attention graph pooling (Lee, Lee & Kang, 2019)."""

import tensorflow as tf

from kextras_graph.layers._dense import DenseWeightsMixin
from kextras_graph.layers._pooling import SelectionPool


class SAGPool(DenseWeightsMixin, SelectionPool):
    """Self-attention graph pooling (Lee et al., "Self-Attention Graph Pooling", ICML 2019).

    The score is a one-channel graph convolution, ``y = D^-1/2 Â D^-1/2 X θ + b`` with
    ``Â = A + I`` (as ``GCNConv``), so it sees the graph structure; per graph the ``k_g``
    nodes with the highest scores are kept, highest first, and gated:
    ``X' = X[idx] * gate(y[idx])``. Edges between kept nodes are kept and re-indexed (edge
    features carried along). ``k_g = ceil(ratio * n_g)`` or ``min(k, n_g)``; ties: the lower
    node index first. A graph with no edges is scored by its self loops alone.

    Args:
        ratio: fraction of nodes to keep, in (0, 1]; give exactly one of ``ratio`` and ``k``.
        k: fixed number of nodes to keep per graph.
        gate: activation of the gate (default "tanh", as in the paper).
        use_bias: add ``b`` to the score; default True.
        kernel_initializer: as in ``keras.layers.Dense``.
        bias_initializer: as in ``keras.layers.Dense``.
        kernel_regularizer: as in ``keras.layers.Dense``.
        bias_regularizer: as in ``keras.layers.Dense``.
        kernel_constraint: as in ``keras.layers.Dense``.
        bias_constraint: as in ``keras.layers.Dense``.

    Weights: ``kernel [F, 1]`` (``θ``) then ``bias [1]``.

    Input/output: as ``TopKPool`` (functional: ``[nodes', edges', (edge_features'),
    pool_indices]``; dict: new ``nodes``/``edges`` plus ``pool_indices_L``, ...).
    """

    propagates = True

    def __init__(self, ratio=None, k=None, gate="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(ratio=ratio, k=k, gate=gate, **kwargs)
        gate_fn = self.gate
        self._init_dense_options(None, None, use_bias, kernel_initializer, bias_initializer,
                                 kernel_regularizer, bias_regularizer, kernel_constraint,
                                 bias_constraint)
        self.gate = gate_fn

    def build_pool(self, node_dim, edge_dim):
        self.kernel = self._kernel((node_dim, 1))
        self.bias = self._bias((1,)) if self.use_bias else None

    def score(self, graph, training=None):
        x = tf.matmul(graph.nodes, tf.cast(self.kernel, graph.nodes.dtype))
        y = self.gcn_propagate(x, graph)
        if self.bias is not None:
            y = y + tf.cast(self.bias, y.dtype)
        return y[:, 0]

    def get_config(self):
        config = super().get_config()
        dense = self._dense_config()
        dense.pop("activation")
        config.update(dense)
        return config
