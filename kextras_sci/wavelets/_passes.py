"""Single-axis analysis/synthesis passes in TensorFlow (internal).

Layout used throughout: a tensor ``y`` of shape ``data_shape + [B]`` whose trailing axis
holds the ``B = 2**k`` sub-bands produced so far, in PyWavelets ``dwtn`` key order
(``'aa', 'ad', 'da', 'dd'`` for two axes: the band of the first transformed axis is the most
significant "digit"). An analysis pass along ``axis`` turns the trailing ``B`` into ``2 B``
(the new band is the least significant digit); a synthesis pass does the opposite. Every
pass is one extension (``_extend``) plus one strided convolution (kernel choice:
``_kernels.select``). ``bank`` is a ``FilterBank`` (NumPy filters: constant kernels) or a
``_kernels.TensorBank`` (tensor filters, e.g. trainable: the kernels are built from them by
differentiable ops). Index conventions: see ``_kernels``.
"""

from __future__ import annotations

import tensorflow as tf

from kextras_sci.wavelets._blocked import _block_analysis, _block_synthesis, in_batches
from kextras_sci.wavelets._extend import extend
from kextras_sci.wavelets._handover import boxed, peek, take
from kextras_sci.wavelets._kernels import (
    _analysis_kernel, _check_static_len, _crop_axis, _is_static, _iswt_kernel, _prod,
    _reshape, _synthesis_kernel, _synthesis_lengths, _synthesis_matrix, as_kernel,
    block_diagonal, depthwise_kernels, grouped_synthesis, select, static_or_dynamic_shape,
)

# ----------------------------------------------------------------------------- passes

def _filt(x, kern, Q, stride=1, dilation=1, out_major=False):
    """Filter ``x`` of shape ``[P, N, Q, Cin]`` along axis 1 with ``kern[F, Cin, Cout]``.

    Every one of the ``Q`` inner columns is filtered independently ("depthwise" over ``Q``).
    Returns ``[P, N_out, Q, Cout]``, or ``[P, N_out, Cout, Q]`` with ``out_major=True``.
    ``x`` may be a box (``_handover``): it is freed once filtered, before the outputs are
    gathered.
    """
    x = take(x)
    dtype = x.dtype
    F, cin, cout = kern.shape
    shape = static_or_dynamic_shape(x)
    P, N = shape[0], shape[1]
    kind = select(P, N, Q, depthwise=cin == 1 and out_major)
    if kind == "depthwise":
        # [P, N, 1, Q]: the columns as channels, one depthwise convolution per output band
        # (the width is 1: its stride changes nothing, TensorFlow wants equal strides)
        x4, x = _reshape(x, [P, N, 1, Q]), None
        ys = [
            tf.nn.depthwise_conv2d(x4, as_kernel(k, dtype), [1, stride, stride, 1], "VALID",
                                   dilations=None if dilation == 1 else [dilation, 1])
            for k in depthwise_kernels(kern, Q)
        ]
        x4 = None
        y = tf.stack([_reshape(t, static_or_dynamic_shape(t)[:2] + [Q]) for t in ys], axis=2 if out_major else 3)
        return y
    if kind == "conv1d":
        x3, x = _reshape(x, [P, N, Q * cin]), None
        big = as_kernel(block_diagonal(kern, Q, out_major), dtype)
        y = tf.nn.conv1d(x3, big, stride=stride, padding="VALID", dilations=dilation)
        x3 = None
        ys = static_or_dynamic_shape(y)
        return _reshape(y, [P, ys[1], cout, Q] if out_major else [P, ys[1], Q, cout])
    k4 = as_kernel(kern, dtype)[:, None, :, :]
    y = tf.nn.conv2d(x, k4, strides=[1, stride, 1, 1], padding="VALID", dilations=[1, dilation, 1, 1])
    x = None
    if out_major:
        y = tf.transpose(y, [0, 1, 3, 2])
    return y


def _out_shape(shape, axis, length, bands):
    """``shape`` with ``length`` along ``axis`` and ``bands`` trailing bands."""
    return list(shape[:axis]) + [length] + list(shape[axis + 1:-1]) + [bands]


def analysis_axis(y, axis, bank, mode, lowpass=False, band_after=False):
    """One analysis pass along ``axis`` of a band-trailing tensor (see module docstring).

    ``lowpass``: only the approximation (the trailing ``B`` bands stay ``B``);
    ``band_after``: no trailing band axis, the new band axis (size 2) is inserted right
    after ``axis`` (see :func:`analysis_bands`). ``y`` may be a box (``_handover``): it is
    freed after the extension."""
    y = take(y)
    shape = static_or_dynamic_shape(y)
    F = bank.dec_len
    n = shape[axis]
    _check_static_len(n, axis, mode)
    P = _prod(shape[:axis])
    Q = _prod(shape[axis + 1:])
    y3, y = _reshape(y, [P, n, Q]), None
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
        ye = None
    else:
        L = (n + F - 1) // 2
        start = 2 - F
        length = 2 * L + F - 2
        xe = extend(y3, n, start, length, mode)
    y3 = None
    xe = [_reshape(xe, [P, length, Q, 1])]  # handed over: _filt frees it
    out = _filt(xe, _analysis_kernel(bank, lowpass), Q, stride=2, out_major=band_after)
    if band_after:
        return _reshape(out, list(shape[:axis]) + [L, 1 if lowpass else 2] + list(shape[axis + 1:]))
    return _reshape(out, _out_shape(shape, axis, L, shape[-1] * (1 if lowpass else 2)))


def analysis_bands(x, axes, banks, modes):
    """The ``2**k`` sub-bands of a ``k``-axis analysis of ``x`` as separate tensors, in
    ``dwtn`` key order (the first axis' band most significant).

    Each pass puts its band axis right after the axis it filters (for an outer axis: one
    depthwise convolution per band, the inner columns as channels, no interleaving copy);
    one transpose at the end moves the ``k`` band axes to the front. ``x`` may be a box
    (``_handover``): it is freed after the first pass's extension, and each pass's output
    after the next one's."""
    dims = list(range(peek(x).shape.rank))  # axis of x, or -(i + 1) for the band axis of pass i
    box, x = boxed(x), None
    for i, (ax, bank, mode) in enumerate(zip(axes, banks, modes)):
        pos = dims.index(ax)
        box.append(analysis_axis(box, pos, bank, mode, band_after=True))
        dims.insert(pos + 1, -(i + 1))
    y = box.pop()
    k = len(axes)
    y = tf.transpose(y, [dims.index(-(i + 1)) for i in range(k)] + [p for p, d in enumerate(dims) if d >= 0])
    y = _reshape(y, [2 ** k] + static_or_dynamic_shape(y)[k:])
    return tf.unstack(y, num=2 ** k, axis=0)


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
    Le = L + 2 * pad
    if mode == "periodization":
        y4 = _reshape(extend(_reshape(y4, [P, L, Q * 2]), L, -pad, Le, "periodic"), [P, Le, Q, 2])
    M = Le - F // 2 + 1
    rec = _filt(y4, _synthesis_kernel(bank), Q, out_major=True)  # [P, M, 2, Q]
    rec = _reshape(rec, [P, 2 * M, Q])
    if mode == "periodization":
        rec = rec[:, offset:offset + out_len]
    return _reshape(rec, _out_shape(shape, axis, out_len, B2 // 2))


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
    return _reshape(out, _out_shape(shape, axis, n, shape[-1] * 2))


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
    out = _dilated_filt(xe, _iswt_kernel(bank), P, length, Q, 2, dilation)
    return _reshape(out, _out_shape(shape, axis, n, B2 // 2))


def _matmul_synthesis(a3, d3, bank, L, mode, valid=None):
    """:func:`_matmul_synthesis_one`, in batches when eager (``_blocked.in_batches``)."""
    return in_batches(lambda a, d: _matmul_synthesis_one(a, d, bank, L, mode, valid), a3, d3)


def _matmul_synthesis_one(a3, d3, bank, L, mode, valid=None):
    """``[P, out_len, Q]`` from ``a3, d3 [P, L, Q]`` by the synthesis matrix: in groups of
    output rows when ``grouped_synthesis`` finds them (one concat gathers each group's
    window of both bands, ``[P, G, 2 Lw, Q]``; one matmul with ``[G, rows, 2 Lw]``), else
    dense (``[out_len, 2 L] @ [P, 2 L, Q]``). ``valid``: ``a3, d3`` are ``[P, L, Q', W]``
    of which only the first ``valid`` of ``W`` are used (cropped by the gathering concat;
    ``Q = Q' valid``). ``a3, d3`` may be boxes (``_handover``): freed once gathered."""
    a3, d3 = take(a3), take(d3)
    dtype = a3.dtype
    P = static_or_dynamic_shape(a3)[0]
    grouped = None if valid is not None and not _is_static(L) else grouped_synthesis(bank, L, mode)
    if valid is not None and grouped is None:
        a3, d3 = (_reshape(t[..., :valid], [P, L, -1]) for t in (a3, d3))
        valid = None
    if grouped is None:
        S = as_kernel(_synthesis_matrix(bank, L, mode), dtype)[None]
        x, a3, d3 = tf.concat([a3, d3], axis=1), None, None
        return tf.linalg.matmul(S, x)
    W, windows = grouped
    G, rows, width = W.shape[0], W.shape[1], W.shape[2]
    crop = () if valid is None else (Ellipsis, slice(0, valid))  # one slice op per piece
    pieces = [t[(slice(None), slice(lo, hi)) + crop] for win in windows for t in (a3, d3) for lo, hi in win]
    x = tf.concat(pieces, axis=1)
    pieces = a3 = d3 = None
    Q = _prod(static_or_dynamic_shape(x)[2:])
    x = _reshape(x, [P, G, width, Q])
    rec = tf.linalg.matmul(as_kernel(W, dtype), x)
    x = None
    rec = _reshape(rec, [P, G * rows, Q])
    out_len = _synthesis_lengths(L, bank.rec_len, mode)[2]
    return rec if G * rows == out_len else rec[:, :out_len]


def analysis_pair(x, axis, bank, mode):
    """One analysis pass along ``axis`` returning ``(a, d)`` as two tensors (no band axis);
    ``x`` may be a box (``_handover``)."""
    shape = static_or_dynamic_shape(peek(x))
    n = shape[axis]
    _check_static_len(n, axis, mode)
    inner = _prod(shape[axis + 1:])
    if _is_static(n, inner) and inner == 1 and select(_prod(shape[:axis]), n, 1, block=True) == "block":
        return _block_analysis(x, axis, bank, mode)
    return tuple(split_bands(analysis_axis([take(x)[..., None]], axis, bank, mode), 2))


def split_bands(y, num):
    """The ``num`` trailing bands of ``y`` as separate tensors.

    One transpose moving the band axis to the front, then an ``unstack`` along axis 0,
    whose outputs share the transposed buffer (cheaper than slicing a trailing axis)."""
    rank = y.shape.rank
    return tf.unstack(tf.transpose(y, [rank - 1] + list(range(rank - 1))), num=num, axis=0)


def synthesis_pair(a, d, axis, bank, mode, valid=None):
    """Inverse pass along ``axis`` from two separate coefficient tensors.

    Same result as :func:`synthesis_axis` on ``tf.stack([a, d], -1)`` but without
    interleaving the two inputs in memory (used by the public ``idwt*``/``waverec*``).
    ``a`` may be one sample longer than ``d`` along ``axis`` (``waverec``'s rule: it is
    cropped to the length of ``d``). ``valid``: only the first ``valid`` samples of the
    last axis (not ``axis``) are used (``_blocked.flat_synthesis``'s rows). Both are
    dropped once reshaped and handed to the kernel (``_handover``): with no other
    reference held by the caller, an eager call frees them once gathered.
    """
    if valid is not None:
        shape = static_or_dynamic_shape(d)
        P, L = _prod(shape[:axis]), shape[axis]
        if a.shape[axis] == L and select(P, L, _prod(shape[axis + 1:]), inverse=True) == "matmul":
            # the crop is folded into the matmul's gathering concat
            view = [P, L, _prod(shape[axis + 1:-1]), shape[-1]]
            a, d = [_reshape(a, view)], [_reshape(d, view)]
            rec = _matmul_synthesis(a, d, bank, L, mode, valid)
            out_len = _synthesis_lengths(L, bank.rec_len, mode)[2]
            return _reshape(rec, list(shape[:axis]) + [out_len] + list(shape[axis + 1:-1]) + [valid])
        a, d = a[..., :valid], d[..., :valid]
    shape = static_or_dynamic_shape(d)
    F = bank.rec_len
    L = shape[axis]
    P = _prod(shape[:axis])
    Q = _prod(shape[axis + 1:])
    dtype = d.dtype
    La = a.shape[axis]
    kernel = select(P, L, Q, inverse=True)
    pad, offset, out_len = _synthesis_lengths(L, F, mode)
    if kernel == "block" and not pad and La is not None:
        # blocked layout: an uncropped approximation is harmless (see _blocked._block_synthesis)
        a, d = [_reshape(a, [P, La, Q])], [_reshape(d, [P, L, Q])]
        rec = _block_synthesis(a, d, L, Q, _synthesis_kernel(bank), 0, 0, out_len)
        return _reshape(rec, list(shape[:axis]) + [out_len] + list(shape[axis + 1:]))
    if La is None or La != L:
        a = _crop_axis(a, axis, L)
    a3, d3, a, d = _reshape(a, [P, L, Q]), _reshape(d, [P, L, Q]), None, None
    if kernel in ("matmul", "gemm"):
        out_len = 2 * L if mode == "periodization" else 2 * L - F + 2
        if out_len >= 1 and kernel == "gemm":
            # innermost axis, short rows: [P, 2 L] @ S^T, all rows in one GEMM
            S = as_kernel(_synthesis_matrix(bank, L, mode), dtype)
            rows = [_reshape(t, [P, L]) for t in (a3, d3)]
            rec = tf.linalg.matmul(tf.concat(rows, axis=1), S, transpose_b=True)
            return _reshape(rec, list(shape[:axis]) + [out_len] + list(shape[axis + 1:]))
        if out_len >= 1:
            # outer axis, short: batched matmuls with the synthesis matrix (borders included)
            # beat single-channel convolutions along a strided axis
            a3, d3 = [a3], [d3]
            rec = _matmul_synthesis(a3, d3, bank, L, mode)
            return _reshape(rec, list(shape[:axis]) + [out_len] + list(shape[axis + 1:]))
    Le = L + 2 * pad
    kern = _synthesis_kernel(bank)  # [K, 2, 2]
    if kernel == "block" and offset in (0, 1) and (not pad or (_is_static(L) and L >= pad)):
        # the periodic extension is folded into the block layout's one concat
        a3, d3 = [a3], [d3]
        rec = _block_synthesis(a3, d3, L, Q, kern, pad, offset, out_len)
        return _reshape(rec, list(shape[:axis]) + [out_len] + list(shape[axis + 1:]))
    if mode == "periodization":
        a3 = extend(a3, L, -pad, Le, "periodic")
        d3 = extend(d3, L, -pad, Le, "periodic")
    M = Le - F // 2 + 1
    K = kern.shape[0]
    if kernel == "block":
        a3, d3 = [a3], [d3]
        rec = _block_synthesis(a3, d3, Le, Q, kern, 0, 0, 2 * M)
    elif kernel == "conv1d":
        outs = []
        for s_, t in enumerate((a3, d3)):
            big = as_kernel(block_diagonal(kern[:, s_:s_ + 1, :], Q, out_major=True), dtype)  # [K, Q, 2 Q]
            outs.append(tf.nn.conv1d(t, big, stride=1, padding="VALID"))
        rec = _reshape(outs[0] + outs[1], [P, 2 * M, Q])
    else:
        a4 = a3[..., None]
        d4 = d3[..., None]
        k4 = tf.reshape(as_kernel(kern, dtype), [K, 1, 2, 2])
        phases = []
        for r in range(2):
            y = tf.nn.conv2d(a4, k4[:, :, :1, r:r + 1], 1, "VALID") + tf.nn.conv2d(d4, k4[:, :, 1:, r:r + 1], 1, "VALID")
            phases.append(y[..., 0])
        rec = _reshape(tf.stack(phases, axis=2), [P, 2 * M, Q])
    if mode == "periodization":
        rec = rec[:, offset:offset + out_len]
    new_shape = list(shape[:axis]) + [out_len] + list(shape[axis + 1:])
    return _reshape(rec, new_shape)
