"""A ``tf.data.Dataset`` of padding-free ragged batches from a list of graphs."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import tensorflow as tf

from kextras import validation
from kextras_graph.data._batch import ragged_batch


def _is_networkx(graph):
    try:
        import networkx as nx
    except ImportError:  # pragma: no cover
        return False
    return isinstance(graph, nx.Graph)


def _stack_targets(values, name, n_graphs):
    """Targets: an array [n_graphs, ...] (dense batches) or a list of arrays of varying length (ragged)."""
    if isinstance(values, tf.Tensor):
        values = values.numpy()
    if isinstance(values, tf.RaggedTensor):
        rows = values.nrows()
        if int(rows) != n_graphs:
            raise ValueError(f"`{name}` must have one entry per graph ({n_graphs}). Received: {int(rows)} entries")
        return values
    if isinstance(values, np.ndarray) or not isinstance(values, (list, tuple)):
        arr = np.asarray(values)
        if arr.ndim == 0 or arr.shape[0] != n_graphs:
            raise ValueError(f"`{name}` must have one entry per graph ({n_graphs}). Received: {name} of shape {arr.shape}")
        return arr
    if len(values) != n_graphs:
        raise ValueError(f"`{name}` must have one entry per graph ({n_graphs}). Received: {len(values)} entries")
    parts = [np.asarray(v) for v in values]
    shapes = {p.shape for p in parts}
    if len(shapes) == 1:
        return np.stack(parts)
    # Per-graph arrays of different lengths (node-level targets): ragged along axis 1.
    if len({p.shape[1:] for p in parts}) > 1 or any(p.ndim == 0 for p in parts):
        raise ValueError(f"Per-graph `{name}` may differ only in their first dimension. Received shapes {sorted(shapes)}")
    lengths = np.array([p.shape[0] for p in parts], dtype=np.int64)
    return tf.RaggedTensor.from_row_lengths(np.concatenate(parts), lengths)


def graph_dataset(
    graphs,
    targets=None,
    *,
    sample_weights=None,
    batch_size=32,
    shuffle=False,
    seed=None,
    drop_remainder=False,
    node_attrs=None,
    edge_attrs=None,
    dtype="float32",
    edge_dtype="int32",
):
    """Build a ``tf.data.Dataset`` of padding-free ragged graph batches.

    Each element is ``inputs`` or ``(inputs, targets[, sample_weights])`` with
    ``inputs = {"nodes": RaggedTensor[b, (n), F], "edges": RaggedTensor[b, (e), 2]
    [, "edge_features": RaggedTensor[b, (e), Fe]]}``, ready for ``model.fit``.

    Args:
        graphs: a list of graphs: dicts with ``"nodes"`` ``[n, F]``, ``"edges"`` ``[e, 2]``
            (local indices, source -> target) and optionally ``"edge_features"``, or networkx
            graphs (converted with ``node_attrs`` / ``edge_attrs``, see :func:`from_networkx`).
        targets: optional per-graph targets: an array ``[n_graphs, ...]`` (batched densely) or
            a list of per-graph arrays of different lengths (batched as ragged, e.g. node labels).
        sample_weights: optional per-graph sample weights, like ``targets``.
        batch_size: graphs per batch (positive int). Default 32.
        shuffle: shuffle the graphs anew each epoch. Default ``False``.
        seed: shuffling seed (int or ``None``): the same seed gives the same order of batches.
        drop_remainder: drop a last, smaller batch. Default ``False``.
        node_attrs: attribute names for networkx graphs.
        edge_attrs: attribute names for networkx graphs.
        dtype: feature dtype. Default ``"float32"``.
        edge_dtype: edge index dtype. Default ``"int32"``.

    Returns:
        A ``tf.data.Dataset`` (prefetching).
    """
    if isinstance(graphs, Mapping) or _is_networkx(graphs):
        raise ValueError(f"`graphs` must be a list of graphs. Received: a single {type(graphs).__name__}")
    graphs = list(graphs)
    validation.positive_int("batch_size", batch_size)
    if seed is not None:
        validation.integer("seed", seed)
    if any(_is_networkx(g) for g in graphs):
        from kextras_graph.data._networkx import networkx_to_graph

        graphs = [
            networkx_to_graph(g, node_attrs=node_attrs, edge_attrs=edge_attrs, index=i, dtype=dtype, edge_dtype=edge_dtype)
            if _is_networkx(g)
            else g
            for i, g in enumerate(graphs)
        ]
    # One ragged tensor per key over all graphs; slicing it gives each graph's dense arrays.
    inputs = ragged_batch(graphs, dtype=dtype, edge_dtype=edge_dtype)
    elements = [inputs]
    if targets is not None:
        elements.append(_stack_targets(targets, "targets", len(graphs)))
    if sample_weights is not None:
        if targets is None:
            raise ValueError("`sample_weights` needs `targets`. Received: targets=None")
        elements.append(_stack_targets(sample_weights, "sample_weights", len(graphs)))
    ds = tf.data.Dataset.from_tensor_slices(elements[0] if len(elements) == 1 else tuple(elements))
    if shuffle:
        ds = ds.shuffle(len(graphs), seed=seed, reshuffle_each_iteration=True)
    ds = ds.ragged_batch(int(batch_size), drop_remainder=drop_remainder)
    return ds.prefetch(tf.data.AUTOTUNE)
