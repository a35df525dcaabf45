"""DMoNPool: deep modularity network pooling (Tsitsulin et al., 2023)."""

import tensorflow as tf

from kextras import validation

from kextras_graph.layers._mlp_cluster_pool import MLPClusterPool
from kextras_graph.layers._cluster_ops import (
    coarse_adjacency,
    mean_over,
    per_graph_outer,
    safe_sqrt,
)
from kextras_graph.ops.segment import scatter_sum


class DMoNPool(MLPClusterPool):
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
        use_bias: for every MLP layer.
        kernel_initializer: for every MLP layer.
        bias_initializer: for every MLP layer.
        kernel_regularizer: for every MLP layer.
        bias_regularizer: for every MLP layer.
        kernel_constraint: for every MLP layer.
        bias_constraint: for every MLP layer.

    Weights: ``kernel_0, bias_0, ...`` of the MLP.

    Input/output: as ``DiffPool``.
    """

    def __init__(self, k, mlp_units=(), mlp_activation="relu", spectral_weight=1.0,
                 collapse_weight=1.0, **kwargs):
        super().__init__(k, mlp_units, mlp_activation, **kwargs)  # Dense options: kwargs
        self.spectral_weight = validation.real("spectral_weight", spectral_weight, minimum=0)
        self.collapse_weight = validation.real("collapse_weight", collapse_weight, minimum=0)

    def coarsen(self, s, features, graph, counts):
        k = self.k
        gid, b = graph.node_graph_ids, graph.num_graphs
        sizes = scatter_sum(s, gid, b)  # [B, k] = Sᵀ 1
        c = tf.math.divide_no_nan(s, tf.gather(sizes, gid))
        x_pool = tf.nn.selu(per_graph_outer(c, features, graph))
        a_pool = coarse_adjacency(s, graph)
        s32 = tf.cast(s, tf.float32)
        deg = tf.cast(graph.in_degree, tf.float32)  # [N], row sums of A
        two_m = scatter_sum(deg, gid, b)  # [B]
        sas = tf.linalg.trace(coarse_adjacency(s32, graph))
        sd = scatter_sum(s32 * deg[:, None], gid, b)  # [B, k] = Sᵀ d
        null = tf.math.divide_no_nan(tf.reduce_sum(sd * sd, -1), two_m)
        spectral = -tf.math.divide_no_nan(sas - null, two_m)
        n = tf.cast(counts, tf.float32)
        size_norm = safe_sqrt(tf.reduce_sum(tf.square(scatter_sum(s32, gid, b)), -1))
        collapse = tf.math.divide_no_nan(size_norm, n) * k ** 0.5 - 1
        losses = {"spectral": (mean_over(spectral, two_m > 0), self.spectral_weight),
                  "collapse": (mean_over(collapse, counts > 0), self.collapse_weight)}
        return x_pool, a_pool, losses

    def get_config(self):
        config = super().get_config()
        config.update(spectral_weight=self.spectral_weight, collapse_weight=self.collapse_weight)
        return config
