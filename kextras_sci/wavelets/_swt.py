"""Stationary (undecimated) wavelet transforms."""

from __future__ import annotations

import warnings
from numbers import Integral

import numpy as np
import tensorflow as tf

from kextras_sci.wavelets import _passes
from kextras_sci.wavelets._common import _as_tensor, _no_autograph, _norm_axes, _promote, _rank
from kextras_sci.wavelets._filters import get_wavelet, swt_max_level


@_no_autograph
def swt(data, wavelet, level=None, start_level=0, axis=-1, trim_approx=False, norm=False):
    """Multilevel 1D stationary (undecimated) wavelet transform (``pywt.swt``).

    Level ``j`` filters the previous approximation circularly with the filters dilated by
    ``2**(start_level + j - 1)``: ``a[i] = sum_k dec_lo[k] a_prev[(i + (F/2 - k) s) mod N]``.

    Args:
        data: tensor; length along ``axis`` must be a multiple of ``2**level``.
        wavelet: wavelet name / filter bank.
        level: number of levels (default: ``swt_max_level(N)``).
        start_level: first level of the decomposition (default 0).
        axis: axis to transform.
        trim_approx: if True return ``[cAn, cDn, ..., cD1]``, else
            ``[(cAn, cDn), ..., (cA1, cD1)]``.
        norm: scale the filters by ``1/sqrt(2)`` (energy-preserving for orthogonal wavelets).
    """
    x = _as_tensor(data)
    ndim = _rank(x)
    (axis,) = _norm_axes((axis,), ndim)
    bank = get_wavelet(wavelet)
    if norm:
        if not bank.orthogonal:
            warnings.warn(
                "norm=True, but the wavelet is not orthogonal: \n"
                "\tThe conditions for energy preservation are not satisfied.",
                UserWarning,
                stacklevel=2,
            )
        bank = bank.scaled(1 / np.sqrt(2))
    if isinstance(start_level, bool) or not isinstance(start_level, (Integral, np.integer)) or start_level < 0:
        raise ValueError(f"`start_level` must be a non-negative integer. Received: start_level={start_level!r}")
    n = x.shape[axis]
    if n == 0:
        raise ValueError("Cannot apply swt to a size 0 signal.")
    if level is None:
        if n is None:
            raise ValueError("`level` must be given when the axis length is dynamic. Received: level=None")
        level = swt_max_level(n)
    if isinstance(level, bool) or not isinstance(level, (Integral, np.integer)) or level < 0:
        raise ValueError(f"`level` must be a non-negative integer. Received: level={level!r}")
    if n is not None and level > 0:
        if n % 2:
            raise ValueError(f"Length of data must be even. Received length {n} along axis {axis}.")
        max_level = swt_max_level(n) - start_level
        if level > max_level:
            raise ValueError(
                "Level value too high (max level for current data size and start_level is "
                f"{max_level}). Received: level={level}"
            )

    def run(t):
        out = []
        a = t
        for j in range(start_level, start_level + level):
            y = _passes.swt_axis(a[..., None], axis, bank, 2 ** j)
            a, d = y[..., 0], y[..., 1]
            out.append((a, d))
        return out

    if x.dtype.is_complex:
        re, im = run(tf.math.real(x)), run(tf.math.imag(x))
        res = [(tf.complex(a1, a2), tf.complex(d1, d2)) for (a1, d1), (a2, d2) in zip(re, im)]
    else:
        res = run(x)
    res = res[::-1]
    if trim_approx:
        if not res:
            return [x]
        return [res[0][0]] + [d for _, d in res]
    return res


@_no_autograph
def iswt(coeffs, wavelet, norm=False, axis=-1):
    """Multilevel 1D inverse stationary wavelet transform (``pywt.iswt``).

    Args:
        coeffs: ``[(cAn, cDn), ..., (cA1, cD1)]`` or, as from ``swt(trim_approx=True)``,
            ``[cAn, cDn, ..., cD1]``.
        wavelet: wavelet name / filter bank.
        norm: must match the value used in :func:`swt`.
        axis: axis to transform.
    """
    if not isinstance(coeffs, (list, tuple)) or len(coeffs) == 0:
        raise ValueError("`coeffs` must be a non-empty list of coefficients.")
    trim = not isinstance(coeffs[0], (tuple, list))
    if trim:
        a = _as_tensor(coeffs[0], "coeffs[0]")
        details = [_as_tensor(d, "detail") for d in coeffs[1:]]
    else:
        a = _as_tensor(coeffs[0][0], "coeffs[0][0]")
        details = [_as_tensor(d, "detail") for _, d in coeffs]
    ndim = _rank(a)
    (axis,) = _norm_axes((axis,), ndim)
    bank = get_wavelet(wavelet)
    if norm:
        bank = bank.scaled(np.sqrt(2))
    nlev = len(details)

    def run(a, details):
        for i, d in enumerate(details):
            dil = 2 ** (nlev - 1 - i)
            y = tf.stack([a, d], axis=-1)
            a = _passes.iswt_axis(y, axis, bank, dil)[..., 0]
        return a

    a, *details = _promote([a] + details)
    if a.dtype.is_complex:
        re = run(tf.math.real(a), [tf.math.real(d) for d in details])
        im = run(tf.math.imag(a), [tf.math.imag(d) for d in details])
        return tf.complex(re, im)
    return run(a, details)
