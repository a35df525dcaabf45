"""Constructive solid geometry: ``Union`` (``a | b``), ``Intersection`` (``a & b``), ``Difference`` (``a - b``)."""

from __future__ import annotations

import numpy as np

from kextras_sci.pde.domains._checks import _NORMAL_TOL
from kextras_sci.pde.domains.base import Geometry
from kextras_sci.pde.domains.unit import _normalize_rows


class _CSG(Geometry):
    """Shared machinery of :class:`Union`, :class:`Intersection`, :class:`Difference`."""

    _boundary_exact = False
    _op = "?"

    def __init__(self, a, b):
        for name, g in (("a", a), ("b", b)):
            if not isinstance(g, Geometry) or g.is_spacetime:
                raise TypeError(
                    f"`{name}` must be a spatial Geometry (not SpaceTime). Received: {name}={g!r}"
                )
        if a.dim != b.dim:
            raise ValueError(
                "Both operands must have the same dimension. "
                f"Received: a.dim={a.dim} ({a!r}), b.dim={b.dim} ({b!r})"
            )
        self.a, self.b = a, b
        self.dim = a.dim
        lo, hi = self._bbox()
        if np.any(hi <= lo):
            raise ValueError(f"The {type(self).__name__} of {a!r} and {b!r} is empty (degenerate).")

    def __repr__(self):
        return f"({self.a!r} {self._op} {self.b!r})"

    def _parts(self, x, atol):
        ia, ib = self.a._inside(x, atol), self.b._inside(x, atol)
        ba, bb = self.a._on_boundary(x, atol), self.b._on_boundary(x, atol)
        both = ba & bb
        dot = np.zeros(x.shape[0])
        if np.any(both):
            na = self.a._normal(x[both], atol)
            nb = self.b._normal(x[both], atol)
            dot[both] = np.sum(na * nb, axis=1)
        same = both & (dot >= 1.0 - _NORMAL_TOL)
        opposite = both & (dot <= -1.0 + _NORMAL_TOL)
        return ia, ib, ba, bb, same, opposite

    @property
    def _boundary_unit_dim(self):
        return 1 + max(self.a._boundary_unit_dim, self.b._boundary_unit_dim)

    @property
    def _boundary_measure(self):
        return self.a._boundary_measure + self.b._boundary_measure

    def _boundary_from_unit(self, u):
        # Candidates uniform on the union of both operands' boundary candidates;
        # sample_boundary keeps those on this boundary.
        wa = self.a._boundary_measure / self._boundary_measure
        use_a = u[:, 0] < wa
        out = np.empty((u.shape[0], self.dim))
        if np.any(use_a):
            out[use_a] = self.a._boundary_from_unit(u[use_a, 1 : 1 + self.a._boundary_unit_dim])
        if np.any(~use_a):
            out[~use_a] = self.b._boundary_from_unit(u[~use_a, 1 : 1 + self.b._boundary_unit_dim])
        return out

    def _combine_normals(self, x, atol, na_mask, nb_mask, sign_b):
        n = np.zeros_like(x)
        if np.any(na_mask):
            n[na_mask] += self.a._normal(x[na_mask], atol)
        if np.any(nb_mask):
            n[nb_mask] += sign_b * self.b._normal(x[nb_mask], atol)
        return _normalize_rows(n)


class Union(_CSG):
    """Union ``a | b`` of two domains of the same dimension.

    Args:
        a: a :class:`Geometry`.
        b: a :class:`Geometry` with ``b.dim == a.dim``.
    """

    _op = "|"

    def _bbox(self):
        (la, ha), (lb, hb) = self.a.bbox, self.b.bbox
        return np.minimum(la, lb), np.maximum(ha, hb)

    def _masks(self, x, atol):
        ia, ib, ba, bb, same, opposite = self._parts(x, atol)
        on_a = ba & ~(ib & ~bb) & ~opposite
        on_b = bb & ~(ia & ~ba) & ~opposite
        return ia | ib, on_a, on_b

    def _inside(self, x, atol):
        return self.a._inside(x, atol) | self.b._inside(x, atol)

    def _on_boundary(self, x, atol):
        _, on_a, on_b = self._masks(x, atol)
        return on_a | on_b

    def _normal(self, x, atol):
        _, on_a, on_b = self._masks(x, atol)
        return self._combine_normals(x, atol, on_a, on_b, 1.0)


class Intersection(_CSG):
    """Intersection ``a & b`` of two domains of the same dimension.

    Args:
        a: a :class:`Geometry`.
        b: a :class:`Geometry` with ``b.dim == a.dim``.
    """

    _op = "&"

    def _bbox(self):
        (la, ha), (lb, hb) = self.a.bbox, self.b.bbox
        return np.maximum(la, lb), np.minimum(ha, hb)

    def _masks(self, x, atol):
        ia, ib, ba, bb, same, opposite = self._parts(x, atol)
        on_a = ba & ib & ~opposite
        on_b = bb & ia & ~opposite
        return on_a, on_b

    def _inside(self, x, atol):
        return self.a._inside(x, atol) & self.b._inside(x, atol)

    def _on_boundary(self, x, atol):
        on_a, on_b = self._masks(x, atol)
        return on_a | on_b

    def _normal(self, x, atol):
        on_a, on_b = self._masks(x, atol)
        return self._combine_normals(x, atol, on_a, on_b, 1.0)


class Difference(_CSG):
    """Difference ``a - b``: the closure of the points of ``a`` not in ``b``.

    Args:
        a: a :class:`Geometry`.
        b: a :class:`Geometry` with ``b.dim == a.dim``.
    """

    _op = "-"

    def _bbox(self):
        return self.a.bbox

    def _masks(self, x, atol):
        ia, ib, ba, bb, same, opposite = self._parts(x, atol)
        interior_b = ib & ~bb
        inside = ia & ~interior_b & ~same
        on_a = ba & ~interior_b & ~same
        on_b = bb & ia & ~same
        return inside, on_a, on_b

    def _inside(self, x, atol):
        return self._masks(x, atol)[0]

    def _on_boundary(self, x, atol):
        _, on_a, on_b = self._masks(x, atol)
        return on_a | on_b

    def _normal(self, x, atol):
        _, on_a, on_b = self._masks(x, atol)
        return self._combine_normals(x, atol, on_a, on_b, -1.0)
