"""Coefficient layout helpers (``pywt``'s): sizes of a decomposition, and its coefficients
packed into one array (``coeffs_to_array``) or one vector (``ravel_coeffs``) and back.

The packing functions take and return tensors (differentiable); the slices and shapes they
return are plain Python objects, exactly as pywt's.
"""

from __future__ import annotations

import itertools

import numpy as np
import tensorflow as tf

from kextras_sci.wavelets._common import _as_tensor, _banks, _modes, _norm_axes
from kextras_sci.wavelets._filters import _filter_len, dwt_max_level


def dwt_coeff_len(data_len, filter_len, mode):
    """Length of ``dwt`` output: ``floor((N + F - 1) / 2)``, ``ceil(N / 2)`` for periodization."""
    from kextras_sci.wavelets._extend import check_mode

    n = int(data_len)
    if n < 1:
        raise ValueError(f"Value of data_len must be greater than zero. Received: data_len={data_len!r}")
    f = _filter_len(filter_len)
    if f < 1:
        raise ValueError(f"Value of filter_len must be greater than zero. Received: filter_len={f}")
    if check_mode(mode) == "periodization":
        return (n + 1) // 2
    return (n + f - 1) // 2


def _axes_of(shape, axes):
    if len(shape) < 1:
        raise ValueError("Expected at least 1D input data.")
    if axes is None:
        axes = tuple(range(len(shape)))
    elif np.ndim(axes) == 0:
        axes = (axes,)
    axes = _norm_axes(tuple(axes), len(shape))
    if len(set(axes)) != len(axes):
        raise ValueError(f"The axes passed to wavedecn must be unique. Received: axes={tuple(axes)!r}")
    return axes


def dwtn_max_level(shape, wavelet, axes=None):
    """The largest level of ``wavedecn`` over ``axes``: min of :func:`dwt_max_level`."""
    axes = _axes_of(tuple(shape), axes)
    banks = _banks(wavelet, len(axes))
    return min(dwt_max_level(shape[a], b.dec_len) for a, b in zip(axes, banks))


def wavedecn_shapes(shape, wavelet, mode="symmetric", level=None, axes=None):
    """The coefficient shapes of ``wavedecn`` on ``shape``: ``[shape_An, {key: shape}, ...]``."""
    from kextras_sci.wavelets._multilevel import _check_level

    shape = tuple(int(s) for s in shape)
    axes = _axes_of(shape, axes)
    banks = _banks(wavelet, len(axes))
    modes = _modes(mode, len(axes))
    level = _check_level([min(shape[a] for a in axes)], [max(b.dec_len for b in banks)], level)
    keys = ["".join(k) for k in itertools.product("ad", repeat=len(axes))]
    out = []
    for _ in range(level):
        new = list(shape)
        for a, b, m in zip(axes, banks, modes):
            new[a] = dwt_coeff_len(shape[a], b.dec_len, m)
        out.append({k: tuple(new) for k in keys[1:]})
        shape = tuple(new)
    return [shape] + out[::-1]


def wavedecn_size(shapes):
    """Total number of coefficients of a ``wavedecn`` result or its shapes."""
    def size(v):
        if v is None:
            raise ValueError("Setting coefficient arrays to None is not supported.")
        if tf.is_tensor(v) or isinstance(v, np.ndarray):
            return int(np.prod(v.shape))
        return int(np.prod(v))

    return size(shapes[0]) + sum(size(v) for d in shapes[1:] for v in d.values())


def _to_nd(coeffs, axes):
    """wavedec/wavedec2/wavedecn coefficients as ``(wavedecn list of tensors, axes, ndim)``."""
    if not isinstance(coeffs, list) or len(coeffs) == 0:
        raise ValueError("input must be a list of coefficients from wavedecn")
    if coeffs[0] is None:
        raise ValueError("coeffs_to_array does not support missing coefficients.")
    if not (tf.is_tensor(coeffs[0]) or isinstance(coeffs[0], np.ndarray)):
        raise ValueError("first list element must be a numpy array or a tensor")
    a = _as_tensor(coeffs[0], "coeffs[0]")
    ndim = a.shape.rank
    ds = []
    for d in coeffs[1:]:
        if isinstance(d, dict):
            pass
        elif tf.is_tensor(d) or isinstance(d, np.ndarray):
            if np.ndim(d) != 1 and len(d.shape) != 1:
                raise ValueError("expected a 1D coefficient array")
            d = {"d": d}
        elif isinstance(d, (tuple, list)):
            if len(d) != 3:
                raise ValueError("expected a 3-tuple of detail coefficients")
            d = dict(zip(("da", "ad", "dd"), d))
        else:
            raise ValueError("invalid coefficient list")
        if any(v is None for v in d.values()):
            raise ValueError("coeffs_to_array does not support missing coefficients.")
        ds.append({k: _as_tensor(v, f"coeffs[{k!r}]") for k, v in d.items()})
    if not ds:
        return [a], axes, ndim
    nt = len(next(iter(ds[0])))
    if axes is None:
        if nt < ndim:
            raise ValueError(
                "coeffs corresponds to a DWT performed over only a subset of the axes.  In "
                "this case, axes must be specified."
            )
        axes = tuple(range(ndim))
    if len(axes) != nt:
        raise ValueError("The length of axes doesn't match the number of dimensions transformed.")
    return [a] + ds, _norm_axes(tuple(axes), ndim), ndim


def coeffs_to_array(coeffs, padding=0, axes=None):
    """Pack ``wavedec*`` coefficients into one array (``pywt.coeffs_to_array``).

    Returns ``(array, coeff_slices)``: the approximation in the leading corner, each level's
    detail ``key`` beside it (``'d'`` along an axis = after the approximation there). Gaps
    (odd sizes) hold ``padding``; ``padding=None`` requires a tight packing.
    """
    coeffs, axes, ndim = _to_nd(coeffs, axes)
    a = coeffs[0]
    if len(coeffs) == 1:
        return a, [tuple([slice(None)] * ndim)]
    shape = list(a.shape.as_list())
    count = int(np.prod(shape))
    for d in coeffs[1:]:
        dshape = d["d" * len(axes)].shape.as_list()
        for ax in axes:
            shape[ax] += dshape[ax]
        count += sum(int(np.prod(v.shape.as_list())) for v in d.values())
    if padding is None and count != int(np.prod(shape)):
        raise ValueError("array coefficients cannot be tightly packed")
    blocks = [(a, tuple(slice(s) for s in a.shape.as_list()))]
    slices = [blocks[0][1]]
    a_shape = a.shape.as_list()
    for d in coeffs[1:]:
        level = {}
        for key, v in d.items():
            if not set(key) <= set("ad") or len(key) != len(axes):
                raise ValueError(f"unexpected detail coefficient key: {key!r}")
            vs = v.shape.as_list()
            sl = [slice(None)] * ndim
            for letter, ax in zip(key, axes):
                sl[ax] = slice(vs[ax]) if letter == "a" else slice(a_shape[ax], a_shape[ax] + vs[ax])
            for ax in range(ndim):
                if ax not in axes:
                    sl[ax] = slice(None)
            level[key] = tuple(sl)
            blocks.append((v, level[key]))
        slices.append(level)
        dshape = d["d" * len(axes)].shape.as_list()
        a_shape = [a_shape[i] + (dshape[i] if i in axes else 0) for i in range(ndim)]
    total = tf.zeros(shape, a.dtype)
    cover = tf.zeros(shape, a.dtype)
    for v, sl in blocks:
        pads = [[0 if s.start is None else s.start, 0] for s in sl]
        for i, s in enumerate(sl):
            stop = shape[i] if s.stop is None else s.stop
            pads[i][1] = shape[i] - stop
        total += tf.pad(v, pads)
        cover += tf.pad(tf.ones_like(v), pads)
    if padding is not None:
        total = tf.where(cover > 0, total, tf.cast(padding, a.dtype))
    return total, slices


def array_to_coeffs(arr, coeff_slices, output_format="wavedecn"):
    """Inverse of :func:`coeffs_to_array` (``output_format``: wavedec, wavedec2, wavedecn)."""
    arr = _as_tensor(arr, "arr")
    if len(coeff_slices) == 0:
        raise ValueError("empty list of coefficient slices")
    out = [arr[coeff_slices[0]]]
    for sl in coeff_slices[1:]:
        if output_format == "wavedec":
            out.append(arr[sl["d"]])
        elif output_format == "wavedec2":
            out.append((arr[sl["da"]], arr[sl["ad"]], arr[sl["dd"]]))
        elif output_format == "wavedecn":
            out.append({k: arr[v] for k, v in sl.items()})
        else:
            raise ValueError(f"Unrecognized output format: {output_format}")
    return out


def ravel_coeffs(coeffs, axes=None):
    """All coefficients as one vector (``pywt.ravel_coeffs``): ``(vector, slices, shapes)``,
    details in sorted key order per level."""
    coeffs, axes, ndim = _to_nd(coeffs, axes)
    a = coeffs[0]
    size = int(np.prod(a.shape.as_list()))
    if len(coeffs) == 1:
        return tf.reshape(a, [-1]), [slice(size)], [tuple(a.shape.as_list())]
    parts = [tf.reshape(a, [-1])]
    slices, shapes = [slice(size)], [tuple(a.shape.as_list())]
    offset = size
    for d in coeffs[1:]:
        slices.append({})
        shapes.append({})
        for key in sorted(d):
            v = d[key]
            n = int(np.prod(v.shape.as_list()))
            slices[-1][key] = slice(offset, offset + n)
            shapes[-1][key] = tuple(v.shape.as_list())
            offset += n
            parts.append(tf.reshape(v, [-1]))
    return tf.concat(_promote_all(parts), axis=0), slices, shapes


def _promote_all(parts):
    from kextras_sci.wavelets._common import _promote

    return _promote(parts)


def unravel_coeffs(arr, coeff_slices, coeff_shapes, output_format="wavedecn"):
    """Inverse of :func:`ravel_coeffs` (``output_format``: wavedec, wavedec2, wavedecn, swt,
    swt2, swtn)."""
    arr = _as_tensor(arr, "arr")
    if len(coeff_slices) == 0:
        raise ValueError("empty list of coefficient slices")
    if len(coeff_shapes) == 0:
        raise ValueError("empty list of coefficient shapes")
    if len(coeff_shapes) != len(coeff_slices):
        raise ValueError("coeff_shapes and coeff_slices have unequal length")
    out = [tf.reshape(arr[coeff_slices[0]], coeff_shapes[0])]
    for sl, sh in zip(coeff_slices[1:], coeff_shapes[1:]):
        if output_format in ("wavedec", "swt"):
            out.append(tf.reshape(arr[sl["d"]], sh["d"]))
        elif output_format in ("wavedec2", "swt2"):
            out.append(tuple(tf.reshape(arr[sl[k]], sh[k]) for k in ("da", "ad", "dd")))
        elif output_format in ("wavedecn", "swtn"):
            out.append({k: tf.reshape(arr[v], sh[k]) for k, v in sl.items()})
        else:
            raise ValueError(f"Unrecognized output format: {output_format}")
    return out
