"""Geometric domains and collocation-point sampling for physics-informed losses.

Every domain works on NumPy ``float64`` point arrays of shape ``[n, dim]``:

* ``dim`` and ``bbox`` (a pair ``(lo, hi)`` of ``float64[dim]`` arrays);
* ``inside(x, atol=None) -> bool[n]``: membership of the *closed* domain;
* ``on_boundary(x, atol=None) -> bool[n]``;
* ``boundary_normal(x, atol=None) -> float64[n, dim]``: outward unit normals
  (at corners and edges: the normalised sum of the normals of the faces that meet);
* ``sample_interior(n, method="uniform", seed=None) -> float64[n, dim]``;
* ``sample_boundary(n, method="uniform", seed=None) -> float64[n, dim]``.

``method`` is one of ``"uniform"`` (i.i.d. uniform), ``"lhs"`` (Latin hypercube),
``"sobol"`` (scrambled Sobol) or ``"halton"`` (scrambled Halton); the quasi-random
engines come from :mod:`scipy.stats.qmc`. A ``seed`` (int or ``numpy.random.Generator``)
makes every draw deterministic.

Shapes: :class:`Interval`, :class:`Rectangle`, :class:`Box` (any dimension),
:class:`Disk`, :class:`Ball` (any dimension), :class:`Polygon`; constructive solid
geometry with ``a | b`` (:class:`Union`), ``a & b`` (:class:`Intersection`) and
``a - b`` (:class:`Difference`); :class:`TimeInterval` and :class:`SpaceTime`
(columns: the space coordinates, then ``t``).

Sampling is uniform with respect to volume (interior) and surface measure
(boundary). Shapes with an explicit parameterisation (boxes, balls, polygon
boundaries) map the unit cube onto the shape, so Latin hypercube and low-discrepancy
sequences keep their structure; everything else (polygon interiors, CSG) draws from
the bounding box (or from the boundaries of the parts) and keeps the accepted points.

A CSG boundary point shared by both operands is classified with the outward normals:
where the two boundaries coincide with the *same* normal in a difference (for example
the common edge of ``Rectangle([0, 0], [1, 1]) - Rectangle([0.5, 0.5], [1, 1])`` at
``x = 1``), the point belongs neither to the domain nor to its boundary; where they touch
with *opposite* normals in a union, the point is interior.
"""

from __future__ import annotations

import inspect
import math
import numbers
import warnings

import numpy as np
from scipy import special
from scipy.stats import qmc

__all__ = [
    "Geometry",
    "Interval",
    "Rectangle",
    "Box",
    "Disk",
    "Ball",
    "Polygon",
    "Union",
    "Intersection",
    "Difference",
    "TimeInterval",
    "SpaceTime",
    "SAMPLING_METHODS",
]

SAMPLING_METHODS = ("uniform", "lhs", "sobol", "halton")

# Relative tolerance (times the bounding-box diameter) used when atol is None.
_REL_TOL = 1e-8
# Two unit normals are "the same" / "opposite" when their dot product is within this of +-1.
_NORMAL_TOL = 1e-6
_MAX_REJECTION_ROUNDS = 200


# ---------------------------------------------------------------------------
# validation helpers
# ---------------------------------------------------------------------------


def _check_n(n, name="n"):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n <= 0:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={n!r}")
    return int(n)


def _check_method(method):
    if not isinstance(method, str) or method.lower() not in SAMPLING_METHODS:
        raise ValueError(
            f"`method` must be one of {SAMPLING_METHODS}. Received: method={method!r}"
        )
    return method.lower()


def _as_vector(value, name, dim=None):
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"`{name}` must be a sequence of numbers. Received: {name}={value!r}"
        ) from None
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"`{name}` must be a 1D sequence of coordinates. Received: {name}={value!r}"
        )
    if dim is not None and arr.size != dim:
        raise ValueError(
            f"`{name}` must have {dim} coordinates. Received: {name}={value!r}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` must be finite. Received: {name}={value!r}")
    return arr


def _as_scalar(value, name):
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise ValueError(f"`{name}` must be a real number. Received: {name}={value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"`{name}` must be finite. Received: {name}={value!r}")
    return value


def _check_points(x, dim, name="x"):
    """Returns ``x`` as a float64 ``[n, dim]`` array or raises a ValueError."""
    if hasattr(x, "numpy") and not isinstance(x, np.ndarray):
        x = x.numpy()
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"`{name}` must be an array of points of shape [n, {dim}]. "
            f"Received: {name} of type {type(x).__name__}"
        ) from None
    if arr.ndim != 2 or arr.shape[1] != dim:
        raise ValueError(
            f"`{name}` must have shape [n, {dim}] (one row per point, {dim} coordinates). "
            f"Received: {name}.shape={arr.shape}"
        )
    return arr


def _make_rng(seed):
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(
            "`seed` must be None, a non-negative integer or a numpy.random.Generator. "
            f"Received: seed={seed!r}"
        )
    return np.random.default_rng(int(seed))


_QMC_USES_RNG = "rng" in inspect.signature(qmc.Sobol).parameters


class _UnitSampler:
    """Stream of points in the unit cube ``[0, 1)^d`` for one sampling method."""

    def __init__(self, d, method, seed):
        self.d = d
        self.method = method
        self.rng = _make_rng(seed)
        self.engine = None
        if method != "uniform":
            cls = {"lhs": qmc.LatinHypercube, "sobol": qmc.Sobol, "halton": qmc.Halton}[method]
            kwargs = {"rng": self.rng} if _QMC_USES_RNG else {"seed": self.rng}
            self.engine = cls(d, scramble=True, **kwargs)

    def draw(self, n):
        if self.engine is None:
            return self.rng.random((n, self.d))
        with warnings.catch_warnings():
            # Sobol warns when n is not a power of two; prefixes of the sequence are fine.
            warnings.simplefilter("ignore", UserWarning)
            return np.asarray(self.engine.random(n), dtype=np.float64)


def _normalize_rows(v):
    norm = np.linalg.norm(v, axis=1, keepdims=True)
    return np.divide(v, norm, out=np.zeros_like(v), where=norm > 0)


def _unit_to_direction(u, d):
    """Maps ``u`` (``[n, _direction_unit_dim(d)]`` in ``[0, 1)``) to uniform directions in R^d."""
    u = u[:, : _direction_unit_dim(d)]
    if d == 1:
        return np.where(u[:, :1] < 0.5, -1.0, 1.0)
    if d == 2:
        theta = 2.0 * np.pi * u[:, 0]
        return np.stack([np.cos(theta), np.sin(theta)], axis=1)
    if d == 3:
        z = 1.0 - 2.0 * u[:, 0]
        phi = 2.0 * np.pi * u[:, 1]
        s = np.sqrt(np.clip(1.0 - z * z, 0.0, None))
        return np.stack([s * np.cos(phi), s * np.sin(phi), z], axis=1)
    g = special.ndtri(np.clip(u, 1e-12, 1.0 - 1e-12))
    return _normalize_rows(g)


def _direction_unit_dim(d):
    return {1: 1, 2: 1, 3: 2}.get(d, d)


# ---------------------------------------------------------------------------
# base class
# ---------------------------------------------------------------------------


class Geometry:
    """Base class of all domains (see the module docstring for the common API)."""

    dim: int

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

    def sample_interior(self, n, method="uniform", seed=None):
        """Samples ``n`` points of the domain, uniformly with respect to volume.

        Args:
            n: number of points (positive integer).
            method: ``"uniform"`` (default), ``"lhs"``, ``"sobol"`` or ``"halton"``.
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

    def sample_boundary(self, n, method="uniform", seed=None):
        """Samples ``n`` boundary points, uniformly with respect to surface measure.

        For one-dimensional domains the boundary is a finite set of points, drawn
        with equal probability.

        Args:
            n: number of points (positive integer).
            method: ``"uniform"`` (default), ``"lhs"``, ``"sobol"`` or ``"halton"``.
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
        return Union(self, other)

    def __and__(self, other):
        return Intersection(self, other)

    def __sub__(self, other):
        return Difference(self, other)


# ---------------------------------------------------------------------------
# boxes
# ---------------------------------------------------------------------------


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
        a = _as_scalar(a, "a")
        b = _as_scalar(b, "b")
        if not b > a:
            raise ValueError(
                f"`b` must be greater than `a` (degenerate interval). Received: a={a!r}, b={b!r}"
            )
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


# ---------------------------------------------------------------------------
# balls
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# polygon
# ---------------------------------------------------------------------------


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
        try:
            v = np.asarray(vertices, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"`vertices` must be an array of shape [m, 2]. Received: vertices={vertices!r}"
            ) from None
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


# ---------------------------------------------------------------------------
# constructive solid geometry
# ---------------------------------------------------------------------------


class _CSG(Geometry):
    """Shared machinery of :class:`Union`, :class:`Intersection`, :class:`Difference`."""

    _boundary_exact = False
    _op = "?"

    def __init__(self, a, b):
        for name, g in (("a", a), ("b", b)):
            if not isinstance(g, Geometry) or isinstance(g, SpaceTime):
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


# ---------------------------------------------------------------------------
# time
# ---------------------------------------------------------------------------


class TimeInterval(Interval):
    """Time interval ``[t0, t1]``.

    Args:
        t0: initial time.
        t1: final time, ``t1 > t0``.
    """

    def __init__(self, t0, t1):
        t0 = _as_scalar(t0, "t0")
        t1 = _as_scalar(t1, "t1")
        if not t1 > t0:
            raise ValueError(
                f"`t1` must be greater than `t0` (degenerate time interval). "
                f"Received: t0={t0!r}, t1={t1!r}"
            )
        super().__init__(t0, t1)
        self.t0, self.t1 = t0, t1


class SpaceTime(Geometry):
    """Space-time cylinder ``space x [t0, t1]``; columns are the space coordinates, then ``t``.

    ``on_boundary`` / ``sample_boundary`` / ``boundary_normal`` refer to the *spatial*
    boundary times the time interval (where boundary conditions apply); the initial
    slice ``t = t0`` is handled by :meth:`on_initial` and :meth:`sample_initial`.

    Args:
        space: a spatial :class:`Geometry`.
        time: a :class:`TimeInterval` (or :class:`Interval`).
    """

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

    def sample_initial(self, n, method="uniform", seed=None):
        """Samples ``n`` points of ``space x {t0}`` (uniform in space).

        Args:
            n: number of points (positive integer).
            method: ``"uniform"`` (default), ``"lhs"``, ``"sobol"`` or ``"halton"``.
            seed: ``None`` (default), a non-negative integer or a ``numpy.random.Generator``.

        Returns:
            ``float64[n, dim]`` with last column ``t0``.
        """
        x = self.space.sample_interior(n, method=method, seed=seed)
        return np.concatenate([x, np.full((x.shape[0], 1), self.time.t0)], axis=1)
