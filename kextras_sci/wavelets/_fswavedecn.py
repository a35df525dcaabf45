"""Fully separable wavelet transform (``pywt.fswavedecn``): a full ``wavedec`` along each
axis in turn (levels may differ per axis), the coefficients stacked into one array."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import tensorflow as tf

from kextras_sci.wavelets._common import _as_tensor, _banks, _modes, _norm_axes
from kextras_sci.wavelets._multilevel import wavedec, waverec


class FswavedecnResult:
    """The result of :func:`fswavedecn`: ``coeffs`` (one tensor), per-axis ``coeff_slices``
    (level ``0`` = approximation), ``axes``, ``wavelets``, ``modes``; ``result[levels]``
    reads (and assigns, same shape) the block of a tuple of per-axis levels."""

    def __init__(self, coeffs, coeff_slices, wavelets, modes, axes):
        self._coeffs = coeffs
        self._coeff_slices = coeff_slices
        self._wavelets = list(wavelets)
        self._modes = list(modes)
        self._axes = tuple(axes)

    coeffs = property(lambda self: self._coeffs)
    coeff_slices = property(lambda self: self._coeff_slices)
    axes = property(lambda self: self._axes)
    wavelets = property(lambda self: self._wavelets)
    modes = property(lambda self: self._modes)
    ndim = property(lambda self: self._coeffs.shape.rank)
    ndim_transform = property(lambda self: len(self._axes))
    levels = property(lambda self: [len(s) - 1 for s in self._coeff_slices])
    wavelet_names = property(lambda self: [w.name for w in self._wavelets])

    @coeffs.setter
    def coeffs(self, c):
        c = _as_tensor(c, "coeffs")
        if c.shape != self._coeffs.shape:
            raise ValueError("new coefficient array must match the existing coefficient shape")
        self._coeffs = c

    def _slices(self, levels):
        levels = tuple(levels)
        if len(levels) != len(self._axes):
            raise ValueError("levels must match the number of transformed axes")
        if any(isinstance(v, bool) or not float(v).is_integer() or v < 0 for v in levels):
            raise ValueError("Index must be a tuple of non-negative integers")
        if any(int(v) > m for v, m in zip(levels, self.levels)):
            raise ValueError("Specified indices exceed the number of transform levels.")
        sl = [slice(None)] * self.ndim
        for n, (ax, lev) in enumerate(zip(self._axes, levels)):
            sl[ax] = self._coeff_slices[n][int(lev)]
        return tuple(sl)

    def __getitem__(self, levels):
        return self._coeffs[self._slices(levels)]

    def __setitem__(self, levels, x):
        sl = self._slices(levels)
        x = _as_tensor(x, "x")
        current = self._coeffs[sl]
        if x.shape != current.shape:
            raise ValueError("x does not match the shape of the requested coefficient")
        if x.dtype != current.dtype:
            warnings.warn(f"dtype mismatch:  converting the provided array to dtype {current.dtype.name}")
            x = tf.cast(x, current.dtype)
        shape = self._coeffs.shape.as_list()
        pads = [[s.start or 0, n - (n if s.stop is None else s.stop)] for s, n in zip(sl, shape)]
        inside = tf.pad(tf.ones_like(x, dtype=tf.bool), pads)
        self._coeffs = tf.where(inside, tf.pad(x, pads), self._coeffs)

    @property
    def approx(self):
        return self[(0,) * len(self._axes)]

    @approx.setter
    def approx(self, a):
        self[(0,) * len(self._axes)] = a

    def detail_keys(self):
        """Every level tuple but the approximation's, sorted."""
        keys = list(itertools.product(*(range(n + 1) for n in self.levels)))
        keys.remove((0,) * len(self._axes))
        return sorted(keys)


def _fs_axes(x, axes, what):
    ndim = x.shape.rank
    axes = tuple(range(ndim)) if axes is None else tuple(axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"The axes passed to {what} must be unique. Received: axes={axes!r}")
    return _norm_axes(axes, ndim)


def fswavedecn(data, wavelet, mode="symmetric", levels=None, axes=None):
    """Fully separable nD DWT (``pywt.fswavedecn``): ``wavedec`` to ``levels[i]`` along
    ``axes[i]`` for each axis in turn, each result concatenated along its axis.

    Returns:
        :class:`FswavedecnResult`.
    """
    x = _as_tensor(data)
    axes = _fs_axes(x, axes, "fswavedecn")
    if levels is None or np.ndim(levels) == 0:
        levels = [levels] * len(axes)
    if len(levels) != len(axes):
        raise ValueError("levels must match the length of the axes list")
    banks = _banks(wavelet, len(axes))
    modes = _modes(mode, len(axes))
    slices = []
    for ax, lev, bank, m in zip(axes, levels, banks, modes):
        coeffs = wavedec(x, bank, mode=m, level=lev, axis=ax)
        offsets = np.cumsum([0] + [c.shape[ax] for c in coeffs])
        slices.append([slice(int(a), int(b)) for a, b in zip(offsets[:-1], offsets[1:])])
        x = tf.concat(coeffs, axis=ax)
    return FswavedecnResult(x, slices, banks, modes, axes)


def fswaverecn(fswavedecn_result):
    """Inverse of :func:`fswavedecn` (``pywt.fswaverecn``)."""
    r = fswavedecn_result
    arr = r.coeffs
    axes = _fs_axes(arr, r.axes, "fswaverecn")
    if len(axes) != len(r.coeff_slices):
        raise ValueError("dimension mismatch")
    for ax, slices, bank, m in zip(axes, r.coeff_slices, r.wavelets, r.modes):
        parts = []
        for sl in slices:
            idx = [slice(None)] * arr.shape.rank
            idx[ax] = sl
            parts.append(arr[tuple(idx)])
        arr = waverec(parts, bank, mode=m, axis=ax)
    return arr
