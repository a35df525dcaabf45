"""Stationary (undecimated) wavelet transforms: ``swtn``/``iswtn`` and their 1D/2D forms.

One level along one axis filters circularly with the filters dilated by ``s = 2**j``
(``j`` = the level, from ``start_level``): ``a[i] = sum_k dec_lo[k] x[(i + (F/2 - k) s) mod N]``;
the nD level applies it along every axis in turn (sub-band keys as ``pywt.swtn``), and a
multilevel transform is a loop over the level, each on the previous approximation. The
inverse is pywt's: per level, the average of the ``2**d`` shifted periodization inverses.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import tensorflow as tf

from kextras import validation
from kextras_sci.wavelets import _passes
from kextras_sci.wavelets._common import (
    _as_tensor, _banks, _no_autograph, _norm_axes, _promote, _rank, _real_call,
)
from kextras_sci.wavelets._filters import swt_max_level


def _scaled_banks(banks, norm, inverse=False, what="swtn"):
    """``norm=True``: filters scaled by ``1/sqrt(2)`` (``sqrt(2)`` for the inverse)."""
    if not validation.boolean("norm", norm):
        return banks
    if not inverse and not all(b.orthogonal for b in banks):
        subject = "the wavelet is" if what == "swt" else "the wavelets used are"
        warnings.warn(
            f"norm=True, but {subject} not orthogonal: \n"
            "\tThe conditions for energy preservation are not satisfied.",
            UserWarning,
            stacklevel=4,
        )
    f = np.sqrt(2) if inverse else 1 / np.sqrt(2)
    return [b.scaled(f) for b in banks]


def _check_level(x, axes, level, start_level, what):
    """Validated ``level`` (``None``: the maximum over ``axes``) for ``swt*``."""
    start_level = validation.non_negative_int("start_level", start_level)
    shape = x.shape.as_list()
    for ax in axes:
        if shape[ax] == 0:
            raise ValueError(f"Cannot apply {what} to a size 0 signal.")
    if level is None:
        if any(shape[ax] is None for ax in axes):
            raise ValueError("`level` must be given when the axis length is dynamic. Received: level=None")
        level = min(swt_max_level(shape[ax]) for ax in axes)
    level = validation.non_negative_int("level", level)
    for ax in axes:
        n = shape[ax]
        if n is None or level == 0:
            continue
        if n % 2:
            raise ValueError(f"Length of data must be even. Received length {n} along axis {ax}.")
        max_level = swt_max_level(n) - start_level
        if level > max_level:
            raise ValueError(
                "Level value too high (max level for current data size and start_level is "
                f"{max_level}). Received: level={level}"
            )
    return level, start_level


def _norm_axes_unique(axes, ndim, what):
    if axes is None:
        axes = tuple(range(ndim))
    elif np.ndim(axes) == 0:
        axes = (axes,)
    axes = _norm_axes(tuple(axes), ndim)
    if len(set(axes)) != len(axes):
        raise ValueError(f"The axes passed to {what} must be unique. Received: axes={tuple(axes)!r}")
    return axes


def _levels(x, banks, axes, levels):
    """Stacked levels: a list (finest last) of ``[..., 2**d]`` band tensors of real ``x``."""
    out = []
    a = x
    for j in levels:
        y = a[..., None]
        for ax, b in zip(axes, banks):
            y = _passes.swt_axis(y, ax, b, 2 ** j)
        out.append(y)
        a = y[..., 0]
    return out


@_no_autograph
def swtn(data, wavelet, level, start_level=0, axes=None, trim_approx=False, norm=False):
    """Multilevel nD stationary wavelet transform (``pywt.swtn``).

    Args:
        data: tensor; every transformed length a multiple of ``2**(start_level + level)``.
        wavelet: name / filter bank, or one per axis.
        level: number of levels.
        start_level: first level (filters dilated by ``2**start_level``).
        axes: axes to transform (default all; unique).
        trim_approx: drop the approximations but the coarsest: ``[cAn, {details_n}, ...,
            {details_1}]``; else ``[{'aa..': cAn, details_n}, ..., {...}_1]``.
        norm: filters scaled by ``1/sqrt(2)`` (energy-preserving for orthogonal wavelets).

    Returns:
        List, coarsest level first, of dicts keyed like ``pywt.swtn`` (``'ad'`` = low-pass
        along the first axis, high-pass along the second); every array has ``data``'s shape.
    """
    return _swtn(data, wavelet, level, start_level, axes, trim_approx, norm, "swtn")


def _swtn(data, wavelet, level, start_level, axes, trim_approx, norm, what):
    """:func:`swtn`; ``what`` names the public function in messages."""
    x = _as_tensor(data)
    axes = _norm_axes_unique(axes, _rank(x), what)
    banks = _scaled_banks(_banks(wavelet, len(axes)), norm, what=what)
    level, start_level = _check_level(x, axes, level, start_level, what)
    trim_approx = validation.boolean("trim_approx", trim_approx)
    keys = ["".join(k) for k in itertools.product("ad", repeat=len(axes))]
    levels = range(start_level, start_level + level)
    if x.dtype.is_complex:
        stacked = [tf.complex(r, i) for r, i in zip(_levels(tf.math.real(x), banks, axes, levels),
                                                    _levels(tf.math.imag(x), banks, axes, levels))]
    else:
        stacked = _levels(x, banks, axes, levels)
    out = [dict(zip(keys, _passes.split_bands(y, len(keys)))) for y in stacked[::-1]]
    if not trim_approx:
        return out
    if not out:
        return [x]
    approx = out[0][keys[0]]
    return [approx] + [{k: v for k, v in d.items() if k != keys[0]} for d in out]


@_no_autograph
def iswtn(coeffs, wavelet, axes=None, norm=False):
    """Multilevel nD inverse stationary wavelet transform (``pywt.iswtn``).

    Args:
        coeffs: as returned by :func:`swtn` (either ``trim_approx`` form).
        wavelet: as used for :func:`swtn`.
        axes: the transformed axes (default: all; their number must match the key length).
        norm: as used for :func:`swtn`.
    """
    if not isinstance(coeffs, (list, tuple)) or not coeffs:
        raise ValueError("`coeffs` must be a non-empty list of coefficients as returned by swtn.")
    if not isinstance(coeffs[-1], dict) or not coeffs[-1]:
        if len(coeffs) == 1 and not isinstance(coeffs[0], dict):
            return _as_tensor(coeffs[0], "coeffs[0]")
        raise ValueError("`coeffs` must end with a dict of detail coefficients as returned by swtn.")
    nd = max(len(k) for k in coeffs[-1])
    trim = not isinstance(coeffs[0], dict)
    approx_key = "a" * nd
    a = coeffs[0] if trim else coeffs[0][approx_key]
    levels = coeffs[1:] if trim else coeffs
    a = _as_tensor(a, "approximation")
    axes = _norm_axes_unique(axes, _rank(a, "coeffs"), "iswtn")
    if len(axes) != nd:
        raise ValueError(
            "The number of axes used in iswtn must match the number of dimensions transformed "
            f"in swtn. Received axes={tuple(axes)!r} for keys of length {nd}."
        )
    banks = _scaled_banks(_banks(wavelet, nd), norm, inverse=True)
    keys = ["".join(k) for k in itertools.product("ad", repeat=nd)]
    details = []
    for d in levels:
        if not isinstance(d, dict):
            raise ValueError(f"Detail coefficients must be dicts as returned by swtn. Received {type(d).__name__}.")
        ts = {k: _as_tensor(v, f"coeffs[{k!r}]") for k, v in d.items() if k != approx_key}
        shapes = {tuple(t.shape.as_list()) for t in ts.values()}
        if len(shapes) > 1:
            raise RuntimeError("Mismatch in shape of intermediate coefficient arrays")
        details.append(ts)
    flat = _promote([a] + [t for ts in details for t in ts.values()])
    a, it = flat[0], iter(flat[1:])
    details = [{k: next(it) for k in ts} for ts in details]
    nlev = len(details)

    def run(a, details):
        for i, ts in enumerate(details):
            parts = [a] + [ts[k] if k in ts else tf.zeros_like(a) for k in keys[1:]]
            y = tf.stack(parts, axis=-1)
            for ax, b in reversed(list(zip(axes, banks))):
                y = _passes.iswt_axis(y, ax, b, 2 ** (nlev - 1 - i))
            a = y[..., 0]
        return a

    if a.dtype.is_complex:
        re = run(tf.math.real(a), [{k: tf.math.real(v) for k, v in ts.items()} for ts in details])
        im = run(tf.math.imag(a), [{k: tf.math.imag(v) for k, v in ts.items()} for ts in details])
        return tf.complex(re, im)
    return _real_call(lambda t: run(t, details), a)


@_no_autograph
def swt(data, wavelet, level=None, start_level=0, axis=-1, trim_approx=False, norm=False):
    """Multilevel 1D stationary wavelet transform (``pywt.swt``), :func:`swtn` on one axis.

    Returns ``[(cAn, cDn), ..., (cA1, cD1)]``, or ``[cAn, cDn, ..., cD1]`` with
    ``trim_approx``; ``level=None``: :func:`swt_max_level` of the length.
    """
    if np.ndim(axis) != 0:
        raise ValueError(f"`axis` must be a single integer. Received: axis={axis!r}")
    c = _swtn(data, wavelet, level, start_level, (axis,), trim_approx, norm, "swt")
    if trim_approx:
        return [c[0]] + [d["d"] for d in c[1:]]
    return [(d["a"], d["d"]) for d in c]


@_no_autograph
def iswt(coeffs, wavelet, norm=False, axis=-1):
    """Multilevel 1D inverse stationary wavelet transform (``pywt.iswt``) of either
    :func:`swt` form."""
    if not isinstance(coeffs, (list, tuple)) or len(coeffs) == 0:
        raise ValueError("`coeffs` must be a non-empty list of coefficients.")
    if isinstance(coeffs[0], (tuple, list)):
        nd = [{"a": a, "d": d} for a, d in coeffs]
    else:
        nd = [coeffs[0]] + [{"d": d} for d in coeffs[1:]]
    return iswtn(nd, wavelet, axes=(axis,), norm=norm)


@_no_autograph
def swt2(data, wavelet, level, start_level=0, axes=(-2, -1), trim_approx=False, norm=False):
    """Multilevel 2D stationary wavelet transform (``pywt.swt2``).

    Returns ``[(cAn, (cHn, cVn, cDn)), ..., (cA1, (cH1, cV1, cD1))]``, or with ``trim_approx``
    ``[cAn, (cHn, cVn, cDn), ..., (cH1, cV1, cD1)]``.
    """
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"Expected 2 axes. Received: axes={axes!r}")
    if len(set(axes)) != 2:
        raise ValueError(f"The axes passed to swt2 must be unique. Received: axes={axes!r}")
    c = swtn(data, wavelet, level, start_level, axes, trim_approx, norm)
    if trim_approx:
        return [c[0]] + [(d["da"], d["ad"], d["dd"]) for d in c[1:]]
    return [(d["aa"], (d["da"], d["ad"], d["dd"])) for d in c]


@_no_autograph
def iswt2(coeffs, wavelet, norm=False, axes=(-2, -1)):
    """Multilevel 2D inverse stationary wavelet transform (``pywt.iswt2``)."""
    if not isinstance(coeffs, (list, tuple)) or len(coeffs) == 0:
        raise ValueError("`coeffs` must be a non-empty list of coefficients.")
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"Expected 2 axes. Received: axes={axes!r}")
    if isinstance(coeffs[0], (tuple, list)):
        nd = [{"aa": a, "da": h, "ad": v, "dd": d} for a, (h, v, d) in coeffs]
    else:
        nd = [coeffs[0]] + [{"da": h, "ad": v, "dd": d} for h, v, d in coeffs[1:]]
    return iswtn(nd, wavelet, axes=axes, norm=norm)
