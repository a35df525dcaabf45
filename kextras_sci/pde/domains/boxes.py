"""Axis-aligned boxes: ``Box`` (any dimension), ``Interval``, ``Rectangle``."""

from __future__ import annotations

import numpy as np

from kextras_sci.pde.domains._checks import _as_vector, _ordered_ends
from kextras_sci.pde.domains.base import Geometry
from kextras_sci.pde.domains.unit import _normalize_rows


class Box(Geometry):
    """Axis-aligned box ``[lo_1, hi_1] x ... x [lo_d, hi_d]`` in any dimension.

    Args:
        lo: lower corner, sequence of ``d`` numbers.
        hi: upper corner, sequence of ``d`` numbers with ``hi > lo`` componentwise.
    """

    _interior_exact = True

    def __init__(self, lo, hi):
        lo = _as_vector(lo, "lo")
        hi = _as_vector(hi, "hi", dim=lo.size)
        if np.any(hi <= lo):
            raise ValueError(
                "`hi` must be greater than `lo` in every coordinate (degenerate box). "
                f"Received: lo={lo.tolist()}, hi={hi.tolist()}"
            )
        self.lo = lo
        self.hi = hi
        self.dim = lo.size

    def __repr__(self):
        return f"{type(self).__name__}(lo={self.lo.tolist()}, hi={self.hi.tolist()})"

    def boundary_parts(self, x, atol=None):
        """``{face: number of points of x on it}``, faces ``"x0=lo"``, ``"x0=hi"``, ... (coverage checks)."""
        x = np.asarray(x, dtype=np.float64)
        atol = self._default_atol(atol)
        out = {}
        for k in range(self.dim):
            out[f"x{k}={self.lo[k]:g}"] = int(np.sum(np.abs(x[:, k] - self.lo[k]) <= atol))
            out[f"x{k}={self.hi[k]:g}"] = int(np.sum(np.abs(x[:, k] - self.hi[k]) <= atol))
        return out

    def _bbox(self):
        return self.lo, self.hi

    @property
    def volume(self):
        """Lebesgue measure of the box."""
        return float(np.prod(self.hi - self.lo))

    def _inside(self, x, atol):
        return np.all((x >= self.lo - atol) & (x <= self.hi + atol), axis=1)

    def _on_boundary(self, x, atol):
        near = (np.abs(x - self.lo) <= atol) | (np.abs(x - self.hi) <= atol)
        return self._inside(x, atol) & np.any(near, axis=1)

    def _normal(self, x, atol):
        n = np.zeros_like(x)
        n -= (np.abs(x - self.lo) <= atol).astype(np.float64)
        n += (np.abs(x - self.hi) <= atol).astype(np.float64)
        return _normalize_rows(n)

    # Faces: 2d of them, face 2k at x_k = lo_k and 2k+1 at x_k = hi_k.
    def _face_weights(self):
        ext = self.hi - self.lo
        w = np.array([np.prod(np.delete(ext, k)) for k in range(self.dim)])
        return np.repeat(w, 2)

    @property
    def _boundary_unit_dim(self):
        return self.dim

    @property
    def _boundary_measure(self):
        return float(self._face_weights().sum()) if self.dim > 1 else 2.0

    def _boundary_from_unit(self, u):
        if self.dim == 1:
            # the boundary is the two end points, each taken exactly: the rows with
            # the smaller half of u[:, 0] go to lo, the others to hi (so both ends
            # get n // 2 or more points for any method; n = 1 gives lo only)
            n = u.shape[0]
            rank = np.empty(n, dtype=np.int64)
            rank[np.argsort(u[:, 0], kind="stable")] = np.arange(n)
            return np.where(rank[:, None] < (n + 1) // 2, self.lo, self.hi)
        w = self._face_weights()
        cw = np.cumsum(w) / w.sum()
        face = np.minimum(np.searchsorted(cw, u[:, 0], side="right"), 2 * self.dim - 1)
        axis = face // 2
        pts = np.empty((u.shape[0], self.dim))
        for k in range(self.dim):
            # The remaining d-1 unit coordinates parameterise the face.
            others = [j for j in range(self.dim) if j != k]
            rows = axis == k
            sub = u[rows]
            p = np.empty((sub.shape[0], self.dim))
            for col, j in enumerate(others):
                p[:, j] = self.lo[j] + (self.hi[j] - self.lo[j]) * sub[:, 1 + col]
            p[:, k] = np.where(face[rows] % 2 == 0, self.lo[k], self.hi[k])
            pts[rows] = p
        return pts


class Interval(Box):
    """Closed interval ``[a, b]`` (a one-dimensional :class:`Box`).

    Args:
        a: left end.
        b: right end, ``b > a``.
    """

    def __init__(self, a, b):
        a, b = _ordered_ends(a, b, ("a", "b"), "interval")
        super().__init__([a], [b])
        self.a, self.b = a, b

    def __repr__(self):
        return f"{type(self).__name__}({self.a!r}, {self.b!r})"


class Rectangle(Box):
    """Axis-aligned rectangle ``[lo_0, hi_0] x [lo_1, hi_1]`` (a two-dimensional :class:`Box`).

    Args:
        lo: lower-left corner ``(x0, y0)``.
        hi: upper-right corner ``(x1, y1)``.
    """

    def __init__(self, lo, hi):
        lo = _as_vector(lo, "lo", dim=2)
        hi = _as_vector(hi, "hi", dim=2)
        super().__init__(lo, hi)
