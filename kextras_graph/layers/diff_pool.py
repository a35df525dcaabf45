"""DiffPool: differentiable pooling by a learned soft assignment (Ying et al., 2018)."""

import tensorflow as tf

from kextras import validation
from kextras_graph.layers._dense import DenseWeightsMixin
from kextras_graph.layers._cluster_ops import (
    mean_over,
    neighbour_sum,
    per_graph_outer,
    safe_sqrt,
    sum_squared_adjacency,
)
from kextras_graph.layers._pooling import ClusterPool


class DiffPool(DenseWeightsMixin, ClusterPool):
    """Differentiable pooling (Ying et al., "Hierarchical Graph Representation Learning
    with Differentiable Pooling", NeurIPS 2018).

    Per graph, with ``A[t, s]`` the number of edges ``s -> t``, ``P = D^-1/2 (A + I) D^-1/2``
    (as ``GCNConv``):

    * assignment ``S = softmax(P X W_pool + b_pool)`` (``[n, k]``, rows sum to 1);
    * embedding ``Z = activation(P X W_embed + b_embed)`` when ``units`` is given, else ``Z = X``;
    * coarse graph ``X' = Sᵀ Z`` (``[k, F']``) and ``A' = Sᵀ A S`` (``[k, k]``).

    Auxiliary losses, added with ``add_loss`` (weighted), each a mean over the graphs with at
    least one node: link prediction ``L_LP = ||A - S Sᵀ||_F / n²`` and entropy
    ``L_E = (1/n) sum_i H(S_i)``, ``H(p) = -sum_c p_c log p_c``; both, and the coarse graph,
    computed in float32 (float64 for a float64 layer; cast back to the compute dtype).

    The coarse graph has ``k`` nodes per non-empty graph (a graph with fewer than ``k``
    nodes still gets ``k`` clusters, some nearly empty; a graph with no nodes stays empty)
    and every ordered pair of clusters ``(s, t)`` (self pairs included) as an edge whose
    single edge feature is the weight ``A'[t, s]``. Input edge features are not carried
    (dense clustering has no edge identity).

    Args:
        k: number of clusters (positive int).
        units: embedding size; None (default) pools the input features directly.
        activation: activation of the embedding; default None.
        use_bias: default True.
        link_prediction_weight: weight of ``L_LP``; default 1.0 (0 disables).
        entropy_weight: weight of ``L_E``; default 1.0 (0 disables).
        kernel_initializer: as ``keras.layers.Dense``.
        bias_initializer: as ``keras.layers.Dense``.
        kernel_regularizer: as ``keras.layers.Dense``.
        bias_regularizer: as ``keras.layers.Dense``.
        kernel_constraint: as ``keras.layers.Dense``.
        bias_constraint: as ``keras.layers.Dense``.
        sparse: "auto" (default: True without an accelerator), True (CPU kernels: sparse
            propagation, per-graph products on graphs padded to the largest one) or False
            (flat kernels, XLA compatible; less memory for one huge graph among small ones).

    Weights: ``pool_kernel [F, k]``, ``pool_bias [k]`` then ``embed_kernel [F, units]``,
    ``embed_bias [units]`` (when ``units``).

    Input: ``[nodes, edges(, edge_features)]`` or a graph dict. Output, functional:
    ``[nodes' [B, (k), F'], edges' [B, (k*k), 2], edge_weights [B, (k*k), 1],
    pool_assignment [B, (n), k]]``; dict: new ``nodes``/``edges``/``edge_features`` plus
    ``pool_assignment_L``, ``pool_nodes_L``, ``pool_edges_L``.
    """

    propagates = True

    def __init__(self, k, units=None, activation=None, use_bias=True,
                 link_prediction_weight=1.0, entropy_weight=1.0,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(k=k, **kwargs)
        self._init_dense_options(units, activation, use_bias, kernel_initializer,
                                 bias_initializer, kernel_regularizer, bias_regularizer,
                                 kernel_constraint, bias_constraint)
        self.link_prediction_weight = validation.real("link_prediction_weight",
                                                      link_prediction_weight, minimum=0)
        self.entropy_weight = validation.real("entropy_weight", entropy_weight, minimum=0)

    def compute_output_dim(self, node_dim):
        return node_dim if self.units is None else self.units

    def build_pool(self, node_dim, edge_dim):
        self.pool_kernel = self._kernel((node_dim, self.k), name="pool_kernel")
        self.pool_bias = self._bias((self.k,), name="pool_bias") if self.use_bias else None
        if self.units is not None:
            self.embed_kernel = self._kernel((node_dim, self.units), name="embed_kernel")
            self.embed_bias = (self._bias((self.units,), name="embed_bias")
                               if self.use_bias else None)

    def assign(self, graph, training=None):
        # P X W_pool and P X W_embed (P = D^-1/2 (A + I) D^-1/2): one propagation, of X
        # itself when it is not wider than [W_pool | W_embed] (then no split of the result,
        # whose gradient is a column concat), else of X [W_pool | W_embed]
        x = graph.nodes
        if self.units is None:
            logits = self.gcn_propagate(tf.matmul(x, self.pool_kernel), graph)
        elif x.shape[-1] <= self.k + self.units:
            px = self.gcn_propagate(x, graph)
            logits, z = tf.matmul(px, self.pool_kernel), tf.matmul(px, self.embed_kernel)
        else:  # split, not slices: the gradient of a split is a concat (StridedSliceGrad is slow)
            h = self.gcn_propagate(tf.matmul(x, tf.concat([self.pool_kernel, self.embed_kernel], 1)),
                                   graph)
            logits, z = tf.split(h, [self.k, self.units], 1)
        if self.pool_bias is not None:
            logits = logits + self.pool_bias
        s = tf.nn.softmax(logits, axis=-1)
        if self.units is None:
            return s, x
        if self.embed_bias is not None:
            z = z + self.embed_bias
        return s, self.activation(z)

    def coarsen(self, s, features, graph, counts):
        gid, sparse = graph.node_graph_ids, self.sparse
        # in float32 (float64 for a float64 layer): the link loss's trace form below stays
        # accurate (its terms are O(n^2) and the loss divides by n^2); float16 would not
        dtype = tf.float64 if s.dtype == tf.float64 else tf.float32
        s_, f_ = tf.cast(s, dtype), tf.cast(features, dtype)
        # Sᵀ S, Sᵀ Z and Sᵀ A S in one per-graph product (S padded once)
        sts, x_pool, a_pool = per_graph_outer(s_, [s_, f_, neighbour_sum(s_, graph, sparse)],
                                              graph, sparse)
        nonempty = counts > 0
        n = tf.cast(counts, dtype)
        # ||A - S Sᵀ||_F^2 = sum A^2 - 2 Tr(Sᵀ A S) + ||Sᵀ S||_F^2
        link = safe_sqrt(sum_squared_adjacency(graph, dtype, sparse)
                         - 2 * tf.linalg.trace(a_pool) + tf.reduce_sum(tf.square(sts), [-2, -1]))
        link = tf.cast(tf.math.divide_no_nan(link, n * n), tf.float32)
        # entropy: the mean over the non-empty graphs of (1/n) sum_i H(S_i), as one weighted
        # sum over the nodes (weight 1 / (n_graph * non-empty graphs), no per-graph sums)
        weight = tf.math.divide_no_nan(
            tf.ones([], dtype), tf.gather(n, gid) * tf.reduce_sum(tf.cast(nonempty, dtype)))
        ent = -tf.reduce_sum(s_ * tf.math.log(s_ + 1e-15) * weight[:, None])
        losses = {"link_prediction": (mean_over(link, nonempty), self.link_prediction_weight),
                  "entropy": (tf.cast(ent, tf.float32), self.entropy_weight)}
        return tf.cast(x_pool, s.dtype), tf.cast(a_pool, s.dtype), losses

    def get_config(self):
        config = super().get_config()
        config.update(self._dense_config())
        config["units"] = self.units
        config.update(link_prediction_weight=self.link_prediction_weight,
                      entropy_weight=self.entropy_weight)
        return config
