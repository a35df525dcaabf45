"""Single-level DWT: ``dwt``, ``idwt``, ``dwt2``, ``idwt2``, ``dwtn``, ``idwtn``."""

from __future__ import annotations

import itertools
from numbers import Integral

import numpy as np
import tensorflow as tf

from kextras import validation
from kextras_sci.wavelets import _blocked, _kernels, _passes
from kextras_sci.wavelets._kernels import select
from kextras_sci.wavelets._programs import compiled
from kextras_sci.wavelets._common import (
    _analysis_bands, _as_tensor, _banks, _modes, _no_autograph, _norm_axes, _prepare, _promote,
    _rank,
)


@compiled(("data",))
@_no_autograph
def dwtn(data, wavelet, mode="symmetric", axes=None):
    """Single-level n-dimensional discrete wavelet transform (``pywt.dwtn``).

    For each axis in turn, ``a[i] = sum_j dec_lo[j] ext(2i + 1 - j)`` and
    ``d[i] = sum_j dec_hi[j] ext(2i + 1 - j)`` (``ext`` = the signal extended with ``mode``).

    Args:
        data: tensor or array-like, any rank >= 1; batch/channel axes not in ``axes`` are
            carried through.
        wavelet: name, :class:`FilterBank`, object with ``filter_bank``, four filters, or one
            per axis.
        mode: signal extension mode (default ``"symmetric"``), or one per axis.
        axes: axes to transform (default: all).

    Returns:
        dict ``{'aa': ..., 'ad': ..., 'da': ..., 'dd': ...}`` (one letter per axis, first
        letter = first axis). Along each axis the length is ``floor((N + F - 1) / 2)``
        (``ceil(N / 2)`` for ``periodization``).
    """
    # an aligned NumPy input is read in place (see _from_numpy): every band is computed,
    # except with no axes (the one "band" is the input)
    share = axes is None or isinstance(axes, (Integral, np.integer)) or len(axes) > 0
    x, banks, modes, axes = _prepare(data, wavelet, mode, axes, share=share)
    keys = ["".join(k) for k in itertools.product("ad", repeat=len(axes))]
    box, x = [x], None  # handed over to the passes (see _handover)
    return dict(zip(keys, _analysis_bands(box, banks, modes, axes)))


@compiled((), ("coeffs",))
@_no_autograph
def idwtn(coeffs, wavelet, mode="symmetric", axes=None):
    """Single-level n-dimensional inverse DWT (``pywt.idwtn``).

    Args:
        coeffs: dict as returned by :func:`dwtn`; missing or ``None`` entries are zeros.
        wavelet: the wavelet used for :func:`dwtn` (name, :class:`FilterBank`, object
            with ``filter_bank``, four filters, or one per axis).
        mode: the signal extension mode used for :func:`dwtn` (default
            ``"symmetric"``), or one per axis.
        axes: axes that were transformed (default: the first ``len(key)`` axes).

    Returns:
        Tensor; along each axis ``2 L - F + 2`` samples (``2 L`` for ``periodization``).
    """
    if not isinstance(coeffs, dict):
        raise ValueError(f"`coeffs` must be a dict as returned by dwtn. Received {type(coeffs).__name__}.")
    return _idwtn({k: v for k, v in coeffs.items() if v is not None}, wavelet, mode, axes)


def _idwtn(coeffs, wavelet, mode, axes):
    """:func:`idwtn` of a dict without ``None`` values that the caller hands over: it is
    emptied as its bands are converted, and the bands are dropped as the passes consume
    them (an eager call frees each band's copy, or its intermediate, once used). Aligned
    NumPy bands are read in place (see _from_numpy): the result is computed by the passes."""
    bad = [k for k in coeffs if not isinstance(k, str) or not k or not set(k) <= set("ad")]
    if bad:
        raise ValueError(f"The following invalid keys were found in the detail coefficient dictionary: {bad}.")
    if not coeffs:
        raise ValueError("`coeffs` must contain at least one non-null wavelet band")
    lens = {len(k) for k in coeffs}
    if len(lens) > 1:
        raise ValueError("All detail coefficient names must have equal length.")
    nd = lens.pop()
    names = list(coeffs)
    tensors = dict(zip(names, _promote([_as_tensor(coeffs.pop(k), f"coeffs[{k!r}]", share=True) for k in names])))
    ref = next(iter(tensors.values()))
    shapes = {tuple(t.shape.as_list()) for t in tensors.values()}
    if any(None not in s for s in shapes) and len({s for s in shapes if None not in s}) > 1:
        raise ValueError("`coeffs` must all be of equal size (or None)")
    ndim = _rank(ref, "coeffs")
    if axes is None:
        axes = tuple(range(nd))
    elif isinstance(axes, (Integral, np.integer)):
        axes = (axes,)
    axes = _norm_axes(tuple(axes), ndim, "coefficients")
    if len(axes) != nd:
        raise ValueError(
            f"The number of axes ({len(axes)}) must match the key length of `coeffs` ({nd})."
        )
    keys = ["".join(k) for k in itertools.product("ad", repeat=nd)]
    parts = [tensors.pop(k) if k in tensors else tf.zeros_like(ref) for k in keys]
    ref = None
    return _synthesis_list(parts, _banks(wavelet, nd), _modes(mode, nd), axes)


def _synthesis_list(parts, banks, modes, axes):
    """Inverse transform from a list of sub-bands in key order (no band interleaving).

    The list is handed over: it is emptied, and each band is dropped once its pass has
    consumed it (an eager call then frees it before the next pass allocates).

    The per-axis passes commute, so they run in the cheapest order: axes with a large
    inner stride (filtered with ``conv2d``) first, while the data is smallest, and the
    innermost axes (fast blocked ``conv1d``) last; except that short rows of the innermost
    axis go first, all rows as one signal (``"flat"`` in ``_kernels.select``; the next
    pass crops the samples that mix two rows).
    """
    nd = len(axes)
    ndim = parts[0].shape.rank
    last = parts[0].shape[-1]

    def run(parts):
        bands = {"".join(k): p for k, p in zip(itertools.product("ad", repeat=nd), parts)}
        positions = list(range(nd))
        order = sorted(positions, key=lambda i: (-(ndim - 1 - axes[i]), -i))
        flat = _flat_axis(parts, order[-1], axes, modes)
        parts.clear()
        if flat is not None:
            order = [flat] + order[:-1]
        valid = None
        for i in order:
            cur = positions.index(i)
            new = {}
            for key in list(bands):
                if key[cur] != "a":
                    continue
                dkey = key[:cur] + "d" + key[cur + 1:]
                # the bands go to the pass without a name here: nothing holds them after it
                if i == flat:
                    rec = _blocked.flat_synthesis(bands.pop(key), bands.pop(dkey), banks[i])
                else:
                    rec = _passes.synthesis_pair(bands.pop(key), bands.pop(dkey), axes[i], banks[i], modes[i], valid)
                new[key[:cur] + key[cur + 1:]] = rec
            valid = 2 * last - banks[i].rec_len + 2 if i == flat else None
            bands = new
            positions.pop(cur)
        return bands[""]

    if parts[0].dtype.is_complex:
        re = [tf.math.real(p) for p in parts]
        im = [tf.math.imag(p) for p in parts]
        parts.clear()
        re = run(re)
        return tf.complex(re, run(im))
    own = list(parts)
    parts.clear()
    return run(own)


def _flat_axis(parts, i, axes, modes):
    """``i`` when its pass (the innermost axis, not the only one, not repeated) runs first
    as ``"flat"``."""
    shape = parts[0].shape.as_list()
    if len(axes) < 2 or axes[i] != len(shape) - 1 or list(axes).count(axes[i]) > 1:
        return None
    if modes[i] == "periodization" or None in shape:
        return None
    if any(p.shape.as_list() != shape for p in parts):
        return None
    return i if select(_kernels._prod(shape[:-1]), shape[-1], 1, inverse=True, flat=True) == "flat" else None


@compiled(("data",))
@_no_autograph
def dwt(data, wavelet, mode="symmetric", axis=-1):
    """Single-level 1D discrete wavelet transform along ``axis`` (``pywt.dwt``).

    Args:
        data: tensor or array-like; all other axes are batch axes.
        wavelet: wavelet name, :class:`FilterBank`, or four filters.
        mode: signal extension mode (default ``"symmetric"``).
        axis: axis to transform (default ``-1``).

    Returns:
        ``(cA, cD)``, each of length ``floor((N + F - 1) / 2)`` along ``axis``
        (``ceil(N / 2)`` for ``periodization``).
    """
    if isinstance(axis, (tuple, list)):
        raise ValueError(f"`axis` must be a single integer. Received: axis={axis!r}")
    c = dwtn.uncompiled(data, wavelet, mode, axes=(axis,))
    return c["a"], c["d"]


@compiled(("cA", "cD"))
@_no_autograph
def idwt(cA, cD, wavelet, mode="symmetric", axis=-1):
    """Single-level 1D inverse discrete wavelet transform (``pywt.idwt``).

    Args:
        cA: approximation coefficients, or ``None`` (zeros).
        cD: detail coefficients, or ``None`` (zeros); at most one of the two is ``None``.
        wavelet: the wavelet used for :func:`dwt` (name, :class:`FilterBank`, or four
            filters).
        mode: the signal extension mode used for :func:`dwt` (default ``"symmetric"``).
        axis: axis along which the coefficients were computed (default ``-1``).

    Returns:
        Tensor of length ``2 L - F + 2`` along ``axis`` (``2 L`` for ``periodization``).
    """
    if cA is None and cD is None:
        raise ValueError("At least one coefficient parameter must be specified.")
    return idwtn.uncompiled({"a": cA, "d": cD}, wavelet, mode, axes=(axis,))


@compiled(("data",))
@_no_autograph
def dwt2(data, wavelet, mode="symmetric", axes=(-2, -1)):
    """Single-level 2D DWT (``pywt.dwt2``): returns ``(cA, (cH, cV, cD))``."""
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"Expected 2 axes. Received: axes={axes!r}")
    c = dwtn.uncompiled(data, wavelet, mode, axes)
    return c["aa"], (c["da"], c["ad"], c["dd"])


@compiled((), ("coeffs",))
@_no_autograph
def idwt2(coeffs, wavelet, mode="symmetric", axes=(-2, -1)):
    """Single-level 2D inverse DWT (``pywt.idwt2``) of ``(cA, (cH, cV, cD))``."""
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"Expected 2 axes. Received: axes={axes!r}")
    LL, (HL, LH, HH) = coeffs
    return idwtn.uncompiled({"aa": LL, "da": HL, "ad": LH, "dd": HH}, wavelet, mode, axes)


def _part(part):
    if part not in ("a", "d"):
        raise ValueError(f"Argument 1 must be 'a' or 'd', not '{part}'.")
    return part


@_no_autograph
def downcoef(part, data, wavelet, mode="symmetric", level=1):
    """One band of a ``level``-level decomposition of 1D ``data`` (``pywt.downcoef``):
    ``level - 1`` approximation passes, then the ``part`` (``'a'`` or ``'d'``) pass."""
    _part(part)
    x = _as_tensor(data)
    if x.shape.rank != 1:
        raise ValueError("downcoef only supports 1d data.")
    level = validation.positive_int("level", level)
    for _ in range(level - 1):
        x = dwt(x, wavelet, mode)[0]
    return dwt(x, wavelet, mode)[0 if part == "a" else 1]


def _upsample_full(c, f):
    """``y[n] = sum_i c[i] f[n - 2i]`` for ``n < 2 N + F - 2`` (full, uncropped)."""
    n = c.shape[0]
    u = tf.reshape(tf.stack([c, tf.zeros_like(c)], axis=1), [2 * n])[: 2 * n - 1]
    F = f.shape[0]
    u = tf.pad(u, [[F - 1, F - 1]])
    kern = tf.constant(f[::-1].reshape(F, 1, 1), dtype=c.dtype)
    return tf.nn.conv1d(u[None, :, None], kern, stride=1, padding="VALID")[0, :, 0]


@_no_autograph
def upcoef(part, coeffs, wavelet, level=1, take=0):
    """Direct reconstruction from one band of 1D coefficients (``pywt.upcoef``).

    The ``part`` filter (``rec_lo`` or ``rec_hi``) once, then ``rec_lo`` ``level - 1``
    times, each a full upsampling convolution (``2 N + F - 2`` samples); ``take > 0`` keeps
    the central ``take`` samples.
    """
    from kextras_sci.wavelets._filters import get_wavelet

    _part(part)
    c = _as_tensor(coeffs, "coeffs")
    if c.shape.rank != 1:
        raise ValueError("upcoef only supports 1d coeffs.")
    level = validation.positive_int("level", level)
    take = validation.non_negative_int("take", take)
    bank = get_wavelet(wavelet)

    def run(t):
        t = _upsample_full(t, bank.rec_lo if part == "a" else bank.rec_hi)
        for _ in range(level - 1):
            t = _upsample_full(t, bank.rec_lo)
        return t

    rec = tf.complex(run(tf.math.real(c)), run(tf.math.imag(c))) if c.dtype.is_complex else run(c)
    n = rec.shape[0]
    if 0 < take < n:
        left = (n - take) // 2
        right = left + (n - take) % 2
        rec = rec[left:n - right]
    return rec
