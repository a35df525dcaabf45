"""Helmholtz problem with a manufactured solution."""

from __future__ import annotations

import numpy as np

from kextras import validation

from ..domains import Rectangle
from ._base import Reference, _points


class HelmholtzSquare(Reference):
    """Helmholtz problem on the unit square with a manufactured solution.

    .. math::

        \\Delta u + k^2 u = f \\text{ on } [0, 1]^2,\\quad u = 0 \\text{ on the boundary},\\\\
        u = \\sin(a \\pi x) \\sin(b \\pi y),\\quad f = (k^2 - (a^2 + b^2) \\pi^2) u.

    Args:
        k: wave number (default ``2 pi``, one wavelength per unit length as in DeepXDE's
            Helmholtz example).
        a: integer frequency in ``x`` (default ``1``).
        b: integer frequency in ``y`` (default ``4``, as in PINNacle's Helmholtz case).
    """

    name = "helmholtz2d_square"
    equation = "u_xx + u_yy + k^2 u = f on [0,1]^2, u = 0 on the boundary"

    def __init__(self, k=2.0 * np.pi, a=1, b=4):
        validation.real("k", k)
        for key, val in (("a", a), ("b", b)):
            validation.positive_int(key, val)
        super().__init__(Rectangle([0.0, 0.0], [1.0, 1.0]), {"k": float(k), "a": int(a), "b": int(b)})
        self.k, self.a, self.b = float(k), int(a), int(b)

    def solution(self, x):
        x, m = _points(x, 2)
        return m.sin(self.a * np.pi * x[:, :1]) * m.sin(self.b * np.pi * x[:, 1:2])

    def source(self, x):
        return (self.k**2 - (self.a**2 + self.b**2) * np.pi**2) * self.solution(x)
