"""Graph normalizations as functions over flat edge lists."""

import tensorflow as tf

__all__ = ["degree", "add_self_loops", "remove_self_loops", "gcn_norm", "gcn_degree_norm"]


def degree(index, num_nodes, edge_weight=None, dtype=tf.float32):
    """(Weighted) number of edges per node: ``deg[v] = sum_{k: index[k] = v} w[k]``.

    Pass the targets for the in-degree, the sources for the out-degree.
    """
    if edge_weight is None:
        edge_weight = tf.ones(tf.shape(index)[:1], dtype=dtype)
    else:
        edge_weight = tf.cast(edge_weight, dtype)
    return tf.math.unsorted_segment_sum(edge_weight, index, num_nodes)


def add_self_loops(sources, targets, num_nodes, edge_weight=None, fill_value=1.0):
    """Appends one edge ``v -> v`` for every node ``v`` (existing self loops are kept).

    Returns ``(sources, targets, edge_weight)``; ``edge_weight`` is None when it was None.
    """
    loops = tf.range(num_nodes, dtype=sources.dtype)
    sources = tf.concat([sources, loops], 0)
    targets = tf.concat([targets, loops], 0)
    if edge_weight is not None:
        fill = tf.fill(tf.shape(loops), tf.cast(fill_value, edge_weight.dtype))
        edge_weight = tf.concat([edge_weight, fill], 0)
    return sources, targets, edge_weight


def remove_self_loops(sources, targets, *edge_tensors):
    """Drops every edge ``v -> v``; returns ``(sources, targets, *edge_tensors)``."""
    keep = tf.not_equal(sources, targets)
    out = [tf.boolean_mask(sources, keep), tf.boolean_mask(targets, keep)]
    out += [None if t is None else tf.boolean_mask(t, keep) for t in edge_tensors]
    return tuple(out)


def gcn_degree_norm(in_degree, add_self_loops=True, dtype=tf.float32):
    """The GCN node factors ``d = D^-1/2`` ``[N]`` from unweighted in-degrees.

    ``D_tt = in_degree[t] + 1`` with ``add_self_loops`` (then every ``d_t > 0``), else
    ``in_degree[t]`` with ``d_t = 0`` where it is 0. With unit edge weights
    ``D^-1/2 Â D^-1/2 x = d * (A (d * x) + d * x)``: one unweighted ``A @ x`` and two
    scalings instead of a per-edge norm (the edge form is :func:`gcn_norm`).
    """
    deg = tf.cast(in_degree, dtype)
    if add_self_loops:
        return tf.math.rsqrt(deg + 1)
    positive = deg > 0
    return tf.where(positive, tf.math.rsqrt(tf.where(positive, deg, tf.ones_like(deg))),
                    tf.zeros_like(deg))


def gcn_norm(sources, targets, num_nodes, edge_weight=None, add_self_loops=True,
             dtype=tf.float32, in_degree=None):
    """Symmetric GCN normalization (Kipf & Welling).

    With ``A[t, s]`` the (weighted, multi-)adjacency (each edge ``s -> t`` adds its weight,
    duplicates and existing self loops count), ``Â = A + I`` when ``add_self_loops`` and
    ``D = diag(sum_s Â[t, s])``, the propagation matrix is ``D^-1/2 Â D^-1/2``. Returned
    as an edge list ``(sources, targets, norm)`` with
    ``norm[k] = w[k] / sqrt(D[s_k] * D[t_k])``, the ``N`` self loops (if added) last; a
    node of degree 0 contributes 0. ``in_degree`` (``[N]``, unweighted edge counts per
    target, e.g. ``GraphBatch.in_degree``) skips recounting when there is no ``edge_weight``.
    """
    counted = edge_weight is None and in_degree is not None
    edge_weight = (tf.ones(tf.shape(sources)[:1], dtype) if edge_weight is None
                   else tf.cast(edge_weight, dtype))
    if add_self_loops:
        loops = tf.range(num_nodes, dtype=sources.dtype)
        sources = tf.concat([sources, loops], 0)
        targets = tf.concat([targets, loops], 0)
        edge_weight = tf.concat([edge_weight, tf.ones(tf.shape(loops), dtype)], 0)
    if counted:
        inv_sqrt = gcn_degree_norm(in_degree, add_self_loops, dtype)
    else:
        deg = tf.math.unsorted_segment_sum(edge_weight, targets, num_nodes)
        inv_sqrt = gcn_degree_norm(deg, add_self_loops=False, dtype=dtype)
    if counted and add_self_loops:  # unit weights
        return sources, targets, tf.gather(inv_sqrt, sources) * tf.gather(inv_sqrt, targets)
    norm = tf.gather(inv_sqrt, sources) * edge_weight * tf.gather(inv_sqrt, targets)
    return sources, targets, norm
