"""Sparse-dense products for the CPU kernels of ``ops.segment`` (not XLA compatible).

``weighted_sum(pattern, values, x, num_rows)``: ``out[r] = sum_{k: pattern[k, 0] = r}
values[k] * x[pattern[k, 1]]``, one ``tf.sparse.sparse_dense_matmul`` per head and per
column chunk, for ``values [E]`` with ``x [N, C]``, or per-head ``values [E, H]`` with
``x [N, H, C]`` (attention weights). ``incidence_sum(data, ids, num_rows)``: the scatter
sum ``out[r] = sum_{k: ids[k] = r} data[k]`` as the product with the ``[R, E]``
incidence matrix. Indices must be valid (in range): an out-of-range one is an error.

Why (TensorFlow 2.21 CPU kernel, one thread, 10k nodes, 100k edges): the sparse matmul
runs a plain loop for fewer than 32 dense columns (0.6 ms for 8 columns) and per-nonzero
Eigen slices from 32 columns up (10 ms for 64); so wide inputs are cut into chunks of at
most 16 columns (64 columns: 3 ms). TensorFlow's registered gradient of the sparse values
is an ``[E, 1, C] x [E, C, 1]`` batched matmul (about 40 ms); here it is two gathers and a
row sum. A scatter sum of ``[E, 8]`` through the incidence matrix takes 0.8-1.5 ms against
2-2.7 ms for ``scatter_nd`` / ``unsorted_segment_sum``; its gradient is one gather.
"""

import tensorflow as tf

SPARSE_DTYPES = (tf.float32, tf.float64)
_CHUNK = 16  # columns per sparse matmul (the loop kernel runs below 32)


def supported(x, ranks=(2, 3)):
    """True if ``x`` can go through these kernels (float32/float64, static inner axes)."""
    return (x.dtype in SPARSE_DTYPES and x.shape.rank in ranks
            and x.shape[1:].is_fully_defined())


def _matmul(sp, dense, adjoint=False):
    """``sp @ dense`` (``sp^T @ dense`` with ``adjoint``), in chunks of ``_CHUNK`` columns."""
    cols = dense.shape[-1]
    if cols < 2 * _CHUNK:
        return tf.sparse.sparse_dense_matmul(sp, dense, adjoint_a=adjoint)
    sizes = [_CHUNK] * (cols // _CHUNK) + ([cols % _CHUNK] if cols % _CHUNK else [])
    return tf.concat([tf.sparse.sparse_dense_matmul(sp, part, adjoint_a=adjoint)
                      for part in tf.split(dense, sizes, axis=1)], axis=1)


def _per_head(pattern, values, x, shape, adjoint):
    """``[R, H, C]`` (or ``[R, C]``) products, one sparse matrix per head."""
    if x.shape.rank == 2:
        return _matmul(tf.SparseTensor(pattern, values, shape), x, adjoint)
    heads, cols = x.shape[1], x.shape[2]
    if values.shape.rank == 1:  # one weight per edge for every head
        out = _matmul(tf.SparseTensor(pattern, values, shape),
                      tf.reshape(x, [-1, heads * cols]), adjoint)
    else:  # unstacking the transpose: contiguous copies
        out = tf.concat([_matmul(tf.SparseTensor(pattern, v, shape), xh, adjoint)
                         for v, xh in zip(tf.unstack(tf.transpose(values)),
                                          tf.unstack(x, axis=1))], axis=1)
    return tf.reshape(out, [-1, heads, cols])


def _row_dots(a, b):
    """``sum(a * b, axis=-1)``: the last-axis sum as a matmul with ones (a reduction over
    a short last axis is slow on CPU)."""
    prod = a * b
    width = prod.shape[-1]
    ones = tf.ones([width, 1], prod.dtype)
    return tf.reshape(tf.matmul(tf.reshape(prod, [-1, width]), ones), tf.shape(prod)[:-1])


def weighted_sum(pattern, values, x, num_rows):
    """``out[r] = sum_{k: pattern[k, 0] = r} values[k] * x[pattern[k, 1]]``.

    Args:
        pattern: ``[E, 2]`` int64 (row, column) index pairs (e.g. (target, source)).
        values: ``[E]``, or ``[E, H]`` with a rank-3 ``x`` (one weight per edge and head).
        x: ``[N, C]`` or ``[N, H, C]``, float32 or float64.
        num_rows: ``R``, a scalar.

    Returns ``[R, C]`` or ``[R, H, C]``; differentiable in ``values`` and ``x``.
    """
    x = tf.convert_to_tensor(x)
    values = tf.cast(values, x.dtype)
    rows, cols = tf.get_static_value(num_rows), x.shape[0]
    if rows is not None and cols is not None:  # known sizes (always in eager mode): no op
        shape = tf.constant([int(rows), cols], tf.int64)
    else:
        shape = tf.stack([tf.cast(num_rows, tf.int64), tf.shape(x, out_type=tf.int64)[0]])

    @tf.custom_gradient
    def product(values, x):
        def grad(dy):
            dx = _per_head(pattern, values, dy, shape, adjoint=True)
            rows = tf.gather(dy, pattern[:, 0])
            cols = tf.gather(x, pattern[:, 1])
            if values.shape.rank == 1 and x.shape.rank == 3:
                flat = [-1, x.shape[1] * x.shape[2]]
                rows, cols = tf.reshape(rows, flat), tf.reshape(cols, flat)
            dvalues = _row_dots(rows, cols)
            return dvalues, dx

        return _per_head(pattern, values, x, shape, adjoint=False), grad

    return product(values, x)


def incidence_sum(data, ids, num_rows):
    """``out[r] = sum_{k: ids[k] = r} data[k]`` (``[R, ...]``) for in-range ``ids``."""
    data = tf.convert_to_tensor(data)
    ids = tf.convert_to_tensor(ids)
    count = tf.shape(data, out_type=tf.int64)[0]
    pattern = tf.stack([tf.cast(ids, tf.int64), tf.range(count)], axis=1)
    shape = tf.stack([tf.cast(num_rows, tf.int64), count])
    inner = data.shape[1:].as_list()
    width = data.shape[1:].num_elements()

    @tf.custom_gradient
    def total(data):
        def grad(dy):
            return tf.gather(dy, ids)

        sp = tf.SparseTensor(pattern, tf.ones([count], data.dtype), shape)
        return tf.reshape(_matmul(sp, tf.reshape(data, [-1, width])), [-1] + inner), grad

    return total(data)
