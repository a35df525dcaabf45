"""Passes with the signal folded into blocks of ``R`` samples (internal).

oneDNN's convolutions are slow with one or two channels: folding ``R`` consecutive samples
into channels turns a ``K``-tap filter into a ``T = 1 + ceil((K - 1) / R)``-tap convolution
with ``R``-fold more channels (a few times more multiply-adds, several times faster).
Index conventions: see ``_kernels``.
"""

from __future__ import annotations

import tensorflow as tf

from kextras_sci.wavelets._extend import extend
from kextras_sci.wavelets._handover import peek, take
from kextras_sci.wavelets._kernels import (
    _analysis_kernel, _is_static, _ops, _prod, _reshape, _synthesis_kernel, as_kernel,
    block_analysis_kernel, block_synthesis_kernel, static_or_dynamic_shape,
)


# an eager call splits the inputs of an inverse kernel larger than this along their leading
# axis (``in_batches``)
EAGER_BATCH_BYTES = 4 << 20


def in_batches(kernel, a3, d3):
    """``kernel(a3, d3)`` (two boxes in, ``[P, ...]`` out), in an eager call with inputs
    over :data:`EAGER_BATCH_BYTES` run on consecutive slices of the leading axis ``P`` and
    concatenated.

    Same values (each output row depends on its own input row only). The kernel's
    gathered copy and output are then a fraction of the inputs' size and fit into buffers
    that TensorFlow's CPU allocator keeps from earlier (smaller) passes, so the first call
    grows the heap by about the final output only. A traced program is unchanged (one
    call on all of ``P``). ``a3, d3`` may be boxes (``_handover``): freed once sliced.
    """
    a, d = peek(a3), peek(d3)
    P = a.shape[0]
    size = ((a.shape.num_elements() or 0) + (d.shape.num_elements() or 0)) * a.dtype.size
    parts = min(P or 1, size // EAGER_BATCH_BYTES) if tf.executing_eagerly() else 1
    a = d = None
    if parts <= 1:
        return kernel(a3, d3)  # the boxes passed on: the kernel frees the bands
    a3, d3 = take(a3), take(d3)
    cuts = [P * i // parts for i in range(parts + 1)]
    outs = [kernel([a3[lo:hi]], [d3[lo:hi]]) for lo, hi in zip(cuts[:-1], cuts[1:])]
    a3 = d3 = None
    return tf.concat(outs, axis=0)


def _block_synthesis(a3, d3, L, Q, kern, wrap, start, length):
    """Blocked polyphase synthesis (:func:`_block_synthesis_one`), in batches when eager
    (:func:`in_batches`)."""
    return in_batches(lambda a, d: _block_synthesis_one(a, d, L, Q, kern, wrap, start, length), a3, d3)


def _block_synthesis_one(a3, d3, L, Q, kern, wrap, start, length):
    """Polyphase synthesis with the signal folded into blocks of ``R`` samples.

    ``a3, d3 [P, L, Q]``; ``wrap`` samples of periodic extension on each side
    (periodization). One concat lays out ``[ext(a), 0.., ext(d), 0..]`` along axis 1,
    viewed as ``[P, 2 (a, d), nb, R Q]``; one ``conv2d`` whose height covers the two bands
    applies the ``K``-tap, 2-phase polyphase filter as a ``T = 1 + ceil((K - 1) / R)``-tap
    convolution with ``R Q`` input and ``2 R Q`` output channels (oneDNN is slow with one or
    two channels: a few times more multiply-adds, several times faster, and no interleaving
    copy of the two bands). Returns samples ``start .. start + length - 1`` (``start`` 0 or
    1, folded into the kernel) of the interleaved even/odd output, ``[P, length, Q]``; with
    ``nb`` as small as the outputs allow, no final crop is needed when ``R`` divides them.
    ``a3, d3`` may be boxes (``_handover``): freed once gathered.
    """
    a3, d3 = take(a3), take(d3)
    kern = _shifted(kern, start)
    K = kern.shape[0]
    R = 8 if Q == 1 else 4
    T = 1 + -(-(K - 1) // R)
    W = as_kernel(block_synthesis_kernel(kern, R, Q), a3.dtype)
    P = static_or_dynamic_shape(a3)[0]
    lens = [L + 2 * wrap] * 2 if wrap else [static_or_dynamic_shape(t)[1] for t in (a3, d3)]
    if _is_static(length, *lens):
        nb = max(-(-length // (2 * R)) + T - 1, -(-max(lens) // R))
    else:
        nb = (tf.maximum(lens[0], lens[1]) + R - 1) // R + T - 1
    pieces = []
    for t_, n_ in zip((a3, d3), lens):
        # samples past what the outputs use need no particular value: zeros as filler, and
        # an ``a3`` one sample longer than ``d3`` (waverec's rule) needs no crop
        pieces += [t_[:, L - wrap:L], t_, t_[:, :wrap]] if wrap else [t_]
        pieces.append(tf.zeros(_shape_arg([P, nb * R - n_, Q]), a3.dtype))
    x = _reshape(tf.concat(pieces, axis=1), [P, 2, nb, R * Q])
    pieces = a3 = d3 = t_ = None
    y = tf.nn.conv2d(x, W, 1, "VALID")  # [P, 1, nb - T + 1, 2 R Q]
    x = None
    n_out = (nb - T + 1) * 2 * R
    y = _reshape(y, [P, n_out, Q])
    return y if _is_static(n_out, length) and n_out == length else y[:, :length]


def flat_synthesis(a, d, bank):
    """Inverse pass along the innermost axis of ``a, d [..., L]`` (same shape, static, a
    mode other than periodization) with every row of a band in one signal.

    Band-major ``[ext(a), 0.., ext(d), 0..]`` (one concat) viewed as ``[1, 2, nb, R]``: one
    ``conv2d`` over one long image (about twice as fast as ``_block_synthesis``'s batch of
    short rows), padded by ``T - 1`` blocks at the end. Returns ``[..., 2 L]``: per row the
    ``2 L - F + 2`` samples of the pass, then ``F - 2`` samples that mix two rows (the next
    pass crops them, see :func:`synthesis_pair`'s ``valid``). ``a, d`` are freed once
    gathered (when the caller holds no other reference).
    """
    shape = a.shape.as_list()
    dtype = a.dtype
    N = _prod(shape)
    R = 8
    kern = _synthesis_kernel(bank)  # [K, 2, 2]
    T = 1 + -(-(kern.shape[0] - 1) // R)
    nb = -(-N // R)
    pieces = []
    for t in (a, d):
        pieces.append(tf.reshape(t, [N]))
        if nb * R > N:
            pieces.append(tf.zeros([nb * R - N], a.dtype))
    x = tf.reshape(tf.concat(pieces, axis=0), [1, 2, nb, R])
    pieces = a = d = t = None
    W = as_kernel(block_synthesis_kernel(kern, R, 1), dtype)
    y = tf.reshape(tf.nn.conv2d(x, W, 1, [[0, 0], [0, 0], [0, T - 1], [0, 0]]), [2 * nb * R])
    return tf.reshape(y if nb * R == N else y[:2 * N], shape[:-1] + [2 * shape[-1]])


def _shifted(kern, start):
    """Polyphase kernel ``[K (+1), 2, 2]`` of the output shifted by ``start`` (0 or 1)
    samples: ``k'[u, s, 0] = k[u, s, 1]``, ``k'[u, s, 1] = k[u - 1, s, 0]``."""
    if not start:
        return kern
    xp = _ops(kern)
    zero = kern[:1, :, :1] * 0
    return xp.concat([xp.concat([kern[:, :, 1:], zero], 0), xp.concat([zero, kern[:, :, :1]], 0)], 2)


def _shape_arg(shape):
    if all(isinstance(d, int) for d in shape):
        return shape
    return tf.stack([tf.cast(d, tf.int32) for d in shape])


def _block_analysis(x, axis, bank, mode):
    """Analysis along the innermost ``axis`` with the signal folded into blocks of ``2 R``.

    The extended signal, ``R`` outputs per block longer than needed (the extension simply
    goes on), viewed as ``[P, nb, 2 R]``; per band one ``conv1d`` with ``2 R`` input and ``R``
    output channels and ``T`` taps gives ``[P, nb - T + 1, R]``, i.e. the band's coefficients
    contiguous (no band axis to transpose away), cropped to ``L`` when ``R`` does not divide it.
    ``x`` may be a box (``_handover``): it is freed after the extension, the extension
    before the crops.
    """
    x = take(x)
    dtype = x.dtype
    shape = static_or_dynamic_shape(x)
    F = bank.dec_len
    n = shape[axis]
    P = _prod(shape[:axis])
    R = 8
    x3, x = _reshape(x, [P, n, 1]), None
    kern = _analysis_kernel(bank)  # [F, 1, 2]
    T = (2 * R + F - 3) // (2 * R) + 1
    if mode == "periodization":
        M = n + n % 2
        L = M // 2
        if n % 2:
            x3 = tf.concat([x3, x3[:, n - 1:]], axis=1)
        n_src, start, ext_mode = M, 1 - F // 2, "periodic"
    else:
        L = (n + F - 1) // 2
        n_src, start, ext_mode = n, 2 - F, mode
    nbo = -(-L // R)
    nb = nbo + T - 1
    xe = _reshape(extend(x3, n_src, start, nb * 2 * R, ext_mode), [P, nb, 2 * R])
    x3 = None
    W = as_kernel(block_analysis_kernel(kern, R), dtype)
    ys = [_reshape(tf.nn.conv1d(xe, W[b], 1, "VALID"), [P, nbo * R]) for b in range(2)]
    xe = None
    out = []
    while ys:
        y = ys.pop(0)
        y = y if nbo * R == L else y[:, :L]
        out.append(_reshape(y, list(shape[:axis]) + [L]))
    return tuple(out)
