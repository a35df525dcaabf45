"""``Polygon``: a simple closed polygon in the plane."""

from __future__ import annotations

import numpy as np

from kextras_sci.pde.domains._checks import float_array
from kextras_sci.pde.domains.base import Geometry
from kextras_sci.pde.domains.unit import _normalize_rows


def _segments_intersect(p1, p2, q1, q2):
    def orient(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = orient(q1, q2, p1), orient(q1, q2, p2)
    d3, d4 = orient(p1, p2, q1), orient(p1, p2, q2)
    if ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and d1 * d2 < 0 and d3 * d4 < 0:
        return True

    def on_seg(a, b, c):
        return (
            abs(orient(a, b, c)) <= 1e-14 * max(1.0, np.abs(np.r_[a, b, c]).max()) ** 2
            and min(a[0], b[0]) <= c[0] <= max(a[0], b[0])
            and min(a[1], b[1]) <= c[1] <= max(a[1], b[1])
        )

    return on_seg(q1, q2, p1) or on_seg(q1, q2, p2) or on_seg(p1, p2, q1) or on_seg(p1, p2, q2)


class Polygon(Geometry):
    """Simple (non self-intersecting) closed polygon in the plane.

    Args:
        vertices: array-like ``[m, 2]`` with ``m >= 3`` vertices in order (clockwise or
            counter-clockwise; a repeated first vertex at the end is dropped).
    """

    def __init__(self, vertices):
        v = float_array(vertices, f"`vertices` must be an array of shape [m, 2]. Received: vertices={vertices!r}")
        if v.ndim != 2 or v.shape[1] != 2:
            raise ValueError(
                f"`vertices` must have shape [m, 2]. Received: vertices.shape={v.shape}"
            )
        if not np.all(np.isfinite(v)):
            raise ValueError(f"`vertices` must be finite. Received: vertices={v.tolist()}")
        if v.shape[0] > 3 and np.array_equal(v[0], v[-1]):
            v = v[:-1]
        if v.shape[0] < 3:
            raise ValueError(
                f"`vertices` must contain at least 3 points. Received: vertices={v.tolist()}"
            )
        nxt = np.roll(v, -1, axis=0)
        edge_len = np.linalg.norm(nxt - v, axis=1)
        if np.any(edge_len == 0):
            raise ValueError(
                f"`vertices` must not repeat consecutive points. Received: vertices={v.tolist()}"
            )
        area2 = float(np.sum(v[:, 0] * nxt[:, 1] - nxt[:, 0] * v[:, 1]))
        scale = float(np.max(np.ptp(v, axis=0)))
        if abs(area2) <= 1e-12 * scale**2:
            raise ValueError(
                f"`vertices` enclose zero area (degenerate polygon). Received: vertices={v.tolist()}"
            )
        m = v.shape[0]
        for i in range(m):
            for j in range(i + 1, m):
                if j == i + 1 or (i == 0 and j == m - 1):
                    continue  # adjacent edges share a vertex
                if _segments_intersect(v[i], nxt[i], v[j], nxt[j]):
                    raise ValueError(
                        "`vertices` must describe a simple polygon; edges "
                        f"{i} and {j} intersect. Received: vertices={v.tolist()}"
                    )
        if area2 < 0:  # store counter-clockwise
            v = v[::-1].copy()
            nxt = np.roll(v, -1, axis=0)
            edge_len = np.linalg.norm(nxt - v, axis=1)
        self.vertices = v
        self.dim = 2
        self.area = abs(area2) / 2.0
        self._start = v
        self._edge = nxt - v
        self._edge_len = edge_len
        d = self._edge / edge_len[:, None]
        self._edge_normal = np.stack([d[:, 1], -d[:, 0]], axis=1)  # outward for CCW
        self._cum = np.concatenate([[0.0], np.cumsum(edge_len)])

    def __repr__(self):
        return f"Polygon(vertices={self.vertices.tolist()})"

    @property
    def volume(self):
        """Area of the polygon."""
        return self.area

    def _bbox(self):
        return self.vertices.min(axis=0), self.vertices.max(axis=0)

    def _edge_distance(self, x):
        # [n, m] distances from points to edges
        rel = x[:, None, :] - self._start[None]
        s = np.einsum("nmk,mk->nm", rel, self._edge) / self._edge_len**2
        s = np.clip(s, 0.0, 1.0)
        closest = self._start[None] + s[..., None] * self._edge[None]
        return np.linalg.norm(x[:, None, :] - closest, axis=2)

    def _inside(self, x, atol):
        # even-odd ray casting, then closed with the boundary
        px, py = x[:, :1], x[:, 1:]
        x0, y0 = self._start[:, 0][None], self._start[:, 1][None]
        x1, y1 = (self._start + self._edge)[:, 0][None], (self._start + self._edge)[:, 1][None]
        cond = (y0 > py) != (y1 > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            xint = x0 + (py - y0) * (x1 - x0) / (y1 - y0)
        crossings = np.sum(cond & (px < xint), axis=1)
        return (crossings % 2 == 1) | self._on_boundary(x, atol)

    def _on_boundary(self, x, atol):
        return np.any(self._edge_distance(x) <= atol, axis=1)

    def _normal(self, x, atol):
        near = (self._edge_distance(x) <= atol).astype(np.float64)
        return _normalize_rows(near @ self._edge_normal)

    @property
    def _boundary_unit_dim(self):
        return 1

    @property
    def _boundary_measure(self):
        return float(self._cum[-1])

    def _boundary_from_unit(self, u):
        s = u[:, 0] * self._cum[-1]
        i = np.clip(np.searchsorted(self._cum, s, side="right") - 1, 0, len(self._edge_len) - 1)
        frac = (s - self._cum[i]) / self._edge_len[i]
        return self._start[i] + frac[:, None] * self._edge[i]
