"""Ragged <-> flat ("disjoint") conversion of graph batches.

A batch of graphs arrives as ragged tensors (``nodes[batch, (n), F]``,
``edges[batch, (e), 2]`` with indices local to each graph, column 0 = source,
column 1 = target). Layers work on one big disjoint graph: the node values, global edge
indices (local index + node offset of the edge's graph) and a graph id per node/edge.
"""

import functools

import numpy as np
import tensorflow as tf

__all__ = [
    "DisjointGraph",
    "ragged_to_disjoint",
    "disjoint_to_ragged",
    "validate_graph_inputs",
    "row_ids",
]

INDEX_DTYPE = tf.int32


def _graph_cache():
    """Per-``tf.function``-graph memo of structure-only tensors (None in eager mode).

    Stored on the FuncGraph itself, so it lives exactly as long as the traced graph and
    is never shared across graphs (each ``tf.cond``/``while`` branch is its own graph).
    Keys hold ``Tensor.ref()`` of the input tensors: layers that receive the same edge
    list and node row splits (every conv layer of a model) reuse one set of row ids,
    global indices, index checks and normalizations instead of rebuilding them.
    """
    if tf.executing_eagerly():
        return None
    g = tf.compat.v1.get_default_graph()
    cache = getattr(g, "_kextras_graph_cache", None)
    if cache is None:
        cache = {}
        try:
            g._kextras_graph_cache = cache
        except AttributeError:  # pragma: no cover - a graph type without a __dict__
            return None
    return cache


def row_ids(row_splits):
    """Row (graph) id of every value, int32 ``[row_splits[-1]]``.

    Same result as ``RaggedTensor.value_rowids()`` (empty rows allowed) with one
    ``UpperBound`` (binary search) instead of TensorFlow's ``repeat`` construction; memoized
    per splits tensor inside a ``tf.function``.
    """
    cache = _graph_cache()
    key = ("row_ids", row_splits.ref()) if cache is not None else None
    if key is not None and key in cache:
        return cache[key]
    splits = tf.cast(row_splits, INDEX_DTYPE)
    ids = tf.raw_ops.UpperBound(sorted_inputs=splits[None, 1:],
                                values=tf.range(splits[-1])[None],
                                out_type=INDEX_DTYPE)[0]
    if key is not None:
        cache[key] = ids
    return ids


class DisjointGraph:
    """A batch of graphs as one flat disjoint graph.

    Attributes:
        nodes: ``[N, F]`` node features of all graphs, graph after graph.
        sources: ``[E]`` global node indices (int32) of every edge.
        targets: ``[E]`` global node indices (int32) of every edge.
        edge_features: ``[E, Fe]`` or None.
        node_graph_ids: ``[N]`` graph of every node; ``edge_graph_ids``: ``[E]`` (int32;
            computed on first use when not given).
        node_row_splits: ``[B + 1]`` row splits of the ragged inputs.
        edge_row_splits: ``[B + 1]`` row splits of the ragged inputs.
        num_nodes: scalar int32 tensors.
        num_edges: scalar int32 tensors.
        num_graphs: scalar int32 tensors.
        cache: a dict for values derived from the edge structure only (e.g. the GCN
            normalization); shared by every layer of a traced model that sees the same
            edges and node row splits.
    """

    def __init__(self, nodes, sources, targets, edge_features, node_row_splits,
                 edge_row_splits, node_graph_ids=None, edge_graph_ids=None, cache=None,
                 ragged_nodes=None):
        self.nodes = nodes
        self.sources = sources
        self.targets = targets
        self.edge_features = edge_features
        self.node_row_splits = node_row_splits
        self.edge_row_splits = edge_row_splits
        if node_graph_ids is not None:  # else computed on first use (cached_property)
            self.node_graph_ids = node_graph_ids
        if edge_graph_ids is not None:
            self.edge_graph_ids = edge_graph_ids
        self.cache = {} if cache is None else cache
        self._ragged_nodes = ragged_nodes
        self.num_nodes = tf.shape(nodes, out_type=INDEX_DTYPE)[0]
        self.num_edges = tf.shape(sources, out_type=INDEX_DTYPE)[0]
        # Graph mode only: a scalar bool, True when an edge index is invalid. XLA drops
        # tf.debugging assertions; layers turn their outputs into NaN with it instead.
        self.invalid = None

    @property
    def num_graphs(self):
        return tf.shape(self.node_row_splits, out_type=INDEX_DTYPE)[0] - 1

    @functools.cached_property
    def node_graph_ids(self):
        return row_ids(self.node_row_splits)

    @functools.cached_property
    def edge_graph_ids(self):
        return row_ids(self.edge_row_splits)

    def nodes_to_ragged(self, values):
        """Wraps flat per-node ``values`` ``[N, ...]`` as ``[batch, (n), ...]``."""
        if self._ragged_nodes is not None:
            # reuses the input's row partition: no new ops
            return self._ragged_nodes.with_values(values)
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


_INDEX_MESSAGE = ("`edges` index out of range for its graph: edge indices must be "
                  "non-negative and less than the number of nodes of that graph")


def _edge_structure(nodes, edges, validate):
    """Global edge indices, edge graph ids and the index checks (memoized per graph)."""
    cache = _graph_cache()
    key = None
    if cache is not None:
        key = ("disjoint", nodes.row_splits.ref(), edges.values.ref(),
               edges.row_splits.ref(), bool(validate))
        if key in cache:
            return cache[key]
    node_splits = tf.cast(nodes.row_splits, INDEX_DTYPE)
    edge_splits = tf.cast(edges.row_splits, INDEX_DTYPE)
    local = tf.cast(edges.values, INDEX_DTYPE)
    invalid = None
    if validate and tf.executing_eagerly():
        edge_graph_ids = row_ids(edges.row_splits)
        _eager_checks(node_splits, edge_splits, local, edge_graph_ids, None)
        offsets = tf.gather(node_splits, edge_graph_ids)
    elif validate:
        same_batch = tf.debugging.Assert(
            tf.equal(tf.shape(node_splits)[0], tf.shape(edge_splits)[0]),
            ["`nodes` and `edges` must have the same batch size"])
        with tf.control_dependencies([same_batch]):
            edge_graph_ids = tf.identity(row_ids(edges.row_splits))
        offsets = tf.gather(node_splits, edge_graph_ids)
        ends = tf.gather(node_splits[1:], edge_graph_ids)
        ok = tf.reduce_all((local >= 0) & (local + offsets[:, None] < ends[:, None]))
        invalid = tf.logical_not(ok)
        with tf.control_dependencies([tf.debugging.Assert(ok, [_INDEX_MESSAGE])]):
            local = tf.identity(local)
    else:
        edge_graph_ids = row_ids(edges.row_splits)
        offsets = tf.gather(node_splits, edge_graph_ids)
    global_idx = local + offsets[:, None]
    structure = (global_idx[:, 0], global_idx[:, 1], edge_graph_ids, invalid, {})
    if key is not None:
        cache[key] = structure
    return structure


def ragged_to_disjoint(nodes, edges, edge_features=None, validate=True):
    """Converts a ragged graph batch to a :class:`DisjointGraph`.

    Args:
        nodes: ``RaggedTensor[batch, (n), F]`` float node features.
        edges: ``RaggedTensor[batch, (e), 2]`` int, local indices (source, target).
        edge_features: optional ``RaggedTensor[batch, (e), Fe]`` float.
        validate: check batch sizes, edge feature row lengths and index ranges. In eager
            mode a failed check raises ValueError; in graph mode (``tf.function``,
            ``fit``) the checks are ``tf.debugging`` assertions that raise
            ``InvalidArgumentError`` when run (cost: a few reductions over the edges, done
            once per traced graph for a given edge list and node row splits).
            XLA (``jit_compile=True``) drops assertions: there ``graph.invalid`` (a
            scalar bool) is what the layers use to turn their outputs into NaN.

    Returns:
        DisjointGraph.
    """
    validate_graph_inputs(nodes, edges, edge_features)
    if validate and tf.executing_eagerly():
        # batch size first: a clear error before any index arithmetic
        if nodes.row_splits.shape[0] != edges.row_splits.shape[0]:
            raise ValueError(
                "`nodes` and `edges` must have the same batch size. Received: "
                f"nodes batch={nodes.row_splits.shape[0] - 1}, "
                f"edges batch={edges.row_splits.shape[0] - 1}")
    ef_values = None
    if edge_features is not None:
        ef_values = edge_features.values
        if validate:
            ef_splits = edge_features.row_splits
            if tf.executing_eagerly():
                _eager_checks(nodes.row_splits, edges.row_splits,
                              tf.zeros([0, 2], INDEX_DTYPE), None, ef_splits)
            else:
                e_splits = tf.cast(edges.row_splits, INDEX_DTYPE)
                f_splits = tf.cast(ef_splits, INDEX_DTYPE)
                size_f, size_e = tf.size(f_splits), tf.size(e_splits)
                n = tf.minimum(size_f, size_e)
                same = tf.logical_and(tf.equal(size_f, size_e),
                                      tf.reduce_all(tf.equal(f_splits[:n], e_splits[:n])))
                check = tf.debugging.Assert(
                    same, ["`edge_features` must have one row per edge of `edges`"])
                with tf.control_dependencies([check]):
                    ef_values = tf.identity(ef_values)
    sources, targets, edge_graph_ids, invalid, cache = _edge_structure(nodes, edges, validate)
    graph = DisjointGraph(
        nodes=nodes.values,
        sources=sources,
        targets=targets,
        edge_features=ef_values,
        node_row_splits=nodes.row_splits,
        edge_row_splits=edges.row_splits,
        edge_graph_ids=edge_graph_ids,
        cache=cache,
        ragged_nodes=nodes,
    )
    graph.invalid = invalid
    return graph


def disjoint_to_ragged(values, row_splits):
    """Inverse of the flattening: ``values[N, ...]`` + ``row_splits`` -> ragged batch."""
    return tf.RaggedTensor.from_row_splits(values, row_splits, validate=False)
