"""Boundary and initial conditions: Dirichlet, Neumann, Robin, periodic, initial."""

from __future__ import annotations

import warnings

import numpy as np
import tensorflow as tf

from kextras import validation
from kextras_sci.pde import operators
from kextras_sci.pde.conditions._checks import _check_array, _eval_value, _is_domain, _prefixed, _with_where, require_on_boundary
from kextras_sci.pde.conditions.base import Condition


class _BoundaryBase(Condition):
    kind = "boundary"

    def __init__(self, points, value, num_points, where, component, method, weight, name, check_boundary=True):
        super().__init__(points, num_points, method, weight, name)
        self.check_boundary = validation.boolean("check_boundary", check_boundary)
        if where is not None and not callable(where):
            raise ValueError(
                f"{type(self).__name__}: `where` must be a function of the points "
                f"returning a boolean mask. Received: where={where!r}"
            )
        self.where = where
        self.value = value
        self.component = component
        if self.fixed_points is not None and not callable(value):
            _eval_value(value, self.fixed_points, type(self).__name__)

    def _on_bind(self):
        dom = self.domain if self.domain is not None else self._bound.domain
        if self.fixed_points is not None and dom is not None and self.check_boundary:
            require_on_boundary(self.describe(), dom, self.fixed_points, self.kind)

    def _sample(self, seed):
        x = _with_where(self, lambda s: self._points(s, self.kind), self.where, seed)
        if self.domain is not None and self.where is None and self.kind == "boundary":
            missing = [k for k, v in self.domain.boundary_parts(x).items() if v == 0]
            if missing:
                warnings.warn(
                    f"{self.describe()}: none of its {x.shape[0]} points lies on the part(s) "
                    f"{missing} of the boundary of {self.domain!r}, so the condition is not "
                    "imposed there. Use more points (`num_points`), or `where=` to select the "
                    "parts you mean.",
                    UserWarning,
                    stacklevel=3,
                )
        return {"x": x, "y": _eval_value(self.value, x, self.describe())}


class DirichletBC(_BoundaryBase):
    """Prescribed value on the boundary: residual ``u_c(x) - g(x)``.

    Args:
        points: a domain (boundary points are sampled) or an array ``[n, dim]``.
        value: ``g``: a number, an array (fixed points) or a function of the
            ``float64[n, dim]`` points (default 0.0).
        num_points: number of points drawn from a domain.
        where: optional function ``x -> bool[n]`` selecting part of the boundary.
        component: field index or name (default 0).
        method: sampling method (default ``None``: ``"hammersley"``).
        weight: weight of the term (default 1.0).
        name: term name (default ``"dirichlet"``).
        check_boundary: fixed ``points`` must lie on the boundary (within
            ``1e-6`` times the domain's diameter; default True, False to impose
            the condition elsewhere).
    """

    default_name = "dirichlet"

    def __init__(self, points, value=0.0, num_points=None, where=None, component=0, method=None, weight=1.0, name=None, check_boundary=True):
        super().__init__(points, value, num_points, where, component, method, weight, name, check_boundary)

    def residual(self, model, arrays):
        y = model(arrays["x"])
        return y[:, self._component : self._component + 1] - arrays["y"]


class _NormalBase(_BoundaryBase):
    def __init__(self, points, value, num_points, where, component, method, weight, name, normals, check_boundary=True):
        super().__init__(points, value, num_points, where, component, method, weight, name, check_boundary)
        self.normals = None
        if normals is not None:
            if self.fixed_points is None:
                raise ValueError(
                    f"{type(self).__name__}: `normals` can only be given with fixed "
                    "points; a domain computes its own normals."
                )
            normals = _check_array(normals, type(self).__name__, "normals")
            if normals.shape != self.fixed_points.shape:
                raise ValueError(
                    f"{type(self).__name__}: `normals` must have the shape of `points` "
                    f"{self.fixed_points.shape}. Received: normals.shape={normals.shape}"
                )
            self.normals = normals

    def _on_bind(self):
        super()._on_bind()
        if self.normals is None and self.domain is None and self._bound.domain is None:
            raise ValueError(
                f"{self.describe()}: fixed points need `normals=` or a model `domain=` "
                "to compute the outward normals."
            )

    def _sample(self, seed):
        arrays = super()._sample(seed)
        x = arrays["x"]
        if self.normals is not None and self.where is None:
            nrm = self.normals
        else:
            dom = self.domain if self.domain is not None else self._bound.domain
            nrm = np.asarray(dom.boundary_normal(x), dtype=np.float64)
        if nrm.shape[1] < x.shape[1]:  # normals of the space part only
            nrm = np.concatenate([nrm, np.zeros((x.shape[0], x.shape[1] - nrm.shape[1]))], 1)
        arrays["normal"] = nrm
        return arrays

    def _normal_derivative(self, model, arrays):
        x = arrays["x"]
        d = x.shape[-1]
        c = self._component
        y, der = operators.derivatives(model, x, [(c, ())] + [(c, (j,)) for j in range(d)])
        dn = tf.add_n([der[(c, (j,))] * arrays["normal"][:, j : j + 1] for j in range(d)])
        return y[:, c : c + 1], dn


class NeumannBC(_NormalBase):
    """Prescribed outward normal derivative: residual ``grad(u_c) . n - g``.

    Args:
        points: a domain (boundary points are sampled) or an array ``[n, dim]``.
        value: ``g`` (number, array or function of the points; default 0.0).
        num_points: number of points drawn from a domain.
        where: optional boundary selector ``x -> bool[n]``.
        component: field index or name (default 0).
        method: sampling method (default ``None``: ``"hammersley"``).
        weight: weight (default 1.0).
        name: term name (default ``"neumann"``).
        check_boundary: fixed ``points`` must lie on the boundary (within
            ``1e-6`` times the domain's diameter; default True, False to impose
            the condition elsewhere).
        normals: outward unit normals ``[n, dim]`` for fixed points (default:
            from the domain).
    """

    default_name = "neumann"

    def __init__(self, points, value=0.0, num_points=None, where=None, component=0, method=None, weight=1.0, name=None, normals=None, check_boundary=True):
        super().__init__(points, value, num_points, where, component, method, weight, name, normals, check_boundary)

    def residual(self, model, arrays):
        _, dn = self._normal_derivative(model, arrays)
        return dn - arrays["y"]


class RobinBC(_NormalBase):
    """Robin condition: residual ``alpha u_c + beta grad(u_c) . n - g``.

    Args:
        points: a domain (boundary points are sampled) or an array ``[n, dim]``.
        alpha: coefficient of ``u`` (default 1.0).
        beta: coefficient of the normal derivative (default 1.0).
        value: ``g`` (number, array or function of the points; default 0.0).
        num_points: number of points drawn from a domain.
        where: optional boundary selector ``x -> bool[n]``.
        component: field index or name (default 0).
        method: sampling method (default ``None``: ``"hammersley"``).
        weight: weight of the term (default 1.0).
        name: term name (default ``"robin"``).
        normals: outward unit normals ``[n, dim]`` for fixed points (default:
            from the domain).
        check_boundary: fixed ``points`` must lie on the boundary (within
            ``1e-6`` times the domain's diameter; default True, False to impose
            the condition elsewhere).
    """

    default_name = "robin"

    def __init__(self, points, alpha=1.0, beta=1.0, value=0.0, num_points=None, where=None, component=0, method=None, weight=1.0, name=None, normals=None, check_boundary=True):
        super().__init__(points, value, num_points, where, component, method, weight, name, normals, check_boundary)
        for arg, v in (("alpha", alpha), ("beta", beta)):
            _prefixed("RobinBC", validation.real, arg, v)
        self.alpha = float(alpha)
        self.beta = float(beta)

    def residual(self, model, arrays):
        u, dn = self._normal_derivative(model, arrays)
        return self.alpha * u + self.beta * dn - arrays["y"]


class PeriodicBC(Condition):
    """Periodicity along one coordinate: ``d^k u_c(x_lo) = d^k u_c(x_hi)``.

    Points ``x_lo`` lie on the face ``x_j = lo_j`` of the domain's bounding box
    and ``x_hi`` is the same point moved to ``x_j = hi_j``.

    Args:
        points: a domain (boundary points on the ``lo`` face are sampled) or a
            pair of arrays ``(x_lo, x_hi)`` of equal shape.
        coordinate: index ``j`` of the periodic coordinate.
        num_points: number of point pairs drawn from a domain.
        derivative_order: ``k``, 0 (values, default) or 1 (first derivative
            along ``x_j``).
        component: field index or name (default 0).
        method: sampling method (default ``None``: ``"hammersley"``).
        weight: weight (default 1.0).
        name: term name (default ``"periodic"``).
    """

    default_name = "periodic"

    def __init__(self, points, coordinate, num_points=None, derivative_order=0, component=0, method=None, weight=1.0, name=None):
        pair = None
        if isinstance(points, (tuple, list)) and len(points) == 2 and not _is_domain(points):
            lo = _check_array(points[0], "PeriodicBC", "points[0]")
            hi = _check_array(points[1], "PeriodicBC", "points[1]")
            if lo.shape != hi.shape:
                raise ValueError(
                    "PeriodicBC: the two point arrays must have the same shape. "
                    f"Received: {lo.shape} and {hi.shape}"
                )
            pair = (lo, hi)
            points = lo
        super().__init__(points, num_points, method, weight, name)
        self._pair = pair
        coordinate = _prefixed("PeriodicBC", validation.integer, "coordinate", coordinate, 0, self.dim - 1)
        if derivative_order not in (0, 1):
            raise ValueError(
                "PeriodicBC: `derivative_order` must be 0 or 1. "
                f"Received: derivative_order={derivative_order!r}"
            )
        if self.domain is None and pair is None:
            raise ValueError("PeriodicBC: `points` must be a domain or a pair (x_lo, x_hi).")
        self.coordinate = int(coordinate)
        self.derivative_order = derivative_order
        self.component = component

    def _sample(self, seed):
        if self._pair is not None:
            return {"x": self._pair[0], "x2": self._pair[1]}
        j = self.coordinate
        lo, hi = (np.asarray(b, dtype=np.float64) for b in self.domain.bbox)
        tol = 1e-9 * max(1.0, float(hi[j] - lo[j]))
        x = _with_where(
            self,
            lambda s: self._points(s, "boundary"),
            lambda p: np.abs(p[:, j] - lo[j]) <= tol,
            seed,
        )
        x = x.copy()
        x[:, j] = lo[j]
        x2 = x.copy()
        x2[:, j] = hi[j]
        return {"x": x, "x2": x2}

    def residual(self, model, arrays):
        c = self._component
        orders = (self.coordinate,) * self.derivative_order
        _, a = operators.derivatives(model, arrays["x"], [(c, orders)])
        _, b = operators.derivatives(model, arrays["x2"], [(c, orders)])
        return a[(c, orders)] - b[(c, orders)]


class InitialCondition(_BoundaryBase):
    """Initial value (or initial time derivative) on the slice ``t = t0``.

    Residual ``d^k u_c/dt^k (x, t0) - g(x)`` with ``k = derivative`` and ``t``
    the last coordinate.

    Args:
        points: a space-time domain or a bare :class:`TimeInterval` (an ODE;
            ``num_points`` defaults to 1, the point ``t0``), whose
            ``sample_initial`` is used, or an array
            ``[n, dim]`` whose last column is ``t0``.
        value: ``g`` (number, array or function of the points; default 0.0).
        num_points: number of points drawn from a domain.
        derivative: 0 (value, default) or 1 (``du/dt``).
        component: field index or name (default 0).
        method: sampling method (default ``None``: ``"hammersley"``).
        weight: weight (default 1.0).
        name: term name (default ``"initial"``, ``"initial_t"`` for derivative 1).
        check_boundary: fixed ``points`` must lie on ``t = t0`` (default True).
    """

    default_name = "initial"
    kind = "initial"

    def __init__(self, points, value=0.0, num_points=None, derivative=0, component=0, method=None, weight=1.0, name=None, check_boundary=True):
        if derivative not in (0, 1):
            raise ValueError(
                f"InitialCondition: `derivative` must be 0 or 1. Received: derivative={derivative!r}"
            )
        if name is None and derivative == 1:
            name = "initial_t"
        if num_points is None and getattr(points, "is_time", False):
            num_points = 1  # the initial "slice" of an ODE is the one point t0
        super().__init__(points, value, num_points, None, component, method, weight, name, check_boundary)
        self.derivative = derivative

    def residual(self, model, arrays):
        x = arrays["x"]
        c = self._component
        orders = (x.shape[-1] - 1,) * self.derivative
        _, der = operators.derivatives(model, x, [(c, orders)])
        return der[(c, orders)] - arrays["y"]


