"""Time: ``TimeInterval`` and the space-time cylinder ``SpaceTime``."""

from __future__ import annotations

import numpy as np

from kextras_sci.pde.domains._checks import _REL_TOL, _check_method, _check_n, _check_points, _ordered_ends
from kextras_sci.pde.domains.base import Geometry
from kextras_sci.pde.domains.boxes import Interval


class TimeInterval(Interval):
    """Time interval ``[t0, t1]``.

    Args:
        t0: initial time.
        t1: final time, ``t1 > t0``.
    """

    def __init__(self, t0, t1):
        t0, t1 = _ordered_ends(t0, t1, ("t0", "t1"), "time interval")
        super().__init__(t0, t1)
        self.t0, self.t1 = t0, t1

    is_time = True  # a bare time interval: an ODE, its one coordinate is ``t``

    def on_initial(self, x, atol=None):
        """Whether each point ``[n, 1]`` is the initial time ``t0``."""
        x = _check_points(x, 1)
        return np.abs(x[:, 0] - self.t0) <= self._default_atol(atol)

    def sample_initial(self, n, method=None, seed=None):
        """``n`` copies of the initial time ``[[t0]]`` (the initial "slice" of an ODE).

        ``method`` and ``seed`` are accepted for the common sampling interface.
        """
        _check_method(method)
        return np.full((_check_n(n), 1), self.t0)


class SpaceTime(Geometry):
    """Space-time cylinder ``space x [t0, t1]``; columns are the space coordinates, then ``t``.

    ``on_boundary`` / ``sample_boundary`` / ``boundary_normal`` refer to the *spatial*
    boundary times the time interval (where boundary conditions apply); the initial
    slice ``t = t0`` is handled by :meth:`on_initial` and :meth:`sample_initial`.

    Args:
        space: a spatial :class:`Geometry`.
        time: a :class:`TimeInterval` (or :class:`Interval`).
    """

    is_spacetime = True

    def __init__(self, space, time):
        if not isinstance(space, Geometry) or isinstance(space, SpaceTime):
            raise TypeError(f"`space` must be a spatial Geometry. Received: space={space!r}")
        if not isinstance(time, Interval):
            raise TypeError(f"`time` must be a TimeInterval. Received: time={time!r}")
        if not isinstance(time, TimeInterval):
            time = TimeInterval(time.a, time.b)
        self.space = space
        self.time = time
        self.dim = space.dim + 1
        self._interior_exact = space._interior_exact
        self._boundary_exact = space._boundary_exact

    def __repr__(self):
        return f"SpaceTime({self.space!r}, {self.time!r})"

    def _bbox(self):
        lo, hi = self.space.bbox
        return np.append(lo, self.time.t0), np.append(hi, self.time.t1)

    def _default_atol(self, atol):
        if atol is None:
            lo, hi = self.space.bbox
            return _REL_TOL * max(1.0, float(np.linalg.norm(hi - lo)), self.time.t1 - self.time.t0)
        return super()._default_atol(atol)

    def _inside(self, x, atol):
        return self.space._inside(x[:, :-1], atol) & self.time._inside(x[:, -1:], atol)

    def _on_boundary(self, x, atol):
        return self.space._on_boundary(x[:, :-1], atol) & self.time._inside(x[:, -1:], atol)

    def _normal(self, x, atol):
        return np.concatenate([self.space._normal(x[:, :-1], atol), np.zeros((x.shape[0], 1))], 1)

    def boundary_parts(self, x, atol=None):
        """Coverage of the spatial boundary (a box's faces) by ``x``; ``{}`` for other spaces."""
        parts = getattr(self.space, "boundary_parts", None)
        return {} if parts is None else parts(np.asarray(x)[:, :-1], atol)

    def on_initial(self, x, atol=None):
        """Whether each point lies on the initial slice ``t = t0`` (space closed).

        Args:
            x: points ``[n, dim]``.
            atol: tolerance, as for :meth:`on_boundary`.

        Returns:
            ``bool[n]``.
        """
        x = _check_points(x, self.dim)
        atol = self._default_atol(atol)
        return self.space._inside(x[:, :-1], atol) & (np.abs(x[:, -1] - self.time.t0) <= atol)

    @property
    def _interior_unit_dim(self):
        return self.space._interior_unit_dim + 1

    def _interior_from_unit(self, u):
        t = self.time.t0 + (self.time.t1 - self.time.t0) * u[:, -1:]
        return np.concatenate([self.space._interior_from_unit(u[:, :-1]), t], axis=1)

    @property
    def _boundary_unit_dim(self):
        return self.space._boundary_unit_dim + 1

    @property
    def _boundary_measure(self):
        return self.space._boundary_measure * (self.time.t1 - self.time.t0)

    def _boundary_from_unit(self, u):
        t = self.time.t0 + (self.time.t1 - self.time.t0) * u[:, -1:]
        return np.concatenate([self.space._boundary_from_unit(u[:, :-1]), t], axis=1)

    def sample_initial(self, n, method=None, seed=None):
        """Samples ``n`` points of ``space x {t0}`` (uniform in space).

        Args:
            n: number of points (positive integer).
            method: ``None`` (default: ``"hammersley"``), ``"hammersley"``, ``"uniform"``, ``"lhs"``, ``"sobol"`` or ``"halton"``.
            seed: ``None`` (default), a non-negative integer or a ``numpy.random.Generator``.

        Returns:
            ``float64[n, dim]`` with last column ``t0``.
        """
        x = self.space.sample_interior(n, method=method, seed=seed)
        return np.concatenate([x, np.full((x.shape[0], 1), self.time.t0)], axis=1)
