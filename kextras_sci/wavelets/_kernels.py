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

from kextras_sci.wavelets._filters import FilterLengths


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

# Every threshold of the kernel choice, in one table:
THRESHOLDS = {
    # inner size Q up to this: block-diagonal ``conv1d`` (oneDNN is fast when the filtered
    # axis is the convolution's width and channels are few); above: one ``depthwise_conv2d``
    # per output band, the Q columns as channels, where the pass allows it (4-6x faster than
    # the one-channel ``conv2d``), else ``conv2d`` along height
    "small_inner": 16,
    # inverse along the innermost axis (Q = 1) this short: one GEMM of all rows with the
    # dense [out_len, 2 L] synthesis matrix (2x faster than the blocked conv1d at L = 69,
    # 1.1x at 131, 2x slower at 262; one thread)
    "gemm_max_len": 48,
    # inverse with Q up to this: coefficients folded into blocks of samples (``conv1d``)
    "block_inner": 2,
    # inverse along an outer axis this short, or of any length with more than
    # ``small_inner`` inner columns: one matmul with the synthesis matrix, cut into groups
    # of about this many output rows, each seeing only its window of coefficients
    # (``grouped_synthesis``: 2.5x faster than the dense matrix at L = 131; 3-4x faster than
    # the one-channel ``conv2d`` at L = 254-5000, Q = 40-376; Q <= 16 and L >= 300:
    # the block-diagonal ``conv1d`` is 1.3-2x faster)
    "matmul_max_len": 192,
    "group_rows": 32,
    # ... but only with more inner columns than this: with 3-8 the block-diagonal
    # ``conv1d`` is 1.3-3.3x faster at every length (L = 24-192, Q = 3, 6, 8; at Q = 16 the
    # two are even, 0.77-1.08)
    "matmul_min_inner": 8,
    # analysis into two separate bands along the innermost axis (Q = 1) at least this long:
    # the signal folded into blocks (``_blocked._block_analysis``); shorter: ``conv1d``
    "analysis_block_min_len": 32,
    # inverse along the innermost axis (Q = 1) rows this short, when a later pass crops
    # (multi-axis inverse): every row in one long signal (``_blocked.flat_synthesis``;
    # idwt2 coif2 symmetric, rows of 102-2000: 0.66-0.95x the time of the blocked kernel)
    "flat_max_len": 4096,
}


def select(P, n, Q, inverse=False, block=False, depthwise=False, flat=False):
    """The kernel of one pass over a ``[P, n, Q]`` view, from :data:`THRESHOLDS`.

    For the inverse ``"flat"`` (allowed by ``flat``: a later pass crops the rows),
    ``"gemm"``, ``"block"`` or ``"matmul"``; else ``"conv1d"`` (block-diagonal, small
    ``Q``), ``"depthwise"`` (static ``Q``; allowed by ``depthwise``: one input channel, the
    bands go right after the filtered axis) or ``"conv2d"``; ``block``: the analysis may
    return two separate bands (``"block"`` is possible).
    """
    if flat and inverse and _is_static(P, Q, n) and Q == 1 and n <= THRESHOLDS["flat_max_len"]:
        return "flat"
    if block and _is_static(Q, n) and Q == 1 and n >= THRESHOLDS["analysis_block_min_len"]:
        return "block"
    if inverse:
        if _is_static(Q, n) and Q == 1 and n <= THRESHOLDS["gemm_max_len"]:
            return "gemm"
        if _is_static(Q) and Q <= THRESHOLDS["block_inner"]:
            return "block"
        if _is_static(n) and not _is_static(Q) and n <= THRESHOLDS["matmul_max_len"]:
            return "matmul"
        if _is_static(n, Q) and Q > THRESHOLDS["matmul_min_inner"] and (
                n <= THRESHOLDS["matmul_max_len"] or Q > THRESHOLDS["small_inner"]):
            return "matmul"
    if not _is_static(Q):
        return "conv2d"
    if Q <= THRESHOLDS["small_inner"]:
        return "conv1d"
    return "depthwise" if depthwise else "conv2d"


# ----------------------------------------------------------------------------- filters


class TensorBank(FilterLengths):
    """The four filters of a bank as tensors (trainable filters): ``FilterBank``'s attributes."""

    def __init__(self, dec_lo, dec_hi, rec_lo, rec_hi):
        self.dec_lo, self.dec_hi, self.rec_lo, self.rec_hi = (
            tf.convert_to_tensor(f) for f in (dec_lo, dec_hi, rec_lo, rec_hi)
        )
        for f in (self.dec_lo, self.dec_hi, self.rec_lo, self.rec_hi):
            if f.shape.rank != 1 or f.shape[0] is None:
                raise ValueError(f"Filters must be 1D with a static length. Received shape {f.shape}.")


class _NP:
    """Array operations of the kernel builders on NumPy filters (kernels become constants)."""

    einsum = staticmethod(np.einsum)
    stack = staticmethod(np.stack)
    reshape = staticmethod(np.reshape)
    concat = staticmethod(np.concatenate)

    @staticmethod
    def flip(a):
        return a[::-1]

    @staticmethod
    def take(a, idx):
        return a[idx]

    @staticmethod
    def scatter(index, values, shape):
        """Zeros of ``shape`` plus ``values`` at ``index`` rows (repeated ones add up)."""
        out = np.zeros(shape, values.dtype)
        np.add.at(out, tuple(index.T), values)
        return out


class _TF:
    """The same operations on tensor filters (kernels stay differentiable in the filters)."""

    stack = staticmethod(tf.stack)
    reshape = staticmethod(tf.reshape)
    concat = staticmethod(tf.concat)

    @staticmethod
    def einsum(spec, *args):
        dt = next(a.dtype for a in args if tf.is_tensor(a))
        return tf.einsum(spec, *[a if tf.is_tensor(a) else tf.constant(a, dt) for a in args])

    @staticmethod
    def flip(a):
        return tf.reverse(a, [0])

    @staticmethod
    def take(a, idx):
        return tf.gather(a, idx)

    @staticmethod
    def scatter(index, values, shape):
        return tf.scatter_nd(index, values, shape)


def _ops(*filters):
    return _NP if all(isinstance(f, np.ndarray) for f in filters) else _TF


def as_kernel(k, dtype):
    """A kernel built by the functions below as a tensor of ``dtype``."""
    return tf.constant(k, dtype=dtype) if isinstance(k, np.ndarray) else tf.cast(k, dtype)


def _analysis_kernel(bank, lowpass=False):
    """``[F, 1, 2]`` (``[F, 1, 1]`` with ``lowpass``): the reversed analysis filters."""
    filters = (bank.dec_lo,) if lowpass else (bank.dec_lo, bank.dec_hi)
    xp = _ops(*filters)
    return xp.stack([xp.flip(f) for f in filters], -1)[:, None, :]


def _synthesis_kernel(bank):
    """Polyphase kernel ``[F/2, 2 (a, d), 2 (phase)]``: ``k[u, s, r] = rec_s[F - 2 - 2u + r]``."""
    F = bank.rec_len
    idx = np.array([[F - 2 - 2 * u + r for r in range(2)] for u in range(F // 2)])
    xp = _ops(bank.rec_lo, bank.rec_hi)
    return xp.stack([xp.take(bank.rec_lo, idx), xp.take(bank.rec_hi, idx)], 1)


def _iswt_kernel(bank):
    """``[F, 2 (a, d), 1]``: half the reversed synthesis filters (the two shifts' average)."""
    xp = _ops(bank.rec_lo, bank.rec_hi)
    return xp.stack([0.5 * xp.flip(bank.rec_lo), 0.5 * xp.flip(bank.rec_hi)], 1)[:, :, None]


def block_diagonal(kern, Q, out_major=False):
    """``[F, Q cin, Q cout]``: ``kern [F, cin, cout]`` repeated for each of ``Q`` columns.

    Output column ``q cout + co`` (``co Q + q`` with ``out_major``)."""
    F, cin, cout = kern.shape
    xp = _ops(kern)
    big = xp.einsum("fio,qp->fqiop" if out_major else "fio,qp->fqipo", kern, np.eye(Q))
    return xp.reshape(big, [F, Q * cin, Q * cout])


def depthwise_kernels(kern, Q):
    """``cout`` kernels ``[F, 1, Q, 1]`` of ``tf.nn.depthwise_conv2d``: band ``co`` of
    ``kern [F, 1, cout]`` repeated for each of ``Q`` channels."""
    xp = _ops(kern)
    big = xp.einsum("fio,q->fiqo", kern, np.ones(Q))
    return [big[..., co:co + 1] for co in range(kern.shape[-1])]


def block_analysis_kernel(kern, R):
    """``[2 (band), T, 2 R, R]`` of the blocked analysis (see ``_blocked._block_analysis``):
    ``W[b, t, c, j] = kern[k, 0, b]`` where ``2 R t + c = 2 j + k``."""
    F = kern.shape[0]
    T = (2 * R + F - 3) // (2 * R) + 1
    basis = np.zeros((F, T, 2 * R, R))
    for k in range(F):
        for j in range(R):
            t, c = divmod(2 * j + k, 2 * R)
            basis[k, t, c, j] = 1.0
    xp = _ops(kern)
    return xp.einsum("kb,ktcj->btcj", kern[:, 0, :], basis)


def block_synthesis_kernel(kern, R, Q):
    """``[2, T, R Q, 2 R Q]`` of the blocked polyphase inverse (see ``_blocked._block_synthesis``):
    ``W[s, t, (jj, q), (j, r, q)] = kern[u, s, r]`` where ``t R + jj = j + u``."""
    K = kern.shape[0]
    T = 1 + -(-(K - 1) // R)
    basis = np.zeros((K, T, R, R))
    for u in range(K):
        for j in range(R):
            t, jj = divmod(j + u, R)
            basis[u, t, jj, j] = 1.0
    xp = _ops(kern)
    W = xp.einsum("usr,utkj,qp->stkqjrp", kern, basis, np.eye(Q))
    return xp.reshape(W, [2, T, R * Q, 2 * R * Q])


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
    n_out = 2 * L if mode == "periodization" else 2 * L - F + 2
    basis = np.zeros((F, n_out, L))  # basis[j, n, i] = 1 where rec[j] maps c[i] to sample n
    for i in range(L):
        for j in range(F):
            if mode == "periodization":
                basis[j, (2 * i + j - F // 2 + 1) % n_out, i] += 1.0
            elif 0 <= 2 * i + j - F + 2 < n_out:
                basis[j, 2 * i + j - F + 2, i] += 1.0
    xp = _ops(bank.rec_lo, bank.rec_hi)
    return xp.concat([xp.einsum("j,jni->ni", bank.rec_lo, basis), xp.einsum("j,jni->ni", bank.rec_hi, basis)], 1)


def _synthesis_taps(F, L, mode):
    """The nonzero entries of :func:`_synthesis_matrix` (before the filter values):
    ``(n, i, j)`` arrays, coefficient ``i`` of a band reaches output ``n`` through tap ``j``
    (repeated pairs add up: periodization with ``2 L < F``), and ``out_len``."""
    i, j = np.meshgrid(np.arange(L), np.arange(F), indexing="ij")
    if mode == "periodization":
        n_out = 2 * L
        n = (2 * i + j - F // 2 + 1) % n_out
        keep = np.ones(n.shape, bool)
    else:
        n_out = 2 * L - F + 2
        n = 2 * i + j - F + 2
        keep = (n >= 0) & (n < n_out)
    return n[keep], i[keep], j[keep], n_out


def _group_windows(g, i, G, L, rows, mode):
    """``(starts [G], width)``: the (cyclic) window of coefficients each group of output
    rows touches (taps ``(g, i)``: group, coefficient), or ``None`` when one would cover
    every coefficient. Offsets from each group's centre (``i`` near ``n / 2``) give the
    windows in one vectorized pass when they are at most ``L / 2`` wide (always for long
    axes); otherwise (short axes) the largest circular gap of each group's columns does."""
    centre = (np.arange(G) * rows + rows // 2) // 2 if mode == "periodization" else np.zeros(G, np.int64)
    half = L // 2 if mode == "periodization" else 0
    rel = (i - centre[g] + half) % L - half if mode == "periodization" else i
    lo = np.full(G, L, np.int64)
    hi = np.full(G, -L, np.int64)
    np.minimum.at(lo, g, rel)
    np.maximum.at(hi, g, rel)
    if np.any(hi < lo):
        return None
    width = int(np.max(hi - lo)) + 1
    if width >= L:
        return None
    if mode != "periodization":
        return np.minimum(lo, L - width), width
    if width <= half:
        return (centre + lo) % L, width
    used = np.zeros((G, L), bool)
    used[g, i] = True
    starts, width = [], 0
    for row in used:
        cols = np.flatnonzero(row)
        gaps = np.diff(np.concatenate([cols, cols[:1] + L]))  # circular gaps after each column
        k = int(np.argmax(gaps))
        starts.append(int(cols[(k + 1) % cols.size]))
        width = max(width, L - int(gaps[k]) + 1)
    return (None if width >= L else (np.asarray(starts), width))


def grouped_synthesis(bank, L, mode, rows=None):
    """The synthesis matrix cut into ``G`` groups of ``rows`` output rows (``G rows >=
    out_len``; a last group past ``out_len`` has zero rows there, which the caller crops),
    each restricted to the window of ``Lw`` coefficients (cyclic for periodization) that its
    rows touch: ``(W [G, rows, 2 Lw], windows)``, ``windows[g]`` a list of ``(start, stop)``
    slices of the coefficient axis. ``rows`` defaults to the divisor of ``out_len`` nearest
    :data:`THRESHOLDS` ``["group_rows"]`` (within a factor of 2), else to that value (a
    ragged last group: prime ``out_len / 2``); ``None`` when a window would cover every
    coefficient (the dense matrix is as cheap). Built from the ``L F`` nonzero taps
    (memory ``O(G rows Lw)``, never the dense ``[out_len, 2 L]``).
    """
    F = bank.rec_len
    n, i, j, out_len = _synthesis_taps(F, L, mode)
    if rows is None:
        target = THRESHOLDS["group_rows"]
        divisors = [r for r in range(target // 2, 2 * target + 1) if out_len % r == 0]
        rows = min(divisors, key=lambda r: (abs(r - target), r)) if divisors else target
    G = -(-out_len // rows)
    g = n // rows
    windows = _group_windows(g, i, G, L, rows, mode)
    if windows is None:
        return None
    starts, width = windows
    windows = []
    for st in starts.tolist():
        cut = min(width, L - st)
        windows.append([(st, st + cut)] + ([(0, width - cut)] if cut < width else []))
    pos = (i - starts[g]) % L  # place of coefficient i in its group's window
    index = np.stack([g, n - g * rows, pos], 1)
    xp = _ops(bank.rec_lo, bank.rec_hi)
    shape = [G, rows, width]
    return xp.concat([xp.scatter(index, xp.take(f, j), shape) for f in (bank.rec_lo, bank.rec_hi)], 2), windows


def _crop_axis(a, axis, n):
    """``a`` cropped to its first ``n`` samples along ``axis``."""
    rank = a.shape.rank
    begin = [0] * rank
    size = [-1] * rank
    size[axis] = n
    if tf.is_tensor(n):
        size = tf.stack([tf.cast(v, tf.int32) for v in size])
    return tf.slice(a, begin, size)
