"""Fused XLA polyphase kernels for large static passes (internal)."""

from __future__ import annotations

import threading
from collections import OrderedDict

import tensorflow as tf

from kextras_sci.wavelets._extend import extend
from kextras_sci.wavelets._kernels import _synthesis_kernel, _synthesis_lengths

# Large static passes (``_kernels.THRESHOLDS["fused_min_size"]``) run as one XLA-compiled
# polyphase kernel (``tf.function(jit_compile=True)``): the extension, the even/odd split,
# the ``F`` multiply-adds per output and the interleaving fuse into a single loop over the
# data (2-3x less work than the convolution passes on CPU, which pay for oneDNN's poor 1-2
# channel kernels and for the copies between ops).


class ProgramCache:
    """A bounded, thread-safe, least-recently-used map ``key -> tf.function``.

    ``get(key, build)`` returns the program for ``key``, making it with
    ``tf.function(build(), jit_compile=True)`` on a miss; beyond ``maxsize`` programs the
    least recently used one is dropped. Lookup, insertion and eviction hold one lock (the
    ``tf.function`` objects are cheap to make: tracing and compiling happen at their first
    call, outside the lock).
    """

    def __init__(self, maxsize=256):
        self.maxsize = int(maxsize)
        self._lock = threading.Lock()
        self._programs: OrderedDict = OrderedDict()

    def get(self, key, build):
        with self._lock:
            fn = self._programs.get(key)
            if fn is not None:
                self._programs.move_to_end(key)
                return fn
            fn = tf.function(build(), jit_compile=True, autograph=False)
            self._programs[key] = fn
            while len(self._programs) > self.maxsize:
                self._programs.popitem(last=False)
            return fn

    def __len__(self):
        with self._lock:
            return len(self._programs)

    def clear(self):
        with self._lock:
            self._programs.clear()


PROGRAMS = ProgramCache()


def _fused(key, build):
    """The compiled program per (filters, mode, variant, shapes), from :data:`PROGRAMS`."""
    return PROGRAMS.get(key, build)


def _bank_key(bank, rec):
    filt = (bank.rec_lo, bank.rec_hi) if rec else (bank.dec_lo, bank.dec_hi)
    return tuple(float(v) for f in filt for v in f)


def _taps(acc_terms, dtype):
    """Sum of ``coef * tensor`` terms (zero coefficients skipped)."""
    acc = None
    for c, t in acc_terms:
        if c == 0.0:
            continue
        term = tf.constant(c, dtype) * t
        acc = term if acc is None else acc + term
    return acc


def _fused_analysis(x3, bank, mode, pair):
    """Fused analysis of ``x3 [P, n, Q]``: ``[P, L, Q, 2]`` or (``pair``) ``(a, d)``."""
    P, n, Q = x3.shape.as_list()
    key = ("a", _bank_key(bank, False), mode, pair, P, n, Q, x3.dtype.name)
    return _fused(key, lambda: _analysis_body(bank, mode, pair, P, n, Q))(x3)


def _analysis_body(bank, mode, pair, P, n, Q):
    """The traced body of one fused analysis pass (see :func:`_fused_analysis`)."""
    F = bank.dec_len
    lo, hi = bank.dec_lo.tolist(), bank.dec_hi.tolist()

    def run(x):
        if mode == "periodization":
            M = n + n % 2
            L = M // 2
            xe = tf.concat([x, x[:, n - 1:]], axis=1) if n % 2 else x
            xe = extend(xe, M, 1 - F // 2, 2 * L + F - 2, "periodic")
        else:
            L = (n + F - 1) // 2
            xe = extend(x, n, 2 - F, 2 * L + F - 2, mode)
        # c[i] = sum_j f[j] xe[2i + F - 1 - j]; xe has even length 2 (L + F/2 - 1)
        ph = tf.reshape(xe, [P, L + F // 2 - 1, 2, Q])
        phases = (ph[:, :, 0], ph[:, :, 1])
        out = []
        for f in (lo, hi):
            terms = []
            for j in range(F):
                s_ = F - 1 - j
                terms.append((f[j], phases[s_ % 2][:, s_ // 2:s_ // 2 + L]))
            acc = _taps(terms, x.dtype)
            out.append(tf.zeros([P, L, Q], x.dtype) if acc is None else acc)
        return tuple(out) if pair else tf.stack(out, axis=-1)

    return run


def _fused_synthesis(a3, d3, L, bank, mode):
    """Fused inverse pass: ``a3 [P, >= L, Q]`` (cropped to ``L`` inside), ``d3 [P, L, Q]``
    (``d3=None``: ``a3`` is ``[P, L, Q, 2]`` with the two bands on the last axis)."""
    shp = a3.shape.as_list()
    P, La, Q = shp[0], shp[1], shp[2]
    stacked = d3 is None
    pair = Q == 1 and not stacked
    key = ("s", _bank_key(bank, True), mode, stacked, pair, P, La, L, Q, a3.dtype.name)
    fn = _fused(key, lambda: _synthesis_body(bank, mode, stacked, P, La, L, Q, as_complex=pair))
    if not pair:
        return fn(a3) if stacked else fn(a3, d3)
    # the two output phases as the real and imaginary parts of one complex tensor: its
    # memory is the interleaved signal, so a bitcast interleaves for free (XLA's own
    # interleaving of two phases costs as much as computing them)
    return _interleave(fn(a3, d3))[..., None]


@tf.custom_gradient
def _interleave(c):
    """``[P, M]`` complex -> ``[P, 2 M]`` real ``(re_0, im_0, re_1, im_1, ...)``, zero-copy."""
    real = tf.float64 if c.dtype == tf.complex128 else tf.float32
    shape = c.shape.as_list()
    out = tf.reshape(tf.bitcast(c, real), [shape[0], 2 * shape[1]])

    def grad(g):
        g3 = tf.reshape(g, [shape[0], shape[1], 2])
        return tf.complex(g3[:, :, 0], g3[:, :, 1])

    return out, grad


def _synthesis_body(bank, mode, stacked, P, La, L, Q, as_complex=False):
    """The traced body of one fused inverse pass (see :func:`_fused_synthesis`)."""
    F = bank.rec_len
    K = F // 2
    kern = _synthesis_kernel(bank)  # [K, 2 (a, d), 2 (phase)]

    def run(*args):
        if stacked:
            a, d = args[0][:, :, :, 0], args[0][:, :, :, 1]
        else:
            a, d = args
            if La != L:
                a = a[:, :L]
        pad, offset, out_len = _synthesis_lengths(L, F, mode)
        # output sample 2m + r is sample 2(m + q) + p of the uncropped polyphase
        # output (q, p = divmod(r + offset, 2)): shifting the slices instead of
        # cropping afterwards keeps the interleaving aligned (2x faster)
        M = out_len // 2
        shifts = [divmod(r + offset, 2) for r in range(2)]
        if mode == "periodization":
            length = max(q for q, _ in shifts) + K - 1 + M
            a = extend(a, L, -pad, length, "periodic")
            d = extend(d, L, -pad, length, "periodic")
        phases = []
        for q, ph in shifts:
            terms = []
            for u in range(K):
                terms.append((float(kern[u, 0, ph]), a[:, q + u:q + u + M]))
                terms.append((float(kern[u, 1, ph]), d[:, q + u:q + u + M]))
            acc = _taps(terms, a.dtype)
            phases.append(tf.zeros([P, M, Q], a.dtype) if acc is None else acc)
        if as_complex:
            return tf.complex(phases[0][:, :, 0], phases[1][:, :, 0])
        return tf.reshape(tf.stack(phases, axis=2), [P, 2 * M, Q])

    return run


def fused_wavedec(x3, bank, mode, level):
    """All ``level`` analysis passes of ``x3 [P, n, Q]`` in one XLA program.

    Returns ``[a_level, d_level, ..., d_1]`` as ``[P, L_j, Q]`` tensors."""
    P, n, Q = x3.shape.as_list()
    key = ("wd", _bank_key(bank, False), mode, P, n, Q, level, x3.dtype.name)

    def build():
        def run(x):
            out = []
            a = x
            for _ in range(level):
                a, d = _analysis_body(bank, mode, True, P, a.shape[1], Q)(a)
                out.append(d)
            return [a] + out[::-1]

        return run

    return _fused(key, build)(x3)


def fused_waverec(coeffs, bank, mode):
    """All inverse passes of ``[a_n, d_n, ..., d_1]`` (each ``[P, L_j, Q]``, the shapes
    already validated) in one XLA program."""
    P, _, Q = coeffs[0].shape.as_list()
    if Q == 1:
        # one program per level, each interleaving through a free complex bitcast
        a = coeffs[0]
        for d in coeffs[1:]:
            a = _fused_synthesis(a, d, d.shape[1], bank, mode)
        return a
    shapes = tuple(c.shape[1] for c in coeffs)
    key = ("wr", _bank_key(bank, True), mode, P, shapes, Q, coeffs[0].dtype.name)

    def build():
        def run(*cs):
            a = cs[0]
            for d in cs[1:]:
                L = d.shape[1]
                a = _synthesis_body(bank, mode, False, P, a.shape[1], L, Q)(a, d)
            return a

        return run

    return _fused(key, build)(*coeffs)
