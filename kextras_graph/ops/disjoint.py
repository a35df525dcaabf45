"""Ragged <-> flat ("disjoint") conversion of graph batches.

A batch of graphs arrives as ragged tensors (``nodes[batch, (n), F]``,
``edges[batch, (e), 2]`` with indices local to each graph, column 0 = source,
column 1 = target). Layers work on one big disjoint graph: the node values, global edge
indices (local index + node offset of the edge's graph) and a graph id per node/edge.
"""

import numpy as np
import tensorflow as tf

__all__ = [
    "DisjointGraph",
    "ragged_to_disjoint",
    "disjoint_to_ragged",
    "validate_graph_inputs",
]

INDEX_DTYPE = tf.int32


class DisjointGraph:
    """A batch of graphs as one flat disjoint graph.

    Attributes:
        nodes: ``[N, F]`` node features of all graphs, graph after graph.
        sources, targets: ``[E]`` global node indices (int32) of every edge.
        edge_features: ``[E, Fe]`` or None.
        node_graph_ids: ``[N]`` graph of every node; ``edge_graph_ids``: ``[E]``.
        node_row_splits, edge_row_splits: ``[B + 1]`` row splits of the ragged inputs.
        num_nodes, num_edges, num_graphs: scalar int32 tensors.
    """

    def __init__(self, nodes, sources, targets, edge_features, node_row_splits,
                 edge_row_splits, node_graph_ids, edge_graph_ids):
        self.nodes = nodes
        self.sources = sources
        self.targets = targets
        self.edge_features = edge_features
        self.node_row_splits = node_row_splits
        self.edge_row_splits = edge_row_splits
        self.node_graph_ids = node_graph_ids
        self.edge_graph_ids = edge_graph_ids
        self.num_nodes = tf.shape(nodes, out_type=INDEX_DTYPE)[0]
        self.num_edges = tf.shape(sources, out_type=INDEX_DTYPE)[0]
        self.num_graphs = tf.shape(node_row_splits, out_type=INDEX_DTYPE)[0] - 1
        # Graph mode only: a scalar bool, True when an edge index is invalid. XLA drops
        # tf.debugging assertions; layers turn their outputs into NaN with it instead.
        self.invalid = None

    def nodes_to_ragged(self, values):
        """Wraps flat per-node ``values`` ``[N, ...]`` as ``[batch, (n), ...]``."""
        return tf.RaggedTensor.from_row_splits(values, self.node_row_splits, validate=False)

    def edges_to_ragged(self, values):
        """Wraps flat per-edge ``values`` ``[E, ...]`` as ``[batch, (e), ...]``."""
        return tf.RaggedTensor.from_row_splits(values, self.edge_row_splits, validate=False)


def _check_ragged(name, x, rank, last_dim=None, integer=False):
    if not isinstance(x, tf.RaggedTensor):
        raise ValueError(
            f"`{name}` must be a tf.RaggedTensor of shape [batch, (n), "
            f"{'2' if last_dim == 2 else 'F'}]. Received: {name}={type(x).__name__} "
            f"with shape {getattr(x, 'shape', None)}")
    if x.ragged_rank != 1 or x.shape.rank != rank:
        raise ValueError(
            f"`{name}` must be a RaggedTensor with ragged_rank=1 and rank {rank} "
            f"([batch, (ragged), {'2' if last_dim == 2 else 'F'}]). Received: {name} with "
            f"shape {x.shape} and ragged_rank={x.ragged_rank}")
    if integer and not x.dtype.is_integer:
        raise ValueError(
            f"`{name}` must hold integer node indices. Received: {name} with dtype "
            f"{x.dtype.name}")
    if not integer and not x.dtype.is_floating:
        raise ValueError(
            f"`{name}` must hold floating point features. Received: {name} with dtype "
            f"{x.dtype.name}")
    if last_dim is not None and x.shape[-1] is not None and x.shape[-1] != last_dim:
        raise ValueError(
            f"`{name}` must have size {last_dim} on its last axis (source, target). "
            f"Received: {name} with shape {x.shape}")


def validate_graph_inputs(nodes, edges, edge_features=None):
    """Static checks (types, ranks, dtypes, known batch sizes); raises ValueError."""
    _check_ragged("nodes", nodes, 3)
    _check_ragged("edges", edges, 3, last_dim=2, integer=True)
    if edge_features is not None:
        _check_ragged("edge_features", edge_features, 3)
    b_nodes, b_edges = nodes.shape[0], edges.shape[0]
    if b_nodes is not None and b_edges is not None and b_nodes != b_edges:
        raise ValueError(
            "`nodes` and `edges` must have the same batch size. Received: "
            f"nodes batch={b_nodes}, edges batch={b_edges}")


def _eager_checks(node_splits, edge_splits, local, edge_graph_ids, ef_splits):
    node_splits = node_splits.numpy()
    edge_splits = edge_splits.numpy()
    if len(node_splits) != len(edge_splits):
        raise ValueError(
            "`nodes` and `edges` must have the same batch size. Received: "
            f"nodes batch={len(node_splits) - 1}, edges batch={len(edge_splits) - 1}")
    if ef_splits is not None and not np.array_equal(ef_splits.numpy(), edge_splits):
        raise ValueError(
            "`edge_features` must have one row per edge of `edges` in every graph. "
            f"Received: edge_features row lengths {np.diff(ef_splits.numpy()).tolist()}, "
            f"edges row lengths {np.diff(edge_splits).tolist()}")
    local = local.numpy()
    if local.size == 0:
        return
    if local.min() < 0:
        k = int(np.argwhere(local < 0)[0][0])
        g = int(edge_graph_ids.numpy()[k])
        raise ValueError(
            "`edges` must hold non-negative node indices. Received: edges of graph "
            f"{g} contains {local[k].tolist()}")
    counts = np.diff(node_splits)[edge_graph_ids.numpy()]
    bad = local >= counts[:, None]
    if bad.any():
        k = int(np.argwhere(bad)[0][0])
        g = int(edge_graph_ids.numpy()[k])
        raise ValueError(
            f"`edges` index out of range for its graph. Received: edges of graph {g} "
            f"contains {local[k].tolist()} but that graph has {int(counts[k])} nodes")


def ragged_to_disjoint(nodes, edges, edge_features=None, validate=True):
    """Converts a ragged graph batch to a :class:`DisjointGraph`.

    Args:
        nodes: ``RaggedTensor[batch, (n), F]`` float node features.
        edges: ``RaggedTensor[batch, (e), 2]`` int, local indices (source, target).
        edge_features: optional ``RaggedTensor[batch, (e), Fe]`` float.
        validate: check batch sizes, edge feature row lengths and index ranges. In eager
            mode a failed check raises ValueError; in graph mode (``tf.function``,
            ``fit``) the checks are ``tf.debugging`` assertions that raise
            ``InvalidArgumentError`` when run (cost: a few reductions over the edges).
            XLA (``jit_compile=True``) drops assertions: there ``graph.invalid`` (a
            scalar bool) is what the layers use to turn their outputs into NaN.

    Returns:
        DisjointGraph.
    """
    validate_graph_inputs(nodes, edges, edge_features)
    node_splits = tf.cast(nodes.row_splits, INDEX_DTYPE)
    edge_splits = tf.cast(edges.row_splits, INDEX_DTYPE)
    local = tf.cast(edges.values, INDEX_DTYPE)
    edge_graph_ids = tf.cast(edges.value_rowids(), INDEX_DTYPE)
    ef_splits = None if edge_features is None else edge_features.row_splits
    if validate:
        if tf.executing_eagerly():
            _eager_checks(node_splits, edge_splits, local, edge_graph_ids,
                          ef_splits)
        else:
            checks = [tf.debugging.assert_equal(
                tf.shape(node_splits)[0], tf.shape(edge_splits)[0],
                message="`nodes` and `edges` must have the same batch size")]
            if ef_splits is not None:
                checks.append(tf.debugging.assert_equal(
                    tf.cast(ef_splits, INDEX_DTYPE), edge_splits,
                    message="`edge_features` must have one row per edge of `edges`"))
            with tf.control_dependencies(checks):
                counts = node_splits[1:] - node_splits[:-1]
                limit = tf.gather(counts, edge_graph_ids)[:, None]
            checks.append(tf.debugging.assert_non_negative(
                local, message="`edges` must hold non-negative node indices"))
            checks.append(tf.debugging.assert_less(
                local, limit, message="`edges` index out of range for its graph "
                "(an index >= the number of nodes of that graph)"))
            invalid = tf.logical_not(tf.reduce_all((local >= 0) & (local < limit)))
            with tf.control_dependencies(checks):
                local = tf.identity(local)
    offsets = tf.gather(node_splits, edge_graph_ids)
    global_idx = local + offsets[:, None]
    node_graph_ids = tf.cast(nodes.value_rowids(), INDEX_DTYPE)
    graph = DisjointGraph(
        nodes=nodes.values,
        sources=global_idx[:, 0],
        targets=global_idx[:, 1],
        edge_features=None if edge_features is None else edge_features.values,
        node_row_splits=nodes.row_splits,
        edge_row_splits=edges.row_splits,
        node_graph_ids=node_graph_ids,
        edge_graph_ids=edge_graph_ids,
    )
    if validate and not tf.executing_eagerly():
        graph.invalid = invalid
    return graph


def disjoint_to_ragged(values, row_splits):
    """Inverse of the flattening: ``values[N, ...]`` + ``row_splits`` -> ragged batch."""
    return tf.RaggedTensor.from_row_splits(values, row_splits, validate=False)
