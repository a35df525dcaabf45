"""Core single-axis analysis/synthesis passes in TensorFlow (internal).

Layout used throughout: a tensor ``y`` of shape ``data_shape + [B]`` whose trailing axis
holds the ``B = 2**k`` sub-bands produced so far, in PyWavelets ``dwtn`` key order
(``'aa', 'ad', 'da', 'dd'`` for two axes: the band of the first transformed axis is the most
significant "digit"). An analysis pass along ``axis`` turns the trailing ``B`` into ``2 B``
(the new band is the least significant digit); a synthesis pass does the opposite. Bands
are therefore channels-last, which is the layout CNN layers want, and no transposes are
needed: every pass is one gather (the signal extension) plus one strided ``conv2d``
(analysis) or ``conv2d_transpose`` (synthesis) on a ``[P, N, Q, C]`` view of the data.

Index conventions (checked against PyWavelets 1.8, see the tests):

* non-periodization modes: ``cA[i] = sum_j dec_lo[j] * ext(2i + 1 - j)`` for
  ``i < floor((N + F - 1) / 2)``; ``ext`` is the extended signal of the mode.
* ``periodization``: odd ``N`` is first extended by repeating the last sample, ``M`` the even
  length, ``cA[i] = sum_j dec_lo[j] * x[(2i + F/2 - j) mod M]`` for ``i < M / 2``.
* inverse, non-periodization: full convolution of the zero-upsampled coefficients with the
  reconstruction filters, samples ``F - 2 .. 2L - 1`` (length ``2L - F + 2``).
* inverse, periodization: circular, ``x[(2i + j - F/2 + 1) mod 2L] += c[i] * rec[j]``.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

MODES = (
    "zero",
    "constant",
    "symmetric",
    "periodic",
    "smooth",
    "periodization",
    "reflect",
    "antisymmetric",
    "antireflect",
)


def check_mode(mode) -> str:
    if not isinstance(mode, str) or mode not in MODES:
        import difflib

        close = difflib.get_close_matches(str(mode), MODES, n=3, cutoff=0.5)
        hint = f" Did you mean {close}?" if close else ""
        raise ValueError(
            f"Unknown signal extension mode. Received: mode={mode!r}.{hint} "
            f"Supported modes: {list(MODES)}."
        )
    return mode


# ----------------------------------------------------------------------------- shapes


def static_or_dynamic_shape(x):
    """List of Python ints where known, scalar int32 tensors elsewhere."""
    static = x.shape.as_list()
    if all(d is not None for d in static):
        return static
    dyn = tf.shape(x)
    return [d if d is not None else dyn[i] for i, d in enumerate(static)]


def _prod(dims):
    out = 1
    for d in dims:
        out = out * d
    return out


def _is_static(*vals):
    return all(isinstance(v, (int, np.integer)) for v in vals)


def _floordiv(a, b):
    return a // b


def _reshape(x, shape):
    if all(isinstance(d, (int, np.integer)) for d in shape):
        return tf.reshape(x, [int(d) for d in shape])
    return tf.reshape(x, tf.stack([tf.cast(d, tf.int32) for d in shape]))


# ----------------------------------------------------------------------------- extension


def _ext_index(k, n, mode):
    """Source index (and sign) of the extended sample at integer positions ``k``.

    ``k`` is an int32 tensor, ``n`` the signal length (int or scalar tensor).
    Returns ``idx, sign`` (sign is None where it is always +1).
    """
    n = tf.cast(n, tf.int32)
    if mode in ("zero", "constant", "smooth"):
        return tf.clip_by_value(k, 0, n - 1), None
    if mode == "periodic":
        return tf.math.floormod(k, n), None
    if mode in ("symmetric", "antisymmetric"):
        m = tf.math.floormod(k, 2 * n)
        idx = tf.where(m < n, m, 2 * n - 1 - m)
        if mode == "symmetric":
            return idx, None
        odd = tf.math.floormod(tf.math.floordiv(k, n), 2)
        return idx, 1 - 2 * odd
    if mode in ("reflect", "antireflect"):
        p = tf.maximum(2 * n - 2, 1)
        m = tf.math.floormod(k, p)
        idx = tf.where(m < n, m, p - m)
        if mode == "reflect":
            return idx, None
        return idx, tf.where(m < n, 1, -1)
    raise ValueError(mode)  # pragma: no cover


def extend(x3, n, start, length, mode):
    """Extend ``x3`` of shape ``[P, n, Q]`` along axis 1 with a PyWavelets mode.

    Returns the samples ``ext(k)`` for ``k = start .. start + length - 1`` (shape
    ``[P, length, Q]``). ``mode="periodization"`` is handled by the caller (it uses
    ``periodic`` on the even-length signal).
    """
    dtype = x3.dtype
    if mode == "zero" and _is_static(start) and start <= 0:
        # plain zero padding is cheaper than a gather
        right = start + length - n
        return tf.pad(x3, [[0, 0], [-start, right], [0, 0]])
    k = tf.range(start, start + length, dtype=tf.int32)
    idx, sign = _ext_index(k, n, mode)
    out = tf.gather(x3, idx, axis=1)
    if mode == "zero":
        inside = tf.logical_and(k >= 0, k < tf.cast(n, tf.int32))
        return out * tf.cast(inside, dtype)[None, :, None]
    if sign is not None:
        out = out * tf.cast(sign, dtype)[None, :, None]
    if mode == "antireflect":
        p = tf.maximum(2 * tf.cast(n, tf.int32) - 2, 1)
        q = tf.math.floordiv(k, p)
        m = tf.math.floormod(k, p)
        c_last = tf.cast(tf.where(m < tf.cast(n, tf.int32), 0, 2) + 2 * q, dtype)[None, :, None]
        c_first = tf.cast(-2 * q, dtype)[None, :, None]
        out = out + c_last * x3[:, -1:, :] + c_first * x3[:, :1, :]
    elif mode == "smooth":
        n32 = tf.cast(n, tf.int32)
        second = tf.gather(x3, [tf.minimum(1, n32 - 1)], axis=1)
        before_last = tf.gather(x3, [tf.maximum(n32 - 2, 0)], axis=1)
        d_left = tf.cast(tf.maximum(-k, 0), dtype)[None, :, None]
        d_right = tf.cast(tf.maximum(k - (n32 - 1), 0), dtype)[None, :, None]
        out = out + d_left * (x3[:, :1, :] - second) + d_right * (x3[:, -1:, :] - before_last)
    return out


# ----------------------------------------------------------------------------- passes


def _kernel(arrays, dtype, shape):
    return tf.constant(np.stack(arrays, axis=-1).reshape(shape), dtype=dtype)


def analysis_axis(y, axis, bank, mode):
    """One analysis pass along ``axis`` of a band-trailing tensor (see module docstring)."""
    shape = static_or_dynamic_shape(y)
    F = bank.dec_len
    n = shape[axis]
    P = _prod(shape[:axis])
    Q = _prod(shape[axis + 1:])
    y3 = _reshape(y, [P, n, Q])
    if mode == "periodization":
        M = n + n % 2
        L = M // 2
        start = 1 - F // 2
        length = 2 * L + F - 2
        k = tf.range(start, start + length, dtype=tf.int32)
        idx = tf.minimum(tf.math.floormod(k, tf.cast(M, tf.int32)), tf.cast(n, tf.int32) - 1)
        xe = tf.gather(y3, idx, axis=1)
    else:
        L = (n + F - 1) // 2
        start = 2 - F
        length = 2 * L + F - 2
        xe = extend(y3, n, start, length, mode)
    # correlation kernel = reversed filters; output channel 0 = approximation, 1 = detail
    kern = _kernel([bank.dec_lo[::-1], bank.dec_hi[::-1]], y.dtype, [F, 1, 1, 2])
    out = tf.nn.conv2d(xe[..., None], kern, strides=[1, 2, 1, 1], padding="VALID")
    new_shape = list(shape[:axis]) + [L] + list(shape[axis + 1:-1]) + [shape[-1] * 2]
    return _reshape(out, new_shape)


def synthesis_axis(y, axis, bank, mode):
    """One synthesis pass along ``axis``: trailing ``2 B`` bands become ``B``."""
    shape = static_or_dynamic_shape(y)
    F = bank.rec_len
    L = shape[axis]
    P = _prod(shape[:axis])
    B2 = shape[-1]
    Q = _prod(shape[axis + 1:-1]) * (B2 // 2)
    y4 = _reshape(y, [P, L, Q, 2])
    kern = _kernel([bank.rec_lo, bank.rec_hi], y.dtype, [F, 1, 1, 2])
    if mode == "periodization":
        a = -(-F // 4)
        k = tf.range(-a, L + a, dtype=tf.int32)
        y4 = tf.gather(y4, tf.math.floormod(k, tf.cast(L, tf.int32)), axis=1)
        Le = L + 2 * a
        crop = F // 2 - 1 + 2 * a
        out_len = 2 * L
    else:
        Le = L
        crop = F - 2
        out_len = 2 * L - F + 2
        if _is_static(out_len) and out_len < 1:
            raise ValueError(
                "Invalid coefficient arrays length for specified wavelet: coefficients of "
                f"length {L} cannot be inverted with a filter of length {F} (mode={mode!r}). "
                "Wavelet and mode must be the same as used for decomposition."
            )
    full_len = 2 * (Le - 1) + F
    out_shape = [P, full_len, Q, 1]
    if not _is_static(*out_shape):
        out_shape = tf.stack([tf.cast(d, tf.int32) for d in out_shape])
    full = tf.nn.conv2d_transpose(y4, kern, out_shape, strides=[1, 2, 1, 1], padding="VALID")
    rec = full[:, crop:crop + out_len]
    new_shape = list(shape[:axis]) + [out_len] + list(shape[axis + 1:-1]) + [B2 // 2]
    return _reshape(rec, new_shape)


def swt_axis(y, axis, bank, dilation):
    """Stationary (undecimated, circular) analysis pass with filters dilated by ``dilation``."""
    shape = static_or_dynamic_shape(y)
    F = bank.dec_len
    n = shape[axis]
    P = _prod(shape[:axis])
    Q = _prod(shape[axis + 1:])
    y3 = _reshape(y, [P, n, Q])
    start = (1 - F // 2) * dilation
    length = n + (F - 1) * dilation
    k = tf.range(start, start + length, dtype=tf.int32)
    xe = tf.gather(y3, tf.math.floormod(k, tf.cast(n, tf.int32)), axis=1)
    kern = _kernel([bank.dec_lo[::-1], bank.dec_hi[::-1]], y.dtype, [F, 1, 1, 2])
    out = tf.nn.conv2d(xe[..., None], kern, strides=1, padding="VALID", dilations=[1, dilation, 1, 1])
    new_shape = list(shape[:axis]) + [n] + list(shape[axis + 1:-1]) + [shape[-1] * 2]
    return _reshape(out, new_shape)


def iswt_axis(y, axis, bank, dilation):
    """Inverse of :func:`swt_axis` (PyWavelets' average of the two shifted inverses)."""
    shape = static_or_dynamic_shape(y)
    F = bank.rec_len
    n = shape[axis]
    P = _prod(shape[:axis])
    B2 = shape[-1]
    Q = _prod(shape[axis + 1:-1]) * (B2 // 2)
    y4 = _reshape(y, [P, n, Q, 2])
    start = -(F // 2) * dilation
    length = n + (F - 1) * dilation
    k = tf.range(start, start + length, dtype=tf.int32)
    xe = tf.gather(y4, tf.math.floormod(k, tf.cast(n, tf.int32)), axis=1)
    kern = _kernel([0.5 * bank.rec_lo[::-1], 0.5 * bank.rec_hi[::-1]], y.dtype, [F, 1, 2, 1])
    out = tf.nn.conv2d(xe, kern, strides=1, padding="VALID", dilations=[1, dilation, 1, 1])
    new_shape = list(shape[:axis]) + [n] + list(shape[axis + 1:-1]) + [B2 // 2]
    return _reshape(out, new_shape)
