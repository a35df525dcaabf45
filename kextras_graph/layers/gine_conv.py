"""GINEConv: GIN with edge features (Hu et al., 2020)."""

import tensorflow as tf

from kextras_graph.layers.gin_conv import GINConv


class GINEConv(GINConv):
    """GIN convolution with edge features ("Strategies for Pre-training GNNs").

    ``x_i' = MLP((1 + eps) x_i + sum_{j -> i} ReLU(x_j + e_ji))``. When the edge feature
    size ``Fe`` differs from the node feature size ``F``, the edge features are first
    mapped by ``e_ji W_e + b_e`` (weights ``edge_kernel [Fe, F]``, ``edge_bias [F]``).

    Args: as ``GINConv``.

    Weights: ``kernel_0, bias_0, ...`` (MLP), ``eps`` (when ``train_eps``), then
    ``edge_kernel``, ``edge_bias`` (when ``Fe != F``).

    Input: ``[nodes, edges, edge_features]`` or a dict with "edge_features"
    (``RaggedTensor[batch, (e), Fe]``). Output: ``RaggedTensor[batch, (n), mlp_units[-1]]``.
    """

    requires_edge_features = True

    def build_graph(self, node_dim, edge_dim):
        super().build_graph(node_dim, edge_dim)
        if edge_dim != node_dim:
            self.edge_kernel = self._kernel((edge_dim, node_dim), name="edge_kernel")
            self.edge_bias = self._bias((node_dim,), name="edge_bias") if self.use_bias else None
        else:
            self.edge_kernel = self.edge_bias = None

    def message(self, x_j, edge_features):
        return tf.nn.relu(x_j + edge_features)

    def call_graph(self, graph, training=None):
        e = graph.edge_features
        if self.edge_kernel is not None:
            e = tf.matmul(e, self.edge_kernel)
            if self.edge_bias is not None:
                e = e + self.edge_bias
        graph.edge_features = e
        return self.combine(graph, self.propagate(graph.nodes, graph))
