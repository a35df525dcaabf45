"""MinCutPool: spectral clustering pooling (Bianchi, Grattarola & Alippi, 2020)."""

import tensorflow as tf

from kextras import validation

from kextras_graph.layers._mlp_cluster_pool import MLPClusterPool
from kextras_graph.layers._cluster_ops import (
    coarse_adjacency,
    mean_over,
    per_graph_outer,
    safe_sqrt,
    symmetric_normalize,
)
from kextras_graph.ops.segment import scatter_sum


class MinCutPool(MLPClusterPool):
    """MinCut pooling (Bianchi et al., "Spectral Clustering with Graph Neural Networks for
    Graph Pooling", ICML 2020).

    Per graph, with ``A[t, s]`` the number of edges ``s -> t`` and ``D = diag(A 1)``:

    * assignment ``S = softmax(MLP(X))`` (``[n, k]``; the MLP has hidden sizes
      ``mlp_units`` then a last Dense layer of ``k`` units, no activation);
    * coarse graph ``X' = Sᵀ X`` and ``A' = D'^-1/2 Ã D'^-1/2`` where ``Ã = Sᵀ A S`` with its
      diagonal set to 0 and ``D' = diag(Ã 1)``.

    Auxiliary losses (``add_loss``, weighted): the cut loss
    ``L_c = -Tr(Sᵀ A S) / Tr(Sᵀ D S)`` (mean over the graphs with at least one edge: a graph
    with no edges has no cut) and the orthogonality loss
    ``L_o = || SᵀS / ||SᵀS||_F - I_k / sqrt(k) ||_F`` (mean over the graphs with nodes).

    Coarse graph layout as ``DiffPool``: ``k`` nodes per non-empty graph, every ordered
    pair of clusters as an edge with the weight ``A'[t, s]`` as its feature.

    Args:
        k: number of clusters (positive int).
        mlp_units: hidden sizes of the assignment MLP; default ``[]`` (one Dense layer).
        mlp_activation: activation between MLP layers; default "relu".
        cut_weight: weight of ``L_c``; default 1.0.
        ortho_weight: weight of ``L_o``; 1.0.
        use_bias: for every MLP layer.
        kernel_initializer: for every MLP layer.
        bias_initializer: for every MLP layer.
        kernel_regularizer: for every MLP layer.
        bias_regularizer: for every MLP layer.
        kernel_constraint: for every MLP layer.
        bias_constraint: for every MLP layer.

    Weights: ``kernel_0, bias_0, ...`` of the MLP (the last one ``[., k]``).

    Input/output: as ``DiffPool`` (functional ``[nodes', edges', edge_weights,
    pool_assignment]``; dict gains ``pool_assignment_L``, ...).
    """

    def __init__(self, k, mlp_units=(), mlp_activation="relu", cut_weight=1.0,
                 ortho_weight=1.0, **kwargs):
        super().__init__(k, mlp_units, mlp_activation, **kwargs)  # Dense options: kwargs
        self.cut_weight = validation.real("cut_weight", cut_weight, minimum=0)
        self.ortho_weight = validation.real("ortho_weight", ortho_weight, minimum=0)

    def coarsen(self, s, features, graph, counts):
        k = self.k
        gid, b = graph.node_graph_ids, graph.num_graphs
        x_pool = per_graph_outer(s, features, graph)
        a_tilde = coarse_adjacency(s, graph)
        a_pool = symmetric_normalize(a_tilde * (1 - tf.eye(k, dtype=a_tilde.dtype)))
        s32 = tf.cast(s, tf.float32)
        num = tf.linalg.trace(coarse_adjacency(s32, graph))  # Tr(Sᵀ A S)
        deg = tf.cast(graph.in_degree, tf.float32)  # row sums of A
        den = scatter_sum(deg * tf.reduce_sum(tf.square(s32), -1), gid, b)  # Tr(Sᵀ D S)
        cut = -tf.math.divide_no_nan(num, den)
        ss = per_graph_outer(s32, s32, graph)
        ss_norm = safe_sqrt(tf.reduce_sum(tf.square(ss), [-2, -1]))
        ortho = tf.math.divide_no_nan(ss, ss_norm[:, None, None]) - tf.eye(k) / k ** 0.5
        ortho = safe_sqrt(tf.reduce_sum(tf.square(ortho), [-2, -1]))
        losses = {"cut": (mean_over(cut, den > 0), self.cut_weight),
                  "orthogonality": (mean_over(ortho, counts > 0), self.ortho_weight)}
        return x_pool, a_pool, losses

    def get_config(self):
        config = super().get_config()
        config.update(cut_weight=self.cut_weight, ortho_weight=self.ortho_weight)
        return config
