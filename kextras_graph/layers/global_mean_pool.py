"""GlobalMeanPool: mean of the node features of every graph."""

from kextras_graph.layers._pool import GlobalPool
from kextras_graph.ops.segment import segment_mean


class GlobalMeanPool(GlobalPool):
    """Global mean pooling: ``out[g] = mean_{i in g} x_i`` (0 for a graph with no nodes).

    Args:
        **kwargs: keyword arguments of ``keras.layers.Layer``.

    Input: ragged nodes ``[batch, (n), F]``, ``[nodes, edges(, edge_features)]`` or a graph
    dict. Output: dense ``[batch, F]``.
    """

    def pool(self, values, graph_ids, num_graphs, training=None):
        return segment_mean(values, graph_ids, num_graphs)
