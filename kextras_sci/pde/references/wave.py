"""One-dimensional wave equation with an analytic (standing-wave) solution."""

from __future__ import annotations

import numpy as np

from kextras import validation

from ..domains import Interval, SpaceTime, TimeInterval
from ._base import Reference, _points


class Wave1D(Reference):
    """Wave equation on ``[0, 1] x [0, 1]`` with a two-mode standing-wave solution.

    .. math::

        u_{tt} = c^2 u_{xx},\\qquad
        u = \\sin(\\pi x) \\cos(c \\pi t) + a \\sin(m \\pi x) \\cos(c m \\pi t),\\\\
        u(0, t) = u(1, t) = 0,\\quad u(x, 0) = \\sin(\\pi x) + a \\sin(m \\pi x),
        \\quad u_t(x, 0) = 0.

    With the defaults ``c = 2, m = 4, a = 0.5`` this is the wave equation of
    Wang, Yu & Perdikaris (2022, "When and why PINNs fail to train"):
    ``u = sin(pi x) cos(2 pi t) + 0.5 sin(4 pi x) cos(8 pi t)`` (PINNacle's
    ``Wave1D``); the high mode makes the unweighted PINN loss badly balanced.

    Args:
        c: wave speed (default ``2.0``).
        m: integer frequency of the second mode (default ``4``).
        a: amplitude of the second mode (default ``0.5``).
    """

    name = "wave1d"
    equation = "u_tt = c^2 u_xx on [0,1]x[0,1], u(0,t) = u(1,t) = 0, u(x,0) = sin(pi x) + a sin(m pi x), u_t(x,0) = 0"

    def __init__(self, c=2.0, m=4, a=0.5):
        validation.positive_float("c", c)
        validation.positive_int("m", m)
        validation.real("a", a)
        domain = SpaceTime(Interval(0.0, 1.0), TimeInterval(0.0, 1.0))
        super().__init__(domain, {"c": float(c), "m": int(m), "a": float(a)})
        self.c, self.m, self.a = float(c), int(m), float(a)

    def solution(self, x):
        x, mt = _points(x, 2)
        xx, t = x[:, :1], x[:, 1:2]
        c, m, a = self.c, self.m, self.a
        return mt.sin(np.pi * xx) * mt.cos(c * np.pi * t) + a * mt.sin(m * np.pi * xx) * mt.cos(c * m * np.pi * t)

    def initial_value(self, x):
        """``u(x, 0)`` at points ``[n, 2]`` (the time column is ignored)."""
        x, mt = _points(x, 2)
        xx = x[:, :1]
        return mt.sin(np.pi * xx) + self.a * mt.sin(self.m * np.pi * xx)

    def initial_velocity(self, x):
        """``u_t(x, 0) = 0`` at points ``[n, 2]``."""
        x, mt = _points(x, 2)
        return 0.0 * x[:, :1]
