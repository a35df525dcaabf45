"""APPNP: personalized-PageRank propagation (Klicpera, Bojchevski & Günnemann, 2019)."""

from kextras_graph.layers._base import GraphLayer, check_positive_int
from kextras_graph.ops.normalization import gcn_norm
from kextras_graph.ops.segment import propagate_sum


class APPNP(GraphLayer):
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

    def __init__(self, K=10, alpha=0.1, **kwargs):
        super().__init__(**kwargs)
        self.K = check_positive_int("K", K)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 <= alpha <= 1:
            raise ValueError(f"`alpha` must be a number in [0, 1]. Received: alpha={alpha!r}")
        self.alpha = float(alpha)

    def call_graph(self, graph, training=None):
        h = graph.nodes
        sources, targets, norm = gcn_norm(graph.sources, graph.targets, graph.num_nodes,
                                          dtype=h.dtype)
        z, pattern = h, {}
        for _ in range(self.K):
            prop = propagate_sum(z, sources, targets, graph.num_nodes, norm, cache=pattern)
            z = (1.0 - self.alpha) * prop + self.alpha * h
        return z

    def get_config(self):
        config = super().get_config()
        config.update(K=self.K, alpha=self.alpha)
        return config
