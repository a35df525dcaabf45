"""Multilevel DWT as a loop over the single level (pywt ``_multilevel.py``)."""

from __future__ import annotations

import itertools
import warnings
from numbers import Integral

import numpy as np
import tensorflow as tf

from kextras import validation
from kextras_sci.wavelets._programs import compiled
from kextras_sci.wavelets._common import (
    _analysis_bands, _analysis_pair, _as_tensor, _banks, _modes, _no_autograph, _norm_axes,
    _prepare, _rank, check_lengths,
)
from kextras_sci.wavelets._dwt import _idwtn, _synthesis_list
from kextras_sci.wavelets._filters import dwt_max_level


def _check_level(sizes, dec_lens, level):
    known = all(isinstance(s, int) for s in sizes)
    if level is not None:
        validation.integer("level", level)
    if level is not None and level < 0:
        raise ValueError(
            f"`level` must be a non-negative integer. Received: level={level} "
            "(Level value of %d is too low . Minimum level is 0.)" % level
        )
    if not known:
        if level is None:
            raise ValueError(
                "`level` must be given when the transformed axes have unknown (dynamic) sizes. "
                "Received: level=None"
            )
        return int(level)
    max_level = min(dwt_max_level(s, d) for s, d in zip(sizes, dec_lens))
    if level is None:
        return max_level
    if level > max_level:
        warnings.warn(
            f"Level value of {level} is too high: all coefficients will experience boundary effects.",
            UserWarning,
            stacklevel=3,
        )
    return int(level)


@compiled(("data",))
@_no_autograph
def wavedecn(data, wavelet, mode="symmetric", level=None, axes=None):
    """Multilevel nD DWT (``pywt.wavedecn``).

    Args:
        data: tensor, rank >= len(axes).
        wavelet: name, :class:`FilterBank`, object with ``filter_bank``, four filters, or
            one per axis.
        mode: signal extension mode (default ``"symmetric"``), or one per axis.
        level: number of levels (default: ``dwt_max_level`` of the smallest axis; required
            when the sizes are dynamic). Larger than the maximum warns like PyWavelets.
        axes: axes to transform (default all).

    Returns:
        ``[cAn, {'ad': ..., 'da': ..., 'dd': ...}_n, ..., {...}_1]``.
    """
    # an aligned NumPy input is read in place (see _from_numpy): every output below level 0
    # is computed by the passes; level 0 returns a copy
    x, banks, modes, axes = _prepare(data, wavelet, mode, axes, unique="wavedecn", check_len=False, share=True)
    shape = x.shape.as_list()
    level = _check_level([shape[a] for a in axes], [b.dec_len for b in banks], level)
    if level == 0:
        return [_as_tensor(data, "data") if isinstance(data, np.ndarray) else x]
    check_lengths(x, axes, modes)
    keys = ["".join(k) for k in itertools.product("ad", repeat=len(axes))]
    details = []
    # each level's input is handed over to its passes (see _handover): an eager call frees
    # the input's copy, then each approximation, once extended
    box, x = [x], None
    for _ in range(level):
        if len(axes) == 1:
            # 1D: the approximation and detail as two outputs (no band axis to unstack)
            a, d = _analysis_pair(box, banks[0], modes[0], axes[0])
            details.append({"d": d})
        else:
            a, *d = _analysis_bands(box, banks, modes, axes)
            details.append(dict(zip(keys[1:], d)))
        box.append(a)
        a = d = None
    return [box.pop()] + details[::-1]


def _trim_to(a, d, axes, check_only=False):
    """Crop ``a`` to the shape of ``d`` along ``axes`` (waverec's off-by-one rule).

    With ``check_only`` the shapes are validated and ``a`` is returned uncropped (the
    inverse pass crops it itself, see :func:`_passes.synthesis_pair`)."""
    sa, sd = a.shape.as_list(), d.shape.as_list()
    begin = [0] * len(sa)
    size = [-1] * len(sa)
    need = False
    dyn = None
    for ax in axes:
        if sa[ax] is not None and sd[ax] is not None:
            if sa[ax] == sd[ax]:
                continue
            if sa[ax] != sd[ax] + 1:
                raise ValueError(
                    f"coefficient shape mismatch: approximation length {sa[ax]} vs detail "
                    f"length {sd[ax]} along axis {ax}."
                )
            size[ax] = sd[ax]
        else:
            if dyn is None:
                dyn = tf.shape(d)
            size[ax] = dyn[ax]
        need = True
    if not need or check_only:
        return a
    if any(tf.is_tensor(s) for s in size):
        size = tf.stack([tf.cast(s, tf.int32) for s in size])
    return tf.slice(a, begin, size)


def _check_detail_dict(d):
    """pywt's checks of one detail dict: no None values, keys of 'a'/'d' of equal length."""
    missing = [k for k, v in d.items() if v is None]
    if missing:
        raise ValueError(
            f"The following detail coefficients were set to None: {missing}. For multilevel "
            "transforms use zeros (np.zeros_like) instead of None."
        )
    bad = [k for k in d if not isinstance(k, str) or not set(k) <= set("ad")]
    if bad:
        raise ValueError(f"The following invalid keys were found in the detail coefficient dictionary: {bad}.")
    if len({len(k) for k in d}) > 1:
        raise ValueError("All detail coefficient names must have equal length.")
    return d


@compiled((), ("coeffs",))
@_no_autograph
def waverecn(coeffs, wavelet, mode="symmetric", axes=None):
    """Multilevel nD inverse DWT (``pywt.waverecn``) of ``[cAn, {details_n}, ..., {details_1}]``."""
    if not isinstance(coeffs, (list, tuple)):
        raise ValueError("Expected sequence of coefficient arrays.")
    if len(coeffs) < 1:
        raise ValueError("Coefficient list too short (minimum 1 array required).")
    a = coeffs[0]
    if len(coeffs) == 1:
        return _as_tensor(a, "coeffs[0]")
    ds = list(coeffs[1:])
    for d in ds:
        if not isinstance(d, dict):
            raise ValueError(
                f"Unexpected detail coefficient type: {type(d).__name__}. Detail coefficients "
                "must be dicts as returned by wavedecn."
            )
    ds = [_check_detail_dict(d) for d in ds]
    if a is None and not any(ds):
        raise ValueError("At least one coefficient must contain a valid value.")
    ranks = {_ndim(v) for v in ([a] if a is not None else []) + [v for d in ds for v in d.values()]}
    if len(ranks) != 1:
        raise ValueError("All coefficients must have a matching number of dimensions")
    ndim = ranks.pop()
    if axes is None:
        axes = tuple(range(ndim))
    elif isinstance(axes, (Integral, np.integer)):
        axes = (axes,)
    if len(set(axes)) != len(axes):
        raise ValueError(f"The axes passed to waverecn must be unique. Received: axes={tuple(axes)!r}")
    nd = len(axes)
    # level by level, each level's arrays converted when it runs (NumPy inputs: one copy
    # each) and every reference to them dropped before the next level, so that an eager
    # call holds no copy of a coefficient, nor an approximation, it is done with
    for d in ds:
        if a is None and not d:
            continue
        # aligned NumPy coefficients are read in place (see _from_numpy): the output of
        # every level is computed by its passes
        dd = {k: _as_tensor(v, "coeffs", share=True) for k, v in d.items()}
        if a is not None:
            a = _as_tensor(a, "approximation", share=True)
            ref = next((v for v in dd.values()), None)
            if ref is not None:
                ndim = _rank(ref, "detail")
                ax = _norm_axes(tuple(axes), ndim, "coefficients")
                if nd == 1 and list(dd) == ["d"] and ref.dtype == a.dtype and a.shape.rank == ndim:
                    # 1D: the inverse pass crops the approximation itself (no copy)
                    parts = [_trim_to(a, ref, ax, check_only=True), ref]
                    a = ref = dd = None
                    a = _synthesis_list(parts, _banks(wavelet, 1), _modes(mode, 1), ax)
                    continue
                a = _trim_to(a, ref, ax)
                ref = None
            dd["a" * nd], a = a, None
        a = _idwtn(dd, wavelet, mode, axes)
    return a


def _ndim(v):
    """Rank of an array argument without converting it."""
    return v.shape.rank if tf.is_tensor(v) or isinstance(v, tf.Variable) else np.ndim(v)


@compiled(("data",))
@_no_autograph
def wavedec(data, wavelet, mode="symmetric", level=None, axis=-1):
    """Multilevel 1D DWT along ``axis`` (``pywt.wavedec``): ``[cAn, cDn, ..., cD1]``."""
    if isinstance(axis, (tuple, list)):
        raise ValueError(f"`axis` must be a single integer. Received: axis={axis!r}")
    c = wavedecn.uncompiled(data, wavelet, mode, level, axes=(axis,))
    return [c[0]] + [d["d"] for d in c[1:]]


@compiled((), ("coeffs",))
@_no_autograph
def waverec(coeffs, wavelet, mode="symmetric", axis=-1):
    """Multilevel 1D inverse DWT (``pywt.waverec``) of ``[cAn, cDn, ..., cD1]``."""
    if not isinstance(coeffs, (list, tuple)):
        raise ValueError("Expected sequence of coefficient arrays.")
    if len(coeffs) < 1:
        raise ValueError("Coefficient list too short (minimum 1 arrays required).")
    if len(coeffs) == 1:
        return _as_tensor(coeffs[0], "coeffs[0]")
    for d in coeffs[1:]:
        if d is not None and not (tf.is_tensor(d) or isinstance(d, np.ndarray) or np.ndim(d) >= 1):
            raise ValueError(
                f"Unexpected detail coefficient type: {type(d).__name__}. Detail coefficients "
                "must be arrays as returned by wavedec."
            )
    ds = [{} if d is None else {"d": d} for d in coeffs[1:]]
    return waverecn.uncompiled([coeffs[0]] + ds, wavelet, mode, axes=(axis,))


@compiled(("data",))
@_no_autograph
def wavedec2(data, wavelet, mode="symmetric", level=None, axes=(-2, -1)):
    """Multilevel 2D DWT (``pywt.wavedec2``): ``[cAn, (cHn, cVn, cDn), ..., (cH1, cV1, cD1)]``."""
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"Expected 2 axes. Received: axes={axes!r}")
    c = wavedecn.uncompiled(data, wavelet, mode, level, axes)
    return [c[0]] + [(d["da"], d["ad"], d["dd"]) for d in c[1:]]


@compiled((), ("coeffs",))
@_no_autograph
def waverec2(coeffs, wavelet, mode="symmetric", axes=(-2, -1)):
    """Multilevel 2D inverse DWT (``pywt.waverec2``)."""
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"Expected 2 axes. Received: axes={axes!r}")
    if not isinstance(coeffs, (list, tuple)) or len(coeffs) < 1:
        raise ValueError("Expected a non-empty sequence of coefficients.")
    ds = []
    for c in coeffs[1:]:
        if not isinstance(c, (list, tuple)) or len(c) != 3:
            raise ValueError(
                f"Unexpected detail coefficient type: {type(c).__name__}. Detail coefficients "
                "must be a 3-tuple of arrays as returned by wavedec2."
            )
        ds.append({k: v for k, v in zip(("da", "ad", "dd"), c) if v is not None})
    return waverecn.uncompiled([coeffs[0]] + ds, wavelet, mode, axes)
