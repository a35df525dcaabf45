"""Argument handling shared by the wavelet functions: tensors, dtypes, axes, wavelets, modes."""

from __future__ import annotations

import functools
from numbers import Integral

import numpy as np
import tensorflow as tf

from kextras_sci.wavelets import _extend, _passes
from kextras_sci.wavelets._filters import FilterBank, get_wavelet
from kextras_sci.wavelets._handover import peek, take

try:
    from numpy.exceptions import AxisError  # a ValueError and an IndexError, as in pywt
except ImportError:  # pragma: no cover - numpy < 1.25
    from numpy import AxisError

_HALF = (tf.float16, tf.bfloat16)

# Our Python control flow only ever branches on static values: keep AutoGraph out (converting
# this module inside a tf.function costs tens of seconds of tracing for nothing).
_no_autograph = tf.autograph.experimental.do_not_convert


# ----------------------------------------------------------------------------- helpers


def _as_tensor(x, name="data", share=False):
    """Convert to a floating or complex tensor with PyWavelets' dtype rules.

    float32/float64/complex64/complex128 are kept; float16/bfloat16 become float32;
    integers and booleans float64; ``longdouble`` float64 and ``clongdouble`` complex128.
    ``share``: a NumPy array may be used in place, without a copy (see :func:`_from_numpy`);
    only for callers whose every output is computed by an op that writes a new buffer.
    """
    if not isinstance(x, np.ndarray) and (tf.is_tensor(x) or isinstance(x, tf.Variable)):
        t = tf.convert_to_tensor(x)
    else:
        a = np.asarray(x)
        if a.dtype.kind not in "biufc":
            raise TypeError(f"`{name}` must be a numeric array. Received dtype {a.dtype}.")
        # the copy casts to the computing dtype: the tensor needs no check below
        return _from_numpy(a, _tensor_dtype(a.dtype).as_numpy_dtype, share)
    if t.dtype.is_integer or t.dtype == tf.bool:
        t = tf.cast(t, tf.float64)
    if t.dtype in _HALF:
        t = tf.cast(t, tf.float32)
    if not (t.dtype.is_floating or t.dtype.is_complex):
        raise TypeError(f"`{name}` must be a numeric tensor. Received dtype {t.dtype.name}.")
    return t


@functools.lru_cache(maxsize=None)
def _tensor_dtype(dtype):
    """The ``tf.DType`` a NumPy array of ``dtype`` is computed in (:func:`_as_tensor`'s rules)."""
    kind, size = dtype.kind, dtype.itemsize
    if kind in "biu" or (kind == "f" and size > 8):
        return tf.float64
    if kind == "f" and size < 4:
        return tf.float32
    if kind == "c" and size > 16:
        return tf.complex128
    return tf.as_dtype(dtype.newbyteorder("="))


# DLPack imports a buffer TensorFlow's kernels may read with aligned vector loads
_ALIGN = 64
_DLPACK_DTYPES = (np.float32, np.float64)


def _from_numpy(a, dtype, share=False):
    """Eager tensor of dtype ``dtype`` holding the values of the NumPy array ``a``.

    ``tf.convert_to_tensor`` copies too, but at about half the speed of NumPy's own copy
    (TensorFlow's destination and NumPy's source differ in alignment). Here the one copy
    (casting to ``dtype`` on the way) goes into a private, ``_ALIGN``-byte aligned NumPy
    buffer that the tensor then shares through DLPack (nothing else references the buffer;
    the tensor keeps it alive). With ``share``, an ``a`` that already is ``dtype``, C-ordered,
    writeable and ``_ALIGN``-byte aligned is shared as it is, no copy: TensorFlow ops
    never write into a tensor that Python still references, so the caller's array is only
    read, and the caller guarantees that no output is the input or a view of it (its
    outputs are computed), so that changing the array afterwards changes no result.
    Other dtypes, empty arrays and graph mode use ``tf.convert_to_tensor``.
    """
    if np.dtype(dtype).type not in _DLPACK_DTYPES or a.size == 0 or not tf.executing_eagerly():
        return tf.convert_to_tensor(a.astype(dtype, copy=False))
    if (share and a.dtype == dtype and a.flags.c_contiguous and a.flags.writeable
            and a.ctypes.data % _ALIGN == 0):
        return tf.experimental.dlpack.from_dlpack(a.__dlpack__())
    buf = np.empty(a.size * np.dtype(dtype).itemsize + _ALIGN, np.uint8)
    start = -buf.ctypes.data % _ALIGN
    out = buf[start:start + a.size * np.dtype(dtype).itemsize].view(dtype).reshape(a.shape)
    np.copyto(out, a, casting="unsafe")
    return tf.experimental.dlpack.from_dlpack(out.__dlpack__())


def _promote(tensors):
    """Cast tensors to their common dtype (NumPy's rule: any complex -> complex, any 64-bit
    -> 64-bit), as pywt does for mixed-precision coefficients."""
    dtypes = {t.dtype for t in tensors}
    if len(dtypes) <= 1:
        return list(tensors)
    wide = any(d in (tf.float64, tf.complex128) for d in dtypes)
    if any(d.is_complex for d in dtypes):
        dt = tf.complex128 if wide else tf.complex64
    else:
        dt = tf.float64 if wide else tf.float32
    return [t if t.dtype == dt else tf.cast(t, dt) for t in tensors]


def _norm_axes(axes, ndim, what="data"):
    out = []
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, (Integral, np.integer)):
            raise ValueError(f"`axes` must be integers. Received: axes={tuple(axes)!r}")
        a = int(a)
        if not -ndim <= a < ndim:
            raise AxisError(
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
        if len(value) == 1:
            value = list(value) * n
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
    return _per_axis(mode, n, "mode", _extend.check_mode)


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
    return fn(x, *args)


# ----------------------------------------------------------------------------- fast internals


def _parts(x):
    """A complex tensor (or box, see ``_handover``) as boxes of its real and imaginary parts."""
    x = take(x)
    return [tf.math.real(x)], [tf.math.imag(x)]


def _analysis_bands(x, banks, modes, axes):
    """Every sub-band of a multi-axis analysis, separate tensors in key order (complex
    inputs as in _real_call); ``x`` may be a box (``_handover``)."""
    if peek(x).dtype.is_complex:
        re, im = _parts(x)
        re = _passes.analysis_bands(re, axes, banks, modes)
        im = _passes.analysis_bands(im, axes, banks, modes)
        return [tf.complex(r, i) for r, i in zip(re, im)]
    return _passes.analysis_bands(x, axes, banks, modes)


def _analysis_pair(x, bank, mode, axis):
    """Single-axis analysis returning ``(a, d)`` (complex inputs as in _real_call); ``x``
    may be a box (``_handover``)."""
    if peek(x).dtype.is_complex:
        re, im = _parts(x)
        ar, dr = _passes.analysis_pair(re, axis, bank, mode)
        ai, di = _passes.analysis_pair(im, axis, bank, mode)
        return tf.complex(ar, ai), tf.complex(dr, di)
    return _passes.analysis_pair(x, axis, bank, mode)


def _prepare(x, wavelet, mode, axes, what="data", unique=None, check_len=True, share=False):
    """Tensor, per-axis filter banks and modes, normalized axes. ``unique``: the function
    name when repeated axes are an error (as in pywt's multilevel transforms); ``share``:
    see :func:`_as_tensor`."""
    x = _as_tensor(x, what, share)
    ndim = _rank(x, what)
    if axes is None:
        axes = tuple(range(ndim))
    elif isinstance(axes, (Integral, np.integer)):
        axes = (axes,)
    axes = _norm_axes(tuple(axes), ndim, what)
    if unique and len(set(axes)) != len(axes):
        raise ValueError(f"The axes passed to {unique} must be unique. Received: axes={tuple(axes)!r}")
    banks = _banks(wavelet, len(axes))
    modes = _modes(mode, len(axes))
    if check_len:
        check_lengths(x, axes, modes)
    return x, banks, modes, axes


def check_lengths(x, axes, modes):
    """Each static transformed length is >= 1 (>= 2 for [anti]reflect)."""
    static = x.shape.as_list()
    for a, m in zip(axes, modes):
        if static[a] is not None:
            _check_len(static[a], m, a)
