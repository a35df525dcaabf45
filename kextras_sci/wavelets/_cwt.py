"""The continuous wavelet transform ``cwt`` in TensorFlow, with PyWavelets' definition.

For a scale ``a`` PyWavelets samples the running integral ``Psi(t) = int_{lb}^{t} psi`` of
the wavelet (conjugated for complex wavelets) on ``2**precision`` points ``t_k`` of its
support, picks ``h_a[m] = Psi(t_{j_m})`` at ``j_m = floor(m / (a * step))``
(``m = 0 .. a * (ub - lb)``) reversed, and returns, for ``n = 0 .. N - 1``::

    coef[a, n] = -sqrt(a) * (conv(x, h_a)[n + f + 1] - conv(x, h_a)[n + f]),
    f = floor((len(h_a) - 2) / 2)

i.e. the derivative of the smoothed signal, centred: ``coef ~ int x(t) psi((t - n) / a) / sqrt(a)``.
Here the difference is folded into the filter, ``g_a = -sqrt(a) * diff([0, h_a, 0])``, and
``coef[a, n] = sum_k g_a[k] x[n + f + 1 - k]`` (zero outside the signal) is computed either as
a direct convolution (``method="conv"``) or through the FFT (``method="fft"``), by the
engines of ``_cwt_engine.py``.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from kextras import validation
from kextras_sci.wavelets._common import _as_tensor
from kextras_sci.wavelets._cwavelets import continuous_wavelet
from kextras_sci.wavelets._cwt_engine import transform_rows

__all__ = ["cwt", "log_scales"]

_no_autograph = tf.autograph.experimental.do_not_convert


# ----------------------------------------------------------------------------- arguments


def check_scales(scales):
    """Scales as a 1D NumPy array (a scalar becomes ``[scale]``, as pywt); all finite and > 0."""
    if tf.is_tensor(scales):
        try:
            scales = scales.numpy()
        except (AttributeError, NotImplementedError):  # symbolic: filter lengths need values
            raise ValueError("`scales` must be concrete values (NumPy, a list or an eager tensor): "
                             f"the filters are built from them. Received: scales={scales!r}") from None
    arr = None if scales is None else np.atleast_1d(np.asarray(scales))
    if arr is None or arr.dtype.kind not in "iuf" or arr.ndim != 1 or arr.size == 0:
        got = "None" if arr is None else f"dtype {arr.dtype}, shape {arr.shape}"
        raise ValueError(f"`scales` must be a non-empty 1D array of positive numbers ({got}). "
                         f"Received: scales={scales!r}")
    if np.any(~np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"`scales` must only include positive values. Received: scales={scales!r}")
    return arr


def log_scales(smallest, largest, num):
    """``num`` scales spaced geometrically from ``smallest`` to ``largest`` (both included).

    Equal ratios between neighbours give a scalogram with evenly spaced octaves (the
    frequency of scale ``a`` is ``central_frequency / (a * sampling_period)``).
    """
    smallest = validation.positive_float("smallest", smallest)
    largest = validation.positive_float("largest", largest)
    num = validation.positive_int("num", num)
    if largest < smallest:
        raise ValueError(f"`largest` must be >= `smallest`. Received: smallest={smallest!r}, "
                         f"largest={largest!r}")
    return [float(s) for s in np.geomspace(smallest, largest, num)]


# ----------------------------------------------------------------------------- filters


def scale_filters(spec, scales, precision, real_dtype):
    """Per scale ``(g, c)``: the filter ``g`` (float64/complex128) and its centre ``c``, such
    that ``coef[n] = sum_k g[k] x[n + c - k]``; ``real_dtype`` is the data precision
    (pywt samples the grid in it, which decides the indices ``j``)."""
    int_psi, t = spec.integrate(precision)
    if spec.complex_cwt:
        int_psi = np.conj(int_psi)
    t = np.asarray(t, dtype=real_dtype)
    step = t[1] - t[0]
    out = []
    for scale in scales:  # NumPy scalars, as in pywt: the same arithmetic gives the same j
        j = (np.arange(scale * (t[-1] - t[0]) + 1) / (scale * step)).astype(int)
        h = int_psi[j[j < int_psi.size]][::-1]
        if h.size < 2:
            raise ValueError(
                f"Selected scale of {scale} too small: the sampled wavelet has {h.size} tap(s) "
                f"(a scale needs about 1 / (upper_bound - lower_bound) = "
                f"{1 / (spec.upper_bound - spec.lower_bound):g} or more). Received: scales={scales!r}")
        g = -np.sqrt(scale) * np.diff(h, prepend=0, append=0)
        out.append((g, (h.size - 2) // 2 + 1))
    return out


# ----------------------------------------------------------------------------- cwt


@_no_autograph
def cwt(data, scales, wavelet, sampling_period=1.0, method="conv", axis=-1, *, precision=12):
    """One-dimensional continuous wavelet transform, as ``pywt.cwt``.

    ``coef[a, ..., n] = -sqrt(a) * d/dn [x * Psi_a](n)``, with ``Psi_a`` the running integral
    of the wavelet sampled at scale ``a`` (module docstring for the exact discrete form);
    ``frequencies = central_frequency(wavelet) / (scales * sampling_period)``.

    Args:
        data: array or tensor, real or complex, any shape; transformed along ``axis``.
            float16 and integers follow pywt (float32 and float64 results).
        scales: a positive scale or a 1D array of them (static: NumPy, list or eager tensor).
        wavelet: a continuous wavelet name (``"morl"``, ``"mexh"``, ``"gaus1"`` ..
            ``"gaus8"``, ``"cgau1"`` .. ``"cgau8"``, ``"cmorB-C"``, ``"shanB-C"``,
            ``"fbspM-B-C"``) or a ``pywt.ContinuousWavelet``.
        sampling_period: sampling period of ``data``; scales only the frequencies. Default 1.
        method: ``"conv"`` (direct convolution, default) or ``"fft"`` (FFT convolution);
            equal results up to rounding.
        axis: the axis transformed. Default -1.
        precision: the wavelet is sampled on ``2**precision`` points. Default 12.

    Returns:
        ``(coefficients, frequencies)``: a tensor of shape ``(len(scales),) + data.shape``,
        complex for complex wavelets or complex data (float32 data -> float32/complex64,
        float64 -> float64/complex128), and a NumPy array of ``len(scales)`` frequencies
        (cycles per unit of ``sampling_period``).
    """
    spec = continuous_wavelet(wavelet)
    x = _as_tensor(data, "data")
    scales = check_scales(scales)
    method = validation.choice("method", method, ("conv", "fft"))
    precision = validation.integer("precision", precision, minimum=1, maximum=24)
    sampling_period = validation.positive_float("sampling_period", sampling_period)
    rank = x.shape.rank
    if rank is None or rank < 1:
        raise ValueError(f"`data` must be at least 1D. Received a tensor of shape {x.shape}.")
    # as pywt: 1D data is transformed along its only axis, whatever `axis` says
    axis = 0 if rank == 1 else validation.integer("axis", axis, minimum=-rank, maximum=rank - 1) % rank
    if rank == 1:
        validation.integer("axis", axis)
    n = x.shape[axis]
    if n == 0:
        raise ValueError(f"`data` must not be empty along `axis`. Received shape {tuple(x.shape)}, axis={axis}.")
    real = tf.float64 if x.dtype in (tf.float64, tf.complex128) else tf.float32
    filters = scale_filters(spec, scales, precision, real.as_numpy_dtype)

    perm = [i for i in range(rank) if i != axis] + [axis]
    moved = tf.transpose(x, perm) if axis != rank - 1 else x
    lead = tf.shape(moved)[:-1]
    rows = tf.reshape(moved, [-1, n if n is not None else tf.shape(moved)[-1]])
    y = transform_rows(rows, filters, method)  # [S, B, N]
    y = tf.reshape(y, tf.concat([[len(scales)], lead, tf.shape(y)[-1:]], 0))
    if axis != rank - 1:  # y is [S, *moved]; put the transformed axis back
        inverse = np.argsort(perm)
        y = tf.transpose(y, [0] + [1 + int(i) for i in inverse])
    y.set_shape([len(scales), *x.shape])

    frequencies = spec.central_frequency(precision) / scales
    frequencies /= sampling_period
    return y, frequencies
