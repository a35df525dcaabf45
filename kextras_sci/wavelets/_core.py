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


def _extend_gather(x3, n, start, length, mode):
    """General extension by index arithmetic (any pad width, e.g. pads longer than ``n``)."""
    dtype = x3.dtype
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


def _extend_slices(x3, n, left, right, mode):
    """Extension by slicing/concatenation; valid when the pads fit (see ``_fits``)."""
    if mode == "zero":
        return tf.pad(x3, [[0, 0], [left, right], [0, 0]])
    if mode == "symmetric" and _is_static(left, right):
        return tf.pad(x3, [[0, 0], [left, right], [0, 0]], mode="SYMMETRIC")
    if mode == "reflect" and _is_static(left, right):
        return tf.pad(x3, [[0, 0], [left, right], [0, 0]], mode="REFLECT")
    first, last = x3[:, :1], x3[:, -1:]
    if mode == "constant":
        return tf.concat([tf.tile(first, [1, left, 1]), x3, tf.tile(last, [1, right, 1])], axis=1)
    if mode == "periodic":
        return tf.concat([x3[:, n - left:], x3, x3[:, :right]], axis=1)
    if mode in ("symmetric", "antisymmetric"):
        lpart = tf.reverse(x3[:, :left], [1])
        rpart = tf.reverse(x3[:, n - right:], [1])
        if mode == "antisymmetric":
            lpart, rpart = -lpart, -rpart
        return tf.concat([lpart, x3, rpart], axis=1)
    if mode in ("reflect", "antireflect"):
        lpart = tf.reverse(x3[:, 1:left + 1], [1])
        rpart = tf.reverse(x3[:, n - 1 - right:n - 1], [1])
        if mode == "antireflect":
            lpart, rpart = 2 * first - lpart, 2 * last - rpart
        return tf.concat([lpart, x3, rpart], axis=1)
    if mode == "smooth":
        n32 = tf.cast(n, tf.int32)
        second = tf.gather(x3, [tf.minimum(1, n32 - 1)], axis=1)
        before_last = tf.gather(x3, [tf.maximum(n32 - 2, 0)], axis=1)
        dt = x3.dtype
        cl = tf.cast(tf.range(left, 0, -1), dt)[None, :, None]
        cr = tf.cast(tf.range(1, right + 1), dt)[None, :, None]
        return tf.concat([first + cl * (first - second), x3, last + cr * (last - before_last)], axis=1)
    raise ValueError(mode)  # pragma: no cover


def _fits(n, left, right, mode):
    """Whether :func:`_extend_slices` is valid (a bool or a boolean tensor)."""
    if mode in ("zero", "constant", "smooth"):
        return True
    m = max(left, right) if _is_static(left, right) else tf.maximum(left, right)
    if mode in ("reflect", "antireflect"):
        return m < n
    return m <= n


def extend(x3, n, start, length, mode):
    """Extend ``x3`` of shape ``[P, n, Q]`` along axis 1 with a PyWavelets mode.

    Returns the samples ``ext(k)`` for ``k = start .. start + length - 1`` (shape
    ``[P, length, Q]``), ``start <= 0`` and ``start + length >= n``. Uses slices and
    concatenation when the pads fit in the signal (fast) and a gather otherwise
    (``tf.cond`` decides at run time when ``n`` is dynamic). ``mode="periodization"`` is
    handled by the caller (``periodic`` on the even-length signal).
    """
    left = -start
    right = start + length - n
    fits = _fits(n, left, right, mode)
    if isinstance(fits, (bool, np.bool_)):
        if fits:
            return _extend_slices(x3, n, left, right, mode)
        return _extend_gather(x3, n, start, length, mode)
    return tf.cond(
        fits,
        lambda: _extend_slices(x3, n, left, right, mode),
        lambda: _extend_gather(x3, n, start, length, mode),
    )


# ----------------------------------------------------------------------------- passes

# Inner sizes up to this use a block-diagonal ``conv1d`` (oneDNN is fast when the filtered
# axis is the convolution's "width" and channels are few); larger ones a ``conv2d`` whose
# kernel runs along the "height" axis.
_SMALL_Q = 16


def _filt(x, kern, Q, stride=1, dilation=1, out_major=False):
    """Filter ``x`` of shape ``[P, N, Q, Cin]`` along axis 1 with ``kern[F, Cin, Cout]``.

    Every one of the ``Q`` inner columns is filtered independently ("depthwise" over ``Q``).
    Returns ``[P, N_out, Q, Cout]``, or ``[P, N_out, Cout, Q]`` with ``out_major=True``.
    """
    dtype = x.dtype
    F, cin, cout = kern.shape
    shape = static_or_dynamic_shape(x)
    P, N = shape[0], shape[1]
    if _is_static(Q) and Q <= _SMALL_Q:
        big = np.zeros((F, Q * cin, Q * cout))
        for q in range(Q):
            for co in range(cout):
                col = co * Q + q if out_major else q * cout + co
                big[:, q * cin:(q + 1) * cin, col] = kern[:, :, co]
        x3 = _reshape(x, [P, N, Q * cin])
        y = tf.nn.conv1d(x3, tf.constant(big, dtype=dtype), stride=stride, padding="VALID", dilations=dilation)
        ys = static_or_dynamic_shape(y)
        return _reshape(y, [P, ys[1], cout, Q] if out_major else [P, ys[1], Q, cout])
    k4 = tf.constant(kern[:, None, :, :], dtype=dtype)
    y = tf.nn.conv2d(x, k4, strides=[1, stride, 1, 1], padding="VALID", dilations=[1, dilation, 1, 1])
    if out_major:
        y = tf.transpose(y, [0, 1, 3, 2])
    return y


# ----------------------------------------------------------------------------- fused passes

# Passes over at least this many input elements, with fully static shapes, run as one
# XLA-compiled polyphase kernel (``tf.function(jit_compile=True)``): the extension, the
# even/odd split, the ``F`` multiply-adds per output and the interleaving fuse into a
# single loop over the data (2-3x less work than the convolution passes on CPU, which
# pay for oneDNN's poor 1-2 channel kernels and for the copies between ops). Compiling
# takes ~0.5 s per new shape, so small inputs (and dynamic shapes) keep the convolution
# passes. Tests lower this threshold to check the fused kernels on small shapes.
FUSED_MIN_SIZE = 1 << 16
_FUSED_CACHE: dict = {}
_FUSED_CACHE_MAX = 256


def _fused_ok(*dims):
    return _is_static(*dims) and _prod(dims) >= FUSED_MIN_SIZE


def _fused(key, build):
    """A cached ``tf.function(jit_compile=True)`` per (filters, mode, variant, shapes)."""
    fn = _FUSED_CACHE.get(key)
    if fn is None:
        if len(_FUSED_CACHE) >= _FUSED_CACHE_MAX:
            _FUSED_CACHE.pop(next(iter(_FUSED_CACHE)))
        fn = _FUSED_CACHE[key] = tf.function(build(), jit_compile=True, autograph=False)
    return fn


def _bank_key(bank, rec):
    filt = (bank.rec_lo, bank.rec_hi) if rec else (bank.dec_lo, bank.dec_hi)
    return tuple(float(v) for f in filt for v in f)


def _taps(acc_terms, dtype):
    """Sum of ``coef * tensor`` terms (zero coefficients skipped)."""
    acc = None
    for c, t in acc_terms:
        if c == 0.0:
            continue
        term = tf.constant(c, dtype) * t
        acc = term if acc is None else acc + term
    return acc


def _fused_analysis(x3, bank, mode, pair):
    """Fused analysis of ``x3 [P, n, Q]``: ``[P, L, Q, 2]`` or (``pair``) ``(a, d)``."""
    P, n, Q = x3.shape.as_list()
    key = ("a", _bank_key(bank, False), mode, pair, P, n, Q, x3.dtype.name)
    return _fused(key, lambda: _analysis_body(bank, mode, pair, P, n, Q))(x3)


def _analysis_body(bank, mode, pair, P, n, Q):
    """The traced body of one fused analysis pass (see :func:`_fused_analysis`)."""
    F = bank.dec_len
    lo, hi = bank.dec_lo.tolist(), bank.dec_hi.tolist()

    def run(x):
        if mode == "periodization":
            M = n + n % 2
            L = M // 2
            xe = tf.concat([x, x[:, n - 1:]], axis=1) if n % 2 else x
            xe = extend(xe, M, 1 - F // 2, 2 * L + F - 2, "periodic")
        else:
            L = (n + F - 1) // 2
            xe = extend(x, n, 2 - F, 2 * L + F - 2, mode)
        # c[i] = sum_j f[j] xe[2i + F - 1 - j]; xe has even length 2 (L + F/2 - 1)
        ph = tf.reshape(xe, [P, L + F // 2 - 1, 2, Q])
        phases = (ph[:, :, 0], ph[:, :, 1])
        out = []
        for f in (lo, hi):
            terms = []
            for j in range(F):
                s_ = F - 1 - j
                terms.append((f[j], phases[s_ % 2][:, s_ // 2:s_ // 2 + L]))
            acc = _taps(terms, x.dtype)
            out.append(tf.zeros([P, L, Q], x.dtype) if acc is None else acc)
        return tuple(out) if pair else tf.stack(out, axis=-1)

    return run


def _fused_synthesis(a3, d3, L, bank, mode):
    """Fused inverse pass: ``a3 [P, >= L, Q]`` (cropped to ``L`` inside), ``d3 [P, L, Q]``
    (``d3=None``: ``a3`` is ``[P, L, Q, 2]`` with the two bands on the last axis)."""
    shp = a3.shape.as_list()
    P, La, Q = shp[0], shp[1], shp[2]
    stacked = d3 is None
    pair = Q == 1 and not stacked
    key = ("s", _bank_key(bank, True), mode, stacked, pair, P, La, L, Q, a3.dtype.name)
    fn = _fused(key, lambda: _synthesis_body(bank, mode, stacked, P, La, L, Q, as_complex=pair))
    if not pair:
        return fn(a3) if stacked else fn(a3, d3)
    # the two output phases as the real and imaginary parts of one complex tensor: its
    # memory is the interleaved signal, so a bitcast interleaves for free (XLA's own
    # interleaving of two phases costs as much as computing them)
    return _interleave(fn(a3, d3))[..., None]


@tf.custom_gradient
def _interleave(c):
    """``[P, M]`` complex -> ``[P, 2 M]`` real ``(re_0, im_0, re_1, im_1, ...)``, zero-copy."""
    real = tf.float64 if c.dtype == tf.complex128 else tf.float32
    shape = c.shape.as_list()
    out = tf.reshape(tf.bitcast(c, real), [shape[0], 2 * shape[1]])

    def grad(g):
        g3 = tf.reshape(g, [shape[0], shape[1], 2])
        return tf.complex(g3[:, :, 0], g3[:, :, 1])

    return out, grad


def _synthesis_body(bank, mode, stacked, P, La, L, Q, as_complex=False):
    """The traced body of one fused inverse pass (see :func:`_fused_synthesis`)."""
    F = bank.rec_len
    K = F // 2
    kern = _synthesis_kernel(bank)  # [K, 2 (a, d), 2 (phase)]

    def run(*args):
        if stacked:
            a, d = args[0][:, :, :, 0], args[0][:, :, :, 1]
        else:
            a, d = args
            if La != L:
                a = a[:, :L]
        pad, offset, out_len = _synthesis_lengths(L, F, mode)
        # output sample 2m + r is sample 2(m + q) + p of the uncropped polyphase
        # output (q, p = divmod(r + offset, 2)): shifting the slices instead of
        # cropping afterwards keeps the interleaving aligned (2x faster)
        M = out_len // 2
        shifts = [divmod(r + offset, 2) for r in range(2)]
        if mode == "periodization":
            length = max(q for q, _ in shifts) + K - 1 + M
            a = extend(a, L, -pad, length, "periodic")
            d = extend(d, L, -pad, length, "periodic")
        phases = []
        for q, ph in shifts:
            terms = []
            for u in range(K):
                terms.append((float(kern[u, 0, ph]), a[:, q + u:q + u + M]))
                terms.append((float(kern[u, 1, ph]), d[:, q + u:q + u + M]))
            acc = _taps(terms, a.dtype)
            phases.append(tf.zeros([P, M, Q], a.dtype) if acc is None else acc)
        if as_complex:
            return tf.complex(phases[0][:, :, 0], phases[1][:, :, 0])
        return tf.reshape(tf.stack(phases, axis=2), [P, 2 * M, Q])

    return run


def fused_wavedec(x3, bank, mode, level):
    """All ``level`` analysis passes of ``x3 [P, n, Q]`` in one XLA program.

    Returns ``[a_level, d_level, ..., d_1]`` as ``[P, L_j, Q]`` tensors."""
    P, n, Q = x3.shape.as_list()
    key = ("wd", _bank_key(bank, False), mode, P, n, Q, level, x3.dtype.name)

    def build():
        def run(x):
            out = []
            a = x
            for _ in range(level):
                a, d = _analysis_body(bank, mode, True, P, a.shape[1], Q)(a)
                out.append(d)
            return [a] + out[::-1]

        return run

    return _fused(key, build)(x3)


def fused_waverec(coeffs, bank, mode):
    """All inverse passes of ``[a_n, d_n, ..., d_1]`` (each ``[P, L_j, Q]``, the shapes
    already validated) in one XLA program."""
    P, _, Q = coeffs[0].shape.as_list()
    if Q == 1:
        # one program per level, each interleaving through a free complex bitcast
        a = coeffs[0]
        for d in coeffs[1:]:
            a = _fused_synthesis(a, d, d.shape[1], bank, mode)
        return a
    shapes = tuple(c.shape[1] for c in coeffs)
    key = ("wr", _bank_key(bank, True), mode, P, shapes, Q, coeffs[0].dtype.name)

    def build():
        def run(*cs):
            a = cs[0]
            for d in cs[1:]:
                L = d.shape[1]
                a = _synthesis_body(bank, mode, False, P, a.shape[1], L, Q)(a, d)
            return a

        return run

    return _fused(key, build)(*coeffs)


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


def analysis_axis(y, axis, bank, mode):
    """One analysis pass along ``axis`` of a band-trailing tensor (see module docstring)."""
    shape = static_or_dynamic_shape(y)
    F = bank.dec_len
    n = shape[axis]
    _check_static_len(n, axis, mode)
    P = _prod(shape[:axis])
    Q = _prod(shape[axis + 1:])
    y3 = _reshape(y, [P, n, Q])
    if _fused_ok(P, n, Q):
        out = _fused_analysis(y3, bank, mode, pair=False)
        L = out.shape[1]
        new_shape = list(shape[:axis]) + [L] + list(shape[axis + 1:-1]) + [shape[-1] * 2]
        return _reshape(out, new_shape)
    if mode == "periodization":
        M = n + n % 2
        L = M // 2
        start = 1 - F // 2
        length = 2 * L + F - 2
        if _is_static(n):
            ye = tf.concat([y3, y3[:, n - 1:]], axis=1) if n % 2 else y3
        else:
            ye = tf.concat([y3, y3[:, n - 1:n - 1 + n % 2]], axis=1)
        xe = extend(ye, M, start, length, "periodic")
    else:
        L = (n + F - 1) // 2
        start = 2 - F
        length = 2 * L + F - 2
        xe = extend(y3, n, start, length, mode)
    out = _filt(_reshape(xe, [P, length, Q, 1]), _analysis_kernel(bank), Q, stride=2)
    new_shape = list(shape[:axis]) + [L] + list(shape[axis + 1:-1]) + [shape[-1] * 2]
    return _reshape(out, new_shape)


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


def synthesis_axis(y, axis, bank, mode):
    """One synthesis pass along ``axis``: trailing ``2 B`` bands become ``B``."""
    shape = static_or_dynamic_shape(y)
    F = bank.rec_len
    L = shape[axis]
    P = _prod(shape[:axis])
    B2 = shape[-1]
    Q = _prod(shape[axis + 1:-1]) * (B2 // 2)
    y4 = _reshape(y, [P, L, Q, 2])
    pad, offset, out_len = _synthesis_lengths(L, F, mode)
    if _fused_ok(P, L, Q, 2):
        rec = _fused_synthesis(y4, None, L, bank, mode)
        new_shape = list(shape[:axis]) + [out_len] + list(shape[axis + 1:-1]) + [B2 // 2]
        return _reshape(rec, new_shape)
    Le = L + 2 * pad
    if mode == "periodization":
        y4 = _reshape(extend(_reshape(y4, [P, L, Q * 2]), L, -pad, Le, "periodic"), [P, Le, Q, 2])
    M = Le - F // 2 + 1
    rec = _filt(y4, _synthesis_kernel(bank), Q, out_major=True)  # [P, M, 2, Q]
    rec = _reshape(rec, [P, 2 * M, Q])
    if mode == "periodization":
        rec = rec[:, offset:offset + out_len]
    new_shape = list(shape[:axis]) + [out_len] + list(shape[axis + 1:-1]) + [B2 // 2]
    return _reshape(rec, new_shape)


def _dilated_filt(xe, kern, P, length, Q, cin, dilation):
    """Filter with taps ``dilation`` apart without dilated convolutions.

    ``length`` is a multiple of ``dilation`` (the stationary transform requires the signal
    length to be divisible by ``2**level``), so the ``dilation`` phases are independent
    undilated convolutions: fold them into the inner axis. (TensorFlow's CPU kernels do not
    differentiate dilated convolutions.)
    """
    d = dilation
    x = _reshape(xe, [P, length // d, d * Q, cin])
    out = _filt(x, kern, d * Q)  # [P, length/d - F + 1, d*Q, cout]
    shp = static_or_dynamic_shape(out)
    return _reshape(out, [P, shp[1] * d, Q, kern.shape[-1]])


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
    xe = extend(y3, n, start, length, "periodic")
    out = _dilated_filt(xe, _analysis_kernel(bank), P, length, Q, 1, dilation)
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
    xe = _reshape(extend(_reshape(y4, [P, n, Q * 2]), n, start, length, "periodic"), [P, length, Q, 2])
    kern = np.stack([0.5 * bank.rec_lo[::-1], 0.5 * bank.rec_hi[::-1]], axis=1)[:, :, None]  # [F,2,1]
    out = _dilated_filt(xe, kern, P, length, Q, 2, dilation)
    new_shape = list(shape[:axis]) + [n] + list(shape[axis + 1:-1]) + [B2 // 2]
    return _reshape(out, new_shape)


def _block_synthesis(a3, d3, L, Q, kern):
    """Polyphase synthesis with the signal folded into blocks of ``R`` samples.

    oneDNN convolutions are slow with one or two channels; folding ``R`` consecutive
    coefficients into channels turns the ``K``-tap, 2-phase polyphase filter into a
    ``T = 1 + ceil((K - 1) / R)``-tap convolution with ``2 R Q`` input and output channels
    (a few times more multiply-adds, several times faster). Returns ``[P, 2 M, Q]`` with
    ``M = L - K + 1`` (the interleaved even/odd output samples).
    """
    K = kern.shape[0]
    R = 8 if Q == 1 else 4
    T = 1 + -(-(K - 1) // R)
    W = np.zeros((T, 2 * R * Q, 2 * R * Q))
    for u in range(K):
        for j in range(R):
            t, jj = divmod(j + u, R)
            for s_ in range(2):
                for r in range(2):
                    for q in range(Q):
                        W[t, s_ * R * Q + jj * Q + q, j * 2 * Q + r * Q + q] += kern[u, s_, r]
    shape = static_or_dynamic_shape(a3)
    P = shape[0]
    M = L - K + 1
    nb = -(-L // R) + T - 1 if _is_static(L) else (L + R - 1) // R + T - 1
    pad = nb * R - L
    blocks = []
    for t_ in (a3, d3):
        t_ = tf.pad(t_, [[0, 0], [0, pad], [0, 0]])
        blocks.append(_reshape(t_, [P, nb, R * Q]))
    y = tf.nn.conv1d(tf.concat(blocks, axis=-1), tf.constant(W, dtype=a3.dtype), stride=1, padding="VALID")
    y = _reshape(y, [P, (nb - T + 1) * 2 * R, Q])
    return y[:, : 2 * M]


_MATMUL_MAX_LEN = 192


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


def analysis_pair(x, axis, bank, mode):
    """One analysis pass along ``axis`` returning ``(a, d)`` as two tensors (no band axis)."""
    shape = static_or_dynamic_shape(x)
    n = shape[axis]
    _check_static_len(n, axis, mode)
    P = _prod(shape[:axis])
    Q = _prod(shape[axis + 1:])
    if _fused_ok(P, n, Q):
        a, d = _fused_analysis(_reshape(x, [P, n, Q]), bank, mode, pair=True)
        new_shape = list(shape[:axis]) + [a.shape[1]] + list(shape[axis + 1:])
        return _reshape(a, new_shape), _reshape(d, new_shape)
    y = analysis_axis(x[..., None], axis, bank, mode)
    return y[..., 0], y[..., 1]


def synthesis_pair(a, d, axis, bank, mode):
    """Inverse pass along ``axis`` from two separate coefficient tensors.

    Same result as :func:`synthesis_axis` on ``tf.stack([a, d], -1)`` but without
    interleaving the two inputs in memory (used by the public ``idwt*``/``waverec*``).
    ``a`` may be one sample longer than ``d`` along ``axis`` (``waverec``'s rule: it is
    cropped to the length of ``d``).
    """
    shape = static_or_dynamic_shape(d)
    F = bank.rec_len
    L = shape[axis]
    P = _prod(shape[:axis])
    Q = _prod(shape[axis + 1:])
    dtype = d.dtype
    La = a.shape[axis]
    if _fused_ok(P, L, Q) and _is_static(La):
        out_len = _synthesis_lengths(L, F, mode)[2]
        rec = _fused_synthesis(_reshape(a, [P, La, Q]), _reshape(d, [P, L, Q]), L, bank, mode)
        return _reshape(rec, list(shape[:axis]) + [out_len] + list(shape[axis + 1:]))
    if La is None or La != L:
        a = _crop_axis(a, axis, L)
    a3 = _reshape(a, [P, L, Q])
    d3 = _reshape(d, [P, L, Q])
    if _is_static(L) and L <= _MATMUL_MAX_LEN and not (_is_static(Q) and Q <= 2):
        out_len = 2 * L if mode == "periodization" else 2 * L - F + 2
        if out_len >= 1:
            # outer axis, short: one batched matmul with the [out_len, 2L] synthesis matrix
            # (borders included) beats single-channel convolutions along a strided axis
            S = tf.constant(_synthesis_matrix(bank, L, mode)[None], dtype=dtype)
            rec = tf.linalg.matmul(S, tf.concat([a3, d3], axis=1))
            return _reshape(rec, list(shape[:axis]) + [out_len] + list(shape[axis + 1:]))
    pad, offset, out_len = _synthesis_lengths(L, F, mode)
    Le = L + 2 * pad
    if mode == "periodization":
        a3 = extend(a3, L, -pad, Le, "periodic")
        d3 = extend(d3, L, -pad, Le, "periodic")
    M = Le - F // 2 + 1
    kern = _synthesis_kernel(bank)  # [K, 2, 2]
    K = kern.shape[0]
    if _is_static(Q) and Q <= 2:
        rec = _block_synthesis(a3, d3, Le, Q, kern)
    elif _is_static(Q) and Q <= _SMALL_Q:
        outs = []
        for s_, t in enumerate((a3, d3)):
            big = np.zeros((K, Q, 2 * Q))
            for q in range(Q):
                for r in range(2):
                    big[:, q, r * Q + q] = kern[:, s_, r]
            outs.append(tf.nn.conv1d(t, tf.constant(big, dtype=dtype), stride=1, padding="VALID"))
        rec = _reshape(outs[0] + outs[1], [P, 2 * M, Q])
    else:
        a4 = a3[..., None]
        d4 = d3[..., None]
        phases = []
        for r in range(2):
            ka = tf.constant(kern[:, 0, r].reshape(K, 1, 1, 1), dtype=dtype)
            kd = tf.constant(kern[:, 1, r].reshape(K, 1, 1, 1), dtype=dtype)
            y = tf.nn.conv2d(a4, ka, 1, "VALID") + tf.nn.conv2d(d4, kd, 1, "VALID")
            phases.append(y[..., 0])
        rec = _reshape(tf.stack(phases, axis=2), [P, 2 * M, Q])
    if mode == "periodization":
        rec = rec[:, offset:offset + out_len]
    new_shape = list(shape[:axis]) + [out_len] + list(shape[axis + 1:])
    return _reshape(rec, new_shape)


def _crop_axis(a, axis, n):
    """``a`` cropped to its first ``n`` samples along ``axis``."""
    rank = a.shape.rank
    begin = [0] * rank
    size = [-1] * rank
    size[axis] = n
    if tf.is_tensor(n):
        size = tf.stack([tf.cast(v, tf.int32) for v in size])
    return tf.slice(a, begin, size)
