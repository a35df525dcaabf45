"""SortPool: the sort pooling readout of DGCNN (Zhang et al., 2018)."""

import keras
import tensorflow as tf

from kextras import validation
from kextras_graph.layers._pool import GlobalPool
from kextras_graph.layers._pooling import sort_within_graphs
from kextras_graph.ops.segment import scatter_sum


class SortPool(GlobalPool):
    """Sort pooling (Zhang, Cui, Neumann & Chen, "An End-to-End Deep Learning Architecture
    for Graph Classification", AAAI 2018).

    The nodes of every graph are sorted by their last feature channel, descending (ties:
    the lower node index first), and the first ``k`` are kept; a graph with fewer than ``k``
    nodes (or none) is padded with zero rows: ``out[g] = [x_{π(1)}; ...; x_{π(k)}]`` with
    ``x_{π(1)}[-1] >= x_{π(2)}[-1] >= ...``. Follow it with ``keras.layers.Conv1D`` or
    ``Flatten`` + ``Dense``.

    Args:
        k: number of nodes kept per graph (positive int).
        flatten: return ``[batch, k * F]`` instead of ``[batch, k, F]``; default False.

    Input: ragged nodes ``[batch, (n), F]``, ``[nodes, edges(, edge_features)]`` or a graph
    dict. Output: dense ``[batch, k, F]`` (or ``[batch, k * F]``).
    """

    def __init__(self, k, flatten=False, **kwargs):
        super().__init__(**kwargs)
        self.k = validation.positive_int("k", k)
        self.flatten = validation.boolean("flatten", flatten)

    def build_pool(self, node_dim):
        self.node_dim = node_dim

    def pool(self, values, graph_ids, num_graphs, training=None):
        k, feat = self.k, values.shape[-1]
        counts = scatter_sum(tf.ones_like(graph_ids), graph_ids, num_graphs)
        splits = tf.concat([[0], tf.cumsum(counts)], 0)
        # sorted in the key's own dtype; no padding (XLA compiles it)
        order, rank = sort_within_graphs(values[:, -1], graph_ids, splits)
        slot = tf.minimum(rank, k)  # rank >= k goes to an extra row k, dropped
        index = tf.stack([tf.gather(graph_ids, order), slot], 1)
        out = tf.scatter_nd(index, tf.gather(values, order),
                            tf.stack([num_graphs, k + 1, feat]))[:, :k]
        if self.flatten:
            out = tf.reshape(out, [num_graphs, k * feat])
        return out

    def compute_output_spec(self, inputs, training=None):
        spec = super().compute_output_spec(inputs, training=training)
        f = spec.shape[-1]
        shape = (spec.shape[0], self.k * f) if self.flatten else (spec.shape[0], self.k, f)
        return keras.KerasTensor(shape, spec.dtype)

    def get_config(self):
        config = super().get_config()
        config.update(k=self.k, flatten=self.flatten)
        return config
