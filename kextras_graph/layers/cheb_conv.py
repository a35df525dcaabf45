"""ChebConv: Chebyshev spectral graph convolution (Defferrard et al., 2016)."""

import tensorflow as tf

from kextras_graph.layers._base import GraphLayer, check_positive_int
from kextras_graph.layers._dense import DenseWeightsMixin
from kextras_graph.ops.segment import propagate_sum


class ChebConv(DenseWeightsMixin, GraphLayer):
    """Chebyshev graph convolution ("Convolutional Neural Networks on Graphs with Fast
    Localized Spectral Filtering", NeurIPS 2016).

    ``X' = activation(sum_{k<K} T_k W_k + b)`` with ``T_0 = X``, ``T_1 = L̂ X``,
    ``T_k = 2 L̂ T_{k-1} - T_{k-2}`` and the scaled Laplacian
    ``L̂ = 2 L / lambda_max - I``, ``L = I - D^-1/2 A D^-1/2`` (self loops removed first,
    ``A[t, s]`` counts the edges ``s -> t``, ``D = diag(A 1)``; an isolated node has
    ``L_ii = 1``). With the default ``lambda_max=2``, ``L̂ = -D^-1/2 A D^-1/2``
    (as PyTorch Geometric with ``normalization="sym"``).

    Args:
        units: output size.
        K: filter size (number of Chebyshev terms, >= 1); default 3.
        lambda_max: largest eigenvalue used to scale ``L``; default 2.0.
        activation: default None.
        use_bias: default True.
        kernel_initializer: as ``keras.layers.Dense``.
        bias_initializer: as ``keras.layers.Dense``.
        kernel_regularizer: as ``keras.layers.Dense``.
        bias_regularizer: as ``keras.layers.Dense``.
        kernel_constraint: as ``keras.layers.Dense``.
        bias_constraint: as ``keras.layers.Dense``.

    Weights: ``kernel [K, F, units]`` then ``bias [units]``.

    Input: ``[nodes, edges]`` or a dict. Output: ``RaggedTensor[batch, (n), units]``.
    """

    def __init__(self, units, K=3, lambda_max=2.0, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self._init_dense_options(units, activation, use_bias, kernel_initializer,
                                 bias_initializer, kernel_regularizer, bias_regularizer,
                                 kernel_constraint, bias_constraint)
        self.K = check_positive_int("K", K)
        if isinstance(lambda_max, bool) or not isinstance(lambda_max, (int, float)) \
                or lambda_max <= 0:
            raise ValueError(
                f"`lambda_max` must be a positive number. Received: lambda_max={lambda_max!r}")
        self.lambda_max = float(lambda_max)

    def build_graph(self, node_dim, edge_dim):
        self.kernel = self._kernel((self.K, node_dim, self.units))
        self.bias = self._bias((self.units,)) if self.use_bias else None

    def call_graph(self, graph, training=None):
        x = graph.nodes
        dtype = x.dtype
        keep = tf.not_equal(graph.sources, graph.targets)
        sources = tf.boolean_mask(graph.sources, keep)
        targets = tf.boolean_mask(graph.targets, keep)
        deg = tf.math.unsorted_segment_sum(tf.ones(tf.shape(sources), dtype), targets,
                                           graph.num_nodes)
        inv = tf.where(deg > 0, tf.math.rsqrt(tf.where(deg > 0, deg, tf.ones_like(deg))),
                       tf.zeros_like(deg))
        scale = 2.0 / self.lambda_max
        norm = -scale * tf.gather(inv, sources) * tf.gather(inv, targets)
        diag = scale - 1.0

        pattern = {}

        def lap(h):
            return propagate_sum(h, sources, targets, graph.num_nodes, norm, cache=pattern) + diag * h

        kernel = tf.cast(self.kernel, dtype)
        t_prev, t_cur = None, x
        out = tf.matmul(x, kernel[0])
        for k in range(1, self.K):
            t_next = lap(t_cur) if k == 1 else 2.0 * lap(t_cur) - t_prev
            out = out + tf.matmul(t_next, kernel[k])
            t_prev, t_cur = t_cur, t_next
        if self.bias is not None:
            out = out + self.bias
        return self.activation(out)

    def get_config(self):
        config = super().get_config()
        config.update(self._dense_config())
        config.update(K=self.K, lambda_max=self.lambda_max)
        return config
