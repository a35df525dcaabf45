"""networkx graphs <-> graph dicts and ragged batches."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from kextras_graph.data._batch import as_graph, ragged_batch, unbatch


def _import_networkx():
    try:
        import networkx as nx
    except ImportError as exc:  # pragma: no cover - networkx is in the graph extra
        raise ImportError('networkx is needed here: pip install "kextras[graph]"') from exc
    return nx


def _features(items, attrs, what, index):
    """Stack the named attributes of (key, data) items into a [len(items), F] float array."""
    columns = []
    for name in attrs:
        rows = []
        for key, data in items:
            if name not in data:
                raise ValueError(
                    f"Every {what} needs the attribute {name!r} listed in `{what}_attrs`. "
                    f"Received: graph {index}, {what} {key!r} without it"
                )
            rows.append(np.atleast_1d(np.asarray(data[name], dtype=np.float64)).ravel())
        if rows:
            widths = {r.shape[0] for r in rows}
            if len(widths) > 1:
                raise ValueError(
                    f"The {what} attribute {name!r} must have the same size everywhere. "
                    f"Received: graph {index} with sizes {sorted(widths)}"
                )
            columns.append(np.stack(rows))
        else:
            columns.append(None)
    return columns


def networkx_to_graph(graph, *, node_attrs=None, edge_attrs=None, index=0, dtype="float32", edge_dtype="int32"):
    """Convert one networkx graph into a graph dict of NumPy arrays.

    Nodes are numbered in ``graph.nodes`` order. An undirected graph gives every edge
    in both directions (a self loop once), so messages flow both ways; a directed graph
    gives each edge once, ``u -> v``.

    Args:
        graph: a ``networkx.Graph`` or ``networkx.DiGraph`` (multigraphs keep every edge).
        node_attrs: names of node attributes (scalars or vectors) concatenated, in this
            order, into the node features. ``None`` (default): one constant feature 1.0.
        edge_attrs: names of edge attributes concatenated into ``edge_features``.
            ``None`` (default): no edge features.
        index: position of the graph in its list, used in error messages.
        dtype: dtypes of the features and of the edge list.
        edge_dtype: dtypes of the features and of the edge list.

    Returns:
        ``{"nodes": [n, F], "edges": [e, 2](, "edge_features": [e, Fe])}``.
    """
    nx = _import_networkx()
    if not isinstance(graph, nx.Graph):
        raise ValueError(f"`graph` must be a networkx graph. Received: graph {index} of type {type(graph).__name__}")
    node_attrs = _names(node_attrs, "node_attrs")
    edge_attrs = _names(edge_attrs, "edge_attrs")
    order = {key: i for i, key in enumerate(graph.nodes)}
    n = len(order)
    if node_attrs:
        cols = _features(list(graph.nodes(data=True)), node_attrs, "node", index)
        # A graph without nodes has no feature width of its own: ragged_batch fixes it.
        nodes = np.concatenate(cols, axis=1) if n else np.zeros((0, 0))
    else:
        nodes = np.ones((n, 1))

    edge_items = list(graph.edges(data=True))
    src = np.array([order[u] for u, _, _ in edge_items], dtype=np.int64)
    dst = np.array([order[v] for _, v, _ in edge_items], dtype=np.int64)
    feats = None
    if edge_attrs:
        cols = _features([((u, v), d) for u, v, d in edge_items], edge_attrs, "edge", index)
        feats = (np.concatenate(cols, axis=1) if edge_items else np.zeros((0, 0)))
    if not graph.is_directed():
        back = src != dst
        src, dst = np.concatenate([src, dst[back]]), np.concatenate([dst, src[back]])
        if feats is not None:
            feats = np.concatenate([feats, feats[back]], axis=0)
    edges = np.stack([src, dst], axis=1) if src.size else np.zeros((0, 2), np.int64)
    out = {"nodes": nodes, "edges": edges}
    if feats is not None:
        out["edge_features"] = feats
    return as_graph(out, index, dtype=dtype, edge_dtype=edge_dtype)


def _names(attrs, name):
    if attrs is None:
        return []
    if isinstance(attrs, str):
        return [attrs]
    if not isinstance(attrs, Sequence):
        raise ValueError(f"`{name}` must be a list of attribute names or None. Received: {name}={attrs!r}")
    return list(attrs)


def from_networkx(graphs, *, node_attrs=None, edge_attrs=None, dtype="float32", edge_dtype="int32") -> dict:
    """Convert networkx graphs into one padding-free ragged batch.

    Args:
        graphs: a networkx graph or a list of them.
        node_attrs: node attribute names concatenated into node features; ``None``
            (default) gives one constant feature 1.0 per node.
        edge_attrs: edge attribute names concatenated into edge features; ``None``
            (default): no ``"edge_features"``.
        dtype: feature dtype. Default ``"float32"``.
        edge_dtype: edge index dtype. Default ``"int32"``.

    Returns:
        ``{"nodes": RaggedTensor[batch, (n), F], "edges": RaggedTensor[batch, (e), 2]
        [, "edge_features": RaggedTensor[batch, (e), Fe]]}``. Undirected edges appear in
        both directions.
    """
    nx = _import_networkx()
    if isinstance(graphs, nx.Graph):
        graphs = [graphs]
    graphs = list(graphs)
    return ragged_batch(
        [
            networkx_to_graph(g, node_attrs=node_attrs, edge_attrs=edge_attrs, index=i, dtype=dtype, edge_dtype=edge_dtype)
            for i, g in enumerate(graphs)
        ],
        dtype=dtype,
        edge_dtype=edge_dtype,
    )


def to_networkx(batch, *, directed=True, node_attr="x", edge_attr="edge_attr") -> list:
    """Convert a ragged batch (or a list of graph dicts) back into networkx graphs.

    Nodes are numbered ``0 .. n_i - 1``; each node gets its feature vector as the
    attribute ``node_attr``, each edge its ``edge_features`` row as ``edge_attr``.

    Args:
        batch: ``{"nodes", "edges"[, "edge_features"]}`` of ``tf.RaggedTensor`` (or a list
            of graph dicts of arrays).
        directed: ``True`` (default) gives ``networkx.DiGraph`` with every edge as stored;
            ``False`` gives ``networkx.Graph`` (an edge and its reverse merge into one).
        node_attr: node attribute name for the features. Default ``"x"``; ``None`` skips them.
        edge_attr: edge attribute name for the edge features. Default ``"edge_attr"``.

    Returns:
        A list of networkx graphs, one per graph in the batch.
    """
    nx = _import_networkx()
    graphs = unbatch(batch) if isinstance(batch, Mapping) else [as_graph(g, i) for i, g in enumerate(batch)]
    out = []
    for g in graphs:
        G = nx.DiGraph() if directed else nx.Graph()
        for i, row in enumerate(g["nodes"]):
            G.add_node(i, **({node_attr: np.array(row)} if node_attr is not None else {}))
        ef = g.get("edge_features")
        for k, (u, v) in enumerate(np.asarray(g["edges"]).tolist()):
            data = {edge_attr: np.array(ef[k])} if (ef is not None and edge_attr is not None) else {}
            G.add_edge(u, v, **data)
        out.append(G)
    return out
