"""GlobalSumPool: sum of the node features of every graph."""

from kextras_graph.layers._pool import GlobalPool
from kextras_graph.ops.segment import scatter_sum


class GlobalSumPool(GlobalPool):
    """Global sum pooling: ``out[g] = sum_{i in g} x_i`` (0 for a graph with no nodes).

    Args:
        **kwargs: keyword arguments of ``keras.layers.Layer``.

    Input: ragged nodes ``[batch, (n), F]``, ``[nodes, edges(, edge_features)]`` or a graph
    dict. Output: dense ``[batch, F]``.
    """

    def pool(self, values, graph_ids, num_graphs, training=None):
        # graph ids come from the row splits: always in range
        return scatter_sum(values, graph_ids, num_graphs)
