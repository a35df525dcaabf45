"""MessagePassing: the user-subclassable base of the graph convolutions."""

import inspect

import tensorflow as tf

from kextras_graph.layers._base import GraphLayer, get_aggregator


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
    """Message passing base layer: message, aggregate, update.

    For every edge ``j -> i`` a message ``m_ji = message(x_i, x_j, e_ji)`` is computed,
    the messages arriving at each node are reduced,
    ``a_i = aggregate_{j -> i} m_ji`` (sum, mean, max or min; 0 for a node without
    incoming edges), and the node is updated, ``x_i' = update(a_i, x_i)``.

    Subclass it and override any of:

    * ``build_graph(self, node_dim, edge_dim)``: create weights (``edge_dim`` is None
      without edge features);
    * ``message(self, x_i, x_j, edge_features, graph, training)``: ``[E, ...]`` tensors
      (target features, source features, edge features) -> ``[E, M]`` messages; declare
      only the arguments you need (``x_i`` is gathered only if declared). Default: ``x_j``;
    * ``aggregate(self, messages, targets, num_nodes)``: default the ``aggregate`` reduction;
    * ``update(self, aggregated, x, graph, training)``: ``[N, M]``, ``[N, F]`` -> ``[N, F']``.
      Default: ``aggregated``;
    * ``call_graph(self, graph, training)``: the whole step; the default is
      ``self.propagate(graph, graph.nodes, training)``. Override it to transform the
      node features before propagating (cheaper when ``F' < F``).

    Args:
        aggregate: "sum" (default), "mean", "max" or "min".
        **kwargs: keyword arguments of ``keras.layers.Layer``.

    Input: ``[nodes, edges(, edge_features)]`` with ``nodes`` ``RaggedTensor[batch, (n), F]``,
    ``edges`` ``RaggedTensor[batch, (e), 2]`` int (local source, target), or a dict with
    those keys. Output: ``RaggedTensor[batch, (n), F']`` (or the dict with new ``"nodes"``).
    """

    def __init__(self, aggregate="sum", **kwargs):
        super().__init__(**kwargs)
        self._aggregate_fn = get_aggregator(aggregate)
        self.aggregate_name = aggregate
        self._message_args = _accepted(self.message)
        self._update_args = _accepted(self.update)

    def message(self, x_j, **kwargs):
        return x_j

    def aggregate(self, messages, targets, num_nodes):
        return self._aggregate_fn(messages, targets, num_nodes)

    def update(self, aggregated, **kwargs):
        return aggregated

    def propagate(self, graph, x=None, training=None):
        """Runs message, aggregate and update for node features ``x`` (``[N, F]``)."""
        x = graph.nodes if x is None else x
        wanted = self._message_args
        available = {"x_j": tf.gather(x, graph.sources), "edge_features": graph.edge_features,
                     "graph": graph, "training": training}
        if wanted is None or "x_i" in wanted:
            available["x_i"] = tf.gather(x, graph.targets)
        messages = self.message(**_filter(available, wanted))
        aggregated = self.aggregate(messages, graph.targets, graph.num_nodes)
        kwargs = {"x": x, "graph": graph, "training": training}
        return self.update(aggregated, **_filter(kwargs, self._update_args))

    def call_graph(self, graph, training=None):
        return self.propagate(graph, graph.nodes, training=training)

    def get_config(self):
        config = super().get_config()
        config["aggregate"] = self.aggregate_name
        return config
