"""Conditions: each one turns a constraint on the solution into ONE named loss term.

A condition owns its collocation points (sampled from a domain of
:mod:`kextras_sci.pde.domains`, or a fixed NumPy array) and a residual ``r``;
its loss term is the mean square of the residual,
``L = weight * mean_i sum_k r_ik^2 / K``. :class:`kextras_sci.pde.PINN` sums the
weighted terms and logs each term (unweighted) as a metric under the
condition's ``name``.

| condition | residual on its points |
|---|---|
| ``PDEResidual(fn, ...)`` | ``fn(**named derivatives)`` |
| ``DirichletBC(..., value)`` | ``u_c - g`` |
| ``NeumannBC(..., value)`` | ``grad(u_c) . n - g`` |
| ``RobinBC(..., alpha, beta, value)`` | ``alpha u_c + beta grad(u_c) . n - g`` |
| ``PeriodicBC(..., coordinate, derivative_order)`` | ``d^k u_c(x_lo) - d^k u_c(x_hi)`` |
| ``InitialCondition(..., value, derivative)`` | ``d^k u_c/dt^k (x, t0) - g`` |
| ``PointData(x, y)`` | ``u(x_obs) - y_obs`` |

``points`` is either a domain (anything with ``sample_interior`` /
``sample_boundary`` / ``sample_initial``; then ``num_points`` points are drawn
with ``method`` and redrawn on :meth:`PINN.resample`) or a fixed array
``[n, dim]``. Targets ``value`` are a number, an array with one row per fixed
point, or a function of the NumPy ``float64[n, dim]`` points returning
``[n]`` or ``[n, 1]``; they are evaluated in NumPy when the points are
(re)sampled, never inside the training step.

The residual function of :class:`PDEResidual` declares what it needs through
its argument names, which are resolved against the coordinate names
(``coords``, e.g. ``("x", "t")``), the field names (``fields``, e.g.
``("u",)``) and the PDE parameters of the model:

* a coordinate name (``x``, ``t``): that coordinate column, ``[n, 1]``;
* a field name (``u``): the field, ``[n, 1]``;
* ``<field>_<coords>`` (``u_x``, ``u_xx``, ``u_xt``, ``v_yy``; with
  multi-letter coordinates ``u_x1x2`` or ``u_x1_x2``): that partial derivative,
  ``[n, 1]``;
* a parameter name (``nu``): the scalar trainable PDE parameter.

All requested derivatives come from ONE forward pass (nested gradient tapes,
see :func:`kextras_sci.pde.operators.derivatives`). Example (Burgers)::

    def burgers(u, u_t, u_x, u_xx):
        return u_t + u * u_x - 0.01 / np.pi * u_xx

    PDEResidual(burgers, geom, num_points=2540, method="sobol")
"""

from __future__ import annotations

import inspect
import numbers

import numpy as np
import tensorflow as tf

from kextras_sci.pde import operators

__all__ = [
    "Condition",
    "PDEResidual",
    "DirichletBC",
    "NeumannBC",
    "RobinBC",
    "PeriodicBC",
    "InitialCondition",
    "PointData",
]

_METHODS = ("uniform", "lhs", "sobol", "halton")


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def _is_domain(obj):
    return hasattr(obj, "sample_interior") and hasattr(obj, "dim")


def _check_num_points(num_points, cls_name):
    if (
        isinstance(num_points, bool)
        or not isinstance(num_points, numbers.Integral)
        or num_points <= 0
    ):
        raise ValueError(
            f"{cls_name}: `num_points` must be a positive integer when the points "
            f"are sampled from a domain. Received: num_points={num_points!r}"
        )
    return int(num_points)


def _check_array(points, cls_name, name="points"):
    try:
        arr = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"{cls_name}: `{name}` must be a domain or a float array of shape "
            f"[n, dim]. Received: {type(points).__name__}"
        ) from None
    if arr.ndim == 1:
        raise ValueError(
            f"{cls_name}: `{name}` must have shape [n, dim] (one row per point). "
            f"Received: {name}.shape={arr.shape}; use x[:, None] for 1D points"
        )
    if arr.ndim != 2:
        raise ValueError(
            f"{cls_name}: `{name}` must have shape [n, dim]. "
            f"Received: {name}.shape={arr.shape}"
        )
    if arr.shape[0] == 0:
        raise ValueError(
            f"{cls_name}: `{name}` has zero points; a loss term needs at least one "
            f"collocation point. Received: {name}.shape={arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{cls_name}: `{name}` contains NaN or infinite coordinates.")
    return arr


def _eval_value(value, x, cls_name, name="value"):
    """Evaluates a target (number, array or function of x) to float64[n, 1]."""
    n = x.shape[0]
    if callable(value):
        out = value(x)
        out = np.asarray(out.numpy() if hasattr(out, "numpy") else out, np.float64)
    else:
        out = np.asarray(value, dtype=np.float64)
    if out.ndim == 0:
        return np.full((n, 1), float(out))
    if out.ndim == 1:
        out = out[:, None]
    if out.ndim != 2 or out.shape[0] != n or out.shape[1] != 1:
        raise ValueError(
            f"{cls_name}: `{name}` must give one value per point, shape [{n}] or "
            f"[{n}, 1]. Received: shape={out.shape}"
        )
    return out


class _Bound:
    """What a condition knows about the model it is attached to."""

    def __init__(self, coords, fields, parameters, domain, dim):
        self.coords = tuple(coords)
        self.fields = tuple(fields)
        self.parameters = tuple(parameters)
        self.domain = domain
        self.dim = dim


# --------------------------------------------------------------------------
# base class
# --------------------------------------------------------------------------
class Condition:
    """Base class of all conditions: points, sampling and one loss term.

    Subclasses implement ``_sample(seed) -> dict of float64 arrays`` (key ``"x"``
    holds the points; all arrays share their first dimension) and
    ``residual(model, arrays) -> [n, K]`` tensor.

    Args:
        points: a domain or a fixed array ``[n, dim]``.
        num_points: number of points drawn from a domain (ignored for arrays).
        method: sampling method, ``"uniform"`` (default), ``"lhs"``, ``"sobol"``
            or ``"halton"``.
        weight: weight of the loss term (default 1.0).
        name: name of the loss term and of its metric (default: class default).
    """

    default_name = "condition"

    def __init__(self, points, num_points=None, method="uniform", weight=1.0, name=None):
        cls_name = type(self).__name__
        if method not in _METHODS:
            raise ValueError(
                f"{cls_name}: `method` must be one of {_METHODS}. Received: method={method!r}"
            )
        if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or not np.isfinite(weight) or weight < 0:
            raise ValueError(
                f"{cls_name}: `weight` must be a finite non-negative number. "
                f"Received: weight={weight!r}"
            )
        if name is not None and (not isinstance(name, str) or not name.isidentifier()):
            raise ValueError(
                f"{cls_name}: `name` must be a valid identifier (it names a metric). "
                f"Received: name={name!r}"
            )
        self.method = method
        self.weight = float(weight)
        self.name = name or self.default_name
        if _is_domain(points):
            self.domain = points
            self.num_points = _check_num_points(num_points, cls_name)
            self.fixed_points = None
        else:
            self.domain = None
            self.num_points = None
            self.fixed_points = _check_array(points, cls_name)
        self._bound = None

    # ---- binding ---------------------------------------------------------
    @property
    def dim(self):
        if self.domain is not None:
            return int(self.domain.dim)
        return int(self.fixed_points.shape[1])

    def _describe(self):
        return f"{type(self).__name__} '{self.name}'"

    def bind(self, coords, fields, parameters, domain, dim):
        """Attaches the condition to a model (called by :class:`PINN`)."""
        if self.dim != dim:
            raise ValueError(
                f"{self._describe()}: its points have {self.dim} coordinate(s) but "
                f"the model takes {dim} ({', '.join(coords)})."
            )
        if self.fixed_points is not None and domain is not None:
            self._check_inside(self.fixed_points, domain, "points")
        self._bound = _Bound(coords, fields, parameters, domain, dim)
        self._resolve_component()
        self._on_bind()

    def _check_inside(self, x, domain, name):
        inside = np.asarray(domain.inside(x), dtype=bool)
        if not inside.all():
            bad = np.flatnonzero(~inside)
            raise ValueError(
                f"{self._describe()}: {bad.size} of {x.shape[0]} `{name}` lie outside "
                f"the domain {domain!r}; first one: {x[bad[0]].tolist()} (row {bad[0]})."
            )

    def _resolve_component(self):
        comp = getattr(self, "component", None)
        if comp is None:
            return
        fields = self._bound.fields
        if isinstance(comp, str):
            if comp not in fields:
                raise ValueError(
                    f"{self._describe()}: `component` must be one of the fields "
                    f"{fields} or an index. Received: component={comp!r}"
                )
            self._component = fields.index(comp)
        elif isinstance(comp, numbers.Integral) and not isinstance(comp, bool) and 0 <= comp < len(fields):
            self._component = int(comp)
        else:
            raise ValueError(
                f"{self._describe()}: `component` must be a field name or an index in "
                f"[0, {len(fields) - 1}]. Received: component={comp!r}"
            )

    def _on_bind(self):
        pass

    # ---- sampling --------------------------------------------------------
    def sample(self, seed=None):
        """Draws (or returns the fixed) points and their targets.

        Returns:
            dict of ``float64`` arrays sharing their first dimension; ``"x"`` is
            ``[n, dim]``.
        """
        arrays = self._sample(seed)
        n = arrays["x"].shape[0]
        if n == 0:
            raise ValueError(f"{self._describe()}: sampling produced zero points.")
        return arrays

    def _points(self, seed, kind="interior"):
        if self.fixed_points is not None:
            return self.fixed_points
        sampler = {
            "interior": "sample_interior",
            "boundary": "sample_boundary",
            "initial": "sample_initial",
        }[kind]
        if not hasattr(self.domain, sampler):
            raise ValueError(
                f"{self._describe()}: the domain {self.domain!r} has no `{sampler}` "
                "method."
            )
        return np.asarray(
            getattr(self.domain, sampler)(self.num_points, method=self.method, seed=seed),
            dtype=np.float64,
        )

    def _sample(self, seed):
        return {"x": self._points(seed)}

    def _accept_points(self, arrays):
        """Hook called by ``PINN.set_points`` before new arrays are written.

        Raise ``ValueError`` to refuse them (e.g. a condition holding per-point
        state of a fixed size). The default accepts any checked arrays.
        """

    # ---- loss ------------------------------------------------------------
    def residual(self, model, arrays):
        """Residual ``[n, K]`` on the given points (tensors of ``arrays``)."""
        raise NotImplementedError

    def check_residual(self, r, n):
        """Normalises a residual to ``[n, K]`` and checks its shape."""
        return _normalize_residual(r, n, self._describe())


def _normalize_residual(r, n, what):
    if isinstance(r, (list, tuple)):
        if not r:
            raise ValueError(f"{what}: the residual function returned an empty list.")
        r = [tf.convert_to_tensor(t) for t in r]
        r = [t[:, None] if t.shape.rank == 1 else t for t in r]
        for t in r:
            if t.shape.rank != 2:
                raise ValueError(
                    f"{what}: each residual in the list must have shape [n] or [n, 1]. "
                    f"Received: shape={tuple(t.shape)}"
                )
        r = tf.concat(r, axis=1)
    r = tf.convert_to_tensor(r)
    if r.shape.rank == 1:
        r = r[:, None]
    if r.shape.rank != 2:
        raise ValueError(
            f"{what}: the residual must have shape [n] or [n, K] with n = number of "
            f"points. Received: shape={tuple(r.shape)}"
        )
    if n is not None and r.shape[0] is not None and r.shape[0] != n:
        raise ValueError(
            f"{what}: the residual must have one row per point (n={n}). "
            f"Received: shape={tuple(r.shape)}"
        )
    return r


def _with_where(cond, draw, where, seed):
    """Draws points with ``draw(seed)`` and keeps the rows selected by ``where``."""
    if where is None or cond.fixed_points is not None:
        x = draw(seed)
        if where is not None:
            x = x[_mask(where, x, cond)]
            if x.shape[0] == 0:
                raise ValueError(f"{cond._describe()}: `where` selects none of the points.")
        return x
    rng = np.random.default_rng(seed)
    want = cond.num_points
    kept = []
    total = 0
    for _ in range(64):
        x = draw(int(rng.integers(2**31)))
        x = x[_mask(where, x, cond)]
        kept.append(x)
        total += x.shape[0]
        if total >= want:
            break
    if total == 0:
        raise ValueError(
            f"{cond._describe()}: `where` selects none of the sampled points; check "
            "that it describes part of the sampled set."
        )
    return np.concatenate(kept)[:want] if total >= want else np.concatenate(kept)


def _mask(where, x, cond):
    m = np.asarray(where(x), dtype=bool)
    if m.shape != (x.shape[0],):
        raise ValueError(
            f"{cond._describe()}: `where` must return a boolean array of shape "
            f"[{x.shape[0]}]. Received: shape={m.shape}"
        )
    return m


# --------------------------------------------------------------------------
# PDE residual
# --------------------------------------------------------------------------
class PDEResidual(Condition):
    """Residual of a differential equation at interior collocation points.

    ``L = weight * mean(fn(...)^2)``; the arguments of ``fn`` are resolved by
    name (see the module docstring): coordinates, fields, derivatives such as
    ``u_xx``, and PDE parameters. ``fn`` returns ``[n]``, ``[n, 1]``, ``[n, K]``
    or a list of ``[n]``/``[n, 1]`` tensors (a system of K equations).

    Args:
        fn: the residual function.
        points: a domain (interior points are sampled) or an array ``[n, dim]``.
        num_points: number of points drawn from a domain.
        method: sampling method (default ``"uniform"``).
        weight: weight of the term (default 1.0).
        name: term name (default ``"pde"``).
        mode: ``"reverse"`` (default) or ``"forward"`` automatic differentiation
            for the derivatives.
    """

    default_name = "pde"

    def __init__(self, fn, points, num_points=None, method="uniform", weight=1.0, name=None, mode="reverse"):
        if not callable(fn):
            raise ValueError(f"PDEResidual: `fn` must be callable. Received: fn={fn!r}")
        if mode not in ("reverse", "forward"):
            raise ValueError(f"PDEResidual: `mode` must be 'reverse' or 'forward'. Received: mode={mode!r}")
        super().__init__(points, num_points, method, weight, name)
        self.fn = fn
        self.mode = mode
        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            raise ValueError("PDEResidual: cannot read the signature of `fn`.") from None
        names = []
        for p in sig.parameters.values():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise ValueError(
                    "PDEResidual: `fn` must name its arguments explicitly (no *args or "
                    f"**kwargs); they select the derivatives. Received: {sig}"
                )
            names.append(p.name)
        if not names:
            raise ValueError("PDEResidual: `fn` must take at least one argument (e.g. u_x).")
        self.arg_names = tuple(names)

    def _on_bind(self):
        b = self._bound
        self._args = [resolve_name(n, b.coords, b.fields, b.parameters, self._describe()) for n in self.arg_names]
        self._requests = sorted({(a[1], a[2]) for a in self._args if a[0] in ("field", "deriv")})

    def residual(self, model, arrays):
        x = arrays["x"]
        _, der = operators.derivatives(model, x, self._requests, mode=self.mode)
        kwargs = {}
        for name, a in zip(self.arg_names, self._args):
            if a[0] == "coord":
                kwargs[name] = x[:, a[1] : a[1] + 1]
            elif a[0] == "param":
                kwargs[name] = model.parameters[a[1]]
            else:
                kwargs[name] = der[(a[1], a[2])]
        return self.fn(**kwargs)


def _parse_coords(suffix, coords):
    """Splits ``"xxt"`` / ``"x1_x2"`` into coordinate indices (greedy, longest first)."""
    order = sorted(range(len(coords)), key=lambda i: -len(coords[i]))
    out = []
    for token in suffix.split("_"):
        if not token:
            return None
        pos = 0
        while pos < len(token):
            for i in order:
                if token.startswith(coords[i], pos):
                    out.append(i)
                    pos += len(coords[i])
                    break
            else:
                return None
    return tuple(sorted(out))


def resolve_name(name, coords, fields, parameters, what="PDEResidual"):
    """Resolves an argument name to ``("coord", j)``, ``("field", c, ())``,
    ``("deriv", c, orders)`` or ``("param", name)``."""
    if name in parameters:
        return ("param", name)
    if name in coords:
        return ("coord", coords.index(name))
    if name in fields:
        return ("field", fields.index(name), ())
    for c in sorted(range(len(fields)), key=lambda i: -len(fields[i])):
        prefix = fields[c] + "_"
        if name.startswith(prefix):
            orders = _parse_coords(name[len(prefix):], coords)
            if orders:
                return ("deriv", c, orders)
    example = f"{fields[0]}_{coords[0]}" if fields and coords else "u_x"
    raise ValueError(
        f"{what}: argument `{name}` of the residual function is not a coordinate "
        f"{coords}, a field {fields}, a derivative such as `{example}` or "
        f"`{example}{coords[-1] if coords else ''}`, or a PDE parameter "
        f"{tuple(parameters)}."
    )


# --------------------------------------------------------------------------
# boundary conditions
# --------------------------------------------------------------------------
class _BoundaryBase(Condition):
    kind = "boundary"

    def __init__(self, points, value, num_points, where, component, method, weight, name):
        super().__init__(points, num_points, method, weight, name)
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

    def _sample(self, seed):
        x = _with_where(self, lambda s: self._points(s, self.kind), self.where, seed)
        return {"x": x, "y": _eval_value(self.value, x, self._describe())}


class DirichletBC(_BoundaryBase):
    """Prescribed value on the boundary: residual ``u_c(x) - g(x)``.

    Args:
        points: a domain (boundary points are sampled) or an array ``[n, dim]``.
        value: ``g``: a number, an array (fixed points) or a function of the
            ``float64[n, dim]`` points (default 0.0).
        num_points: number of points drawn from a domain.
        where: optional function ``x -> bool[n]`` selecting part of the boundary.
        component: field index or name (default 0).
        method: sampling method (default ``"uniform"``).
        weight: weight of the term (default 1.0).
        name: term name (default ``"dirichlet"``).
    """

    default_name = "dirichlet"

    def __init__(self, points, value=0.0, num_points=None, where=None, component=0, method="uniform", weight=1.0, name=None):
        super().__init__(points, value, num_points, where, component, method, weight, name)

    def residual(self, model, arrays):
        y = model(arrays["x"])
        return y[:, self._component : self._component + 1] - arrays["y"]


class _NormalBase(_BoundaryBase):
    def __init__(self, points, value, num_points, where, component, method, weight, name, normals):
        super().__init__(points, value, num_points, where, component, method, weight, name)
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
        if self.normals is None and self.domain is None and self._bound.domain is None:
            raise ValueError(
                f"{self._describe()}: fixed points need `normals=` or a model `domain=` "
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
        method: sampling method (default ``"uniform"``).
        weight: weight (default 1.0).
        name: term name (default ``"neumann"``).
        normals: outward unit normals ``[n, dim]`` for fixed points (default:
            from the domain).
    """

    default_name = "neumann"

    def __init__(self, points, value=0.0, num_points=None, where=None, component=0, method="uniform", weight=1.0, name=None, normals=None):
        super().__init__(points, value, num_points, where, component, method, weight, name, normals)

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
        num_points: as :class:`NeumannBC`.
        where: as :class:`NeumannBC`.
        component: as :class:`NeumannBC`.
        method: as :class:`NeumannBC`.
        weight: as :class:`NeumannBC`.
        normals: as :class:`NeumannBC`.
        name: term name (default ``"robin"``).
    """

    default_name = "robin"

    def __init__(self, points, alpha=1.0, beta=1.0, value=0.0, num_points=None, where=None, component=0, method="uniform", weight=1.0, name=None, normals=None):
        super().__init__(points, value, num_points, where, component, method, weight, name, normals)
        for arg, v in (("alpha", alpha), ("beta", beta)):
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v):
                raise ValueError(f"RobinBC: `{arg}` must be a finite number. Received: {arg}={v!r}")
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
        method: sampling method (default ``"uniform"``).
        weight: weight (default 1.0).
        name: term name (default ``"periodic"``).
    """

    default_name = "periodic"

    def __init__(self, points, coordinate, num_points=None, derivative_order=0, component=0, method="uniform", weight=1.0, name=None):
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
        if isinstance(coordinate, bool) or not isinstance(coordinate, numbers.Integral) or not 0 <= coordinate < self.dim:
            raise ValueError(
                f"PeriodicBC: `coordinate` must be an index in [0, {self.dim - 1}]. "
                f"Received: coordinate={coordinate!r}"
            )
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
        points: a space-time domain (``sample_initial`` is used) or an array
            ``[n, dim]`` whose last column is ``t0``.
        value: ``g`` (number, array or function of the points; default 0.0).
        num_points: number of points drawn from a domain.
        derivative: 0 (value, default) or 1 (``du/dt``).
        component: field index or name (default 0).
        method: sampling method (default ``"uniform"``).
        weight: weight (default 1.0).
        name: term name (default ``"initial"``, ``"initial_t"`` for derivative 1).
    """

    default_name = "initial"
    kind = "initial"

    def __init__(self, points, value=0.0, num_points=None, derivative=0, component=0, method="uniform", weight=1.0, name=None):
        if derivative not in (0, 1):
            raise ValueError(
                f"InitialCondition: `derivative` must be 0 or 1. Received: derivative={derivative!r}"
            )
        if name is None and derivative == 1:
            name = "initial_t"
        super().__init__(points, value, num_points, None, component, method, weight, name)
        self.derivative = derivative

    def residual(self, model, arrays):
        x = arrays["x"]
        c = self._component
        orders = (x.shape[-1] - 1,) * self.derivative
        _, der = operators.derivatives(model, x, [(c, orders)])
        return der[(c, orders)] - arrays["y"]


class PointData(Condition):
    """Observations of the solution: residual ``u(x_obs) - y_obs``.

    Args:
        x: observation points ``[n, dim]``.
        y: observed values ``[n]``, ``[n, 1]`` (one component) or ``[n, C]``.
        component: field index or name, a list of them matching the columns of
            ``y``, or ``None`` (default: all fields, ``C`` must equal their number).
        weight: weight (default 1.0).
        name: term name (default ``"data"``).
    """

    default_name = "data"

    def __init__(self, x, y, component=None, weight=1.0, name=None):
        super().__init__(x, None, "uniform", weight, name)
        if _is_domain(x):
            raise ValueError("PointData: `x` must be an array of observation points, not a domain.")
        y = np.asarray(y, dtype=np.float64)
        if y.ndim == 1:
            y = y[:, None]
        if y.ndim != 2 or y.shape[0] != self.fixed_points.shape[0]:
            raise ValueError(
                "PointData: `y` must have one row per point, shape "
                f"[{self.fixed_points.shape[0]}] or [{self.fixed_points.shape[0]}, C]. "
                f"Received: y.shape={y.shape}"
            )
        if not np.all(np.isfinite(y)):
            raise ValueError("PointData: `y` contains NaN or infinite values.")
        self.y = y
        self.component = component

    def _resolve_component(self):
        fields = self._bound.fields
        comps = self.component
        if comps is None:
            comps = list(range(len(fields)))
        elif isinstance(comps, (str, numbers.Integral)):
            comps = [comps]
        out = []
        for c in comps:
            if isinstance(c, str) and c in fields:
                out.append(fields.index(c))
            elif isinstance(c, numbers.Integral) and not isinstance(c, bool) and 0 <= c < len(fields):
                out.append(int(c))
            else:
                raise ValueError(
                    f"{self._describe()}: `component` must name fields {fields} or "
                    f"indices. Received: component={self.component!r}"
                )
        if len(out) != self.y.shape[1]:
            raise ValueError(
                f"{self._describe()}: `y` has {self.y.shape[1]} column(s) but "
                f"{len(out)} component(s) are observed."
            )
        self._components = out

    def _sample(self, seed):
        return {"x": self.fixed_points, "y": self.y}

    def residual(self, model, arrays):
        y = model(arrays["x"])
        pred = tf.gather(y, self._components, axis=1)
        return pred - arrays["y"]
