"""Discrete wavelet transforms in TensorFlow with PyWavelets' API and numerics."""

from __future__ import annotations

import itertools
import warnings
from numbers import Integral

import numpy as np
import tensorflow as tf

from kextras_sci.wavelets import _core
from kextras_sci.wavelets._filters import FilterBank, dwt_max_level, get_wavelet, swt_max_level

__all__ = [
    "dwt", "idwt", "dwt2", "idwt2", "dwtn", "idwtn",
    "wavedec", "waverec", "wavedec2", "waverec2", "wavedecn", "waverecn",
    "swt", "iswt",
]

_HALF = (tf.float16, tf.bfloat16)

# Our Python control flow only ever branches on static values: keep AutoGraph out (converting
# this module inside a tf.function costs tens of seconds of tracing for nothing).
_no_autograph = tf.autograph.experimental.do_not_convert


# ----------------------------------------------------------------------------- helpers


def _as_tensor(x, name="data"):
    """Convert to a real floating tensor following PyWavelets' dtype rules.

    float32/float64 are kept; float16/bfloat16 are kept (computed in float32); integers and
    booleans become float64 (like PyWavelets); complex inputs are transformed as real and
    imaginary parts.
    """
    if isinstance(x, (tf.Tensor, tf.Variable)) or tf.is_tensor(x):
        t = tf.convert_to_tensor(x)
    else:
        a = np.asarray(x)
        if a.dtype == object:
            raise TypeError(f"`{name}` must be a numeric array. Received dtype object.")
        if a.dtype.kind in "biu":
            a = a.astype(np.float64)
        t = tf.convert_to_tensor(a)
    if t.dtype.is_integer or t.dtype == tf.bool:
        t = tf.cast(t, tf.float64)
    if not (t.dtype.is_floating or t.dtype.is_complex):
        raise TypeError(f"`{name}` must be a numeric tensor. Received dtype {t.dtype.name}.")
    return t


def _norm_axes(axes, ndim, what="data"):
    out = []
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, (Integral, np.integer)):
            raise ValueError(f"`axes` must be integers. Received: axes={tuple(axes)!r}")
        a = int(a)
        if not -ndim <= a < ndim:
            raise ValueError(
                f"Input rank too low for the requested axes: {what} has rank {ndim}, "
                f"received axes={tuple(axes)!r}."
            )
        out.append(a % ndim)
    return out


def _rank(t, what="data"):
    r = t.shape.rank
    if r is None:
        raise ValueError(f"`{what}` must have a known rank (got a tensor of unknown rank).")
    if r < 1:
        raise ValueError(f"Input rank too low: `{what}` must be at least 1D. Received a scalar.")
    return r


def _per_axis(value, n, name, check):
    if isinstance(value, (list, tuple)) and not (
        name == "wavelet" and len(value) == 4 and not isinstance(value[0], (str, FilterBank))
        and np.ndim(value[0]) == 1
    ):
        if len(value) != n:
            raise ValueError(
                f"The number of {name}s ({len(value)}) must match the number of axes ({n}). "
                f"Received: {name}={value!r}"
            )
        return [check(v) for v in value]
    v = check(value)
    return [v] * n


def _banks(wavelet, n):
    return _per_axis(wavelet, n, "wavelet", get_wavelet)


def _modes(mode, n):
    return _per_axis(mode, n, "mode", _core.check_mode)


def _check_len(n, mode, axis):
    if mode in ("reflect", "antireflect") and isinstance(n, int) and n < 2:
        raise ValueError(
            f"Input data length must be greater than 1 for [anti]reflect mode. "
            f"Received length {n} along axis {axis}."
        )
    if isinstance(n, int) and n < 1:
        raise ValueError(f"Input data length along axis {axis} must be >= 1. Received {n}.")


def _real_call(fn, x, *args):
    """Apply a real-valued transform to a possibly complex tensor."""
    if x.dtype.is_complex:
        re = fn(tf.math.real(x), *args)
        im = fn(tf.math.imag(x), *args)
        return tf.complex(re, im)
    if x.dtype in _HALF:
        return tf.cast(fn(tf.cast(x, tf.float32), *args), x.dtype)
    return fn(x, *args)


# ----------------------------------------------------------------------------- fast internals


def _analysis_stacked(x, banks, modes, axes):
    def run(t):
        y = t[..., None]
        for ax, b, m in zip(axes, banks, modes):
            y = _core.analysis_axis(y, ax, b, m)
        return y

    return _real_call(run, x)


def _analysis_pair(x, bank, mode, axis):
    """Single-axis analysis returning ``(a, d)`` (complex and half inputs as in _real_call)."""
    if x.dtype.is_complex:
        ar, dr = _core.analysis_pair(tf.math.real(x), axis, bank, mode)
        ai, di = _core.analysis_pair(tf.math.imag(x), axis, bank, mode)
        return tf.complex(ar, ai), tf.complex(dr, di)
    if x.dtype in _HALF:
        a, d = _core.analysis_pair(tf.cast(x, tf.float32), axis, bank, mode)
        return tf.cast(a, x.dtype), tf.cast(d, x.dtype)
    return _core.analysis_pair(x, axis, bank, mode)


def _synthesis_stacked(y, banks, modes, axes):
    def run(t):
        for ax, b, m in reversed(list(zip(axes, banks, modes))):
            t = _core.synthesis_axis(t, ax, b, m)
        return t[..., 0]

    return _real_call(run, y)


def _prepare(x, wavelet, mode, axes, what="data"):
    x = _as_tensor(x, what)
    ndim = _rank(x, what)
    if axes is None:
        axes = tuple(range(ndim))
    elif isinstance(axes, (Integral, np.integer)):
        axes = (axes,)
    axes = _norm_axes(tuple(axes), ndim, what)
    banks = _banks(wavelet, len(axes))
    modes = _modes(mode, len(axes))
    static = x.shape.as_list()
    for a, m in zip(axes, modes):
        if static[a] is not None:
            _check_len(static[a], m, a)
    return x, banks, modes, axes


@_no_autograph
def _analysis(x, bank, mode, axes):
    """Fast single-level analysis used by the layers (internal API).

    Args:
        x: tensor of any rank (float16/32/64, complex).
        bank: wavelet name, :class:`FilterBank`, or one per axis.
        mode: extension mode, or one per axis.
        axes: sequence of axes to transform (negative allowed, repeats allowed).

    Returns:
        ``(stacked, keys)``: ``stacked`` has shape ``out_spatial + [2**len(axes)]`` with the
        sub-bands on a new trailing axis in ``dwtn`` key order, ``keys`` the matching list
        of ``'a'``/``'d'`` strings. For a channels-last image batch ``[N, H, W, C]`` with
        ``axes=(1, 2)`` the result is ``[N, H', W', C, 4]`` (bands ``aa, ad, da, dd``):
        reshape to ``[N, H', W', 4 C]`` for the CNN layout.
    """
    x, banks, modes, axes = _prepare(x, bank, mode, axes)
    keys = ["".join(k) for k in itertools.product("ad", repeat=len(axes))]
    return _analysis_stacked(x, banks, modes, axes), keys


@_no_autograph
def _synthesis(stacked, bank, mode, axes):
    """Inverse of :func:`_analysis` (internal API for the layers).

    Args:
        stacked: tensor ``spatial + [2**len(axes)]``, bands in ``dwtn`` key order.
        bank, mode, axes: as used for the analysis (axes refer to ``stacked`` without its
            trailing band axis).

    Returns:
        The reconstruction, ``2 L - F + 2`` samples per axis (``2 L`` for periodization),
        exactly as ``pywt.idwtn``.
    """
    y = _as_tensor(stacked, "stacked")
    ndim = _rank(y, "stacked") - 1
    if isinstance(axes, (Integral, np.integer)):
        axes = (axes,)
    axes = _norm_axes(tuple(axes), ndim, "coefficients")
    nb = y.shape[-1]
    if nb is not None and nb != 2 ** len(axes):
        raise ValueError(
            f"The trailing band axis must have {2 ** len(axes)} entries for {len(axes)} axes. "
            f"Received {nb}."
        )
    return _synthesis_stacked(y, _banks(bank, len(axes)), _modes(mode, len(axes)), axes)


# ----------------------------------------------------------------------------- single level


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
    x, banks, modes, axes = _prepare(data, wavelet, mode, axes)
    y = _analysis_stacked(x, banks, modes, axes)
    keys = ["".join(k) for k in itertools.product("ad", repeat=len(axes))]
    parts = tf.unstack(y, num=len(keys), axis=-1)
    return dict(zip(keys, parts))


@_no_autograph
def idwtn(coeffs, wavelet, mode="symmetric", axes=None):
    """Single-level n-dimensional inverse DWT (``pywt.idwtn``).

    Args:
        coeffs: dict as returned by :func:`dwtn`; missing or ``None`` entries are zeros.
        wavelet: as used for :func:`dwtn`.
        mode: as used for :func:`dwtn`.
        axes: axes that were transformed (default: the first ``len(key)`` axes).

    Returns:
        Tensor; along each axis ``2 L - F + 2`` samples (``2 L`` for ``periodization``).
    """
    if not isinstance(coeffs, dict):
        raise ValueError(f"`coeffs` must be a dict as returned by dwtn. Received {type(coeffs).__name__}.")
    coeffs = {k: v for k, v in coeffs.items() if v is not None}
    bad = [k for k in coeffs if not isinstance(k, str) or not k or not set(k) <= set("ad")]
    if bad:
        raise ValueError(f"The following invalid keys were found in the detail coefficient dictionary: {bad}.")
    if not coeffs:
        raise ValueError("`coeffs` must contain at least one non-null wavelet band")
    lens = {len(k) for k in coeffs}
    if len(lens) > 1:
        raise ValueError("All detail coefficient names must have equal length.")
    nd = lens.pop()
    tensors = {k: _as_tensor(v, f"coeffs[{k!r}]") for k, v in coeffs.items()}
    dtypes = {t.dtype for t in tensors.values()}
    if len(dtypes) > 1:
        dt = tf.complex128 if any(d.is_complex for d in dtypes) else tf.float64
        if tf.float32 in dtypes and not any(d == tf.float64 for d in dtypes) and dt == tf.float64:
            dt = tf.float32
        tensors = {k: tf.cast(v, dt) for k, v in tensors.items()}
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
    parts = [tensors[k] if k in tensors else tf.zeros_like(ref) for k in keys]
    return _synthesis_list(parts, _banks(wavelet, nd), _modes(mode, nd), axes)


def _synthesis_list(parts, banks, modes, axes):
    """Inverse transform from a list of sub-bands in key order (no band interleaving).

    The per-axis passes commute, so they run in the cheapest order: axes with a large
    inner stride (filtered with ``conv2d``) first, while the data is smallest, and the
    innermost axes (fast blocked ``conv1d``) last.
    """
    nd = len(axes)
    ndim = parts[0].shape.rank

    def run(parts):
        bands = {"".join(k): p for k, p in zip(itertools.product("ad", repeat=nd), parts)}
        positions = list(range(nd))
        order = sorted(positions, key=lambda i: (-(ndim - 1 - axes[i]), -i))
        for i in order:
            cur = positions.index(i)
            new = {}
            for key in bands:
                if key[cur] != "a":
                    continue
                dkey = key[:cur] + "d" + key[cur + 1:]
                new[key[:cur] + key[cur + 1:]] = _core.synthesis_pair(bands[key], bands[dkey], axes[i], banks[i], modes[i])
            bands = new
            positions.pop(cur)
        return bands[""]

    x = parts[0]
    if x.dtype.is_complex:
        re = run([tf.math.real(p) for p in parts])
        im = run([tf.math.imag(p) for p in parts])
        return tf.complex(re, im)
    if x.dtype in _HALF:
        return tf.cast(run([tf.cast(p, tf.float32) for p in parts]), x.dtype)
    return run(parts)


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
    c = dwtn(data, wavelet, mode, axes=(axis,))
    return c["a"], c["d"]


@_no_autograph
def idwt(cA, cD, wavelet, mode="symmetric", axis=-1):
    """Single-level 1D inverse discrete wavelet transform (``pywt.idwt``).

    Args:
        cA: approximation coefficients (``None``: zeros).
        cD: detail coefficients (``None``: zeros).
        wavelet: as for :func:`dwt`.
        mode: as for :func:`dwt`.
        axis: as for :func:`dwt`.

    Returns:
        Tensor of length ``2 L - F + 2`` along ``axis`` (``2 L`` for ``periodization``).
    """
    if cA is None and cD is None:
        raise ValueError("At least one coefficient parameter must be specified.")
    return idwtn({"a": cA, "d": cD}, wavelet, mode, axes=(axis,))


@_no_autograph
def dwt2(data, wavelet, mode="symmetric", axes=(-2, -1)):
    """Single-level 2D DWT (``pywt.dwt2``): returns ``(cA, (cH, cV, cD))``."""
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"Expected 2 axes. Received: axes={axes!r}")
    c = dwtn(data, wavelet, mode, axes)
    return c["aa"], (c["da"], c["ad"], c["dd"])


@_no_autograph
def idwt2(coeffs, wavelet, mode="symmetric", axes=(-2, -1)):
    """Single-level 2D inverse DWT (``pywt.idwt2``) of ``(cA, (cH, cV, cD))``."""
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"Expected 2 axes. Received: axes={axes!r}")
    LL, (HL, LH, HH) = coeffs
    return idwtn({"aa": LL, "da": HL, "ad": LH, "dd": HH}, wavelet, mode, axes)


# ----------------------------------------------------------------------------- multilevel


def _check_level(sizes, dec_lens, level):
    known = all(isinstance(s, int) for s in sizes)
    if level is not None and (isinstance(level, bool) or not isinstance(level, (Integral, np.integer))):
        raise ValueError(f"`level` must be a non-negative integer or None. Received: level={level!r}")
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


@_no_autograph
def wavedecn(data, wavelet, mode="symmetric", level=None, axes=None):
    """Multilevel nD DWT (``pywt.wavedecn``).

    Args:
        data: tensor, rank >= len(axes).
        wavelet: as for :func:`dwtn` (one per axis allowed).
        mode: as for :func:`dwtn` (one per axis allowed).
        level: number of levels (default: ``dwt_max_level`` of the smallest axis; required
            when the sizes are dynamic). Larger than the maximum warns like PyWavelets.
        axes: axes to transform (default all).

    Returns:
        ``[cAn, {'ad': ..., 'da': ..., 'dd': ...}_n, ..., {...}_1]``.
    """
    x, banks, modes, axes = _prepare(data, wavelet, mode, axes)
    shape = x.shape.as_list()
    level = _check_level([shape[a] for a in axes], [b.dec_len for b in banks], level)
    keys = ["".join(k) for k in itertools.product("ad", repeat=len(axes))]
    if len(axes) == 1 and level >= 1:
        fused = _fused_wavedec(x, banks[0], modes[0], level, axes[0])
        if fused is not None:
            return [fused[0]] + [{"d": d} for d in fused[1:]]
    details = []
    a = x
    for _ in range(level):
        if len(axes) == 1:
            # 1D: the approximation and detail as two outputs (no band axis to unstack)
            a, d = _analysis_pair(a, banks[0], modes[0], axes[0])
            details.append({"d": d})
            continue
        y = _analysis_stacked(a, banks, modes, axes)
        parts = tf.unstack(y, num=len(keys), axis=-1)
        a = parts[0]
        details.append(dict(zip(keys[1:], parts[1:])))
    return [a] + details[::-1]


def _trim_to(a, d, axes, check_only=False):
    """Crop ``a`` to the shape of ``d`` along ``axes`` (waverec's off-by-one rule).

    With ``check_only`` the shapes are validated and ``a`` is returned uncropped (the
    inverse pass crops it itself, see :func:`_core.synthesis_pair`)."""
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


def _split3(shape, axis):
    return _core._prod(shape[:axis]), shape[axis], _core._prod(shape[axis + 1:])


def _fused_wavedec(x, bank, mode, level, axis):
    """All levels of a large static 1D ``wavedec`` in one XLA program, or None."""
    shape = x.shape.as_list()
    if x.dtype not in (tf.float32, tf.float64) or None in shape:
        return None
    P, n, Q = _split3(shape, axis)
    if not _core._fused_ok(P, n, Q):
        return None
    outs = _core.fused_wavedec(tf.reshape(x, [P, n, Q]), bank, mode, level)
    return [tf.reshape(t, shape[:axis] + [t.shape[1]] + shape[axis + 1:]) for t in outs]


def _fused_waverec(coeffs, wavelet, mode, axis):
    """A large static 1D ``waverec`` in one XLA program (shapes checked like pywt), or None."""
    if any(c is None for c in coeffs):
        return None
    ts = [_as_tensor(c, "coeffs") for c in coeffs]
    dtype = ts[0].dtype
    shapes = [t.shape.as_list() for t in ts]
    rank = len(shapes[0])
    if dtype not in (tf.float32, tf.float64) or any(t.dtype != dtype for t in ts) or rank < 1:
        return None
    if any(len(s_) != rank or None in s_ for s_ in shapes):
        return None
    (ax,) = _norm_axes((axis,), rank, "coefficients")
    outer = [s_[:ax] + s_[ax + 1:] for s_ in shapes]
    if any(o != outer[0] for o in outer):
        return None
    bank = get_wavelet(wavelet)
    mode = _core.check_mode(mode)
    P, _, Q = _split3(shapes[-1], ax)
    if not _core._fused_ok(P, shapes[-1][ax], Q):
        return None
    la = shapes[0][ax]
    for s_ in shapes[1:]:
        ld = s_[ax]
        if la not in (ld, ld + 1):
            raise ValueError(
                f"coefficient shape mismatch: approximation length {la} vs detail "
                f"length {ld} along axis {ax}."
            )
        la = _core._synthesis_lengths(ld, bank.rec_len, mode)[2]
    views = [tf.reshape(t, [P, s_[ax], Q]) for t, s_ in zip(ts, shapes)]
    rec = _core.fused_waverec(views, bank, mode)
    return tf.reshape(rec, shapes[-1][:ax] + [la] + shapes[-1][ax + 1:])


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
    nd = None
    for d in ds:
        if not isinstance(d, dict):
            raise ValueError(
                f"Unexpected detail coefficient type: {type(d).__name__}. Detail coefficients "
                "must be dicts as returned by wavedecn."
            )
        if d:
            nd = len(next(iter(d)))
    if nd is None:
        nd = len(axes) if axes is not None else _rank(_as_tensor(a))
    if axes is None:
        axes = tuple(range(nd))
    elif isinstance(axes, (Integral, np.integer)):
        axes = (axes,)
    for d in ds:
        d = {k: v for k, v in d.items() if v is not None}
        if a is None and not d:
            continue
        dd = dict(d)
        if a is not None:
            a = _as_tensor(a, "approximation")
            ref = next((v for v in dd.values()), None)
            if ref is not None:
                ref = _as_tensor(ref, "detail")
                ndim = _rank(ref, "detail")
                ax = _norm_axes(tuple(axes), ndim, "coefficients")
                if nd == 1 and list(dd) == ["d"] and ref.dtype == a.dtype and a.shape.rank == ndim:
                    # 1D: the inverse pass crops the approximation itself (no copy)
                    a = _trim_to(a, ref, ax, check_only=True)
                    a = _synthesis_list([a, ref], _banks(wavelet, 1), _modes(mode, 1), ax)
                    continue
                a = _trim_to(a, ref, ax)
            dd["a" * nd] = a
        a = idwtn(dd, wavelet, mode, axes)
    return a


@_no_autograph
def wavedec(data, wavelet, mode="symmetric", level=None, axis=-1):
    """Multilevel 1D DWT along ``axis`` (``pywt.wavedec``): ``[cAn, cDn, ..., cD1]``."""
    if isinstance(axis, (tuple, list)):
        raise ValueError(f"`axis` must be a single integer. Received: axis={axis!r}")
    c = wavedecn(data, wavelet, mode, level, axes=(axis,))
    return [c[0]] + [d["d"] for d in c[1:]]


@_no_autograph
def waverec(coeffs, wavelet, mode="symmetric", axis=-1):
    """Multilevel 1D inverse DWT (``pywt.waverec``) of ``[cAn, cDn, ..., cD1]``."""
    if not isinstance(coeffs, (list, tuple)):
        raise ValueError("Expected sequence of coefficient arrays.")
    if len(coeffs) < 1:
        raise ValueError("Coefficient list too short (minimum 1 arrays required).")
    if len(coeffs) == 1:
        return _as_tensor(coeffs[0], "coeffs[0]")
    if isinstance(axis, (Integral, np.integer)) and not isinstance(axis, bool):
        fused = _fused_waverec(coeffs, wavelet, mode, int(axis))
        if fused is not None:
            return fused
    return waverecn([coeffs[0]] + [{"d": d} for d in coeffs[1:]], wavelet, mode, axes=(axis,))


@_no_autograph
def wavedec2(data, wavelet, mode="symmetric", level=None, axes=(-2, -1)):
    """Multilevel 2D DWT (``pywt.wavedec2``): ``[cAn, (cHn, cVn, cDn), ..., (cH1, cV1, cD1)]``."""
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"Expected 2 axes. Received: axes={axes!r}")
    c = wavedecn(data, wavelet, mode, level, axes)
    return [c[0]] + [(d["da"], d["ad"], d["dd"]) for d in c[1:]]


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
            raise ValueError("Unexpected detail coefficients: expected tuples (cH, cV, cD).")
        ds.append({"da": c[0], "ad": c[1], "dd": c[2]})
    return waverecn([coeffs[0]] + ds, wavelet, mode, axes)


# ----------------------------------------------------------------------------- stationary


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
            y = _core.swt_axis(a[..., None], axis, bank, 2 ** j)
            a, d = y[..., 0], y[..., 1]
            out.append((a, d))
        return out

    if x.dtype.is_complex:
        re, im = run(tf.math.real(x)), run(tf.math.imag(x))
        res = [(tf.complex(a1, a2), tf.complex(d1, d2)) for (a1, d1), (a2, d2) in zip(re, im)]
    elif x.dtype in _HALF:
        res = [(tf.cast(a, x.dtype), tf.cast(d, x.dtype)) for a, d in run(tf.cast(x, tf.float32))]
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
            y = tf.stack([a, tf.cast(d, a.dtype)], axis=-1)
            a = _core.iswt_axis(y, axis, bank, dil)[..., 0]
        return a

    if a.dtype.is_complex or any(d.dtype.is_complex for d in details):
        a = tf.cast(a, tf.complex128 if a.dtype == tf.float64 else a.dtype) if not a.dtype.is_complex else a
        details = [tf.cast(d, a.dtype) for d in details]
        re = run(tf.math.real(a), [tf.math.real(d) for d in details])
        im = run(tf.math.imag(a), [tf.math.imag(d) for d in details])
        return tf.complex(re, im)
    if a.dtype in _HALF:
        return tf.cast(run(tf.cast(a, tf.float32), [tf.cast(d, tf.float32) for d in details]), a.dtype)
    return run(a, details)
