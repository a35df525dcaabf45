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

from kextras_sci.pde.domains._checks import SAMPLING_METHODS, _check_points  # noqa: F401 (references use it)
from kextras_sci.pde.domains.balls import Ball, Disk
from kextras_sci.pde.domains.base import Geometry
from kextras_sci.pde.domains.boxes import Box, Interval, Rectangle
from kextras_sci.pde.domains.csg import Difference, Intersection, Union
from kextras_sci.pde.domains.polygon import Polygon
from kextras_sci.pde.domains.time import SpaceTime, TimeInterval


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
