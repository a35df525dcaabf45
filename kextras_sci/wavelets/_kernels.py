"""Shapes, output lengths and filter kernels of one DWT pass (internal).

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


def _reshape(x, shape):
    if all(isinstance(d, (int, np.integer)) for d in shape):
        return tf.reshape(x, [int(d) for d in shape])
    return tf.reshape(x, tf.stack([tf.cast(d, tf.int32) for d in shape]))


# ----------------------------------------------------------------------------- kernel choice

# Every threshold of the kernel choice, in one table (tests lower ``fused_min_size`` to 0 to
# run the fused kernels on small shapes):
THRESHOLDS = {
    # static passes over at least this many elements: one XLA-compiled polyphase program
    # (2-3x faster on CPU; ~0.5 s compile per new shape, so small inputs keep convolutions)
    "fused_min_size": 1 << 16,
    # inner size Q up to this: block-diagonal ``conv1d`` (oneDNN is fast when the filtered
    # axis is the convolution's width and channels are few); above: ``conv2d`` along height
    "small_inner": 16,
    # inverse with Q up to this: coefficients folded into blocks of samples (``conv1d``)
    "block_inner": 2,
    # inverse along an outer axis this short: one matmul with the dense synthesis matrix
    "matmul_max_len": 192,
}


def fused_ok(*dims):
    """Whether a pass over ``prod(dims)`` elements takes the fused XLA kernel."""
    return _is_static(*dims) and _prod(dims) >= THRESHOLDS["fused_min_size"]


def select(P, n, Q, inverse=False, fused=True):
    """The kernel of one pass over a ``[P, n, Q]`` view, from :data:`THRESHOLDS`.

    ``"fused"`` (unless ``fused=False``); then for the inverse ``"block"`` or ``"matmul"``;
    else ``"conv1d"`` (block-diagonal, small ``Q``) or ``"conv2d"``.
    """
    if fused and fused_ok(P, n, Q):
        return "fused"
    if inverse:
        if _is_static(Q) and Q <= THRESHOLDS["block_inner"]:
            return "block"
        if _is_static(n) and n <= THRESHOLDS["matmul_max_len"]:
            return "matmul"
    return "conv1d" if _is_static(Q) and Q <= THRESHOLDS["small_inner"] else "conv2d"


def _analysis_kernel(bank):
    return np.stack([bank.dec_lo[::-1], bank.dec_hi[::-1]], axis=-1)[:, None, :]  # [F, 1, 2]


def _synthesis_kernel(bank):
    """Polyphase kernel ``[F/2, 2 (a, d), 2 (phase)]``: ``k[u, s, r] = rec_s[F - 2 - 2u + r]``."""
    F = bank.rec_len
    K = F // 2
    k = np.zeros((K, 2, 2))
    for s_, rec in enumerate((bank.rec_lo, bank.rec_hi)):
        for u in range(K):
            for r in range(2):
                k[u, s_, r] = rec[F - 2 - 2 * u + r]
    return k


def _check_static_len(n, axis, mode):
    if _is_static(n):
        if n < 1:
            raise ValueError(f"Input data length along axis {axis} must be >= 1. Received {n}.")
        if mode in ("reflect", "antireflect") and n < 2:
            raise ValueError(
                "Input data length must be greater than 1 for [anti]reflect mode along the "
                f"transformed axis. Received length {n} along axis {axis}."
            )


def _synthesis_lengths(L, F, mode):
    """``(pad, offset, out_len)`` of one inverse pass over ``L`` coefficients.

    Periodization extends the coefficients periodically by ``pad`` on each side and keeps
    ``out_len = 2 L`` samples from ``offset``; every other mode neither pads nor crops and
    gives ``2 L - F + 2`` samples (an error when that is below 1).
    """
    if mode == "periodization":
        pad = -(-(F - 2) // 4)
        return pad, 2 * pad + 1 - F // 2, 2 * L
    out_len = 2 * L - F + 2
    if _is_static(out_len) and out_len < 1:
        raise ValueError(
            "Invalid coefficient arrays length for specified wavelet: coefficients of "
            f"length {L} cannot be inverted with a filter of length {F} (mode={mode!r}). "
            "Wavelet and mode must be the same as used for decomposition."
        )
    return 0, 0, out_len


def _synthesis_matrix(bank, L, mode):
    """Dense ``[out_len, 2 L]`` matrix of one inverse pass (columns: ``a`` then ``d``)."""
    F = bank.rec_len
    if mode == "periodization":
        n_out = 2 * L
        S = np.zeros((n_out, 2 * L))
        for i in range(L):
            for j in range(F):
                n = (2 * i + j - F // 2 + 1) % n_out
                S[n, i] += bank.rec_lo[j]
                S[n, L + i] += bank.rec_hi[j]
        return S
    n_out = 2 * L - F + 2
    S = np.zeros((n_out, 2 * L))
    for i in range(L):
        for j in range(F):
            n = 2 * i + j - F + 2
            if 0 <= n < n_out:
                S[n, i] += bank.rec_lo[j]
                S[n, L + i] += bank.rec_hi[j]
    return S


def _crop_axis(a, axis, n):
    """``a`` cropped to its first ``n`` samples along ``axis``."""
    rank = a.shape.rank
    begin = [0] * rank
    size = [-1] * rank
    size[axis] = n
    if tf.is_tensor(n):
        size = tf.stack([tf.cast(v, tf.int32) for v in size])
    return tf.slice(a, begin, size)
