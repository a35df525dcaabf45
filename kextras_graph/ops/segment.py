"""Gather/scatter reductions over flat ("disjoint") tensors, behind one entry point.

``scatter(data, index, num_segments, reduce=)`` reduces the rows of ``data`` that share an
index (sum, mean, max, min, std); ``propagate_sum`` is the weighted neighbour sum ``A @ x``
with two kernels (a sparse-dense matmul, or a gather and a scatter that XLA compiles).
Every kernel is ``unsorted_segment_*``/``scatter_nd`` with an explicit ``num_segments``,
so nothing needs sorting and everything compiles with XLA except the sparse matmul. Empty
segments give zeros (not ``-inf`` or ``NaN``); a NaN in a segment makes its max/min NaN,
as ``tf.reduce_max`` does.
"""

import tensorflow as tf

__all__ = [
    "scatter",
    "propagate_sum",
    "segment_sum",
    "segment_mean",
    "segment_max",
    "segment_min",
    "segment_softmax",
    "segment_std",
    "segment_count",
]

REDUCTIONS = ("sum", "mean", "max", "min", "std")


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
    if extra == 1:
        return tf.expand_dims(x, 1)  # one fast-path op (a reshape to a list falls back)
    return tf.reshape(x, [-1] + [1] * extra)


def _length(x):
    """``[len(x)]``: static when known (no op), else from ``tf.shape``."""
    return [x.shape[0]] if x.shape[0] is not None else tf.shape(x)[:1]


def segment_count(segment_ids, num_segments=None, dtype=tf.float32):
    """Number of entries per segment, shape ``[num_segments]``."""
    num_segments = _num_segments(segment_ids, num_segments)
    ones = tf.ones(_length(segment_ids), dtype=dtype)
    return tf.math.unsorted_segment_sum(ones, segment_ids, num_segments)


def _sum(data, segment_ids, num_segments):
    return tf.math.unsorted_segment_sum(data, segment_ids, num_segments)


def _mean(data, segment_ids, num_segments):
    total = _sum(data, segment_ids, num_segments)
    count = segment_count(segment_ids, num_segments, dtype=data.dtype)
    return total / _expand_like(tf.maximum(count, 1), total)


def _extreme(reduce_fn):
    def fn(data, segment_ids, num_segments):
        out = reduce_fn(data, segment_ids, num_segments)
        count = segment_count(segment_ids, num_segments, dtype=tf.int32)
        out = tf.where(_expand_like(count > 0, out), out, tf.zeros_like(out))
        if data.dtype.is_floating:  # the kernel's result on a NaN depends on the order
            has_nan = tf.math.unsorted_segment_max(
                tf.cast(tf.math.is_nan(data), tf.int32), segment_ids, num_segments) > 0
            out = tf.where(has_nan, tf.constant(float("nan"), out.dtype), out)
        return out
    return fn


def _std(data, segment_ids, num_segments):
    mean = _mean(data, segment_ids, num_segments)
    centered = data - tf.gather(mean, segment_ids)
    var = _mean(tf.square(centered), segment_ids, num_segments)
    positive = var > 0
    safe = tf.where(positive, var, tf.ones_like(var))
    return tf.where(positive, tf.sqrt(safe), tf.zeros_like(var))


_KERNELS = {"sum": _sum, "mean": _mean, "max": _extreme(tf.math.unsorted_segment_max),
            "min": _extreme(tf.math.unsorted_segment_min), "std": _std}


def scatter(data, index, num_segments=None, reduce="sum"):
    """``out[s] = reduce_{k: index[k] = s} data[k]``, shape ``[num_segments, ...]``.

    ``reduce``: "sum", "mean", "max", "min" or "std" (population standard deviation,
    two passes; its gradient is 0, not NaN, where it is 0). Empty segments give 0. Pass
    ``num_segments`` (a scalar tensor is fine) to stay XLA compatible.
    """
    if reduce not in _KERNELS:
        raise ValueError(f"`reduce` must be one of {list(REDUCTIONS)}. Received: reduce={reduce!r}")
    return _KERNELS[reduce](data, index, _num_segments(index, num_segments))


def segment_sum(data, segment_ids, num_segments=None):
    """``scatter(..., reduce="sum")``."""
    return scatter(data, segment_ids, num_segments, "sum")


def segment_mean(data, segment_ids, num_segments=None):
    """``scatter(..., reduce="mean")``."""
    return scatter(data, segment_ids, num_segments, "mean")


def segment_max(data, segment_ids, num_segments=None):
    """``scatter(..., reduce="max")``."""
    return scatter(data, segment_ids, num_segments, "max")


def segment_min(data, segment_ids, num_segments=None):
    """``scatter(..., reduce="min")``."""
    return scatter(data, segment_ids, num_segments, "min")


def segment_std(data, segment_ids, num_segments=None):
    """``scatter(..., reduce="std")``."""
    return scatter(data, segment_ids, num_segments, "std")


def segment_softmax(logits, segment_ids, num_segments=None):
    """Softmax of ``logits`` within each segment (over the first axis).

    ``out[k] = exp(l[k] - m[s]) / sum_{k': ids[k'] = s} exp(l[k'] - m[s])`` with
    ``s = ids[k]`` and ``m[s]`` the segment maximum (for stability). Extra trailing axes
    (e.g. attention heads) are independent.
    """
    num_segments = _num_segments(segment_ids, num_segments)
    seg_max = tf.stop_gradient(tf.math.unsorted_segment_max(logits, segment_ids, num_segments))
    exp = tf.exp(logits - tf.gather(seg_max, segment_ids))
    denom = tf.math.unsorted_segment_sum(exp, segment_ids, num_segments)
    return exp / tf.gather(denom, segment_ids)


def scatter_sum(data, segment_ids, num_segments):
    """``scatter(reduce="sum")`` for ids known to lie in ``[0, num_segments)``.

    ``tf.scatter_nd`` (forward + backward about 15-20 % faster than
    ``unsorted_segment_sum`` on CPU for ``[E, 64]`` messages); an out-of-range id is an
    error (CPU) rather than dropped, so only validated indices use it.
    """
    ids = tf.convert_to_tensor(segment_ids)
    n = tf.reshape(tf.cast(num_segments, ids.dtype), [1])
    shape = tf.concat([n, tf.shape(data, out_type=ids.dtype)[1:]], 0)
    return tf.scatter_nd(tf.expand_dims(ids, 1), data, shape)


@tf.custom_gradient
def gather_rows(data, indices):
    """``tf.gather(data, indices)`` whose gradient is one dense ``scatter_nd`` sum
    (instead of ``IndexedSlices`` densified later). For validated in-range indices."""

    def grad(dy):
        return scatter_sum(dy, indices, tf.shape(data, out_type=indices.dtype)[0]), None

    return tf.gather(data, indices), grad


_SPMM_DTYPES = (tf.float32, tf.float64)


def propagate_sum(x, sources, targets, num_nodes, edge_weight=None, adjacency=None,
                  sparse=True):
    """``out[t] = sum_{k: targets[k] = t} w_k x[sources[k]]`` (``[N, ...]``), i.e. ``A @ x``.

    ``A[t, s] = sum of w_k over the edges s -> t`` (``w = 1`` without ``edge_weight``).
    For validated in-range indices only. ``sparse=True`` (and a float32/float64 ``[N, F]``
    ``x``): one ``tf.sparse.sparse_dense_matmul`` (forward and backward about 5x faster on
    CPU than a gather and a scatter, but XLA cannot compile it); ``adjacency`` is its
    ``[E, 2]`` int64 (target, source) pattern when already built (``GraphBatch.adjacency``).
    ``sparse=False``: a gather and a ``scatter_nd`` (XLA compatible).
    """
    x = tf.convert_to_tensor(x)
    if not sparse or x.shape.rank != 2 or x.dtype not in _SPMM_DTYPES:
        messages = gather_rows(x, sources)
        if edge_weight is not None:
            messages = messages * _expand_like(tf.cast(edge_weight, x.dtype), messages)
        return scatter_sum(messages, targets, num_nodes)
    if adjacency is None:
        adjacency = tf.cast(tf.stack([targets, sources], 1), tf.int64)
    values = (tf.ones(_length(sources), x.dtype) if edge_weight is None
              else tf.cast(edge_weight, x.dtype))
    rows, cols = tf.get_static_value(num_nodes), x.shape[0]
    if rows is not None and cols is not None:  # known sizes (always in eager mode): no op
        shape = tf.constant([int(rows), cols], tf.int64)
    else:
        shape = tf.stack([tf.cast(num_nodes, tf.int64), tf.shape(x, out_type=tf.int64)[0]])
    # the kernel of tf.sparse.sparse_dense_matmul, without building a tf.SparseTensor
    return tf.raw_ops.SparseTensorDenseMatMul(a_indices=adjacency, a_values=values,
                                              a_shape=shape, b=x)
