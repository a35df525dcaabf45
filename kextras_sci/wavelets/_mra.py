"""Multiresolution analysis (``pywt.mra*``): the signal as a sum of per-band projections.

``mra(x)[j]`` is the inverse transform of the coefficients with every band but ``j``
zeroed, so ``sum_j mra(x)[j] == x`` (:func:`imra`). With ``transform="swt"`` (the default,
``norm=True``, periodization) the projections are shift-invariant and additive for every
wavelet; with ``"dwt"`` they follow the decimated transform and its ``mode``.
"""

from __future__ import annotations

import tensorflow as tf

from kextras_sci.wavelets._common import _as_tensor, _no_autograph, _rank
from kextras_sci.wavelets._filters import swt_max_level
from kextras_sci.wavelets._multilevel import wavedec, wavedec2, wavedecn, waverec, waverec2, waverecn
from kextras_sci.wavelets._swt import _norm_axes_unique, iswt, iswt2, iswtn, swt, swt2, swtn


def _check_swt_mode(mode):
    if mode != "periodization":
        raise ValueError(f"transform swt only supports mode='periodization'. Received: mode={mode!r}")


def _crop(rec, shape):
    """``rec`` cropped to ``shape`` (the dwt inverse may be one sample longer per axis)."""
    if rec.shape.as_list() == list(shape):
        return rec
    return rec[tuple(slice(s) for s in shape)]


def _projections(coeffs, inverse, shape):
    """For every coefficient array (a nested list/tuple/dict leaf) the inverse of the
    structure with only that leaf kept: a structure of the same form."""
    flat = tf.nest.flatten(coeffs)
    zeros = [tf.zeros_like(c) for c in flat]
    out = []
    for i, c in enumerate(flat):
        parts = list(zeros)
        parts[i] = c
        out.append(_crop(inverse(tf.nest.pack_sequence_as(coeffs, parts)), shape))
    return tf.nest.pack_sequence_as(coeffs, out)


def _decompose(x, transform, swt_name, mode, level, stationary, decimated, min_level=False):
    """``(coeffs, inverse)`` by ``stationary(level)`` (``transform == swt_name``) or
    ``decimated(level)`` (its ``"dwt*"`` twin); ``min_level``: a ``None`` level of the
    stationary transform is the smallest ``swt_max_level`` over every axis (as pywt)."""
    if transform == swt_name:
        _check_swt_mode(mode)
        if level is None and min_level:
            level = min(swt_max_level(s) for s in x.shape.as_list())
        return stationary(level)
    if transform == "dwt" + swt_name[3:]:
        return decimated(level)
    raise ValueError(f"unrecognized transform: {transform}")


@_no_autograph
def mra(data, wavelet, level=None, axis=-1, transform="swt", mode="periodization"):
    """1D multiresolution analysis (``pywt.mra``): ``[A_n, D_n, ..., D_1]``, each of
    ``data``'s shape, summing to ``data``.

    Args:
        data: tensor or array-like.
        wavelet: wavelet name / filter bank.
        level: number of levels (default: the transform's maximum).
        axis: axis to analyse.
        transform: ``"swt"`` (undecimated, ``norm=True``) or ``"dwt"``.
        mode: extension mode; ``"swt"`` supports only ``"periodization"``.
    """
    x = _as_tensor(data)
    coeffs, inverse = _decompose(
        x, transform, "swt", mode, level,
        lambda lv: (swt(x, wavelet, level=lv, axis=axis, trim_approx=True, norm=True),
                    lambda c: iswt(c, wavelet, norm=True, axis=axis)),
        lambda lv: (wavedec(x, wavelet, mode=mode, level=lv, axis=axis),
                    lambda c: waverec(c, wavelet, mode=mode, axis=axis)))
    return _projections(list(coeffs), inverse, x.shape.as_list())


@_no_autograph
def mra2(data, wavelet, level=None, axes=(-2, -1), transform="swt2", mode="periodization"):
    """2D multiresolution analysis (``pywt.mra2``): ``[A_n, (H_n, V_n, D_n), ..., (H_1, V_1,
    D_1)]``; ``transform`` is ``"swt2"`` or ``"dwt2"``. ``level=None`` with ``"swt2"``:
    the smallest ``swt_max_level`` over every axis of ``data`` (as pywt)."""
    x = _as_tensor(data)
    coeffs, inverse = _decompose(
        x, transform, "swt2", mode, level,
        lambda lv: (swt2(x, wavelet, lv, axes=axes, trim_approx=True, norm=True),
                    lambda c: iswt2(c, wavelet, norm=True, axes=axes)),
        lambda lv: (wavedec2(x, wavelet, mode=mode, level=lv, axes=axes),
                    lambda c: waverec2(c, wavelet, mode=mode, axes=axes)), min_level=True)
    coeffs = [coeffs[0]] + [tuple(d) for d in coeffs[1:]]
    return _projections(coeffs, inverse, x.shape.as_list())


@_no_autograph
def mran(data, wavelet, level=None, axes=None, transform="swtn", mode="periodization"):
    """nD multiresolution analysis (``pywt.mran``): ``[A_n, {details_n}, ..., {details_1}]``
    keyed like ``pywt.wavedecn``; ``transform`` is ``"swtn"`` or ``"dwtn"``."""
    x = _as_tensor(data)
    axes = _norm_axes_unique(axes, _rank(x), "mran")
    coeffs, inverse = _decompose(
        x, transform, "swtn", mode, level,
        lambda lv: (swtn(x, wavelet, lv, axes=axes, trim_approx=True, norm=True),
                    lambda c: iswtn(c, wavelet, axes=axes, norm=True)),
        lambda lv: (wavedecn(x, wavelet, mode=mode, level=lv, axes=axes),
                    lambda c: waverecn(c, wavelet, mode=mode, axes=axes)), min_level=True)
    return _projections(list(coeffs), inverse, x.shape.as_list())


def _sum(tensors):
    return tf.add_n([_as_tensor(t, "mra_coeffs") for t in tensors])


def imra(mra_coeffs):
    """Inverse of :func:`mra`: the sum of the projections."""
    return _sum(mra_coeffs)


def imra2(mra_coeffs):
    """Inverse of :func:`mra2`: the sum of the projections."""
    return _sum([mra_coeffs[0]] + [c for d in mra_coeffs[1:] for c in d])


def imran(mra_coeffs):
    """Inverse of :func:`mran`: the sum of the projections."""
    return _sum([mra_coeffs[0]] + [v for d in mra_coeffs[1:] for v in d.values()])
