"""The structure of a ragged graph batch: built and validated once, one int32 tensor.

A batch of graphs arrives ragged (``nodes[batch, (n), F]``, ``edges[batch, (e), 2]`` with
indices local to each graph, column 0 = source, column 1 = target). Layers work on one big
disjoint graph. Its structure depends on the edges and the node row lengths only, so it is
built and validated once per batch by :func:`graph_structure` and carried, as one int32
tensor under the key ``"graph"``, in the graph dict that flows through a model
(:func:`prepare_graph`; the first graph layer does it when the key is missing)::

    graph = concat([sources [E], targets [E], in_degree [N], invalid [1]])   # [2E + N + 1]

(global edge ends, in-degrees, 1 for a bad batch). One tensor, not a dict: every leaf of
the graph dict costs Keras' ``Layer.__call__`` and every eager function call. The rest
(``adjacency``, graph ids, ``out_degree``) is one or two ops away and derived on use by
``GraphBatch`` (``graph_batch.py``).
"""

import contextlib

import numpy as np
import tensorflow as tf

from kextras_graph.ops._eager import EagerFunction

__all__ = [
    "STRUCTURE_KEY",
    "graph_structure",
    "prepare_graph",
    "validate_graph_inputs",
    "row_ids",
]

INDEX_DTYPE = tf.int32
STRUCTURE_KEY = "graph"
_INDEX_MESSAGE = ("`edges` index out of range for its graph: edge indices must be "
                  "non-negative and less than the number of nodes of that graph")
INVALID_MESSAGE = _INDEX_MESSAGE + "; `nodes` and `edges` must have the same batch size"


def static_size(x, axis=0):
    """``x.shape[axis]`` when known (eager: always, no op), else ``tf.shape(x)[axis]``."""
    size = x.shape[axis]
    return tf.constant(size, INDEX_DTYPE) if size is not None else tf.shape(
        x, out_type=INDEX_DTYPE)[axis]


def leading_size(x):
    """``x.shape[0]`` as a Python int when known (slices with static bounds), else a
    scalar tensor."""
    size = x.shape[0]
    return size if size is not None else tf.shape(x, out_type=INDEX_DTYPE)[0]


def row_ids(row_splits, values=None):
    """Row (graph) id of every value, int32 ``[row_splits[-1]]`` (one binary search).

    ``values`` (the ragged values) gives the count from its shape, which XLA knows at
    compile time even after a data-dependent step (a pooling's ``boolean_mask``).
    """
    splits = tf.cast(row_splits, INDEX_DTYPE)
    count = splits[-1] if values is None else static_size(values)
    return tf.raw_ops.UpperBound(sorted_inputs=splits[None, 1:], values=tf.range(count)[None],
                                 out_type=INDEX_DTYPE)[0]


def check_ragged(name, x, rank, last_dim=None, integer=False):
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
    check_ragged("nodes", nodes, 3)
    check_ragged("edges", edges, 3, last_dim=2, integer=True)
    if edge_features is not None:
        check_ragged("edge_features", edge_features, 3)
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
    before any cast) and packed with NumPy (one tensor instead of ~15 dispatched ops)."""
    node_splits, edge_splits = node_splits.numpy(), edge_splits.numpy()
    if len(node_splits) != len(edge_splits):
        raise ValueError(
            "`nodes` and `edges` must have the same batch size. Received: "
            f"nodes batch={len(node_splits) - 1}, edges batch={len(edge_splits) - 1}")
    local = edge_values.numpy()
    num_graphs, num_nodes = len(node_splits) - 1, int(node_splits[-1])
    edge_counts, node_counts = np.diff(edge_splits), np.diff(node_splits)
    sizes = np.repeat(node_counts, edge_counts)  # node count of each edge's graph
    if local.min(initial=0) < 0 or (local >= sizes[:, None]).any():
        edge_graph_ids = np.repeat(np.arange(num_graphs), edge_counts)
        _raise_bad_edge(local, edge_graph_ids, sizes)
    glob = local + np.repeat(node_splits[:-1], edge_counts)[:, None]  # int64, in range
    ends = glob.T.astype(np.int32).reshape(-1)  # sources, then targets
    in_degree = np.bincount(ends[len(glob):], minlength=num_nodes).astype(np.int32)
    return tf.constant(np.concatenate([ends, in_degree, np.zeros(1, np.int32)]))


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
    """The structure of a ragged batch (what ``prepare_graph`` stores under "graph").

    One int32 tensor ``[2E + N + 1]``: ``concat([sources, targets, in_degree, [invalid]])``
    with ``sources``, ``targets`` the global node indices ``[E]`` of the edge ends (local
    index + the node offset of the edge's graph), ``in_degree`` ``[N]`` the number of
    edges into every node, and ``invalid`` 1 where an edge index is out of range or
    ``nodes`` and ``edges`` have different batch sizes (else 0).
    :class:`GraphBatch` reads it (``graph.sources``, ``graph.adjacency``, ...). Integers
    only: Keras casts floating inputs of a layer to its compute dtype, so per-dtype
    normalizations are derived from the degrees by the layers
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
                              static_size(nodes.values), validate)


def flat_structure(node_splits, local, edge_splits):
    """``(structure, parts)``: :func:`graph_structure` (validated) from row splits and flat
    edges, NumPy in eager mode (a bad edge raises the ValueError that names it; ``parts``
    None), TensorFlow ops in a graph (the body of a layer's eager step that builds the
    structure; ``parts`` as :func:`structure_parts`)."""
    if tf.executing_eagerly():
        return numpy_structure(node_splits, local, edge_splits), None
    parts = structure_parts(node_splits, local, edge_splits,
                            tf.cast(node_splits[-1], INDEX_DTYPE))
    return tf.concat(parts, 0), parts


def _structure_step(static, node_splits, local, edge_splits):
    return flat_structure(node_splits, local, edge_splits)[0]


# One function for every eager build outside a layer's own step (``prepare_graph``, the
# pools; an explicit, bounded, thread-safe object): the ops of the structure as one call,
# which leaves the caches warmer for the layers' steps than the NumPy build (about the
# same cost alone, less in a forward). Calls it does not trace (warm-up, bound,
# strategies) run eagerly: NumPy.
_STRUCTURE = EagerFunction(_structure_step)


def _eager_structure(nodes, edges):
    """:func:`graph_structure` of checked ragged inputs in eager mode, through
    ``_STRUCTURE``; a bad batch raises the ValueError of :func:`numpy_structure` (which
    names the bad edge)."""
    args = (nodes.row_splits, edges.values, edges.row_splits)
    with eager_errors(*args):
        return _STRUCTURE(None, *args)


@contextlib.contextmanager
def eager_errors(node_splits, local, edge_splits):
    """Turns the assertion of a traced structure build (``InvalidArgumentError``) into
    the ValueError of :func:`numpy_structure`, which says which edge is bad."""
    try:
        yield
    except tf.errors.InvalidArgumentError:
        numpy_structure(node_splits, local, edge_splits)  # raises if the batch is bad
        raise


def disjoint_structure(node_splits, local, edge_splits, num_nodes, validate=True):
    """The ops of :func:`graph_structure` in a graph: the :func:`structure_parts`, packed."""
    return tf.concat(structure_parts(node_splits, local, edge_splits, num_nodes, validate), 0)


def structure_parts(node_splits, local, edge_splits, num_nodes, validate=True):
    """``(sources, targets, in_degree, invalid [1])`` of a batch in a graph, from its row
    splits and flat edges (a layer that builds its own structure uses them unpacked: in a
    list-style model, the layers' edge parts do not depend on their nodes and are merged
    by Grappler).

    ``num_nodes`` is given by the caller (from the node values' shape where XLA needs a
    static count).
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
        # a stateful op: a tf.function runs it although nothing depends on it. No control
        # dependency on the indices, which would keep the same structure built by two
        # list-style layers from being merged (Grappler's common subexpressions); the
        # layers tie their outputs to `invalid` instead (`poison`).
        tf.debugging.Assert(ok, [INVALID_MESSAGE])
        edge_graph_ids = ids  # never out of range, even on a batch-size mismatch
    offsets = tf.gather(node_splits, edge_graph_ids)
    sources = tf.cast(src, INDEX_DTYPE) + offsets
    targets = tf.cast(dst, INDEX_DTYPE) + offsets
    if validate:  # bad indices become node 0: no kernel reads out of range before the check
        keep = tf.cast(ok, INDEX_DTYPE)
        sources, targets = sources * keep, targets * keep
        invalid = tf.reshape(1 - keep, [1])
    else:
        invalid = tf.zeros([1], INDEX_DTYPE)
    in_degree = tf.math.unsorted_segment_sum(tf.ones_like(targets), targets, num_nodes)
    return sources, targets, in_degree, invalid


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
