"""GraphBatch: the flat ("disjoint") structure of a ragged graph batch, built once.

A batch of graphs arrives ragged (``nodes[batch, (n), F]``, ``edges[batch, (e), 2]`` with
indices local to each graph, column 0 = source, column 1 = target). Layers work on one big
disjoint graph. Its structure (global edge indices, graph ids, degrees, the sparse pattern
of ``A``, an ``invalid`` flag) depends on the edges and the node row lengths only, so it is
built and validated once per batch by :func:`graph_structure` and carried, as a plain dict
of tensors under the key ``"graph"``, in the graph dict that flows through a model
(:func:`prepare_graph`; the first graph layer does it when the key is missing).
"""

import copy
import functools

import numpy as np
import tensorflow as tf

from kextras_graph.ops._eager import EagerFunction

__all__ = [
    "GraphBatch",
    "STRUCTURE_KEY",
    "graph_structure",
    "prepare_graph",
    "ragged_to_disjoint",
    "validate_graph_inputs",
    "row_ids",
]

INDEX_DTYPE = tf.int32
STRUCTURE_KEY = "graph"
_FIELDS = ("sources", "targets", "node_graph_ids", "edge_graph_ids", "in_degree",
           "out_degree", "adjacency", "invalid")
_INDEX_MESSAGE = ("`edges` index out of range for its graph: edge indices must be "
                  "non-negative and less than the number of nodes of that graph")
INVALID_MESSAGE = _INDEX_MESSAGE + "; `nodes` and `edges` must have the same batch size"


def static_size(x, axis=0):
    """``x.shape[axis]`` when known (eager: always, no op), else ``tf.shape(x)[axis]``."""
    size = x.shape[axis]
    return tf.constant(size, INDEX_DTYPE) if size is not None else tf.shape(
        x, out_type=INDEX_DTYPE)[axis]


def row_ids(row_splits, values=None):
    """Row (graph) id of every value, int32 ``[row_splits[-1]]`` (one binary search).

    ``values`` (the ragged values) gives the count from its shape, which XLA knows at
    compile time even after a data-dependent step (a pooling's ``boolean_mask``).
    """
    splits = tf.cast(row_splits, INDEX_DTYPE)
    count = splits[-1] if values is None else static_size(values)
    return tf.raw_ops.UpperBound(sorted_inputs=splits[None, 1:], values=tf.range(count)[None],
                                 out_type=INDEX_DTYPE)[0]


def _check_ragged(name, x, rank, last_dim=None, integer=False):
    what = "2" if last_dim == 2 else "F"
    if not isinstance(x, tf.RaggedTensor):
        raise ValueError(
            f"`{name}` must be a tf.RaggedTensor of shape [batch, (n), {what}]. Received: "
            f"{name}={type(x).__name__} with shape {getattr(x, 'shape', None)}")
    values = x.values  # ragged_rank 1 and rank `rank`: flat values of rank `rank - 1`
    inner = None if isinstance(values, tf.RaggedTensor) else values.shape
    if inner is None or inner.rank != rank - 1:
        raise ValueError(
            f"`{name}` must be a RaggedTensor with ragged_rank=1 and rank {rank} ([batch, "
            f"(ragged), {what}]). Received: {name} with shape {x.shape} and "
            f"ragged_rank={x.ragged_rank}")
    dtype = values.dtype
    if integer != dtype.is_integer or (not integer and not dtype.is_floating):
        kind = "integer node indices" if integer else "floating point features"
        raise ValueError(f"`{name}` must hold {kind}. Received: {name} with dtype {dtype.name}")
    if last_dim is not None and inner[-1] is not None and inner[-1] != last_dim:
        raise ValueError(
            f"`{name}` must have size {last_dim} on its last axis (source, target). "
            f"Received: {name} with shape {x.shape}")


def validate_graph_inputs(nodes, edges, edge_features=None):
    """Static checks (types, ranks, dtypes, known batch sizes); raises ValueError."""
    _check_ragged("nodes", nodes, 3)
    _check_ragged("edges", edges, 3, last_dim=2, integer=True)
    if edge_features is not None:
        _check_ragged("edge_features", edge_features, 3)
    s_nodes, s_edges = nodes.row_splits.shape[0], edges.row_splits.shape[0]
    if s_nodes is not None and s_edges is not None and s_nodes != s_edges:
        raise ValueError(
            "`nodes` and `edges` must have the same batch size. Received: "
            f"nodes batch={s_nodes - 1}, edges batch={s_edges - 1}")


def _raise_bad_edge(local, edge_graph_ids, sizes):
    bad = (local < 0) | (local >= sizes[:, None])
    k = int(np.argwhere(bad)[0][0])
    if (local[k] < 0).any():
        raise ValueError(
            "`edges` must hold non-negative node indices. Received: edges of graph "
            f"{int(edge_graph_ids[k])} contains {local[k].tolist()}")
    raise ValueError(
        f"`edges` index out of range for its graph. Received: edges of graph "
        f"{int(edge_graph_ids[k])} contains {local[k].tolist()} but that graph has "
        f"{int(sizes[k])} nodes")


def numpy_structure(node_splits, edge_values, edge_splits):
    """:func:`graph_structure` in eager mode, from the node row splits, the flat edges and
    their row splits: one host copy of each, validated (in their own int32 or int64 dtype,
    before any cast) and turned into the structure with NumPy, a handful of tensors instead
    of ~25 dispatched ops."""
    node_splits, edge_splits = node_splits.numpy(), edge_splits.numpy()
    if len(node_splits) != len(edge_splits):
        raise ValueError(
            "`nodes` and `edges` must have the same batch size. Received: "
            f"nodes batch={len(node_splits) - 1}, edges batch={len(edge_splits) - 1}")
    local = edge_values.numpy()
    num_graphs, num_nodes = len(node_splits) - 1, int(node_splits[-1])
    edge_counts, node_counts = np.diff(edge_splits), np.diff(node_splits)
    edge_graph_ids = np.repeat(np.arange(num_graphs, dtype=np.int32), edge_counts)
    sizes = np.repeat(node_counts, edge_counts)  # node count of each edge's graph
    if local.min(initial=0) < 0 or (local >= sizes[:, None]).any():
        _raise_bad_edge(local, edge_graph_ids, sizes)
    glob = local + np.repeat(node_splits[:-1], edge_counts)[:, None]  # int64, in range
    sources, targets = glob[:, 0].astype(np.int32), glob[:, 1].astype(np.int32)
    arrays = {
        "sources": sources,
        "targets": targets,
        "node_graph_ids": np.repeat(np.arange(num_graphs, dtype=np.int32), node_counts),
        "edge_graph_ids": edge_graph_ids,
        "in_degree": np.bincount(targets, minlength=num_nodes).astype(np.int32),
        "out_degree": np.bincount(sources, minlength=num_nodes).astype(np.int32),
        "adjacency": glob[:, ::-1].astype(np.int64),
        "invalid": np.array(False),
    }
    return {k: tf.constant(v) for k, v in arrays.items()}


def check_edge_features(edges, edge_features):
    """Edge features with one row per edge: eager ValueError, graph-mode assertion.

    Returns the flat edge feature values (with the assertion as a control dependency).
    """
    e_splits = tf.cast(edges.row_splits, INDEX_DTYPE)
    f_splits = tf.cast(edge_features.row_splits, INDEX_DTYPE)
    if tf.executing_eagerly():
        if not np.array_equal(e_splits.numpy(), f_splits.numpy()):
            raise ValueError(
                "`edge_features` must have one row per edge of `edges` in every graph. "
                f"Received: edge_features row lengths {np.diff(f_splits.numpy()).tolist()}, "
                f"edges row lengths {np.diff(e_splits.numpy()).tolist()}")
        return edge_features.values
    size_f, size_e = tf.size(f_splits), tf.size(e_splits)
    n = tf.minimum(size_f, size_e)
    same = tf.logical_and(tf.equal(size_f, size_e),
                          tf.reduce_all(tf.equal(f_splits[:n], e_splits[:n])))
    check = tf.debugging.Assert(same, ["`edge_features` must have one row per edge of `edges`"])
    with tf.control_dependencies([check]):
        return tf.identity(edge_features.values)


def graph_structure(nodes, edges, validate=True):
    """The structure dict of a ragged batch (what ``prepare_graph`` stores under "graph").

    Keys: ``sources``, ``targets`` (``[E]`` int32 global node indices), ``node_graph_ids``
    ``[N]``, ``edge_graph_ids`` ``[E]``, ``in_degree``, ``out_degree`` (``[N]`` int32 edge
    counts), ``adjacency`` (``[E, 2]`` int64 (target, source): the pattern of the sparse
    ``A``) and ``invalid`` (scalar bool: an edge index out of range or a nodes/edges
    batch-size mismatch). Integers only: Keras casts floating inputs of a layer to its
    compute dtype, so per-dtype normalizations are derived from the degrees by the layers
    (``ops.gcn_norm(..., in_degree=)``).

    ``validate`` checks the indices in their own dtype (int64 before the cast to int32):
    in eager mode a bad batch raises ``ValueError``; in a ``tf.function`` the checks are
    assertions (``InvalidArgumentError``); XLA drops assertions, and there the layers turn
    their outputs into NaN through ``invalid``.
    """
    validate_graph_inputs(nodes, edges)
    if validate and tf.executing_eagerly():
        return _eager_structure(nodes, edges)
    return disjoint_structure(nodes.row_splits, edges.values, edges.row_splits,
                              static_size(nodes.values), row_ids(nodes.row_splits, nodes.values),
                              validate)



def _structure_step(static, node_splits, local, edge_splits):
    num_nodes = tf.cast(node_splits[-1], INDEX_DTYPE)
    return disjoint_structure(node_splits, local, edge_splits, num_nodes, row_ids(node_splits))


def _numpy_step(static, node_splits, local, edge_splits):
    return numpy_structure(node_splits, local, edge_splits)


# One function for every eager build (an explicit, bounded, thread-safe object): the ~25
# ops of the structure as one call, which leaves the caches warmer for the layers' own
# steps than the NumPy build (about the same cost alone, less in a forward). Calls it does
# not trace (warm-up, bound, strategies) use NumPy.
_STRUCTURE = EagerFunction(_structure_step, fallback=_numpy_step)


def _eager_structure(nodes, edges):
    """:func:`graph_structure` of checked ragged inputs in eager mode, through
    ``_STRUCTURE``; a bad batch raises the ValueError of :func:`numpy_structure` (which
    names the bad edge)."""
    args = (nodes.row_splits, edges.values, edges.row_splits)
    try:
        return _STRUCTURE(None, *args)
    except tf.errors.InvalidArgumentError:  # the assertion of a traced call
        numpy_structure(*args)  # raises the ValueError that says which edge
        raise

def disjoint_structure(node_splits, local, edge_splits, num_nodes, node_graph_ids,
                       validate=True):
    """The ops of :func:`graph_structure` in a graph (also the body of the layers' eager
    structure function): row splits and flat edges in, the structure dict out.

    ``num_nodes`` and ``node_graph_ids`` are given by the caller (from the node values'
    shape where XLA needs a static count).
    """
    splits = node_splits
    src, dst = local[:, 0], local[:, 1]  # [E] columns: no broadcasting [E, 2] ops
    node_splits = tf.cast(splits, INDEX_DTYPE)
    edge_graph_ids = row_ids(edge_splits, local)
    if validate:  # in the indices' own dtype (int64 before the cast to int32)
        same_batch = tf.equal(tf.size(node_splits), tf.size(edge_splits))
        ids = tf.minimum(edge_graph_ids, tf.size(node_splits) - 2)  # in range even if not same
        counts = tf.cast(splits[1:] - splits[:-1], local.dtype)
        count = tf.gather(counts, ids)
        in_range = tf.reduce_all(tf.logical_and(tf.minimum(src, dst) >= 0,
                                                tf.maximum(src, dst) < count))
        ok = tf.logical_and(same_batch, in_range)
        invalid = tf.logical_not(ok)
        # a stateful op: a tf.function runs it although nothing depends on it. No control
        # dependency on the indices, which would keep the same structure built by two
        # list-style layers from being merged (Grappler's common subexpressions); the
        # layers tie their outputs to `invalid` instead (`poison`).
        tf.debugging.Assert(ok, [INVALID_MESSAGE])
        edge_graph_ids = ids  # never out of range, even on a batch-size mismatch
    else:
        invalid = tf.constant(False)
    offsets = tf.gather(node_splits, edge_graph_ids)
    sources = tf.cast(src, INDEX_DTYPE) + offsets
    targets = tf.cast(dst, INDEX_DTYPE) + offsets
    if validate:  # bad indices become node 0: no kernel reads out of range before the check
        keep = tf.cast(ok, INDEX_DTYPE)
        sources, targets = sources * keep, targets * keep
    ones = tf.ones_like(sources)
    return {
        "sources": sources,
        "targets": targets,
        "node_graph_ids": node_graph_ids,
        "edge_graph_ids": edge_graph_ids,
        "in_degree": tf.math.unsorted_segment_sum(ones, targets, num_nodes),
        "out_degree": tf.math.unsorted_segment_sum(ones, sources, num_nodes),
        "adjacency": tf.cast(tf.stack([targets, sources], 1), tf.int64),
        "invalid": invalid,
    }


def prepare_graph(graph, validate=True):
    """Returns the graph dict with its structure under ``"graph"`` (built if missing).

    Use it in a ``tf.data`` pipeline (``dataset.map(prepare_graph)``) or let the first
    graph layer of a model do it: every later layer reuses the structure.
    """
    if STRUCTURE_KEY in graph:
        return graph
    out = dict(graph)
    out[STRUCTURE_KEY] = graph_structure(graph["nodes"], graph["edges"], validate=validate)
    return out


class GraphBatch:
    """A batch of graphs as one flat disjoint graph (what a layer's ``call_graph`` sees).

    Attributes:
        nodes: ``[N, F]`` node features of all graphs, graph after graph.
        edge_features: ``[E, Fe]`` or None.
        structure: the dict of :func:`graph_structure`; its entries are attributes too
            (``sources``, ``targets``, ``node_graph_ids``, ``edge_graph_ids``,
            ``in_degree``, ``out_degree``, ``adjacency``, ``invalid``).
        node_row_splits: ``[B + 1]`` row splits of the ragged node features (graph ``b``
            owns nodes ``node_row_splits[b]:node_row_splits[b + 1]``).
        edge_row_splits: ``[B + 1]`` row splits of the ragged edges.
        num_nodes: total node count ``N`` of the batch, a scalar int32 tensor.
        num_edges: total edge count ``E`` of the batch, a scalar int32 tensor.
        num_graphs: number of graphs ``B`` in the batch, a scalar int32 tensor.
    """

    def __init__(self, nodes, edge_features, structure, ragged_nodes, edge_row_splits):
        self.nodes = nodes
        self.edge_features = edge_features
        self.structure = structure
        self._ragged_nodes = ragged_nodes
        self._edge_row_splits = edge_row_splits

    @property
    def node_row_splits(self):
        return self._ragged_nodes.row_splits

    @property
    def edge_row_splits(self):
        return self._edge_row_splits

    # sizes on first use (most layers need one or two of them: no op for the others)
    @functools.cached_property
    def num_nodes(self):
        return static_size(self.nodes)

    @functools.cached_property
    def num_edges(self):
        return static_size(self.structure["sources"])

    @functools.cached_property
    def num_graphs(self):
        return static_size(self.node_row_splits) - 1

    def __getattr__(self, name):
        if name in _FIELDS:
            try:
                return self.__dict__["structure"][name]
            except KeyError:
                raise AttributeError(f"this GraphBatch has no `{name}`") from None
        raise AttributeError(name)

    def replace(self, **fields):
        """A copy with some structure entries replaced (e.g. ``sources``/``targets`` of a
        layer that adds self loops); ``adjacency`` and the degrees are dropped unless given."""
        structure = {k: v for k, v in self.structure.items()
                     if k not in ("adjacency", "in_degree", "out_degree")}
        structure.update(fields)
        out = copy.copy(self)
        out.__dict__.pop("num_edges", None)  # a cached size of the old edges
        out.structure = structure
        return out

    def nodes_to_ragged(self, values):
        """Wraps flat per-node ``values`` ``[N, ...]`` as ``[batch, (n), ...]``."""
        return self._ragged_nodes.with_values(values)

    def edges_to_ragged(self, values):
        """Wraps flat per-edge ``values`` ``[E, ...]`` as ``[batch, (e), ...]``."""
        return tf.RaggedTensor.from_row_splits(values, self.edge_row_splits, validate=False)


def _check_structure(structure, nodes, edges):
    """A stale "graph" entry (edges or nodes changed after it was built) is an error
    wherever the sizes are known (always in eager mode)."""
    for key, values, what in (("sources", edges.values, "edges"),
                              ("node_graph_ids", nodes.values, "nodes")):
        have, want = structure[key].shape[0], values.shape[0]
        if have is not None and want is not None and have != want:
            raise ValueError(
                f"The 'graph' structure does not belong to these {what}: it was built for "
                f"{have} {what}, received {want}. After replacing 'nodes' row lengths or "
                "'edges' in a graph dict, drop its 'graph' key (or call "
                "kextras_graph.ops.prepare_graph on the new dict).")


def ragged_to_disjoint(nodes, edges, edge_features=None, structure=None, validate=True):
    """A :class:`GraphBatch` of a ragged batch; reuses ``structure`` when given.

    Args:
        nodes: ``RaggedTensor[batch, (n), F]`` float node features.
        edges: ``RaggedTensor[batch, (e), 2]`` int, local indices (source, target).
        edge_features: optional ``RaggedTensor[batch, (e), Fe]`` float.
        structure: a dict of :func:`graph_structure` for these nodes and edges (then
            nothing is rebuilt nor re-validated).
        validate: see :func:`graph_structure`; also checks the edge feature row lengths.
    """
    _check_ragged("nodes", nodes, 3)
    ef_values = None
    if edge_features is not None:
        _check_ragged("edge_features", edge_features, 3)
        ef_values = (check_edge_features(edges, edge_features)
                     if validate and structure is None else edge_features.values)
    if structure is None:
        structure = graph_structure(nodes, edges, validate=validate)
    else:
        _check_structure(structure, nodes, edges)
    return GraphBatch(nodes.values, ef_values, structure, nodes, edges.row_splits)
