"""RGCNConv: relational graph convolution (Schlichtkrull et al., 2018)."""

import tensorflow as tf

from kextras import validation
from kextras_graph.layers._dense import DenseWeightsMixin
from kextras_graph.layers.message_passing import MessagePassing
from kextras_graph.ops.segment import scatter


class RGCNConv(DenseWeightsMixin, MessagePassing):
    """Relational graph convolution ("Modeling Relational Data with Graph Convolutional
    Networks", ESWC 2018).

    ``x_i' = activation(x_i W_root + sum_r sum_{j in N_r(i)} (1 / c_{i,r}) x_j W_r + b)``
    with ``N_r(i)`` the sources of the edges ``j -> i`` of relation ``r`` (duplicates
    count) and ``c_{i,r} = |N_r(i)|`` (``aggregate="mean"``, the paper's normalization) or
    ``c_{i,r} = 1`` (``aggregate="sum"``). With ``num_bases``, ``W_r = sum_b a_{rb} V_b``.

    The relation of every edge is read from an integer-valued edge feature column:
    ``edge_features[..., relation_feature]`` holds ``r`` in ``[0, num_relations)`` (edge
    features are float in the graph contract; the value is rounded). Out-of-range values
    raise ``ValueError`` (eager) or ``InvalidArgumentError`` (in ``tf.function``).

    Args:
        units: output size.
        num_relations: number of relation types (positive int).
        num_bases: None (one matrix per relation, default) or the number of bases.
        relation_feature: the edge feature column with the relation id; default 0.
        aggregate: "mean" (default) or "sum".
        activation: default None.
        use_bias: default True.
        kernel_initializer: as ``keras.layers.Dense``.
        bias_initializer: as ``keras.layers.Dense``.
        kernel_regularizer: as ``keras.layers.Dense``.
        bias_regularizer: as ``keras.layers.Dense``.
        kernel_constraint: as ``keras.layers.Dense``.
        bias_constraint: as ``keras.layers.Dense``.

    Weights: ``kernel [num_relations, F, units]`` (or ``bases [num_bases, F, units]`` and
    ``coefficients [num_relations, num_bases]``), ``root_kernel [F, units]``, ``bias``.

    Input: ``[nodes, edges, edge_features]`` or a dict with "edge_features".
    Output: ``RaggedTensor[batch, (n), units]``.
    """

    requires_edge_features = True

    def __init__(self, units, num_relations, num_bases=None, relation_feature=0,
                 aggregate="mean", activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        validation.choice("aggregate", aggregate, ("mean", "sum"))
        super().__init__(aggregate=aggregate, **kwargs)
        self._init_dense_options(units, activation, use_bias, kernel_initializer,
                                 bias_initializer, kernel_regularizer, bias_regularizer,
                                 kernel_constraint, bias_constraint)
        self.num_relations = validation.positive_int("num_relations", num_relations)
        self.num_bases = (None if num_bases is None
                          else validation.positive_int("num_bases", num_bases))
        self.relation_feature = validation.non_negative_int("relation_feature", relation_feature)

    def build_graph(self, node_dim, edge_dim):
        if self.relation_feature >= edge_dim:
            raise ValueError(
                f"RGCNConv: `relation_feature` must index an edge feature column. Received: "
                f"relation_feature={self.relation_feature} with {edge_dim} edge features")
        shape = (node_dim, self.units)
        if self.num_bases is None:
            self.kernel = self._kernel((self.num_relations,) + shape)
        else:
            self.bases = self._kernel((self.num_bases,) + shape, name="bases")
            self.coefficients = self._kernel((self.num_relations, self.num_bases),
                                             name="coefficients")
        self.root_kernel = self._kernel(shape, name="root_kernel")
        self.bias = self._bias((self.units,)) if self.use_bias else None

    def _relations(self, edge_features):
        rel = tf.cast(tf.round(tf.cast(edge_features[:, self.relation_feature], tf.float32)),
                      tf.int32)
        if tf.executing_eagerly():
            values = rel.numpy()
            if values.size and (values.min() < 0 or values.max() >= self.num_relations):
                bad = values[(values < 0) | (values >= self.num_relations)][0]
                raise ValueError(
                    f"RGCNConv: relation ids must be in [0, {self.num_relations}). Received: "
                    f"an edge with relation {int(bad)}")
            return rel
        checks = [tf.debugging.assert_non_negative(rel, message="relation id < 0"),
                  tf.debugging.assert_less(rel, self.num_relations,
                                           message="relation id >= num_relations")]
        with tf.control_dependencies(checks):
            return tf.identity(rel)

    def compute_output_dim(self, node_dim, edge_dim):
        return self.units

    def message_and_aggregate(self, x, graph, edge_weight=None):
        """``sum_r AGG_{j -r-> i} x_j W_r``: one reduction over (target, relation) segments."""
        n = graph.num_nodes
        rel = self._relations(graph.edge_features)
        if self.num_bases is None:
            kernel = self.kernel
        else:
            kernel = tf.einsum("rb,bfu->rfu", self.coefficients, self.bases)
        xw = tf.einsum("nf,rfu->nru", x, kernel)  # every node by every relation
        messages = tf.gather_nd(xw, tf.stack([graph.sources, rel], 1))
        segments = graph.targets * self.num_relations + rel
        summed = scatter(messages, segments, n * self.num_relations,
                         reduce=self.aggregate_name)
        return tf.reduce_sum(tf.reshape(summed, [n, self.num_relations, self.units]), 1)

    def call_graph(self, graph, training=None):
        x = graph.nodes
        agg = self.propagate(x, graph)
        return self._output(agg, x, self.root_kernel)

    def get_config(self):
        config = super().get_config()
        config.update(self._dense_config())
        config.update(num_relations=self.num_relations, num_bases=self.num_bases,
                      relation_feature=self.relation_feature)
        return config


