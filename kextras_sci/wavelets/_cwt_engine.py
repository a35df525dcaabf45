"""The two engines behind ``cwt``: a filter bank applied to rows of signals.

Input: rows ``x`` ``[B, N]`` (real or complex) and per scale a filter ``g`` with centre ``c``;
output ``y[s, b, n] = sum_k g_s[k] x[b, n + c_s - k]`` (``x`` zero outside ``0 .. N-1``),
``[S, B, N]``, real for real rows and filters, complex otherwise.

Scales whose filters have similar lengths (ratio <= 2, or all <= 64 taps) form a group and
share one frame: filters aligned on a common centre ``c``, ``[S_g, K]``. Per group:

* direct convolution as one matrix product (``"conv"`` with filters of at most
  ``_DIRECT_TAPS`` taps; longer ones go through the FFT, the same sum to rounding, ~1e-13
  relative in float64, and many times faster than the direct sum for long filters). The padded signal is cut into
  blocks of ``T`` samples; output block ``m`` only sees input blocks ``m .. m + Q``, so with
  ``X[b, m, (q, r)] = xpad[(m + q) T + r]`` and the block-Toeplitz weights
  ``A[(q, r), (s, t)] = w_s[q T + r - t]`` (``w`` = reversed frame) the group is
  ``X @ A`` (``[B M, (Q + 1) T] x [(Q + 1) T, S_g T]``): ``B N S_g (K + T)`` multiply-adds,
  the cost of the direct sum, at matrix-product speed.
* ``"fft"``: zero-padded FFT products (``rfft`` for real rows and filters), a length ``P``
  that no wrap-around reaches the outputs with, scales in chunks (bounded memory).

Real and imaginary parts of complex filters are separate real filters for ``"conv"``;
complex rows are transformed as two real batches.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import tensorflow as tf

__all__ = ["transform_rows"]

_DIRECT_TAPS = 32  # "conv": groups whose filters are all this short are summed directly
_GROUP_TAPS = 64  # filters up to this length always share a group ...
_GROUP_RATIO = 2.0  # ... longer ones while max/min length stays within this ratio
_BLOCK_MAX = 64  # the block length T of the "conv" engine ...
_WEIGHT_BYTES = 16 << 20  # ... and the size of its block-Toeplitz weights are bounded
_FFT_CHUNK = 1 << 22  # complex elements per FFT product (a chunk of scales)


def _groups(lengths):
    """(order, groups): runs of ``order`` whose filter lengths stay within the ratio."""
    lengths = list(lengths)
    diffs = np.diff(lengths)
    monotone = np.all(diffs >= 0) or np.all(diffs <= 0)
    order = list(range(len(lengths))) if monotone else [int(i) for i in np.argsort(lengths, kind="stable")]
    groups, current, lo, hi = [], [], None, None
    for i in order:
        k = lengths[i]
        if current and max(hi, k) > max(_GROUP_TAPS, _GROUP_RATIO * min(lo, k)):
            groups.append(current)
            current = []
        if not current:
            lo = hi = k
        current.append(i)
        lo, hi = min(lo, k), max(hi, k)
    groups.append(current)
    return order, groups


def _frame(filters, group, n):
    """``([S_g, K] frame, c)``: the group's filters on a common centre, cut to the taps that
    can meet a signal of static length ``n``."""
    c = max(filters[i][1] for i in group)
    k = max(c - filters[i][1] + filters[i][0].size for i in group)
    frame = np.zeros((len(group), k), dtype=np.result_type(*(filters[i][0] for i in group)))
    for row, i in enumerate(group):
        g, ci = filters[i]
        frame[row, c - ci:c - ci + g.size] = g
    if isinstance(n, Integral):  # output n' sees taps k = n' + c - j, j in 0 .. n - 1
        lo = max(0, c - n + 1)
        frame, c = frame[:, lo:c + n], c - lo
    return frame, c


def _block(k, s, n):
    """Block length ``T``: a power of two in ``[8, 64]`` near ``K / 2``, bounded weights."""
    t = 8
    while (2 * t <= min(_BLOCK_MAX, k // 2) and (k + 2 * t) * s * 2 * t * 8 <= _WEIGHT_BYTES
           and (not isinstance(n, Integral) or 2 * t <= n)):
        t *= 2
    return t


def _toeplitz(w, t):
    """``A[(q, r), (s, t')] = w[s, q T + r - t']`` for ``w`` ``[S, K]``; ``((Q + 1) T, S T)``."""
    s, k = w.shape
    q1 = -(-(k + t - 1) // t)
    u = np.arange(q1 * t)[:, None] - np.arange(t)[None, :]  # [(Q+1)T, T]: tap index
    ok = (u >= 0) & (u < k)
    a = np.where(ok[:, None, :], w[:, np.clip(u, 0, k - 1)].transpose(1, 0, 2), 0.0)
    return a.reshape(q1 * t, s * t), q1


def _conv(x, frame, c, n):
    """Real rows ``[B, N]``, real frame ``[S, K]`` -> ``[S, B, N]`` (block-Toeplitz product)."""
    s, k = frame.shape
    t = _block(k, s, n)
    a, q1 = _toeplitz(frame[:, ::-1], t)
    m = -(-n // t)  # output blocks
    xp = tf.pad(x, [[0, 0], [k - 1 - c, (m + q1 - 1) * t - n - (k - 1 - c)]])
    xb = tf.reshape(xp, [tf.shape(x)[0], m + q1 - 1, t])
    xcat = tf.concat([xb[:, q:q + m] for q in range(q1)], axis=-1) if q1 > 1 else xb
    y = tf.matmul(tf.reshape(xcat, [-1, q1 * t]), tf.constant(a, dtype=x.dtype))
    y = tf.transpose(tf.reshape(y, [-1, s, t]), [1, 0, 2])  # [S, B M, T]
    y = tf.reshape(y, [s, tf.shape(x)[0], m * t])
    return y if isinstance(n, Integral) and m * t == n else y[:, :, :n]


def _fast_len(m):
    """Smallest ``2^a 3^b 5^c >= m`` (static ``m``); the next power of two (dynamic)."""
    if isinstance(m, Integral):
        best = 1 << max(int(m) - 1, 0).bit_length()
        p5 = 1
        while p5 < best:
            p35 = p5
            while p35 < best:
                p = p35
                while p < m:
                    p *= 2
                best = min(best, p)
                p35 *= 3
            p5 *= 5
        return best
    e = tf.math.ceil(tf.math.log(tf.cast(m, tf.float64)) / np.log(2.0))
    p = tf.cast(tf.bitwise.left_shift(tf.constant(1, tf.int64), tf.cast(e, tf.int64)), tf.int32)
    p = tf.where(p < m, 2 * p, p)  # guard the rounding of the logarithm
    return tf.where(p // 2 >= m, p // 2, p)


def _fft(x, frame, c, n):
    """Rows ``[B, N]``, frame ``[S, K]`` -> ``[S, B, N]`` by FFT products."""
    k = frame.shape[1]
    need = [n + k - 1 - c, n + c, k]  # no wrap-around reaches the outputs c .. c + n - 1
    p = _fast_len(tf.reduce_max(tf.stack(need)) if tf.is_tensor(n) else max(need))
    complex_ = x.dtype.is_complex or np.iscomplexobj(frame)
    if complex_:
        cdt = tf.complex128 if x.dtype in (tf.float64, tf.complex128) else tf.complex64
        spectrum = tf.signal.fft(tf.pad(tf.cast(x, cdt), [[0, 0], [0, p - n]]))
    else:
        spectrum = tf.signal.rfft(x, [p])
    rows = x.shape[0] if x.shape[0] is not None else 64
    bins = p if complex_ else p // 2 + 1
    chunk = max(1, _FFT_CHUNK // (rows * bins)) if isinstance(p, Integral) else 8
    out = []
    for lo in range(0, frame.shape[0], chunk):
        part = frame[lo:lo + chunk]
        if complex_:
            h = tf.signal.fft(tf.pad(tf.constant(part, dtype=cdt), [[0, 0], [0, p - k]]))
            y = tf.signal.ifft(h[:, None, :] * spectrum[None])
        else:
            h = tf.signal.rfft(tf.constant(part, dtype=x.dtype), [p])
            y = tf.signal.irfft(h[:, None, :] * spectrum[None], [p])
        out.append(y[:, :, c:c + n])
    return out[0] if len(out) == 1 else tf.concat(out, axis=0)


@tf.autograph.experimental.do_not_convert  # static Python control flow only
def transform_rows(x, filters, method):
    """``x`` ``[B, N]``, ``filters`` a list of ``(g, c)`` -> ``[S, B, N]`` (module docstring)."""
    n = x.shape[1] if x.shape[1] is not None else tf.shape(x)[1]
    order, groups = _groups(g.size for g, _ in filters)
    parts = []
    for group in groups:
        frame, c = _frame(filters, group, n)
        if method == "fft" or frame.shape[1] > _DIRECT_TAPS:
            parts.append(_fft(x, frame, c, n))
            continue
        rows = tf.concat([tf.math.real(x), tf.math.imag(x)], axis=0) if x.dtype.is_complex else x
        if np.iscomplexobj(frame):
            s = frame.shape[0]
            y = _conv(rows, np.concatenate([frame.real, frame.imag]), c, n)
            y = tf.complex(y[:s], y[s:])
        else:
            y = _conv(rows, frame, c, n)
        if x.dtype.is_complex:  # x_re * g + 1j * (x_im * g)
            b = tf.shape(x)[0]
            y = y[:, :b] + 1j * y[:, b:] if y.dtype.is_complex else tf.complex(y[:, :b], y[:, b:])
        parts.append(y)
    y = parts[0] if len(parts) == 1 else tf.concat(parts, axis=0)
    if order != sorted(order):
        y = tf.gather(y, np.argsort(order), axis=0)
    return y
