"""Layer-wise full-graph inference in chunks of target nodes (PyG's ``inference`` pattern).

Instead of sampling, every layer runs over all nodes once: ``h_{l+1}[T] = layer_l(graph of T and
its in-neighbours, h_l)[T]`` for consecutive chunks ``T`` of target nodes, with ``h_l`` held as one
NumPy array ``[num_nodes, F_l]``. Memory is bounded by the chunk's subgraph plus two
``[num_nodes, F]`` arrays, and the result is the full-batch forward pass, exactly, for every
layer whose output at node ``i`` depends only on ``h_i``, the edges into ``i`` and their
sources' ``h_j`` (GraphSAGE, GIN, GraphConv, GAT, node-wise layers). Not exact for layers that
also need the degrees of the source nodes, such as GCN's symmetric normalization.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from kextras import validation as v
from kextras_graph.data._store import as_store, sorted_unique


def _chunk(store, start, stop):
    """Local edges [e, 2] and node ids (targets start..stop first) of the chunk's subgraph."""
    lo, hi = int(store.indptr[start]), int(store.indptr[stop])
    src = store.indices[lo:hi].astype(np.int64)
    dst = np.repeat(np.arange(stop - start, dtype=np.int64), np.diff(store.indptr[start:stop + 1]))
    outside = (src < start) | (src >= stop)
    extra = sorted_unique(src[outside])
    local = src - start
    local[outside] = (stop - start) + np.searchsorted(extra, src[outside])
    ids = np.concatenate([np.arange(start, stop, dtype=np.int64), extra])
    return np.stack([local, dst], axis=1).astype(np.int32), ids


def _apply(layer, nodes, edges):
    n, e = nodes.shape[0], edges.shape[0]
    inputs = {"nodes": tf.RaggedTensor.from_row_lengths(nodes, tf.constant([n], tf.int64), validate=False),
              "edges": tf.RaggedTensor.from_row_lengths(edges, tf.constant([e], tf.int64), validate=False)}
    out = layer(inputs)
    if isinstance(out, dict):
        out = out["nodes"]
    if isinstance(out, tf.RaggedTensor):
        out = out.flat_values
    return np.asarray(out).reshape(n, -1)


def layerwise_predict(layers, store, *, batch_size=4096, x=None, dtype="float32", verbose=False):
    """Run ``layers`` one after the other over the whole graph, chunk by chunk.

    Args:
        layers: a sequence of layers (or a ``keras.Sequential`` model, whose ``layers`` are
            used), each called in inference mode on a ragged batch of one graph
            ``{"nodes": [1, (n), F], "edges": [1, (e), 2]}`` and returning that dict with new
            ``"nodes"`` (kextras layers), or ragged/dense node values ``[n, F']``.
        store: the :class:`GraphStore` whose edges and (default) features are used.
        batch_size: target nodes per chunk. Default 4096.
        x: input features ``[num_nodes, F]`` instead of ``store.x``.
        dtype: dtype of the features fed to the layers. Default ``"float32"``.
        verbose: print one line per layer.

    Returns:
        NumPy ``[num_nodes, F_out]``, the output of the last layer for every node.
    """
    store = as_store(store)
    layers = list(getattr(layers, "layers", layers))
    if not layers or not all(callable(layer) for layer in layers):
        raise ValueError(f"`layers` must be a non-empty sequence of callables. Received: layers={layers!r}")
    batch_size = v.positive_int("batch_size", batch_size)
    fdt = tf.as_dtype(dtype).as_numpy_dtype
    h = np.asarray(store.x if x is None else x)
    if h.ndim != 2 or h.shape[0] != store.num_nodes:
        raise ValueError(f"`x` must have shape [num_nodes, n_features] with num_nodes={store.num_nodes}. "
                         f"Received: x of shape {h.shape}")
    for depth, layer in enumerate(layers):
        out = None
        for a in range(0, store.num_nodes, batch_size):
            b = min(a + batch_size, store.num_nodes)
            edges, ids = _chunk(store, a, b)
            res = _apply(layer, h[ids].astype(fdt, copy=False), edges)[: b - a]
            if out is None:
                out = np.empty((store.num_nodes, res.shape[1]), dtype=res.dtype)
            out[a:b] = res
        h = out
        if verbose:
            print(f"layer {depth + 1}/{len(layers)}: {getattr(layer, 'name', layer)} -> {h.shape}")
    return h
