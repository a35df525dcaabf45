"""Poisson problems with manufactured solutions."""

from __future__ import annotations

import numpy as np

from kextras import validation

from ..domains import Polygon, Rectangle
from ._base import Reference, _points


class PoissonSquare(Reference):
    """Poisson problem on the unit square with a manufactured solution.

    .. math::

        -\\Delta u = f \\text{ on } [0, 1]^2,\\quad u = 0 \\text{ on the boundary},\\quad
        u = \\sin(a \\pi x) \\sin(b \\pi y),\\quad f = (a^2 + b^2) \\pi^2 u.

    Args:
        a: integer frequency in ``x`` (default ``1``).
        b: integer frequency in ``y`` (default ``1``).
    """

    name = "poisson2d_square"
    equation = "-(u_xx + u_yy) = f on [0,1]^2, u = 0 on the boundary"

    def __init__(self, a=1, b=1):
        for key, val in (("a", a), ("b", b)):
            validation.positive_int(key, val)
        super().__init__(Rectangle([0.0, 0.0], [1.0, 1.0]), {"a": int(a), "b": int(b)})
        self.a, self.b = int(a), int(b)

    def solution(self, x):
        x, m = _points(x, 2)
        return m.sin(self.a * np.pi * x[:, :1]) * m.sin(self.b * np.pi * x[:, 1:2])

    def source(self, x):
        return (self.a**2 + self.b**2) * np.pi**2 * self.solution(x)


class PoissonLShape(Reference):
    """Poisson problem on the L-shape ``[-1, 1]^2 minus (0, 1]^2`` with a manufactured solution.

    .. math::

        -\\Delta u = f,\\quad u = e^{x} \\sin(\\pi y),\\quad f = (\\pi^2 - 1) e^{x} \\sin(\\pi y),

    with the Dirichlet data ``u = e^x sin(pi y)`` on the boundary (zero on ``y = -1, 0, 1``,
    non-zero on ``x = -1, 0, 1``). The domain is the :class:`~kextras_sci.pde.domains.Polygon`
    with vertices ``(-1,-1), (1,-1), (1,0), (0,0), (0,1), (-1,1)``.
    """

    name = "poisson2d_lshape"
    equation = "-(u_xx + u_yy) = f on the L-shape [-1,1]^2 minus (0,1]^2, u = exp(x) sin(pi y) on the boundary"

    def __init__(self):
        domain = Polygon([[-1, -1], [1, -1], [1, 0], [0, 0], [0, 1], [-1, 1]])
        super().__init__(domain, {})

    def solution(self, x):
        x, m = _points(x, 2)
        return m.exp(x[:, :1]) * m.sin(np.pi * x[:, 1:2])

    def source(self, x):
        return (np.pi**2 - 1.0) * self.solution(x)
