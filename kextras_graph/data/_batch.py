"""Lists of graphs (NumPy arrays) <-> ragged batches (``tf.RaggedTensor``).

A graph is a mapping with the keys ``"nodes"`` (``[n_nodes, F]`` float),
``"edges"`` (``[n_edges, 2]`` int, local indices, column 0 = source, column 1 = target)
and optionally ``"edge_features"`` (``[n_edges, Fe]`` float). A batch is the same
mapping with ``tf.RaggedTensor`` values of shapes ``[batch, (n_nodes), F]``,
``[batch, (n_edges), 2]`` and ``[batch, (n_edges), Fe]``: one row per graph, no padding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import tensorflow as tf

from kextras import validation

GRAPH_KEYS = ("nodes", "edges", "edge_features")


def _check_dtype(dtype, kind, name):
    dt = tf.as_dtype(dtype)
    ok = dt.is_floating if kind == "float" else dt.is_integer
    if not ok:
        raise ValueError(f"`{name}` must be {'a floating' if kind == 'float' else 'an integer'} dtype. Received: {name}={dtype!r}")
    return dt


def as_graph(graph, index=0, *, dtype="float32", edge_dtype="int32"):
    """Validate one graph and return it as a dict of NumPy arrays.

    Args:
        graph: a mapping with ``"nodes"`` ``[n, F]``, ``"edges"`` ``[e, 2]`` and optionally
            ``"edge_features"`` ``[e, Fe]`` (array-likes).
        index: position of the graph in its list, used in error messages.
        dtype: dtype of node and edge features.
        edge_dtype: integer dtype of the edge list.
    """
    where = f"graph {index}"
    if not isinstance(graph, Mapping):
        raise ValueError(
            f"Each graph must be a mapping with keys 'nodes' and 'edges' (and optionally 'edge_features'). "
            f"Received: {where} of type {type(graph).__name__}"
        )
    unknown = set(graph) - set(GRAPH_KEYS)
    if unknown or "nodes" not in graph or "edges" not in graph:
        raise ValueError(
            f"A graph needs the keys 'nodes' and 'edges' and may have 'edge_features'. "
            f"Received: {where} with keys {sorted(graph)}"
        )
    fdt = _check_dtype(dtype, "float", "dtype").as_numpy_dtype
    idt = _check_dtype(edge_dtype, "int", "edge_dtype").as_numpy_dtype

    nodes = np.asarray(graph["nodes"])
    if nodes.ndim != 2:
        raise ValueError(f"`nodes` must have shape [n_nodes, n_features]. Received: {where} nodes of shape {nodes.shape}")
    n = nodes.shape[0]

    edges = np.asarray(graph["edges"])
    if edges.size == 0:
        edges = edges.reshape(0, 2)
    if edges.ndim != 2 or edges.shape[1] != 2:
        raise ValueError(f"`edges` must have shape [n_edges, 2]. Received: {where} edges of shape {edges.shape}")
    if edges.size and edges.dtype.kind not in "iu":
        raise ValueError(f"`edges` must have an integer dtype. Received: {where} edges of dtype {edges.dtype}")
    if edges.size and (edges.min() < 0 or edges.max() >= n):
        bad = edges[(edges < 0).any(axis=1) | (edges >= n).any(axis=1)][0]
        raise ValueError(
            f"Edge indices must lie in [0, n_nodes) of their own graph. Received: {where} has "
            f"n_nodes={n} and an edge {bad.tolist()}"
        )
    out = {"nodes": nodes.astype(fdt, copy=False), "edges": edges.astype(idt, copy=False)}

    if graph.get("edge_features") is not None:
        ef = np.asarray(graph["edge_features"])
        if ef.ndim == 1:
            ef = ef[:, None]
        if ef.ndim != 2 or ef.shape[0] != edges.shape[0]:
            raise ValueError(
                f"`edge_features` must have shape [n_edges, n_edge_features] with n_edges={edges.shape[0]}. "
                f"Received: {where} edge_features of shape {ef.shape}"
            )
        out["edge_features"] = ef.astype(fdt, copy=False)
    return out


def ragged_batch(graphs: Sequence[Mapping], *, dtype="float32", edge_dtype="int32") -> dict:
    """Stack a list of graphs into one padding-free ragged batch.

    Args:
        graphs: a sequence of graphs, each a mapping with ``"nodes"`` ``[n_i, F]``,
            ``"edges"`` ``[e_i, 2]`` (local indices, source -> target) and optionally
            ``"edge_features"`` ``[e_i, Fe]``. Graphs may have zero nodes or zero edges.
        dtype: dtype of node and edge features. Default ``"float32"``.
        edge_dtype: integer dtype of the edge lists. Default ``"int32"``.

    Returns:
        ``{"nodes": RaggedTensor[batch, (n), F], "edges": RaggedTensor[batch, (e), 2]
        [, "edge_features": RaggedTensor[batch, (e), Fe]]}`` with ``ragged_rank=1`` and
        int64 row splits.
    """
    if isinstance(graphs, Mapping) or not isinstance(graphs, Sequence):
        raise ValueError(f"`graphs` must be a list of graph mappings. Received: graphs of type {type(graphs).__name__}")
    if len(graphs) == 0:
        raise ValueError("`graphs` must contain at least one graph. Received: graphs=[]")
    checked = [as_graph(g, i, dtype=dtype, edge_dtype=edge_dtype) for i, g in enumerate(graphs)]
    _check_consistent(checked)
    out = {}
    for key in GRAPH_KEYS:
        if key not in checked[0]:
            continue
        parts = [g[key] for g in checked]
        lengths = np.array([p.shape[0] for p in parts], dtype=np.int64)
        out[key] = tf.RaggedTensor.from_row_lengths(
            tf.constant(np.concatenate(parts, axis=0)), tf.constant(lengths), validate=False
        )
    return out


def _check_consistent(checked):
    """Check feature widths agree; give empty graphs (width unknown) the common width."""
    has_ef = {"edge_features" in g for g in checked}
    if len(has_ef) > 1:
        raise ValueError("Either every graph or no graph must have 'edge_features'. Received: a mix")
    for key, what in (("nodes", "node"), ("edge_features", "edge")):
        if key not in checked[0]:
            continue
        widths = {g[key].shape[1] for g in checked if g[key].shape[0] > 0}
        if len(widths) > 1:
            raise ValueError(f"All graphs must have the same number of {what} features. Received: {sorted(widths)}")
        if widths:
            width = widths.pop()
            for g in checked:
                if g[key].shape[0] == 0:
                    g[key] = g[key].reshape(0, width)
        else:
            width = {g[key].shape[1] for g in checked}
            if len(width) > 1:
                raise ValueError(f"All graphs must have the same number of {what} features. Received: {sorted(width)}")


def unbatch(batch) -> list:
    """Split a ragged batch back into a list of graphs holding NumPy arrays.

    Args:
        batch: a mapping ``{"nodes", "edges"[, "edge_features"]}`` of ``tf.RaggedTensor``
            (as made by :func:`ragged_batch`) with the same number of rows.

    Returns:
        A list with one ``{"nodes", "edges"[, "edge_features"]}`` dict of NumPy arrays per graph.
    """
    if not isinstance(batch, Mapping) or "nodes" not in batch or "edges" not in batch:
        raise ValueError("`batch` must be a mapping with the keys 'nodes' and 'edges'. "
                         f"Received: {type(batch).__name__} {sorted(batch) if isinstance(batch, Mapping) else ''}")
    rows = {}
    for key in GRAPH_KEYS:
        if key not in batch or batch[key] is None:
            continue
        value = batch[key]
        if not isinstance(value, tf.RaggedTensor):
            raise ValueError(f"`{key}` must be a tf.RaggedTensor. Received: {type(value).__name__}")
        splits = value.row_splits.numpy()
        values = value.values.numpy()
        rows[key] = [values[splits[i]:splits[i + 1]] for i in range(len(splits) - 1)]
    sizes = {len(v) for v in rows.values()}
    if len(sizes) > 1:
        raise ValueError(f"`nodes`, `edges` and `edge_features` must have the same batch size. Received: "
                         f"{ {k: len(v) for k, v in rows.items()} }")
    return [{k: rows[k][i] for k in rows} for i in range(sizes.pop())]


def graph_input_signature(n_features, n_edge_features=None, *, dtype="float32", edge_dtype="int32"):
    """``tf.RaggedTensorSpec`` s of a graph batch, e.g. to trace a serving ``tf.function``.

    Args:
        n_features: node feature size ``F``.
        n_edge_features: edge feature size ``Fe``, or ``None`` (default) for no edge features.
        dtype: as in :func:`ragged_batch`.
        edge_dtype: as in :func:`ragged_batch`.

    Returns:
        ``{"nodes": RaggedTensorSpec([None, None, F]), "edges": RaggedTensorSpec([None, None, 2])
        [, "edge_features": RaggedTensorSpec([None, None, Fe])]}`` (ragged_rank 1, int64 splits).
    """
    fdt = _check_dtype(dtype, "float", "dtype")
    idt = _check_dtype(edge_dtype, "int", "edge_dtype")
    for name, value in (("n_features", n_features), ("n_edge_features", n_edge_features)):
        if value is None and name == "n_edge_features":
            continue
        validation.positive_int(name, value)

    def spec(width, dt):
        return tf.RaggedTensorSpec([None, None, int(width)], dt, ragged_rank=1, row_splits_dtype=tf.int64)

    out = {"nodes": spec(n_features, fdt), "edges": spec(2, idt)}
    if n_edge_features is not None:
        out["edge_features"] = spec(n_edge_features, fdt)
    return out
