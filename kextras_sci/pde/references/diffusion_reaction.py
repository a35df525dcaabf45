"""Diffusion-reaction equation with an analytic solution."""

from __future__ import annotations

import numpy as np

from kextras import validation

from ..domains import Interval, SpaceTime, TimeInterval
from ._base import Reference, _points

_MODES = (1, 2, 3, 4, 8)


class DiffusionReaction1D(Reference):
    """Diffusion-reaction equation on ``[-pi, pi] x [0, 1]`` with an analytic solution.

    .. math::

        u_t = d\\, u_{xx} - k\\, u + f(x, t),\\qquad
        u = e^{-t} \\sum_{j \\in \\{1, 2, 3, 4, 8\\}} \\frac{\\sin(j x)}{j},\\\\
        f = e^{-t} \\sum_j (d j^2 + k - 1) \\frac{\\sin(j x)}{j},\\quad
        u(\\pm \\pi, t) = 0,\\ u(x, 0) = \\sum_j \\sin(j x) / j.

    With the defaults ``d = 1, k = 0`` this is DeepXDE's diffusion-reaction example
    (source ``e^{-t}(3/2 sin 2x + 8/3 sin 3x + 15/4 sin 4x + 63/8 sin 8x)``).

    Args:
        d: diffusion coefficient (default ``1.0``).
        k: linear reaction (decay) rate (default ``0.0``).
    """

    name = "diffusion_reaction1d"
    equation = "u_t = d u_xx - k u + f on [-pi,pi]x[0,1], u(+-pi,t) = 0, u(x,0) = sum_j sin(jx)/j"

    def __init__(self, d=1.0, k=0.0):
        validation.positive_float("d", d)
        validation.real("k", k)
        domain = SpaceTime(Interval(-np.pi, np.pi), TimeInterval(0.0, 1.0))
        super().__init__(domain, {"d": float(d), "k": float(k)})
        self.d, self.k = float(d), float(k)

    def _series(self, x, weight):
        x, m = _points(x, 2)
        total = 0.0
        for j in _MODES:
            total = total + weight(j) * m.sin(j * x[:, :1]) / j
        return m.exp(-x[:, 1:2]) * total

    def solution(self, x):
        return self._series(x, lambda j: 1.0)

    def source(self, x):
        return self._series(x, lambda j: self.d * j * j + self.k - 1.0)
