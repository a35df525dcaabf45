"""Private: orthogonal two-channel filter banks parameterised by lattice angles.

An orthonormal low-pass filter ``h`` of even length ``L = 2K`` is written as the first
row of the paraunitary lattice (Vaidyanathan, "Multirate Systems and Filter Banks", 1993)::

    h_0 = [cos t_0, sin t_0],                 g_0 = [-sin t_0, cos t_0]
    h_k = cos t_k h_{k-1} + sin t_k z^-2 g_{k-1}
    g_k = -sin t_k h_{k-1} + cos t_k z^-2 g_{k-1}

Every stage is a rotation of a pair of double-shift orthonormal filters, so for *any*
angles ``h`` satisfies ``sum_n h[n] h[n + 2m] = delta_m`` and the bank built from it
(PyWavelets relations: ``rec_lo = h[::-1]``, ``rec_hi[n] = (-1)**n h[n]``,
``dec_hi = rec_hi[::-1]``) reconstructs perfectly. Training the angles can therefore never
break perfect reconstruction. :func:`angles_from_filter` inverts the construction (peels
one rotation per stage) to initialise the angles from a named orthogonal wavelet.
"""

import numpy as np
import tensorflow as tf


def angles_from_filter(dec_lo):
    """Lattice angles (float64 array of ``L // 2``) reproducing the orthonormal filter ``dec_lo``.

    Raises:
        ValueError: when ``dec_lo`` is not double-shift orthonormal (not an orthogonal wavelet).
    """
    h = np.asarray(dec_lo, dtype=np.float64)
    length = h.shape[0]
    if length % 2 or length < 2:
        raise ValueError(f"An orthogonal filter has an even length >= 2. Received length {length}.")
    gram = [np.dot(h[: length - 2 * m], h[2 * m:]) for m in range(length // 2)]
    if abs(gram[0] - 1) > 1e-8 or any(abs(v) > 1e-8 for v in gram[1:]):
        raise ValueError(
            "Learnable filters need an orthogonal wavelet (haar, db*, sym*, coif*): the "
            "low-pass filter is not double-shift orthonormal."
        )
    n = np.arange(length)
    g = (-1.0) ** (n + 1) * h[::-1]
    angles = []
    while h.shape[0] > 2:
        t = np.arctan2(-g[0], h[0])
        c, s = np.cos(t), np.sin(t)
        h_old = c * h - s * g
        g_old = s * h + c * g
        angles.append(t)
        h, g = h_old[:-2], g_old[2:]
    angles.append(np.arctan2(h[1], h[0]))
    angles = np.array(angles[::-1])
    check = _numpy_filter(angles)
    if np.abs(check - np.asarray(dec_lo, dtype=np.float64)).max() > 1e-6:
        raise ValueError(
            "This wavelet's filter cannot be factorised into lattice angles accurately "
            "(numerically ill-conditioned, e.g. db20 and longer); use a shorter orthogonal "
            "wavelet for learnable filters."
        )
    return angles


def _numpy_filter(angles):
    c, s = np.cos(angles), np.sin(angles)
    h = np.array([c[0], s[0]])
    g = np.array([-s[0], c[0]])
    for i in range(1, len(angles)):
        hp = np.concatenate([h, [0.0, 0.0]])
        gs = np.concatenate([[0.0, 0.0], g])
        h, g = c[i] * hp + s[i] * gs, -s[i] * hp + c[i] * gs
    return h


def filters_from_angles(angles):
    """Differentiable ``(dec_lo, dec_hi, rec_lo, rec_hi)`` tensors from lattice angles [K]."""
    k = angles.shape[0]
    c = tf.cos(angles)
    s = tf.sin(angles)
    h = tf.stack([c[0], s[0]])
    g = tf.stack([-s[0], c[0]])
    zeros = tf.zeros([2], dtype=angles.dtype)
    for i in range(1, k):
        h_pad = tf.concat([h, zeros], 0)
        g_shift = tf.concat([zeros, g], 0)
        h, g = c[i] * h_pad + s[i] * g_shift, -s[i] * h_pad + c[i] * g_shift
    length = 2 * k
    sign = tf.constant((-1.0) ** np.arange(length), dtype=angles.dtype)
    rec_lo = tf.reverse(h, [0])
    rec_hi = sign * h
    dec_hi = tf.reverse(rec_hi, [0])
    return h, dec_hi, rec_lo, rec_hi
