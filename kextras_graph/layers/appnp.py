"""APPNP: personalized-PageRank propagation (Klicpera, Bojchevski & Günnemann, 2019)."""

from kextras import validation
from kextras_graph.layers.message_passing import MessagePassing
from kextras_graph.ops.normalization import gcn_norm


class APPNP(MessagePassing):
    """Approximate personalized propagation of neural predictions ("Predict then
    Propagate", ICLR 2019).

    ``Z_0 = H``, ``Z_{k+1} = (1 - alpha) Â Z_k + alpha H`` for ``K`` steps, output ``Z_K``,
    with ``Â = D^-1/2 (A + I) D^-1/2`` (as ``GCNConv``). The layer has no weights: put the
    prediction network (e.g. ``NodeDense`` layers) before it.

    Args:
        K: number of propagation steps (positive int); default 10.
        alpha: teleport probability in [0, 1]; default 0.1.

    Input: ``[nodes, edges]`` or a dict. Output: ``RaggedTensor[batch, (n), F]``.
    """

    eager_function = True

    def __init__(self, K=10, alpha=0.1, **kwargs):
        super().__init__(aggregate="sum", **kwargs)
        self.K = validation.positive_int("K", K)
        self.alpha = validation.rate("alpha", alpha, include_one=True)

    def compute_output_dim(self, node_dim, edge_dim):
        return node_dim

    def call_graph(self, graph, training=None):
        h = graph.nodes
        _, _, norm = gcn_norm(graph.sources, graph.targets, graph.num_nodes, dtype=h.dtype,
                              in_degree=graph.in_degree)
        edge_norm, loop_norm = norm[:graph.num_edges], norm[graph.num_edges:, None]
        z = h
        for _ in range(self.K):
            prop = self.propagate(z, graph, edge_weight=edge_norm) + z * loop_norm
            z = (1.0 - self.alpha) * prop + self.alpha * h
        return z

    def get_config(self):
        config = super().get_config()
        config.pop("aggregate")
        config.update(K=self.K, alpha=self.alpha)
        return config
