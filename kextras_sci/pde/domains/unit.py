"""Point streams in the unit cube (the sampling methods) and direction maps."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
from scipy import special
from scipy.stats import qmc

from kextras_sci.pde.domains._checks import _make_rng


_QMC_USES_RNG = "rng" in inspect.signature(qmc.Sobol).parameters


_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71)


def radical_inverse(k, base):
    """Van der Corput radical inverse ``phi_b(k)`` of the integers ``k`` (``float64``)."""
    k = np.asarray(k, dtype=np.int64).copy()
    out = np.zeros(k.shape)
    scale = 1.0 / base
    while np.any(k > 0):
        out += (k % base) * scale
        k //= base
        scale /= base
    return out


def hammersley(n, d, shift=None):
    """The ``n``-point Hammersley set in ``[0, 1)^d``.

    Point ``i`` is ``((i + 1/2) / n, phi_2(i), phi_3(i), ...)`` (``phi_b`` the
    radical inverse in the ``b``-th prime); ``shift`` (``[d]``) rotates it modulo 1
    (Cranley-Patterson), which keeps the first column an even grid and gives each
    seed its own set.
    """
    if d - 1 > len(_PRIMES):
        raise ValueError(f"Hammersley sampling supports up to {len(_PRIMES) + 1} dimensions. Received: d={d}")
    i = np.arange(n)
    cols = [(i + 0.5) / n] + [radical_inverse(i, b) for b in _PRIMES[: d - 1]]
    u = np.stack(cols, axis=1) if d else np.zeros((n, 0))
    if shift is not None:
        u = np.mod(u + shift, 1.0)
    return u


class _UnitSampler:
    """Stream of points in the unit cube ``[0, 1)^d`` for one sampling method.

    ``"hammersley"`` draws a whole randomly shifted Hammersley set per call, rows in
    random order (the set depends on its size, so it is not a stream: a second call
    gives a new shift).
    """

    def __init__(self, d, method, seed):
        self.d = d
        self.method = method
        self.rng = _make_rng(seed)
        self.engine = None
        if method not in ("uniform", "hammersley"):
            cls = {"lhs": qmc.LatinHypercube, "sobol": qmc.Sobol, "halton": qmc.Halton}[method]
            kwargs = {"rng": self.rng} if _QMC_USES_RNG else {"seed": self.rng}
            self.engine = cls(d, scramble=True, **kwargs)

    def draw(self, n):
        if self.method == "hammersley":
            # rows in random order: rejection sampling keeps a prefix of the accepted
            # rows, and a prefix of the set in its natural order is one strip of it
            return hammersley(n, self.d, self.rng.random(self.d))[self.rng.permutation(n)]
        if self.engine is None:
            return self.rng.random((n, self.d))
        with warnings.catch_warnings():
            # Sobol warns when n is not a power of two; prefixes of the sequence are fine.
            warnings.simplefilter("ignore", UserWarning)
            return np.asarray(self.engine.random(n), dtype=np.float64)


def _normalize_rows(v):
    norm = np.linalg.norm(v, axis=1, keepdims=True)
    return np.divide(v, norm, out=np.zeros_like(v), where=norm > 0)


def _unit_to_direction(u, d):
    """Maps ``u`` (``[n, _direction_unit_dim(d)]`` in ``[0, 1)``) to uniform directions in R^d."""
    u = u[:, : _direction_unit_dim(d)]
    if d == 1:
        return np.where(u[:, :1] < 0.5, -1.0, 1.0)
    if d == 2:
        theta = 2.0 * np.pi * u[:, 0]
        return np.stack([np.cos(theta), np.sin(theta)], axis=1)
    if d == 3:
        z = 1.0 - 2.0 * u[:, 0]
        phi = 2.0 * np.pi * u[:, 1]
        s = np.sqrt(np.clip(1.0 - z * z, 0.0, None))
        return np.stack([s * np.cos(phi), s * np.sin(phi), z], axis=1)
    g = special.ndtri(np.clip(u, 1e-12, 1.0 - 1e-12))
    return _normalize_rows(g)


def _direction_unit_dim(d):
    return {1: 1, 2: 1, 3: 2}.get(d, d)

