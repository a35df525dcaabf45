"""scipy.sparse adjacency matrices <-> edge lists."""

from __future__ import annotations

import numpy as np

from kextras import validation


def edges_from_adjacency(adjacency, *, return_weights=False, edge_dtype="int64"):
    """Edge list of a (sparse or dense) adjacency matrix.

    An entry ``A[i, j] != 0`` is the edge ``i -> j`` (source ``i``, target ``j``).
    Edges come in row-major order (sorted by source, then target); duplicate entries of
    a COO matrix are summed first and explicit zeros are dropped.

    Args:
        adjacency: a square ``scipy.sparse`` matrix/array or a dense 2D array-like.
        return_weights: also return the nonzero values. Default ``False``.
        edge_dtype: integer dtype of the edge list. Default ``"int64"``.

    Returns:
        ``edges`` of shape ``[n_edges, 2]``, and ``weights`` ``[n_edges]`` when
        ``return_weights=True``.
    """
    import scipy.sparse as sp

    if sp.issparse(adjacency):
        a = sp.csr_matrix(adjacency, copy=True)
    else:
        dense = np.asarray(adjacency)
        if dense.ndim != 2:
            raise ValueError(f"`adjacency` must be a 2D matrix. Received: adjacency of shape {dense.shape}")
        a = sp.csr_matrix(dense)
    if a.shape[0] != a.shape[1]:
        raise ValueError(f"`adjacency` must be square. Received: adjacency of shape {a.shape}")
    if not np.dtype(edge_dtype).kind in "iu":
        raise ValueError(f"`edge_dtype` must be an integer dtype. Received: edge_dtype={edge_dtype!r}")
    a.sum_duplicates()
    a.eliminate_zeros()
    a.sort_indices()
    coo = a.tocoo()
    edges = np.stack([coo.row, coo.col], axis=1).astype(edge_dtype)
    if return_weights:
        return edges, np.asarray(coo.data)
    return edges


def adjacency_from_edges(edges, num_nodes, *, weights=None):
    """Sparse adjacency ``A`` (CSR) of an edge list: ``A[source, target] = weight``.

    Duplicate edges add up. Args: ``edges`` ``[n_edges, 2]`` int, ``num_nodes`` int,
    ``weights`` ``[n_edges]`` (default ones). Returns a ``scipy.sparse.csr_matrix``
    of shape ``[num_nodes, num_nodes]``.
    """
    import scipy.sparse as sp

    edges = np.asarray(edges)
    if edges.size == 0:
        edges = edges.reshape(0, 2).astype(np.int64)
    if edges.ndim != 2 or edges.shape[1] != 2:
        raise ValueError(f"`edges` must have shape [n_edges, 2]. Received: edges of shape {edges.shape}")
    if edges.dtype.kind not in "iu":
        raise ValueError(f"`edges` must have an integer dtype. Received: edges of dtype {edges.dtype}")
    validation.non_negative_int("num_nodes", num_nodes)
    if edges.size and (edges.min() < 0 or edges.max() >= num_nodes):
        raise ValueError(f"Edge indices must lie in [0, num_nodes). Received: num_nodes={num_nodes}, "
                         f"indices in [{edges.min()}, {edges.max()}]")
    w = np.ones(edges.shape[0]) if weights is None else np.asarray(weights)
    a = sp.coo_matrix((w, (edges[:, 0], edges[:, 1])), shape=(num_nodes, num_nodes)).tocsr()
    a.sum_duplicates()
    return a
