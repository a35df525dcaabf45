"""Private per-graph products of the clustering pools (DiffPool, MinCutPool, DMoNPool).

Two kernels for the per-graph products ``out[g] = sum_{i in g} u_i v_iᵀ``:
``sparse=False`` (XLA) sums the outer products ``u_i v_iᵀ`` by graph on the flat batch (a
padded ``[B, n_max, ...]`` batch has a data-dependent shape XLA cannot compile);
``sparse=True`` (CPU) scatters ``u`` and ``v`` into padded ``[B, n_max, ...]`` blocks and
runs one batched matmul (3-5x faster on CPU, forward and backward; not XLA compatible;
memory ``B n_max (ku + kv)``, as PyTorch Geometric's ``to_dense_batch``: for a batch of
one huge graph and many small ones ``sparse=False`` needs less):
  (Sᵀ Z)[g]    = sum_{i in g} S_i Z_iᵀ                     -> per_graph_outer(S, Z)
  (Sᵀ A S)[g]  = sum_{i in g} S_i (A S)_iᵀ                 -> coarse_adjacency
  (Sᵀ S)[g]    = per_graph_outer(S, S)
"""

import tensorflow as tf

from kextras_graph.ops.segment import propagate_sum, scatter_sum


_INT32_KEY_NODES = 46340  # the largest N with N * N < 2**31: int32 keys t * N + s


def _width(x):
    """The column count of ``x [N, F]``, static when known (split outputs keep their shape)."""
    return x.shape[1] if x.shape[1] is not None else tf.shape(x)[1]


def per_graph_outer(u, v, graph, sparse=False):
    """``out[g] = sum_{i in graph g} u_i v_iᵀ``, ``[B, ku, kv]`` (``u [N, ku]``,
    ``v [N, kv]``). ``v`` a list ``[v1, v2, ...]`` gives the list ``[uᵀ v1, uᵀ v2, ...]``
    (``sparse``: ``u`` padded once; no concatenation, whose column copies cost more than
    the separate products)."""
    gid, b = graph.node_graph_ids, graph.num_graphs
    vs = list(v) if isinstance(v, (list, tuple)) else [v]
    if not sparse:
        outs = [scatter_sum(u[:, :, None] * x[:, None, :], gid, b) for x in vs]
    else:
        splits = tf.cast(graph.node_row_splits, gid.dtype)
        width = tf.reduce_max(tf.concat([splits[1:] - splits[:-1], [0]], 0))
        slot = tf.stack([gid, tf.range(tf.size(gid)) - tf.gather(splits, gid)], 1)

        def padded(x):  # [B, n_max, F], zero rows after each graph's nodes
            return tf.scatter_nd(slot, x, tf.stack([b, width, _width(x)]))

        pu = padded(u)
        outs = [tf.matmul(pu, pu if x is u else padded(x), transpose_a=True) for x in vs]
    return outs if isinstance(v, (list, tuple)) else outs[0]


def neighbour_sum(x, graph, sparse=False):
    """``(A x)[t] = sum_{edges s -> t} x_s``, ``[N, F]``."""
    return propagate_sum(x, graph.sources, graph.targets, graph.num_nodes,
                         adjacency=graph.adjacency, sparse=sparse)


def coarse_adjacency(s, graph, sparse=False):
    """``A' = Sᵀ A S`` per graph (``A[t, s]`` counts the edges ``s -> t``), ``[B, k, k]``."""
    return per_graph_outer(s, neighbour_sum(s, graph, sparse), graph, sparse)


def sum_squared_adjacency(graph, dtype, sparse=False):
    """``sum_{t, s} A[t, s]^2`` per graph, ``[B]`` (duplicate edges count: ``A`` holds edge
    counts): each edge adds the number of edges with its ``(t, s)`` key, found by
    ``tf.unique_with_counts`` (``sparse``: a hash table, not XLA compatible; int32 keys,
    twice as fast, while ``N^2`` fits in them) or by one stable sort of the keys (the size
    of each run of equal keys)."""
    if sparse:
        def per_edge(key_dtype):
            n = tf.cast(graph.num_nodes, key_dtype)
            keys = tf.cast(graph.targets, key_dtype) * n + tf.cast(graph.sources, key_dtype)
            _, run, run_size = tf.unique_with_counts(keys, out_idx=tf.int32)
            return tf.gather(run_size, run)

        counts = tf.cond(graph.num_nodes <= _INT32_KEY_NODES, lambda: per_edge(tf.int32),
                         lambda: per_edge(tf.int64))
        return scatter_sum(tf.cast(counts, dtype), graph.edge_graph_ids, graph.num_graphs)
    n = tf.cast(graph.num_nodes, tf.int64)
    keys = tf.cast(graph.targets, tf.int64) * n + tf.cast(graph.sources, tf.int64)
    order = tf.argsort(keys, stable=True)
    sorted_keys = tf.gather(keys, order)
    new_run = tf.concat([tf.ones([1], tf.bool)[:tf.size(keys)],
                         tf.not_equal(sorted_keys[1:], sorted_keys[:-1])], 0)
    run = tf.cumsum(tf.cast(new_run, tf.int32)) - 1
    run_size = tf.math.unsorted_segment_sum(tf.ones_like(run), run, tf.size(run))
    per_edge = tf.cast(tf.gather(run_size, run), dtype)
    return scatter_sum(per_edge, tf.gather(graph.edge_graph_ids, order), graph.num_graphs)


def safe_sqrt(v):
    """``sqrt(max(v, 0))`` with gradient 0 (not NaN) at 0."""
    positive = v > 0
    return tf.where(positive, tf.sqrt(tf.where(positive, v, tf.ones_like(v))), tf.zeros_like(v))


def mean_over(values, valid):
    """Mean of ``values[B]`` over the graphs where ``valid``; 0 when none is valid."""
    valid = tf.cast(valid, values.dtype)
    total = tf.reduce_sum(values * valid)
    return tf.math.divide_no_nan(total, tf.reduce_sum(valid))


def symmetric_normalize(a):
    """``D^-1/2 A D^-1/2`` with ``D = diag(row sums)``; rows of sum 0 stay 0."""
    deg = tf.reduce_sum(a, -1)
    inv = tf.where(deg > 0, tf.math.rsqrt(tf.where(deg > 0, deg, tf.ones_like(deg))),
                   tf.zeros_like(deg))
    return inv[..., :, None] * a * inv[..., None, :]
