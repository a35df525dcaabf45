"""``Condition``: the public protocol every loss term implements.

A condition owns points (``sample``), a residual (``residual``) and the checks
(``bind``, ``check_residual``, ``accept_points``, ``describe``) that the PINN,
the callbacks and the wrappers call. Nothing outside the condition reads its
private attributes.
"""

from __future__ import annotations

import numbers

import numpy as np

from kextras import validation
from kextras_sci.pde.conditions._checks import _METHODS, _Bound, _check_array, _check_num_points, _is_domain, _prefixed, _normalize_residual


class Condition:
    """Base class of all conditions: points, sampling and one loss term.

    Subclasses implement ``_sample(seed) -> dict of float64 arrays`` (key ``"x"``
    holds the points; all arrays share their first dimension) and
    ``residual(model, arrays) -> [n, K]`` tensor.

    Args:
        points: a domain or a fixed array ``[n, dim]``.
        num_points: number of points drawn from a domain (ignored for arrays).
        method: sampling method, ``None`` (default: ``"hammersley"``),
            ``"hammersley"``, ``"uniform"``, ``"lhs"``, ``"sobol"`` or ``"halton"``.
        weight: weight of the loss term (default 1.0).
        name: name of the loss term and of its metric (default: class default).
    """

    default_name = "condition"

    def __init__(self, points, num_points=None, method=None, weight=1.0, name=None):
        cls_name = type(self).__name__
        if method not in _METHODS:
            raise ValueError(
                f"{cls_name}: `method` must be one of {_METHODS}. Received: method={method!r}"
            )
        _prefixed(cls_name, validation.real, "weight", weight, minimum=0)
        if name is not None and (not isinstance(name, str) or not name.isidentifier()):
            raise ValueError(
                f"{cls_name}: `name` must be a valid identifier (it names a metric). "
                f"Received: name={name!r}"
            )
        self.method = method
        self.weight = float(weight)
        self.name = name or self.default_name
        self.explicit_name = name is not None
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

    def describe(self):
        """``"<Class> '<name>'"``: how error messages name this condition."""
        return f"{type(self).__name__} '{self.name}'"

    def unwrap(self):
        """The condition itself (a :class:`WrappedCondition` returns the one it wraps)."""
        return self

    def bind(self, coords, fields, parameters, domain, dim):
        """Attaches the condition to a model (called by :class:`PINN`)."""
        if self.dim != dim:
            raise ValueError(
                f"{self.describe()}: its points have {self.dim} coordinate(s) but "
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
                f"{self.describe()}: {bad.size} of {x.shape[0]} `{name}` lie outside "
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
                    f"{self.describe()}: `component` must be one of the fields "
                    f"{fields} or an index. Received: component={comp!r}"
                )
            self._component = fields.index(comp)
        elif isinstance(comp, numbers.Integral) and not isinstance(comp, bool) and 0 <= comp < len(fields):
            self._component = int(comp)
        else:
            raise ValueError(
                f"{self.describe()}: `component` must be a field name or an index in "
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
            raise ValueError(f"{self.describe()}: sampling produced zero points.")
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
                f"{self.describe()}: the domain {self.domain!r} has no `{sampler}` "
                "method."
            )
        return np.asarray(
            getattr(self.domain, sampler)(self.num_points, method=self.method, seed=seed),
            dtype=np.float64,
        )

    def _sample(self, seed):
        return {"x": self._points(seed)}

    def accept_points(self, arrays):
        """Hook called by ``PINN.set_points`` before new arrays are written.

        Raise ``ValueError`` to refuse them (e.g. a condition holding per-point
        state of a fixed size). The default accepts any checked arrays.
        """

    # ---- loss ------------------------------------------------------------
    def residual(self, model, arrays):
        """Residual ``[n, K]`` on the given points (tensors of ``arrays``)."""
        raise NotImplementedError

    def loss_residual(self, model, arrays):
        """The residual as it enters the training loss, on the condition's own points.

        Default: :meth:`residual`. Wrappers that weight the training points
        (self-adaptive, causal weights) override it; evaluation elsewhere
        (``condition_residual``, ``pointwise_residuals``, RAD / RAR) uses the
        unweighted :meth:`residual` at any points.
        """
        return self.residual(model, arrays)

    def check_residual(self, r, n):
        """Normalises a residual to ``[n, K]`` and checks its shape."""
        return _normalize_residual(r, n, self.describe())

