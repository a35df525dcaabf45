"""Segment reductions over flat ("disjoint") tensors.

Every reduction takes ``data`` whose first axis is indexed by ``segment_ids`` and an
explicit ``num_segments``. They are built on the ``tf.math.unsorted_segment_*`` kernels,
so they need no sorting and compile with XLA when ``num_segments`` is known. Empty
segments give zeros (not ``-inf`` or ``NaN``). ``propagate_sum`` is the weighted
neighbour sum ``A @ x`` of GCN-like layers.
"""

import tensorflow as tf
from tensorflow.python.ops import control_flow_util

__all__ = [
    "propagate_sum",
    "segment_sum",
    "segment_mean",
    "segment_max",
    "segment_min",
    "segment_softmax",
    "segment_std",
    "segment_count",
]


def _num_segments(segment_ids, num_segments):
    if num_segments is None:
        # Convenience only: data dependent, so not XLA friendly.
        return tf.reduce_max(tf.concat([tf.reshape(segment_ids, [-1]),
                                        tf.constant([-1], segment_ids.dtype)], 0)) + 1
    return num_segments


def _expand_like(x, data):
    """Reshapes a ``[S]`` tensor to broadcast against ``[S, ...]`` with data's rank."""
    extra = data.shape.rank - 1
    if extra <= 0:
        return x
    return tf.reshape(x, tf.concat([tf.shape(x), tf.ones([extra], tf.int32)], 0))


def segment_count(segment_ids, num_segments=None, dtype=tf.float32):
    """Number of entries per segment, shape ``[num_segments]``."""
    num_segments = _num_segments(segment_ids, num_segments)
    ones = tf.ones(tf.shape(segment_ids)[:1], dtype=dtype)
    return tf.math.unsorted_segment_sum(ones, segment_ids, num_segments)


def segment_sum(data, segment_ids, num_segments=None):
    """``out[s] = sum_{k: ids[k] = s} data[k]``; empty segments give 0."""
    num_segments = _num_segments(segment_ids, num_segments)
    return tf.math.unsorted_segment_sum(data, segment_ids, num_segments)


def scatter_sum(data, segment_ids, num_segments):
    """``segment_sum`` for ids known to lie in ``[0, num_segments)``.

    Built on ``tf.scatter_nd`` (forward + backward about 15-20 % faster than
    ``unsorted_segment_sum`` on CPU for ``[E, 64]`` messages). Unlike ``segment_sum``,
    an out-of-range or negative id is an error (CPU) rather than dropped, so only the
    layers whose indices are validated (edge targets, row ids) use it.
    """
    ids = tf.convert_to_tensor(segment_ids)
    n = tf.reshape(tf.cast(num_segments, ids.dtype), [1])
    shape = tf.concat([n, tf.shape(data, out_type=ids.dtype)[1:]], 0)
    return tf.scatter_nd(tf.expand_dims(ids, 1), data, shape)


@tf.custom_gradient
def gather_rows(data, indices):
    """``tf.gather(data, indices)`` (rows) whose gradient is a dense ``scatter_nd`` sum.

    Same values as ``tf.gather``; the gradient w.r.t. ``data`` is the same sum as
    TensorFlow's, computed with ``scatter_nd`` directly instead of building
    ``IndexedSlices`` that are later densified by ``unsorted_segment_sum`` (about 15 %
    faster per gather + backward on CPU). For validated in-range indices only.
    """

    def grad(dy):
        return scatter_sum(dy, indices, tf.shape(data, out_type=indices.dtype)[0]), None

    return tf.gather(data, indices), grad


def _in_xla_context():
    """True while tracing a function compiled by XLA (``jit_compile=True``)."""
    return control_flow_util.GraphOrParentsInXlaContext(tf.compat.v1.get_default_graph())


_SPMM_DTYPES = (tf.float32, tf.float64)


def _adjacency_pattern(sources, targets, num_nodes, cache):
    """``int64`` indices ``[E, 2]`` (target, source) and dense shape of ``A``, memoized in
    ``cache`` for these very ``sources`` / ``targets`` tensors."""
    hit = None if cache is None else cache.get("adjacency_pattern")
    if hit is not None and hit[0] is sources and hit[1] is targets:
        return hit[2], hit[3]
    indices = tf.cast(tf.stack([targets, sources], 1), tf.int64)
    shape = tf.cast(tf.stack([num_nodes, num_nodes]), tf.int64)
    if cache is not None:
        cache["adjacency_pattern"] = (sources, targets, indices, shape)
    return indices, shape


def propagate_sum(x, sources, targets, num_nodes, edge_weight=None, cache=None):
    """``out[t] = sum_{k: targets[k] = t} w_k x[sources[k]]`` (``[N, F]``), i.e. ``A @ x``.

    ``A[t, s] = sum of w_k over the edges s -> t`` (``w = 1`` without ``edge_weight``).
    For validated in-range indices only. Outside XLA and for float32/float64 this is one
    ``tf.sparse.sparse_dense_matmul`` (forward and backward about 25 % faster on CPU than
    a gather and a scatter); under XLA, which has no sparse kernel, the gather and scatter.
    ``cache`` (a dict, e.g. ``DisjointGraph.cache``) memoizes the sparse pattern of the
    same ``sources`` / ``targets`` tensors, so repeated propagations build it once.
    """
    x = tf.convert_to_tensor(x)
    if x.shape.rank != 2 or x.dtype not in _SPMM_DTYPES or _in_xla_context():
        messages = gather_rows(x, sources)
        if edge_weight is not None:
            messages = messages * tf.expand_dims(tf.cast(edge_weight, x.dtype), 1)
        return scatter_sum(messages, targets, num_nodes)
    indices, shape = _adjacency_pattern(sources, targets, num_nodes, cache)
    if edge_weight is None:
        values = tf.ones(tf.shape(sources)[:1], x.dtype)
    else:
        values = tf.cast(edge_weight, x.dtype)
    return tf.sparse.sparse_dense_matmul(tf.SparseTensor(indices, values, shape), x)


def segment_mean(data, segment_ids, num_segments=None):
    """``out[s] = mean_{k: ids[k] = s} data[k]``; empty segments give 0."""
    num_segments = _num_segments(segment_ids, num_segments)
    total = tf.math.unsorted_segment_sum(data, segment_ids, num_segments)
    count = segment_count(segment_ids, num_segments, dtype=data.dtype)
    return total / _expand_like(tf.maximum(count, tf.ones_like(count)), total)


def _masked_extreme(reduce_fn, data, segment_ids, num_segments):
    num_segments = _num_segments(segment_ids, num_segments)
    out = reduce_fn(data, segment_ids, num_segments)
    count = segment_count(segment_ids, num_segments, dtype=tf.int32)
    nonempty = _expand_like(count > 0, out)
    return tf.where(nonempty, out, tf.zeros_like(out))


def segment_max(data, segment_ids, num_segments=None):
    """``out[s] = max_{k: ids[k] = s} data[k]``; empty segments give 0."""
    return _masked_extreme(tf.math.unsorted_segment_max, data, segment_ids, num_segments)


def segment_min(data, segment_ids, num_segments=None):
    """``out[s] = min_{k: ids[k] = s} data[k]``; empty segments give 0."""
    return _masked_extreme(tf.math.unsorted_segment_min, data, segment_ids, num_segments)


def segment_softmax(logits, segment_ids, num_segments=None):
    """Softmax of ``logits`` within each segment (over the first axis).

    ``out[k] = exp(l[k] - m[s]) / sum_{k': ids[k'] = s} exp(l[k'] - m[s])`` with
    ``s = ids[k]`` and ``m[s]`` the segment maximum (for stability). Extra trailing axes
    (e.g. attention heads) are independent.
    """
    num_segments = _num_segments(segment_ids, num_segments)
    seg_max = tf.math.unsorted_segment_max(logits, segment_ids, num_segments)
    seg_max = tf.stop_gradient(seg_max)
    shifted = logits - tf.gather(seg_max, segment_ids)
    exp = tf.exp(shifted)
    denom = tf.math.unsorted_segment_sum(exp, segment_ids, num_segments)
    return exp / tf.gather(denom, segment_ids)


def segment_std(data, segment_ids, num_segments=None):
    """Population standard deviation per segment; empty or constant segments give 0.

    Computed in two passes, ``sqrt(mean((x - mean(x))**2))``; the gradient is 0 (not NaN)
    where the deviation is 0.
    """
    num_segments = _num_segments(segment_ids, num_segments)
    mean = segment_mean(data, segment_ids, num_segments)
    centered = data - tf.gather(mean, segment_ids)
    var = segment_mean(tf.square(centered), segment_ids, num_segments)
    positive = var > 0
    safe = tf.where(positive, var, tf.ones_like(var))
    return tf.where(positive, tf.sqrt(safe), tf.zeros_like(var))
