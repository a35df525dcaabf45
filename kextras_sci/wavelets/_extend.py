"""Signal extension modes (PyWavelets' nine) as TensorFlow index arithmetic (internal).

``extend(x3, n, start, length, mode)`` returns the samples ``ext(k)``, ``k = start ..
start + length - 1``, of the signal ``x3 [P, n, Q]`` extended along axis 1 by ``mode``;
``check_mode`` validates a mode (a name or a ``pywt.Modes`` integer constant).
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from kextras_sci.wavelets._kernels import _is_static, _prod, _reshape, static_or_dynamic_shape

MODES = (
    "zero",
    "constant",
    "symmetric",
    "periodic",
    "smooth",
    "periodization",
    "reflect",
    "antisymmetric",
    "antireflect",
)
# the integer values of ``pywt.Modes.<name>`` (PyWavelets' C enum)
_MODE_CODES = {0: "zero", 1: "symmetric", 2: "constant", 3: "smooth", 4: "periodic",
               5: "periodization", 6: "reflect", 7: "antisymmetric", 8: "antireflect"}


def check_mode(mode) -> str:
    """A mode name from a name or a ``pywt.Modes`` integer constant (``pywt.Modes.smooth``)."""
    if mode is None or not isinstance(mode, (str, int, np.integer)) or isinstance(mode, bool):
        raise TypeError(
            f"`mode` must be a mode name (str) or a pywt.Modes integer constant. Received: mode={mode!r}"
        )
    if not isinstance(mode, str):
        name = _MODE_CODES.get(int(mode))
        if name is None:
            raise ValueError(f"Unknown signal extension mode code. Received: mode={mode!r}.")
        return name
    if mode not in MODES:
        import difflib

        close = difflib.get_close_matches(str(mode), MODES, n=3, cutoff=0.5)
        hint = f" Did you mean {close}?" if close else ""
        raise ValueError(
            f"Unknown signal extension mode. Received: mode={mode!r}.{hint} "
            f"Supported modes: {list(MODES)}."
        )
    return mode


# ----------------------------------------------------------------------------- extension


def _ext_index(k, n, mode):
    """Source index (and sign) of the extended sample at integer positions ``k``.

    ``k`` is an int32 tensor, ``n`` the signal length (int or scalar tensor).
    Returns ``idx, sign`` (sign is None where it is always +1).
    """
    n = tf.cast(n, tf.int32)
    if mode in ("zero", "constant", "smooth"):
        return tf.clip_by_value(k, 0, n - 1), None
    if mode == "periodic":
        return tf.math.floormod(k, n), None
    if mode in ("symmetric", "antisymmetric"):
        m = tf.math.floormod(k, 2 * n)
        idx = tf.where(m < n, m, 2 * n - 1 - m)
        if mode == "symmetric":
            return idx, None
        odd = tf.math.floormod(tf.math.floordiv(k, n), 2)
        return idx, 1 - 2 * odd
    if mode in ("reflect", "antireflect"):
        p = tf.maximum(2 * n - 2, 1)
        m = tf.math.floormod(k, p)
        idx = tf.where(m < n, m, p - m)
        if mode == "reflect":
            return idx, None
        return idx, tf.where(m < n, 1, -1)
    raise ValueError(mode)  # pragma: no cover


def _extend_gather(x3, n, start, length, mode):
    """General extension by index arithmetic (any pad width, e.g. pads longer than ``n``)."""
    dtype = x3.dtype
    k = tf.range(start, start + length, dtype=tf.int32)
    idx, sign = _ext_index(k, n, mode)
    out = tf.gather(x3, idx, axis=1)
    if mode == "zero":
        inside = tf.logical_and(k >= 0, k < tf.cast(n, tf.int32))
        return out * tf.cast(inside, dtype)[None, :, None]
    if sign is not None:
        out = out * tf.cast(sign, dtype)[None, :, None]
    if mode == "antireflect":
        p = tf.maximum(2 * tf.cast(n, tf.int32) - 2, 1)
        q = tf.math.floordiv(k, p)
        m = tf.math.floormod(k, p)
        c_last = tf.cast(tf.where(m < tf.cast(n, tf.int32), 0, 2) + 2 * q, dtype)[None, :, None]
        c_first = tf.cast(-2 * q, dtype)[None, :, None]
        out = out + c_last * x3[:, -1:, :] + c_first * x3[:, :1, :]
    elif mode == "smooth":
        n32 = tf.cast(n, tf.int32)
        second = tf.gather(x3, [tf.minimum(1, n32 - 1)], axis=1)
        before_last = tf.gather(x3, [tf.maximum(n32 - 2, 0)], axis=1)
        d_left = tf.cast(tf.maximum(-k, 0), dtype)[None, :, None]
        d_right = tf.cast(tf.maximum(k - (n32 - 1), 0), dtype)[None, :, None]
        out = out + d_left * (x3[:, :1, :] - second) + d_right * (x3[:, -1:, :] - before_last)
    return out


def _extend_slices(x3, n, left, right, mode):
    """Extension by slicing/concatenation; valid when the pads fit (see ``_fits``).

    (One ``concat`` of reversed slices is about twice as fast on CPU as ``tf.pad``'s
    ``SYMMETRIC``/``REFLECT`` modes.)"""
    if mode == "zero":
        return tf.pad(x3, [[0, 0], [left, right], [0, 0]])
    first, last = x3[:, :1], x3[:, -1:]
    if mode == "constant":
        return tf.concat([tf.tile(first, [1, left, 1]), x3, tf.tile(last, [1, right, 1])], axis=1)
    if mode == "periodic":
        return tf.concat([x3[:, n - left:], x3, x3[:, :right]], axis=1)
    if mode in ("symmetric", "antisymmetric"):
        lpart = tf.reverse(x3[:, :left], [1])
        rpart = tf.reverse(x3[:, n - right:], [1])
        if mode == "antisymmetric":
            lpart, rpart = -lpart, -rpart
        return tf.concat([lpart, x3, rpart], axis=1)
    if mode in ("reflect", "antireflect"):
        lpart = tf.reverse(x3[:, 1:left + 1], [1])
        rpart = tf.reverse(x3[:, n - 1 - right:n - 1], [1])
        if mode == "antireflect":
            lpart, rpart = 2 * first - lpart, 2 * last - rpart
        return tf.concat([lpart, x3, rpart], axis=1)
    if mode == "smooth":
        n32 = tf.cast(n, tf.int32)
        second = tf.gather(x3, [tf.minimum(1, n32 - 1)], axis=1)
        before_last = tf.gather(x3, [tf.maximum(n32 - 2, 0)], axis=1)
        dt = x3.dtype
        cl = tf.cast(tf.range(left, 0, -1), dt)[None, :, None]
        cr = tf.cast(tf.range(1, right + 1), dt)[None, :, None]
        return tf.concat([first + cl * (first - second), x3, last + cr * (last - before_last)], axis=1)
    raise ValueError(mode)  # pragma: no cover


def _fits(n, left, right, mode):
    """Whether :func:`_extend_slices` is valid (a bool or a boolean tensor)."""
    if mode in ("zero", "constant", "smooth"):
        return True
    m = max(left, right) if _is_static(left, right) else tf.maximum(left, right)
    if mode in ("reflect", "antireflect"):
        return m < n
    return m <= n


def extend(x3, n, start, length, mode):
    """Extend ``x3`` of shape ``[P, n, Q]`` along axis 1 with a PyWavelets mode.

    Returns the samples ``ext(k)`` for ``k = start .. start + length - 1`` (shape
    ``[P, length, Q]``), ``start <= 0`` and ``start + length >= n``. Uses slices and
    concatenation when the pads fit in the signal (fast) and a gather otherwise
    (``tf.cond`` decides at run time when ``n`` is dynamic). ``mode="periodization"`` is
    handled by the caller (``periodic`` on the even-length signal).
    """
    left = -start
    right = start + length - n
    if _is_static(left, right) and left == 0 and right == 0:
        return x3
    fits = _fits(n, left, right, mode)
    if isinstance(fits, (bool, np.bool_)):
        if fits:
            return _extend_slices(x3, n, left, right, mode)
        return _extend_gather(x3, n, start, length, mode)
    return tf.cond(
        fits,
        lambda: _extend_slices(x3, n, left, right, mode),
        lambda: _extend_gather(x3, n, start, length, mode),
    )


def pad(x, pad_widths, mode):
    """Extend ``x`` with a PyWavelets signal-extension mode (``pywt.pad``).

    Args:
        x: tensor or array-like.
        pad_widths: ``n``, ``(n,)``, ``(before, after)`` or one ``(before, after)`` per axis
            (NumPy's ``np.pad`` forms).
        mode: any of :data:`MODES` (``"periodization"``: an odd axis is first extended by
            its last sample, then periodic).

    Returns:
        Tensor of shape ``x.shape[i] + before_i + after_i``; integer input becomes float64.
    """
    from kextras_sci.wavelets._common import _as_tensor  # late: _common imports this module

    t = _as_tensor(x, "x")
    mode = check_mode(mode)
    rank = t.shape.rank
    widths = np.broadcast_to(np.asarray(pad_widths, dtype=np.int64), (rank, 2))
    if np.any(widths < 0):
        raise ValueError(f"`pad_widths` must be non-negative. Received: pad_widths={pad_widths!r}")
    for axis, (before, after) in enumerate(widths.tolist()):
        if before == 0 and after == 0:
            continue
        shape = static_or_dynamic_shape(t)
        n = shape[axis]
        t3 = _reshape(t, [_prod(shape[:axis]), n, _prod(shape[axis + 1:])])
        m = "periodic" if mode == "periodization" else mode
        if mode == "periodization" and _is_static(n) and n % 2:
            t3 = tf.concat([t3, t3[:, n - 1:]], axis=1)
            n = n + 1
        if t.dtype.is_complex:
            out = tf.complex(extend(tf.math.real(t3), n, -before, n + before + after, m),
                             extend(tf.math.imag(t3), n, -before, n + before + after, m))
        else:
            out = extend(t3, n, -before, n + before + after, m)
        t = _reshape(out, list(shape[:axis]) + [n + before + after] + list(shape[axis + 1:]))
    return t
