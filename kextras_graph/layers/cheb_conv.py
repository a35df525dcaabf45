"""ChebConv: Chebyshev spectral graph convolution (Defferrard et al., 2016)."""

import tensorflow as tf

from kextras import validation
from kextras_graph.layers._dense import DenseWeightsMixin
from kextras_graph.layers.message_passing import MessagePassing


class ChebConv(DenseWeightsMixin, MessagePassing):
    """Chebyshev graph convolution ("Convolutional Neural Networks on Graphs with Fast
    Localized Spectral Filtering", NeurIPS 2016).

    ``X' = activation(sum_{k<K} T_k W_k + b)`` with ``T_0 = X``, ``T_1 = L̂ X``,
    ``T_k = 2 L̂ T_{k-1} - T_{k-2}`` and the scaled Laplacian
    ``L̂ = 2 L / lambda_max - I``, ``L = I - D^-1/2 A D^-1/2`` (self loops removed first,
    ``A[t, s]`` counts the edges ``s -> t``, ``D = diag(Aᵀ 1)``: the **out**-degree
    ``D_ss = #{edges s -> .}``, as PyTorch Geometric's ``get_laplacian``; an isolated node
    has ``L_ii = 1``). With the default ``lambda_max=2``, ``L̂ = -D^-1/2 A D^-1/2``: the
    same numbers as PyTorch Geometric's ``ChebConv(normalization="sym")``, directed graphs
    included (on an undirected graph in- and out-degree agree).

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

    eager_function = True

    def __init__(self, units, K=3, lambda_max=2.0, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(aggregate="sum", **kwargs)
        self._init_dense_options(units, activation, use_bias, kernel_initializer,
                                 bias_initializer, kernel_regularizer, bias_regularizer,
                                 kernel_constraint, bias_constraint)
        self.K = validation.positive_int("K", K)
        self.lambda_max = validation.positive_float("lambda_max", lambda_max)

    def build_graph(self, node_dim, edge_dim):
        self.kernel = self._kernel((self.K, node_dim, self.units))
        self.bias = self._bias((self.units,)) if self.use_bias else None

    def compute_output_dim(self, node_dim, edge_dim):
        return self.units

    def call_graph(self, graph, training=None):
        x = graph.nodes
        dtype = x.dtype
        sources, targets = graph.sources, graph.targets
        # self loops are dropped from A: weight 0 and not counted in the degree
        not_loop = tf.cast(tf.not_equal(sources, targets), dtype)
        deg = tf.math.unsorted_segment_sum(not_loop, sources, graph.num_nodes)  # out-degree
        inv = tf.where(deg > 0, tf.math.rsqrt(tf.where(deg > 0, deg, tf.ones_like(deg))),
                       tf.zeros_like(deg))
        scale = 2.0 / self.lambda_max
        norm = -scale * not_loop * tf.gather(inv, sources) * tf.gather(inv, targets)
        diag = scale - 1.0

        def lap(h):
            return self.propagate(h, graph, edge_weight=norm) + diag * h

        kernel = tf.cast(self.kernel, dtype)
        t_prev, t_cur = None, x
        out = tf.matmul(x, kernel[0])
        for k in range(1, self.K):
            t_next = lap(t_cur) if k == 1 else 2.0 * lap(t_cur) - t_prev
            out = out + tf.matmul(t_next, kernel[k])
            t_prev, t_cur = t_cur, t_next
        return self._output(out)

    def get_config(self):
        config = super().get_config()
        config.pop("aggregate")
        config.update(self._dense_config())
        config.update(K=self.K, lambda_max=self.lambda_max)
        return config
