"""Viscous Burgers equation, exact solution by the Cole-Hopf transform."""

from __future__ import annotations

import numpy as np

from kextras import validation

from ..domains import Interval, SpaceTime, TimeInterval, _check_points
from ._base import Reference


class Burgers1D(Reference):
    """Viscous Burgers equation on ``[-1, 1] x [0, t_end]`` with ``u0 = -sin(pi x)``.

    .. math::

        u_t + u u_x = \\nu u_{xx},\\quad u(x, 0) = -\\sin(\\pi x),\\quad u(\\pm 1, t) = 0.

    The Cole-Hopf transform ``u = -2 nu phi_x / phi`` turns it into the heat equation;
    with the substitution ``eta = sqrt(4 nu t) z`` the solution is a ratio of two
    Gaussian integrals,

    .. math::

        u(x, t) = -\\frac{\\int \\sin(\\pi (x - s z)) f(x - s z) e^{-z^2} dz}
                        {\\int f(x - s z) e^{-z^2} dz},\\quad
        f(y) = e^{-\\cos(\\pi y) / (2 \\pi \\nu)},\\ s = \\sqrt{4 \\nu t},

    evaluated with Gauss-Hermite quadrature. ``f`` spans ``e^{\\pm 1/(2 pi nu)}``
    (``e^{\\pm 50}`` for ``nu = 0.01/pi``), so both sums are scaled by the largest
    exponent before exponentiating (log-sum-exp form: no overflow, no cancellation).
    The boundary values ``u(+-1, t) = 0`` hold by symmetry.

    Args:
        nu: viscosity, default ``0.01 / pi``.
        t_end: final time, default ``1.0``.
        n_quad: number of Gauss-Hermite nodes, ``2 <= n_quad <= 300``, default ``200``
            (64 nodes already reproduce Basdevant et al.'s (1986) maximal slope
            ``u_x(0, 1.6037/pi) = -152.00516`` to 7 digits for the default ``nu``;
            NumPy's node computation overflows beyond about 350 nodes).
    """

    name = "burgers1d"
    equation = "u_t + u u_x - nu u_xx = 0 on [-1,1]x[0,t_end]; u(x,0) = -sin(pi x); u(-1,t) = u(1,t) = 0"

    def __init__(self, nu=0.01 / np.pi, t_end=1.0, n_quad=200):
        validation.positive_float("nu", nu)
        validation.positive_float("t_end", t_end)
        validation.integer("n_quad", n_quad, minimum=2, maximum=300)
        domain = SpaceTime(Interval(-1.0, 1.0), TimeInterval(0.0, float(t_end)))
        super().__init__(domain, {"nu": float(nu)})
        self.nu = float(nu)
        self.n_quad = int(n_quad)
        self._z, self._w = np.polynomial.hermite.hermgauss(self.n_quad)

    def solution(self, x, batch_size=4096):
        """Exact ``u(x, t)`` at points ``x = [[x, t], ...]`` (NumPy only) -> ``float64[n, 1]``."""
        x = _check_points(x, 2)
        out = np.empty((x.shape[0], 1))
        for start in range(0, x.shape[0], batch_size):
            out[start : start + batch_size, 0] = self._solve(x[start : start + batch_size])
        return out

    def _solve(self, pts):
        xx = pts[:, :1]
        t = np.clip(pts[:, 1:], 0.0, None)
        s = np.sqrt(4.0 * self.nu * t)
        y = xx - s * self._z[None, :]
        expo = -np.cos(np.pi * y) / (2.0 * np.pi * self.nu)
        expo -= expo.max(axis=1, keepdims=True)
        g = self._w[None, :] * np.exp(expo)
        return -np.sum(np.sin(np.pi * y) * g, axis=1) / np.sum(g, axis=1)

    def initial(self, x):
        """``u(x, 0) = -sin(pi x)`` for points ``[n, 2]`` (the ``t`` column is ignored)."""
        x = _check_points(x, 2)
        return -np.sin(np.pi * x[:, :1])

    def grid(self, nx=256, nt=100):
        """The reference on a tensor grid (Raissi et al.'s layout: 256 x 100 points).

        Args:
            nx: points in ``x`` on ``[-1, 1]`` (default ``256``).
            nt: points in ``t`` on ``[0, t_end]`` (default ``100``).

        Returns:
            ``(x, t, u)`` with ``x`` ``[nx]``, ``t`` ``[nt]``, ``u`` ``[nt, nx]``.
        """
        xs = np.linspace(-1.0, 1.0, nx)
        ts = np.linspace(0.0, self.domain.time.t1, nt)
        X, T = np.meshgrid(xs, ts)
        u = self.solution(np.stack([X.ravel(), T.ravel()], axis=1)).reshape(nt, nx)
        return xs, ts, u
