"""Nonlinear Klein-Gordon equation with an analytic solution."""

from __future__ import annotations

import numpy as np

from kextras import validation

from ..domains import Interval, SpaceTime, TimeInterval
from ._base import Reference, _points


class KleinGordon1D(Reference):
    """Nonlinear Klein-Gordon equation on ``[0, 1] x [0, 1]`` with an analytic solution.

    .. math::

        u_{tt} + \\alpha u_{xx} + \\beta u + \\gamma u^3 = f,\\qquad
        u = x \\cos(5 \\pi t) + (x t)^3,\\\\
        f = -25 \\pi^2 x \\cos(5 \\pi t) + 6 x^3 t + \\alpha\\, 6 x t^3 + \\beta u + \\gamma u^3,

    with ``u(x, 0) = x``, ``u_t(x, 0) = 0`` and the Dirichlet data ``u`` on ``x = 0, 1``
    (the case of Wang, Teng & Perdikaris, 2021, with ``alpha = -1, beta = 0, gamma = 1``).

    Args:
        alpha: coefficient of ``u_xx`` (default ``-1.0``).
        beta: coefficient of ``u`` (default ``0.0``).
        gamma: coefficient of ``u^3`` (default ``1.0``).
    """

    name = "klein_gordon1d"
    equation = "u_tt + alpha u_xx + beta u + gamma u^3 = f on [0,1]x[0,1], u(x,0) = x, u_t(x,0) = 0"

    def __init__(self, alpha=-1.0, beta=0.0, gamma=1.0):
        for key, val in (("alpha", alpha), ("beta", beta), ("gamma", gamma)):
            validation.real(key, val)
        domain = SpaceTime(Interval(0.0, 1.0), TimeInterval(0.0, 1.0))
        super().__init__(domain, {"alpha": float(alpha), "beta": float(beta), "gamma": float(gamma)})
        self.alpha, self.beta, self.gamma = float(alpha), float(beta), float(gamma)

    def solution(self, x):
        x, m = _points(x, 2)
        xx, t = x[:, :1], x[:, 1:2]
        return xx * m.cos(5.0 * np.pi * t) + (xx * t) ** 3

    def initial_velocity(self, x):
        """``u_t(x, 0) = 0`` at points ``[n, 2]``."""
        x, m = _points(x, 2)
        return 0.0 * x[:, :1]

    def source(self, x):
        x, m = _points(x, 2)
        xx, t = x[:, :1], x[:, 1:2]
        u = self.solution(x)
        u_tt = -25.0 * np.pi**2 * xx * m.cos(5.0 * np.pi * t) + 6.0 * xx**3 * t
        u_xx = 6.0 * xx * t**3
        return u_tt + self.alpha * u_xx + self.beta * u + self.gamma * u**3
