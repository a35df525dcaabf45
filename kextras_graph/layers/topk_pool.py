"""TopKPool: top-k node selection by a learned projection (Gao & Ji, graph U-Nets)."""

import keras
import tensorflow as tf

from kextras_graph.layers._pooling import SelectionPool


class TopKPool(SelectionPool):
    """Top-k pooling (Gao & Ji, "Graph U-Nets", 2019).

    Every node gets the score ``y = X p / ||p||`` (``p`` a trainable vector); per graph the
    ``k_g`` nodes with the highest scores are kept, highest first, and gated:
    ``X' = X[idx] * gate(y[idx])``. Edges between kept nodes are kept and re-indexed
    (edge features carried along); all other edges are dropped.
    ``k_g = ceil(ratio * n_g)`` or, with a fixed ``k``, ``min(k, n_g)`` (a graph with fewer
    than ``k`` nodes keeps all of them, reordered by score; a graph with no nodes stays
    empty). Ties: the lower node index first.

    Args:
        ratio: fraction of nodes to keep, in (0, 1]; give exactly one of ``ratio`` and ``k``.
        k: fixed number of nodes to keep per graph.
        gate: activation of the gate (default "tanh", as PyTorch Geometric; the paper uses
            "sigmoid").
        kernel_initializer: initializer of ``p`` (default "glorot_uniform").
        kernel_regularizer: default None.
        kernel_constraint: default None.

    Weights: ``kernel [F, 1]`` (``p``).

    Input: ``[nodes, edges(, edge_features)]`` or a graph dict.
    Output, functional: ``[nodes' [B, (k_g), F], edges' [B, (e'), 2], (edge_features'),
    pool_indices [B, (k_g)] int]`` where ``pool_indices`` holds the local index in the input
    graph of every output node (use with ``TopKUnpool``). Dict: the dict with new
    ``nodes``/``edges``(/``edge_features``) plus ``pool_indices_L``, ``pool_nodes_L``,
    ``pool_edges_L`` (``L`` = pooling level), see ``docs/graph/pooling.md``.
    """

    def __init__(self, ratio=None, k=None, gate="tanh", kernel_initializer="glorot_uniform",
                 kernel_regularizer=None, kernel_constraint=None, **kwargs):
        super().__init__(ratio=ratio, k=k, gate=gate, **kwargs)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)

    def build_pool(self, node_dim, edge_dim):
        self.kernel = self.add_weight(
            name="kernel", shape=(node_dim, 1), initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)

    def score(self, graph, training=None):
        p = tf.cast(self.kernel, graph.nodes.dtype)
        norm = tf.sqrt(tf.reduce_sum(tf.square(p)))
        return tf.matmul(graph.nodes, p)[:, 0] / norm

    def get_config(self):
        config = super().get_config()
        config.update(
            kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
            kernel_regularizer=keras.regularizers.serialize(self.kernel_regularizer),
            kernel_constraint=keras.constraints.serialize(self.kernel_constraint))
        return config
