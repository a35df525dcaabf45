"""Heat equation on an interval, exact Fourier sine series."""

from __future__ import annotations


import numpy as np

from kextras import validation

from ..domains import Interval, SpaceTime, TimeInterval, _check_points
from ._base import Reference


class Heat1D(Reference):
    """Heat equation with homogeneous Dirichlet ends, solved by its Fourier sine series.

    .. math::

        u_t = \\alpha u_{xx} \\text{ on } [0, L] \\times [0, t_{end}],\\quad u(0, t) = u(L, t) = 0,\\\\
        u(x, t) = \\sum_{n=1}^{N} b_n \\sin(n \\pi x / L)\\, e^{-\\alpha (n \\pi / L)^2 t}.

    By default the initial value is the parabola ``u(x, 0) = x (L - x) / L^2`` whose sine
    coefficients are ``b_n = 8 / (n pi)^3`` for odd ``n`` (0 for even ``n``); the truncation
    error of ``N`` terms is below ``4 / (pi^3 N^2)`` (``1.3e-7`` for the default
    ``N = 1000``) and decays in time. Pass ``sine_coefficients`` for another initial value.

    Args:
        alpha: diffusivity (default ``0.4``, as in DeepXDE's heat example).
        length: ``L`` (default ``1.0``).
        t_end: final time (default ``1.0``).
        n_terms: ``N`` for the default initial value (default ``1000``).
        sine_coefficients: optional ``b_1 .. b_N`` (a finite sine series is an exact
            solution; ``n_terms`` is then ignored).
    """

    name = "heat1d"
    equation = "u_t = alpha u_xx on [0,L]x[0,t_end], u(0,t) = u(L,t) = 0, u(x,0) = x(L-x)/L^2"

    def __init__(self, alpha=0.4, length=1.0, t_end=1.0, n_terms=1000, sine_coefficients=None):
        for key, val in (("alpha", alpha), ("length", length), ("t_end", t_end)):
            validation.positive_float(key, val)
        self._parabola = sine_coefficients is None
        if sine_coefficients is None:
            validation.positive_int("n_terms", n_terms)
            n = np.arange(1, int(n_terms) + 1)
            b = np.where(n % 2 == 1, 8.0 / (n * np.pi) ** 3, 0.0)
        else:
            b = np.asarray(sine_coefficients, dtype=np.float64)
            if b.ndim != 1 or b.size == 0 or not np.all(np.isfinite(b)):
                raise ValueError(
                    "`sine_coefficients` must be a non-empty 1D sequence of finite numbers. "
                    f"Received: sine_coefficients={sine_coefficients!r}"
                )
            self.equation = "u_t = alpha u_xx on [0,L]x[0,t_end], u(0,t) = u(L,t) = 0, u(x,0) = sum b_n sin(n pi x/L)"
        domain = SpaceTime(Interval(0.0, float(length)), TimeInterval(0.0, float(t_end)))
        super().__init__(domain, {"alpha": float(alpha), "length": float(length)})
        self.alpha, self.length = float(alpha), float(length)
        self.b = b
        self._k = np.arange(1, b.size + 1) * np.pi / self.length

    def solution(self, x, batch_size=2048):
        """Exact ``u(x, t)`` at points ``[[x, t], ...]`` (NumPy) -> ``float64[n, 1]``."""
        x = _check_points(x, 2)
        out = np.empty((x.shape[0], 1))
        for s in range(0, x.shape[0], batch_size):
            p = x[s : s + batch_size]
            modes = np.sin(p[:, :1] * self._k) * np.exp(-self.alpha * self._k**2 * p[:, 1:2])
            out[s : s + batch_size, 0] = modes @ self.b
        return out

    def initial(self, x):
        """The initial value ``u(x, 0)`` (exact parabola by default) at points ``[n, 2]``."""
        x = _check_points(x, 2)
        if self._parabola:
            return x[:, :1] * (self.length - x[:, :1]) / self.length**2
        return np.sin(x[:, :1] * self._k) @ self.b[:, None]
