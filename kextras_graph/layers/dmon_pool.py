"""DMoNPool: deep modularity network pooling (Tsitsulin et al., 2023)."""

import tensorflow as tf

from kextras_graph.layers._base import check_units_list, get_activation, serialize_activation
from kextras_graph.layers._dense import DenseWeightsMixin
from kextras_graph.layers._mlp import apply_mlp, build_mlp
from kextras_graph.layers._pooling import ClusterPool, masked_softmax, mean_over


class DMoNPool(DenseWeightsMixin, ClusterPool):
    """Deep modularity network pooling (Tsitsulin, Palowitch, Perozzi & Müller, "Graph
    Clustering with Graph Neural Networks", JMLR 2023).

    Per graph, with ``A[t, s]`` the number of edges ``s -> t``, degrees ``d = A 1`` and
    ``2m = sum(A)``:

    * assignment ``S = softmax(MLP(X))`` (``[n, k]``; hidden sizes ``mlp_units`` then a last
      Dense layer of ``k`` units);
    * coarse graph ``X' = selu(Cᵀ X)`` with ``C = S diag(1 / Sᵀ1)`` (cluster means) and
      ``A' = Sᵀ A S``.

    Auxiliary losses (``add_loss``, weighted): the spectral (modularity) loss
    ``L_m = -Tr(Sᵀ B S) / 2m`` with the modularity matrix ``B = A - d dᵀ / 2m`` (mean over
    graphs with at least one edge) and the collapse regularization
    ``L_c = sqrt(k) / n ||Sᵀ1||_2 - 1`` (mean over graphs with nodes).

    Coarse graph layout as ``DiffPool``.

    Args:
        k: number of clusters (positive int).
        mlp_units: hidden sizes of the assignment MLP; default ``[]``.
        mlp_activation: activation between MLP layers; default "relu".
        spectral_weight: weight of ``L_m``; default 1.0.
        collapse_weight: weight of ``L_c``; default 1.0 (the paper's regularization).
        use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer, kernel_constraint, bias_constraint: for every MLP layer.

    Weights: ``kernel_0, bias_0, ...`` of the MLP.

    Input/output: as ``DiffPool``.
    """

    def __init__(self, k, mlp_units=(), mlp_activation="relu", spectral_weight=1.0,
                 collapse_weight=1.0, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(k=k, **kwargs)
        self._init_dense_options(None, None, use_bias, kernel_initializer,
                                 bias_initializer, kernel_regularizer, bias_regularizer,
                                 kernel_constraint, bias_constraint)
        self.mlp_units = [] if not mlp_units else check_units_list("mlp_units", mlp_units)
        self.mlp_activation_identifier = mlp_activation
        self.mlp_activation = get_activation(mlp_activation)
        self.spectral_weight = float(spectral_weight)
        self.collapse_weight = float(collapse_weight)

    def build_pool(self, node_dim, edge_dim):
        self.mlp = build_mlp(self, node_dim, self.mlp_units + [self.k])

    def assign(self, graph, x, mask, a, training=None):
        logits = apply_mlp(x, self.mlp, self.mlp_activation, lambda v: v)
        return masked_softmax(logits, mask), x

    def coarsen(self, s, features, a, mask, counts):
        k = self.k
        st = tf.linalg.matrix_transpose(s)
        sizes = tf.reduce_sum(s, -2)  # [B, k]
        c = tf.math.divide_no_nan(s, sizes[:, None, :])
        x_pool = tf.nn.selu(tf.matmul(c, features, transpose_a=True))
        a_pool = tf.matmul(st, tf.matmul(a, s))
        s32, a32 = tf.cast(s, tf.float32), tf.cast(a, tf.float32)
        deg = tf.reduce_sum(a32, -1)  # [B, N]
        two_m = tf.reduce_sum(deg, -1)  # [B]
        sas = tf.linalg.trace(tf.matmul(s32, tf.matmul(a32, s32), transpose_a=True))
        sd = tf.reduce_sum(s32 * deg[..., None], -2)  # [B, k] = Sᵀ d
        null = tf.math.divide_no_nan(tf.reduce_sum(sd * sd, -1), two_m)
        spectral = -tf.math.divide_no_nan(sas - null, two_m)
        n = tf.cast(counts, tf.float32)
        size_norm = tf.sqrt(tf.reduce_sum(tf.square(tf.reduce_sum(s32, -2)), -1))
        collapse = tf.math.divide_no_nan(size_norm, n) * k ** 0.5 - 1
        losses = {"spectral": (mean_over(spectral, two_m > 0), self.spectral_weight),
                  "collapse": (mean_over(collapse, counts > 0), self.collapse_weight)}
        return x_pool, a_pool, losses

    def get_config(self):
        config = super().get_config()
        dense = self._dense_config()
        dense.pop("activation")
        config.update(dense)
        config.update(mlp_units=list(self.mlp_units),
                      mlp_activation=serialize_activation(self.mlp_activation_identifier),
                      spectral_weight=self.spectral_weight,
                      collapse_weight=self.collapse_weight)
        return config
