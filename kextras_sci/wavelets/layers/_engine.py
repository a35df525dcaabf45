"""Private DWT engine of the wavelet layers (periodization mode, filters as tensors).

One level of the separable transform over the spatial axes of a channels-last tensor is
one depthwise convolution with the ``L**d`` tensor-product kernel of all ``2**d``
sub-bands (stride 2), on the periodically wrapped input; the inverse is the transposed
depthwise convolution followed by a periodic fold. The filters are ordinary tensors, so
they can be trainable weights.

Conventions, identical to PyWavelets ``mode="periodization"`` (checked in the tests):

* analysis along an axis of length ``n``: an odd ``n`` is first extended by repeating
  its last sample; the signal is then wrapped periodically by ``s = L // 2 - 1`` samples
  on both sides and ``c[k] = sum_j f[j] x_wrapped[2k + L - 1 - j]``: ``ceil(n / 2)``
  coefficients.
* synthesis: the transposed operator with the reconstruction filters: ``2 * len(c)``
  samples, cropped to a requested length (odd sizes).
* layout: ``[batch, *spatial, C]`` -> ``[batch, *ceil(spatial / 2), 2**d * C]``,
  band-major: channel ``band * C + c``, ``band`` enumerating
  ``itertools.product("ad", repeat=d)`` (first letter = first spatial axis), i.e. the
  sorted keys of :func:`pywt.dwtn`.
"""

import tensorflow as tf

from kextras_sci.wavelets import _extend


def _as_filter(f, dtype):
    if isinstance(f, tf.Variable) or tf.is_tensor(f):
        return tf.cast(f, dtype)
    return tf.constant(f, dtype=dtype)


def _wrap(x, axis, s):
    """Extend an odd axis by its last sample, then wrap periodically by ``s`` both sides."""
    n = tf.shape(x)[axis]
    if s == 0:
        return tf.cond(
            tf.equal(n % 2, 1),
            lambda: tf.concat([x, tf.gather(x, [n - 1], axis=axis)], axis=axis),
            lambda: x,
        )
    m = n + n % 2
    idx = tf.math.floormod(tf.range(-s, m + s), m)
    idx = tf.minimum(idx, n - 1)
    return tf.gather(x, idx, axis=axis)


def _extend_axis(x, axis, length, mode):
    """Extend ``axis`` for the analysis: periodization wrap, or PyWavelets' ``mode`` extension
    (samples ``2 - L .. 2k - 1`` of the extended signal, ``k = floor((n + L - 1) / 2)``)."""
    if mode == "periodization":
        return _wrap(x, axis, length // 2 - 1)
    shape = tf.shape(x)
    rank = x.shape.rank
    n = shape[axis]
    before = _prod([shape[i] for i in range(axis)])
    after = _prod([shape[i] for i in range(axis + 1, rank)])
    k = (n + length - 1) // 2
    x3 = tf.reshape(x, tf.stack([before, n, after]))
    e = _extend.extend(x3, n, 2 - length, 2 * k + length - 2, mode)
    new_shape = [shape[i] for i in range(axis)] + [2 * k + length - 2] + [shape[i] for i in range(axis + 1, rank)]
    return tf.reshape(e, tf.stack(new_shape))


def _prod(values):
    out = values[0] if values else 1
    for v in values[1:]:
        out = out * v
    return out


def _fold(x, axis, n, s):
    """Periodic fold: length ``n + 2s`` -> ``n``; sample ``i`` goes to ``(i - s) mod n``."""
    if s == 0:
        return x
    shape = tf.shape(x)
    rank = x.shape.rank
    r = tf.math.floormod(-s, n)
    total = r + n + 2 * s
    reps = (total + n - 1) // n
    paddings = [[0, 0]] * rank
    paddings = tf.tensor_scatter_nd_update(
        tf.zeros([rank, 2], tf.int32), [[axis]], tf.reshape(tf.stack([r, reps * n - total]), [1, 2])
    )
    x = tf.pad(x, paddings)
    new_shape = [shape[i] for i in range(axis)] + [reps, n] + [shape[i] for i in range(axis + 1, rank)]
    return tf.reduce_sum(tf.reshape(x, tf.stack(new_shape)), axis=axis)


def _kernel(lo, hi, ndim, channels, reverse=True):
    """Depthwise kernel [L, L or 1, channels, 2**ndim] (band bits: first axis major)."""
    f = tf.stack([lo, hi], axis=-1)  # [L, 2]
    if reverse:
        f = tf.reverse(f, axis=[0])
    if ndim == 1:
        k = f[:, None, None, :]
    else:
        k = tf.reshape(f[:, None, :, None] * f[None, :, None, :], [f.shape[0], f.shape[0], 1, 4])
    return tf.tile(k, tf.stack([1, 1, channels, 1]))


def _to_band_major(y, lead, channels, bits):
    """channel-major (c, bits...) -> band-major (bits..., c); ``bits`` lists the bit axes order."""
    nb = 2 ** len(bits)
    y = tf.reshape(y, tf.stack(lead + [channels] + [2] * len(bits)))
    k = len(lead)
    perm = list(range(k)) + [k + 1 + b for b in bits] + [k]
    y = tf.transpose(y, perm)
    return tf.reshape(y, tf.stack(lead + [nb * channels]))


def _to_channel_major(y, lead, channels, bits):
    """Inverse of :func:`_to_band_major`."""
    nb = 2 ** len(bits)
    k = len(lead)
    nbits = len(bits)
    y = tf.reshape(y, tf.stack(lead + [2] * nbits + [channels]))
    # band-major axes: k + i holds bit bits[i]; target order: channel, then bit 0, 1, ...
    inv = [0] * nbits
    for i, b in enumerate(bits):
        inv[b] = i
    perm = list(range(k)) + [k + nbits] + [k + inv[b] for b in range(nbits)]
    y = tf.transpose(y, perm)
    return tf.reshape(y, tf.stack(lead + [nb * channels]))


def _analysis_12(x, lo, hi, ndim, mode):
    """ndim 1 or 2 on [B, n1, (n2,) C] -> channel-major [B, k1, (k2,) C * 2**ndim]."""
    length = lo.shape[0]
    channels = tf.shape(x)[-1]
    v = x if ndim == 2 else x[:, :, None, :]
    v = _extend_axis(v, 1, length, mode)
    if ndim == 2:
        v = _extend_axis(v, 2, length, mode)
    y = tf.nn.depthwise_conv2d(v, _kernel(lo, hi, ndim, channels), strides=[1, 2, 2, 1], padding="VALID")
    return y if ndim == 2 else y[:, :, 0, :]


def _synthesis_12(y, lo, hi, ndim, sizes, mode):
    """Inverse of :func:`_analysis_12` from channel-major input; ``sizes``: output lengths or None.

    Periodization: circular (fold); other modes: the full transposed convolution cropped to
    samples ``L - 2 .. 2k - 1`` (``2k - L + 2`` samples, PyWavelets' ``idwt``)."""
    length = lo.shape[0]
    s = length // 2 - 1 if mode == "periodization" else (length - 2) // 2  # half the extra length
    nb = 2**ndim
    shape = tf.shape(y)
    channels = shape[-1] // nb
    v = y if ndim == 2 else y[:, :, None, :]
    n1 = 2 * shape[1]
    n2 = 2 * shape[2] if ndim == 2 else 1
    out_shape = tf.stack([shape[0], n1 + 2 * s, n2 + 2 * s if ndim == 2 else 1, channels])
    x = tf.nn.depthwise_conv2d_backprop_input(
        out_shape, _kernel(lo, hi, ndim, channels, reverse=False), v, strides=[1, 2, 2, 1], padding="VALID"
    )
    if mode == "periodization":
        x = _fold(x, 1, n1, s)
        if ndim == 2:
            x = _fold(x, 2, n2, s)
    else:  # full length 2k + L - 2; keep L - 2 .. 2k - 1
        c = length - 2
        x = x[:, c: n1 + 2 * s - c] if ndim == 1 else x[:, c: n1 + 2 * s - c, c: n2 + 2 * s - c]
    if ndim == 1:
        x = x[:, :, 0, :]
    if sizes is not None:
        x = x[:, : sizes[0]] if ndim == 1 else x[:, : sizes[0], : sizes[1]]
    return x


def analysis(x, dec_lo, dec_hi, ndim, mode="periodization"):
    """One-level periodization DWT over axes ``1..ndim`` of ``x``; band-major stacked output."""
    lo = _as_filter(dec_lo, x.dtype)
    hi = _as_filter(dec_hi, x.dtype)
    shape = tf.shape(x)
    channels = shape[-1]
    if ndim in (1, 2):
        y = _analysis_12(x, lo, hi, ndim, mode)
        ys = tf.shape(y)
        lead = [ys[i] for i in range(ndim + 1)]
        return _to_band_major(y, lead, channels, list(range(ndim)))
    # ndim == 3: 2D over (2, 3) with depth folded into the batch, then 1D over axis 1
    v = tf.reshape(x, tf.stack([shape[0] * shape[1], shape[2], shape[3], channels]))
    v = _analysis_12(v, lo, hi, 2, mode)  # [(B D), k2, k3, C*4] channel-major (c, b2, b3)
    vs = tf.shape(v)
    v = tf.reshape(v, tf.stack([shape[0], shape[1], vs[1] * vs[2] * vs[3]]))
    v = _analysis_12(v, lo, hi, 1, mode)  # [B, k1, R*2] (..., c, b2, b3, b1)
    k1 = tf.shape(v)[1]
    lead = [shape[0], k1, vs[1], vs[2]]
    # channel bits after the channel: b2, b3, b1 -> band bits order (b1, b2, b3)
    return _to_band_major(v, lead, channels, [2, 0, 1])


def synthesis(y, rec_lo, rec_hi, ndim, output_size=None, mode="periodization"):
    """Inverse of :func:`analysis`. ``output_size``: per-axis output lengths, or None (2 * k)."""
    lo = _as_filter(rec_lo, y.dtype)
    hi = _as_filter(rec_hi, y.dtype)
    shape = tf.shape(y)
    nb = 2**ndim
    channels = shape[-1] // nb
    if ndim in (1, 2):
        lead = [shape[i] for i in range(ndim + 1)]
        v = _to_channel_major(y, lead, channels, list(range(ndim)))
        return _synthesis_12(v, lo, hi, ndim, output_size, mode)
    lead = [shape[i] for i in range(4)]
    v = _to_channel_major(y, lead, channels, [2, 0, 1])  # channels (c, b2, b3, b1)
    v = tf.reshape(v, tf.stack([shape[0], shape[1], shape[2] * shape[3] * channels * 8]))
    v = _synthesis_12(v, lo, hi, 1, None if output_size is None else output_size[:1], mode)
    n1 = tf.shape(v)[1]
    v = tf.reshape(v, tf.stack([shape[0] * n1, shape[2], shape[3], channels * 4]))
    v = _synthesis_12(v, lo, hi, 2, None if output_size is None else output_size[1:], mode)
    vs = tf.shape(v)
    return tf.reshape(v, tf.stack([shape[0], n1, vs[1], vs[2], channels]))


def approximation(x, dec_lo, ndim, mode="periodization"):
    """Only the all-low-pass band of :func:`analysis` (``ndim`` 1 or 2): ``[B, *k, C]``."""
    lo = _as_filter(dec_lo, x.dtype)
    length = lo.shape[0]
    channels = tf.shape(x)[-1]
    f = tf.reverse(lo, axis=[0])
    if ndim == 1:
        k = f[:, None, None, None]
        v = _extend_axis(x[:, :, None, :], 1, length, mode)
    else:
        k = (f[:, None] * f[None, :])[:, :, None, None]
        v = _extend_axis(_extend_axis(x, 1, length, mode), 2, length, mode)
    k = tf.tile(k, tf.stack([1, 1, channels, 1]))
    y = tf.nn.depthwise_conv2d(v, k, strides=[1, 2, 2, 1], padding="VALID")
    return y if ndim == 2 else y[:, :, 0, :]
