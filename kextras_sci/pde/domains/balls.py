"""Balls: ``Ball`` (any dimension) and ``Disk``."""

from __future__ import annotations

import numpy as np
from scipy import special

from kextras_sci.pde.domains._checks import _as_scalar, _as_vector
from kextras_sci.pde.domains.base import Geometry
from kextras_sci.pde.domains.unit import _direction_unit_dim, _normalize_rows, _unit_to_direction


class Ball(Geometry):
    """Closed ball ``{x : |x - center| <= radius}`` in any dimension.

    Args:
        center: sequence of ``d`` numbers.
        radius: positive number.
    """

    _interior_exact = True

    def __init__(self, center, radius):
        self.center = _as_vector(center, "center")
        radius = _as_scalar(radius, "radius")
        if radius <= 0:
            raise ValueError(f"`radius` must be positive. Received: radius={radius!r}")
        self.radius = radius
        self.dim = self.center.size

    def __repr__(self):
        return f"{type(self).__name__}(center={self.center.tolist()}, radius={self.radius!r})"

    def _bbox(self):
        return self.center - self.radius, self.center + self.radius

    @property
    def volume(self):
        """Lebesgue measure of the ball."""
        d = self.dim
        return float(np.pi ** (d / 2) / special.gamma(d / 2 + 1) * self.radius**d)

    def _dist(self, x):
        return np.linalg.norm(x - self.center, axis=1)

    def _inside(self, x, atol):
        return self._dist(x) <= self.radius + atol

    def _on_boundary(self, x, atol):
        return np.abs(self._dist(x) - self.radius) <= atol

    def _normal(self, x, atol):
        return _normalize_rows(x - self.center)

    @property
    def _interior_unit_dim(self):
        return 1 + _direction_unit_dim(self.dim)

    def _interior_from_unit(self, u):
        r = self.radius * u[:, :1] ** (1.0 / self.dim)
        return self.center + r * _unit_to_direction(u[:, 1:], self.dim)

    @property
    def _boundary_unit_dim(self):
        return _direction_unit_dim(self.dim)

    @property
    def _boundary_measure(self):
        d = self.dim
        if d == 1:
            return 2.0
        return float(2 * np.pi ** (d / 2) / special.gamma(d / 2) * self.radius ** (d - 1))

    def _boundary_from_unit(self, u):
        return self.center + self.radius * _unit_to_direction(u, self.dim)


class Disk(Ball):
    """Closed disk ``{(x, y) : |(x, y) - center| <= radius}`` (a two-dimensional :class:`Ball`).

    Args:
        center: ``(x0, y0)``.
        radius: positive number.
    """

    def __init__(self, center, radius):
        _as_vector(center, "center", dim=2)
        super().__init__(center, radius)
