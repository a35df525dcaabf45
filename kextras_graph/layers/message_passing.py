"""MessagePassing: the engine of every graph convolution, built-in or user-written."""

import inspect

import tensorflow as tf

from kextras import validation
from kextras_graph.layers._base import GraphLayer
from kextras_graph.ops.segment import gather_rows, propagate_sum, scatter, scatter_sum

AGGREGATES = ("sum", "mean", "max", "min")


def _accepted(fn):
    params = inspect.signature(fn).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return None  # accepts everything
    return set(params)


def _filter(kwargs, accepted):
    if accepted is None:
        return kwargs
    return {k: v for k, v in kwargs.items() if k in accepted}


class MessagePassing(GraphLayer):
    """Message passing: message, aggregate, update (``propagate``).

    For every edge ``j -> i`` a message ``m_ji = message(x_i, x_j, e_ji, w_ji)`` is
    computed, the messages arriving at each node are reduced,
    ``a_i = aggregate_{j -> i} m_ji`` (sum, mean, max or min; 0 for a node without
    incoming edges), and the node is updated, ``x_i' = update(a_i, x_i)``.

    ``propagate(x, graph, edge_weight=None, training=None, **kwargs)`` runs the three
    steps and picks the kernel: with the default ``message`` (``w_ji x_j``, or ``x_j``;
    ``edge_weight`` ``[E]``, or ``[E, H]`` per head for ``x [N, H, C]``, e.g. attention)
    and a "sum" or "mean" aggregation it calls ``message_and_aggregate``, by default one
    ``A @ x`` (sparse-dense matmuls, one per head, or a gather and a scatter with
    ``sparse=False``); otherwise it gathers the features, calls ``message`` and reduces
    with ``kextras_graph.ops.scatter(..., reduce=aggregate)`` (a sum: sparse products on
    CPU, ``scatter_nd`` with ``sparse=False``). Extra ``kwargs`` reach
    ``message`` and ``update`` when they declare them.

    Override any of:

    * ``build_graph(self, node_dim, edge_dim)``: create weights;
    * ``message(self, x_i, x_j, edge_weight, edge_features, graph, training)``: ``[E, ...]``
      tensors -> ``[E, M]`` messages; declare only the arguments you need (``x_i`` is
      gathered only if declared);
    * ``aggregate(self, messages, targets, num_nodes)``: the ``aggregate`` reduction;
    * ``message_and_aggregate(self, x, graph, edge_weight)``: a fused kernel, used by
      ``propagate`` whenever it is overridden;
    * ``update(self, aggregated, x, graph, training)``: ``[N, M]`` -> ``[N, F']``;
    * ``call_graph(self, graph, training)``: the whole step (default
      ``self.propagate(graph.nodes, graph, training=training)``);
    * ``compute_output_dim(self, node_dim, edge_dim)``: ``F'`` (default: found by
      running ``call_graph`` once on a one-node graph).

    Args:
        aggregate: "sum" (default), "mean", "max" or "min".
        sparse: the ``A @ x`` kernel, "auto" (default), True or False (see ``GraphLayer``).
        **kwargs: keyword arguments of ``keras.layers.Layer``.

    Input: ``[nodes, edges(, edge_features)]`` with ``nodes`` ``RaggedTensor[batch, (n), F]``,
    ``edges`` ``RaggedTensor[batch, (e), 2]`` int (local source, target), or a dict with
    those keys. Output: ``RaggedTensor[batch, (n), F']`` (or the dict with new ``"nodes"``).
    """

    def __init__(self, aggregate="sum", **kwargs):
        super().__init__(**kwargs)
        self.aggregate_name = validation.choice("aggregate", aggregate, AGGREGATES)
        self._message_args = _accepted(self.message)
        self._update_args = _accepted(self.update)
        cls = type(self)
        self._fused = cls.message_and_aggregate is not MessagePassing.message_and_aggregate or (
            cls.message is MessagePassing.message and cls.aggregate is MessagePassing.aggregate
            and self.aggregate_name in ("sum", "mean"))

    def message(self, x_j, edge_weight=None):
        if edge_weight is None:
            return x_j
        w = tf.cast(edge_weight, x_j.dtype)  # [E], or [E, H] for per-head [E, H, C] x_j
        extra = x_j.shape.rank - w.shape.rank
        return x_j * tf.reshape(w, tf.concat([tf.shape(w), tf.ones([extra], tf.int32)], 0))

    def aggregate(self, messages, targets, num_nodes):
        if self.aggregate_name == "sum":
            return scatter_sum(messages, targets, num_nodes, self.sparse)  # validated targets
        return scatter(messages, targets, num_nodes, reduce=self.aggregate_name)

    def message_and_aggregate(self, x, graph, edge_weight=None):
        """``A @ x`` (``A[t, s] = sum of w`` over the edges ``s -> t``; divided by the
        in-degree for "mean"), with the layer's kernel."""
        out = propagate_sum(x, graph.sources, graph.targets, graph.num_nodes, edge_weight,
                            adjacency=graph.adjacency, sparse=self.sparse)
        if self.aggregate_name == "mean":
            count = tf.cast(tf.maximum(graph.in_degree, 1), out.dtype)
            out = out / tf.reshape(count, [-1] + [1] * (out.shape.rank - 1))
        return out

    def update(self, aggregated):
        return aggregated

    def propagate(self, x, graph, edge_weight=None, training=None, **kwargs):
        """``update(aggregate(message(...)))`` for node features ``x`` ``[N, ...]``."""
        if self._fused:
            aggregated = self.message_and_aggregate(x, graph, edge_weight=edge_weight)
        else:
            wanted = self._message_args
            available = {"x_j": gather_rows(x, graph.sources, self.sparse),
                         "edge_weight": edge_weight,
                         "edge_features": graph.edge_features, "graph": graph,
                         "training": training, **kwargs}
            if wanted is None or "x_i" in wanted:
                available["x_i"] = gather_rows(x, graph.targets, self.sparse)
            messages = self.message(**_filter(available, wanted))
            aggregated = self.aggregate(messages, graph.targets, graph.num_nodes)
        extra = {"x": x, "graph": graph, "training": training, **kwargs}
        return self.update(aggregated, **_filter(extra, self._update_args))

    def call_graph(self, graph, training=None):
        return self.propagate(graph.nodes, graph, training=training)

    def get_config(self):
        config = super().get_config()
        config["aggregate"] = self.aggregate_name
        return config
