"""GraphStore: one large graph held in memory as compressed NumPy arrays.

The edges are kept by target node (CSC of the adjacency ``A[source, target]``, i.e. CSR of
the in-neighbours): the sources of the edges into node ``i`` are
``indices[indptr[i]:indptr[i + 1]]``. That is the layout a neighbour sampler and layer-wise
inference read, since messages flow source -> target. No Python object per node or edge.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from kextras import validation as v

_INT32_MAX = np.iinfo(np.int32).max


def _index_dtype(bound):
    """int32 when every value ``< bound`` fits, else int64."""
    return np.int32 if bound <= _INT32_MAX else np.int64


def sorted_unique(values):
    """``np.unique`` by sorting (NumPy 2's hash-based ``unique`` is much slower on large int arrays)."""
    values = np.sort(values)
    if values.size:
        values = values[np.concatenate([[True], values[1:] != values[:-1]])]
    return values


def _check_edges(edges, num_nodes, name="edges"):
    edges = np.asarray(edges)
    if edges.size == 0:
        edges = edges.reshape(0, 2)
    if edges.ndim != 2 or edges.shape[1] != 2:
        raise ValueError(f"`{name}` must have shape [n_edges, 2]. Received: {name} of shape {edges.shape}")
    if edges.size and edges.dtype.kind not in "iu":
        raise ValueError(f"`{name}` must have an integer dtype. Received: {name} of dtype {edges.dtype}")
    if edges.size:
        lo, hi = int(edges.min()), int(edges.max())
        if lo < 0 or hi >= num_nodes:
            bad = lo if lo < 0 else hi
            raise ValueError(f"`{name}` must hold node indices in [0, {num_nodes}) (num_nodes={num_nodes}). "
                             f"Received: an index {bad} in {name}")
    return edges


class GraphStore:
    """One graph with node features, labels and index splits, stored by target node.

    Args:
        indptr: ``[num_nodes + 1]`` non-decreasing offsets, ``indptr[0] = 0``.
        indices: ``[num_edges]`` source node of each edge, grouped by target:
            the edges into ``i`` come from ``indices[indptr[i]:indptr[i + 1]]``.
        x: node features ``[num_nodes, F]`` (kept as given if float32/float64/float16).
        y: optional integer labels ``[num_nodes]``; a negative label means "unlabelled".
        splits: optional mapping of split name -> node indices (e.g. ``{"train": ...}``).

    ``indices`` is int32 when ``num_nodes`` fits, ``indptr`` int32 when ``num_edges`` fits.
    Build one with :meth:`from_edges`, :meth:`from_scipy`, :meth:`from_networkx` or
    :meth:`from_node_data` (e.g. ``GraphStore.from_node_data(load_cora())``).
    """

    def __init__(self, indptr, indices, x, y=None, *, splits=None):
        indptr = np.asarray(indptr)
        indices = np.asarray(indices)
        if indptr.ndim != 1 or indptr.size < 1 or indptr.dtype.kind not in "iu":
            raise ValueError(f"`indptr` must be a 1D integer array of length num_nodes + 1. "
                             f"Received: indptr of shape {indptr.shape} and dtype {indptr.dtype}")
        num_nodes = indptr.size - 1
        if indptr[0] != 0 or (num_nodes and np.any(np.diff(indptr) < 0)) or indptr[-1] != indices.size:
            raise ValueError(f"`indptr` must start at 0, never decrease and end at len(indices)={indices.size}. "
                             f"Received: indptr from {int(indptr[0])} to {int(indptr[-1])}")
        if indices.ndim != 1 or (indices.size and indices.dtype.kind not in "iu"):
            raise ValueError(f"`indices` must be a 1D integer array. "
                             f"Received: indices of shape {indices.shape} and dtype {indices.dtype}")
        if indices.size and (int(indices.min()) < 0 or int(indices.max()) >= num_nodes):
            bad = int(indices.min()) if int(indices.min()) < 0 else int(indices.max())
            raise ValueError(f"`indices` must hold node indices in [0, {num_nodes}) (num_nodes={num_nodes}). "
                             f"Received: an index {bad}")
        self.indptr = indptr.astype(_index_dtype(indices.size), copy=False)
        self.indices = indices.astype(_index_dtype(num_nodes), copy=False)

        x = np.asarray(x)
        if x.ndim == 1:
            x = x[:, None]
        if x.ndim != 2 or x.shape[0] != num_nodes:
            raise ValueError(f"`x` must have shape [num_nodes, n_features] with num_nodes={num_nodes}. "
                             f"Received: x of shape {x.shape}")
        self.x = x if x.dtype.kind == "f" else x.astype(np.float32)

        if y is not None:
            y = np.asarray(y)
            if y.ndim != 1 or y.shape[0] != num_nodes or (y.size and y.dtype.kind not in "iu"):
                raise ValueError(f"`y` must be integer labels of shape [num_nodes] with num_nodes={num_nodes}. "
                                 f"Received: y of shape {y.shape} and dtype {y.dtype}")
        self.y = y
        if splits is not None and not isinstance(splits, Mapping):
            raise ValueError(f"`splits` must be a mapping of split name -> node indices. "
                             f"Received: splits of type {type(splits).__name__}")
        self.splits = {}
        for key, index in (splits or {}).items():
            self.splits[str(key)] = self._check_nodes(index, f"splits[{key!r}]")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_edges(cls, edges, x, y=None, *, num_nodes=None, undirected=False, splits=None):
        """From an edge list ``[n_edges, 2]`` (source, target).

        ``undirected=True`` adds every reverse edge and keeps each ``(source, target)``
        pair once; otherwise the edges are kept as given (duplicates included).
        ``num_nodes`` defaults to ``len(x)``.
        """
        num_nodes = int(np.asarray(x).shape[0]) if num_nodes is None else v.non_negative_int("num_nodes", num_nodes)
        edges = _check_edges(edges, num_nodes)
        src = edges[:, 0].astype(np.int64)
        dst = edges[:, 1].astype(np.int64)
        if v.boolean("undirected", undirected):
            key = sorted_unique(np.concatenate([dst * num_nodes + src, src * num_nodes + dst]))
            dst, src = np.divmod(key, num_nodes) if num_nodes else (key, key)
        else:
            order = np.lexsort((src, dst))
            src, dst = src[order], dst[order]
        indptr = np.zeros(num_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(dst, minlength=num_nodes), out=indptr[1:])
        return cls(indptr, src, x, y, splits=splits)

    @classmethod
    def from_scipy(cls, adjacency, x, y=None, *, splits=None):
        """From a square scipy.sparse adjacency; ``A[i, j] != 0`` is the edge ``i -> j``."""
        import scipy.sparse as sp

        if not sp.issparse(adjacency) or adjacency.ndim != 2 or adjacency.shape[0] != adjacency.shape[1]:
            raise ValueError(f"`adjacency` must be a square scipy.sparse matrix. Received: {type(adjacency).__name__} "
                             f"of shape {getattr(adjacency, 'shape', None)}")
        csc = sp.csc_matrix(adjacency, copy=True)
        csc.sum_duplicates()
        csc.eliminate_zeros()
        csc.sort_indices()
        return cls(csc.indptr, csc.indices, x, y, splits=splits)

    @classmethod
    def from_networkx(cls, graph, *, node_attr="x", label_attr="y", splits=None):
        """From a (small) networkx graph: features and labels from node attributes.

        Nodes are numbered in ``graph.nodes`` order; an undirected graph gives both directions.
        """
        import networkx as nx

        if not isinstance(graph, nx.Graph):
            raise ValueError(f"`graph` must be a networkx graph. Received: graph of type {type(graph).__name__}")
        order = {node: i for i, node in enumerate(graph.nodes)}
        nodes = list(graph.nodes(data=True))
        for name in (node_attr, label_attr):
            missing = [k for k, d in nodes if name is not None and name not in d]
            if missing:
                raise ValueError(f"Every node needs the attribute {name!r}. Received: node {missing[0]!r} without it")
        x = np.stack([np.atleast_1d(np.asarray(d[node_attr], np.float32)) for _, d in nodes]) if nodes else \
            np.zeros((0, 1), np.float32)
        y = None if label_attr is None else np.array([int(d[label_attr]) for _, d in nodes], dtype=np.int64)
        edges = np.array([(order[a], order[b]) for a, b in graph.edges()], dtype=np.int64).reshape(-1, 2)
        return cls.from_edges(edges, x, y, undirected=not graph.is_directed(), splits=splits)

    @classmethod
    def from_node_data(cls, data):
        """From a :class:`NodeClassificationData` (``load_cora()``), with its three splits."""
        splits = {s: data.index(s) for s in ("train", "val", "test")}
        return cls.from_edges(data.edges, data.x, data.y, splits=splits)

    # ------------------------------------------------------------------ views
    @property
    def num_nodes(self) -> int:
        return int(self.indptr.size - 1)

    @property
    def num_edges(self) -> int:
        return int(self.indices.size)

    @property
    def num_features(self) -> int:
        return int(self.x.shape[1])

    @property
    def num_classes(self) -> int:
        return 0 if self.y is None or self.y.size == 0 else int(self.y.max()) + 1

    def in_degree(self) -> np.ndarray:
        """Number of edges into each node, ``[num_nodes]``."""
        return np.diff(self.indptr)

    def edges(self) -> np.ndarray:
        """The edge list ``[num_edges, 2]`` (source, target), grouped by target."""
        dst = np.repeat(np.arange(self.num_nodes, dtype=self.indices.dtype), self.in_degree())
        return np.stack([self.indices, dst], axis=1)

    def index(self, split) -> np.ndarray:
        """Node indices of a split name (``"train"``, ...) or of an index array (validated)."""
        if isinstance(split, str):
            if split not in self.splits:
                raise ValueError(f"`split` must be one of {sorted(self.splits)}. Received: split={split!r}")
            return self.splits[split]
        return self._check_nodes(split, "seeds")

    def labels(self, nodes, name="seeds") -> np.ndarray:
        """Labels of ``nodes``; an error if the store has none or one of them is unlabelled."""
        if self.y is None:
            raise ValueError(f"The graph store has no labels (`y=None`), so `{name}` cannot be trained on. "
                             f"Received: y=None")
        y = self.y[nodes]
        if y.size and y.min() < 0:
            bad = int(np.asarray(nodes)[np.argmax(y < 0)])
            raise ValueError(f"Every node of `{name}` needs a label (y >= 0). Received: node {bad} with y={int(y.min())}")
        return y

    def _check_nodes(self, nodes, name):
        arr = np.asarray(nodes)
        if arr.dtype == bool and arr.ndim == 1 and arr.shape[0] == self.num_nodes:
            return np.flatnonzero(arr)
        if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
            raise ValueError(f"`{name}` must be a 1D array of node indices (or a boolean mask of length "
                             f"{self.num_nodes}). Received: {name} of shape {arr.shape} and dtype {arr.dtype}")
        if arr.size and (int(arr.min()) < 0 or int(arr.max()) >= self.num_nodes):
            bad = int(arr.min()) if int(arr.min()) < 0 else int(arr.max())
            raise ValueError(f"`{name}` must hold node indices in [0, {self.num_nodes}) "
                             f"(num_nodes={self.num_nodes}). Received: {name} containing {bad}")
        return arr.astype(np.int64, copy=False)

    def __repr__(self):
        return (f"GraphStore(num_nodes={self.num_nodes}, num_edges={self.num_edges}, "
                f"num_features={self.num_features}, splits={ {k: len(s) for k, s in self.splits.items()} })")


def as_store(store, name="store") -> GraphStore:
    """``store`` itself if it is a :class:`GraphStore`, else a clear error."""
    if not isinstance(store, GraphStore):
        raise ValueError(f"`{name}` must be a GraphStore. Received: {name} of type {type(store).__name__}")
    return store

