"""``Geometry``: the interface every domain implements (membership, normals, sampling)."""

from __future__ import annotations

import numpy as np

from kextras_sci.pde.domains._checks import _MAX_REJECTION_ROUNDS, _REL_TOL, _as_scalar, _check_method, _check_n, _check_points
from kextras_sci.pde.domains.unit import _UnitSampler


class Geometry:
    """Base class of all domains (see the module docstring for the common API)."""

    dim: int
    is_spacetime = False  # SpaceTime sets True (CSG and PINN defaults ask)

    # --- to be provided by subclasses -------------------------------------
    def _inside(self, x, atol):  # pragma: no cover - abstract
        raise NotImplementedError

    def _on_boundary(self, x, atol):  # pragma: no cover - abstract
        raise NotImplementedError

    def _normal(self, x, atol):  # pragma: no cover - abstract
        """Outward normals for points known to be on the boundary."""
        raise NotImplementedError

    def _bbox(self):  # pragma: no cover - abstract
        raise NotImplementedError

    # Interior candidates: a map from the unit cube of dimension
    # ``_interior_unit_dim`` to points; ``_interior_exact`` says whether every
    # mapped point lies inside (else the points are filtered with ``inside``).
    _interior_exact = False

    @property
    def _interior_unit_dim(self):
        return self.dim

    def _interior_from_unit(self, u):
        lo, hi = self.bbox
        return lo + (hi - lo) * u

    # Boundary candidates: uniform with respect to the surface measure of a set
    # that contains the boundary; ``_boundary_measure`` is the measure of that set.
    _boundary_exact = True

    @property
    def _boundary_unit_dim(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _boundary_from_unit(self, u):  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def _boundary_measure(self):  # pragma: no cover - abstract
        raise NotImplementedError

    # --- public API --------------------------------------------------------
    @property
    def bbox(self):
        """``(lo, hi)``: the axis-aligned bounding box as two ``float64[dim]`` arrays."""
        lo, hi = self._bbox()
        return np.array(lo, dtype=np.float64), np.array(hi, dtype=np.float64)

    def _default_atol(self, atol):
        if atol is None:
            lo, hi = self.bbox
            return _REL_TOL * max(1.0, float(np.linalg.norm(hi - lo)))
        atol = _as_scalar(atol, "atol")
        if atol < 0:
            raise ValueError(f"`atol` must be non-negative. Received: atol={atol!r}")
        return atol

    def boundary_parts(self, x, atol=None):
        """``{part: number of points of x on it}`` for the named parts of the boundary
        (the faces of a box, the ends of an interval; ``{}`` where none are named)."""
        return {}

    def inside(self, x, atol=None):
        """Whether each point lies in the closed domain.

        Args:
            x: points, array-like of shape ``[n, dim]``.
            atol: absolute tolerance; default ``1e-8`` times the bounding-box
                diameter (at least ``1e-8``).

        Returns:
            ``bool[n]``.
        """
        x = _check_points(x, self.dim)
        return np.asarray(self._inside(x, self._default_atol(atol)), dtype=bool)

    def on_boundary(self, x, atol=None):
        """Whether each point lies on the boundary (within ``atol``).

        Args:
            x: points, array-like of shape ``[n, dim]``.
            atol: absolute tolerance; default ``1e-8`` times the bounding-box diameter.

        Returns:
            ``bool[n]``.
        """
        x = _check_points(x, self.dim)
        return np.asarray(self._on_boundary(x, self._default_atol(atol)), dtype=bool)

    def boundary_normal(self, x, atol=None):
        """Outward unit normals at boundary points.

        At corners and edges (where the normal is not unique) the result is a unit
        vector of the normal cone: the normalised sum of the normals of the faces
        that meet there.

        Args:
            x: points on the boundary, array-like of shape ``[n, dim]``.
            atol: tolerance of the boundary test (see :meth:`on_boundary`).

        Returns:
            ``float64[n, dim]`` unit vectors.

        Raises:
            ValueError: if a point is not on the boundary.
        """
        x = _check_points(x, self.dim)
        atol = self._default_atol(atol)
        on = self._on_boundary(x, atol)
        if not np.all(on):
            bad = np.flatnonzero(~on)
            raise ValueError(
                f"`x` must lie on the boundary of {self!r} (atol={atol:g}); "
                f"{bad.size} of {x.shape[0]} points do not, the first is x[{bad[0]}]="
                f"{x[bad[0]].tolist()}"
            )
        return self._normal(x, atol)

    def sample_interior(self, n, method=None, seed=None):
        """Samples ``n`` points of the domain, uniformly with respect to volume.

        Args:
            n: number of points (positive integer).
            method: ``None`` (default: ``"hammersley"``), ``"hammersley"``, ``"uniform"``, ``"lhs"``, ``"sobol"`` or ``"halton"``.
            seed: ``None`` (default, fresh entropy), a non-negative integer or a
                ``numpy.random.Generator``.

        Returns:
            ``float64[n, dim]``.
        """
        n = _check_n(n)
        method = _check_method(method)
        sampler = _UnitSampler(self._interior_unit_dim, method, seed)
        if self._interior_exact:
            return self._interior_from_unit(sampler.draw(n))
        atol = self._default_atol(None)
        return self._rejection(
            n, sampler, self._interior_from_unit, lambda p: self._inside(p, atol), "interior"
        )

    def sample_boundary(self, n, method=None, seed=None):
        """Samples ``n`` boundary points, uniformly with respect to surface measure.

        For one-dimensional domains the boundary is a finite set of points, drawn
        with equal probability.

        Args:
            n: number of points (positive integer).
            method: ``None`` (default: ``"hammersley"``), ``"hammersley"``, ``"uniform"``, ``"lhs"``, ``"sobol"`` or ``"halton"``.
            seed: ``None`` (default), a non-negative integer or a ``numpy.random.Generator``.

        Returns:
            ``float64[n, dim]``.
        """
        n = _check_n(n)
        method = _check_method(method)
        sampler = _UnitSampler(self._boundary_unit_dim, method, seed)
        if self._boundary_exact:
            return self._boundary_from_unit(sampler.draw(n))
        atol = self._default_atol(None)
        return self._rejection(
            n, sampler, self._boundary_from_unit, lambda p: self._on_boundary(p, atol), "boundary"
        )

    def _rejection(self, n, sampler, mapping, accept, what):
        kept = []
        count = drawn = 0
        batch = max(2 * n, 64)
        for _ in range(_MAX_REJECTION_ROUNDS):
            pts = mapping(sampler.draw(batch))
            drawn += batch
            pts = pts[accept(pts)]
            kept.append(pts)
            count += pts.shape[0]
            if count >= n:
                return np.concatenate(kept, axis=0)[:n]
            if count == 0 and drawn >= 100_000:
                break
            rate = max(count, 1) / drawn
            batch = int(min(max(2 * (n - count) / rate, 64), 200_000))
        raise ValueError(
            f"Could not sample {n} {what} points of {self!r}: too few candidates were "
            "accepted. The geometry is empty or degenerate (zero volume)."
        )

    # --- constructive solid geometry --------------------------------------
    def __or__(self, other):
        from kextras_sci.pde.domains.csg import Union

        return Union(self, other)

    def __and__(self, other):
        from kextras_sci.pde.domains.csg import Intersection

        return Intersection(self, other)

    def __sub__(self, other):
        from kextras_sci.pde.domains.csg import Difference

        return Difference(self, other)
