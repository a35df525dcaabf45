"""``PDEResidual`` (a differential equation on a domain) and ``OperatorBC`` (any residual on its boundary)."""

from __future__ import annotations

import inspect
import math

import numpy as np

from kextras import validation
from kextras_sci.pde import grad, operators
from kextras_sci.pde.conditions._checks import _check_array, _with_where, require_on_boundary
from kextras_sci.pde.conditions.base import Condition


class PDEResidual(Condition):
    """Residual of a differential equation at collocation points of a domain.

    ``L = weight * mean(fn(...)^2)``. Two ways to write ``fn``:

    * named (default): its arguments are resolved by name (see the module
      docstring): coordinates, fields, derivatives such as ``u_xx``, PDE
      parameters; all derivatives come from one nested-tape pass;
    * DeepXDE style ``fn(x, y)`` (detected when no argument names a field or a
      derivative; further arguments may name PDE parameters): ``x`` the points
      ``[n, d]``, ``y = u(x)`` ``[n, m]``, derivatives with
      :func:`kextras_sci.pde.grad.jacobian` / :func:`~kextras_sci.pde.grad.hessian`.

    ``fn`` returns ``[n]``, ``[n, 1]``, ``[n, K]`` (K equations) or a list of
    ``[n]`` / ``[n, 1]`` tensors; anything else (``[n, n]`` from broadcasting) is
    an error when training starts.

    Points: ``num_points`` interior points of the domain, plus (``include_boundary``,
    as DeepXDE does) ``num_boundary`` boundary points: for an interval or a time
    interval its two end points exactly; for a space-time domain half on the
    spatial boundary and half on the initial slice. ``anchors`` are fixed
    points added to every draw (kept when the rest is resampled).

    Args:
        fn: the residual function.
        points: a domain or an array ``[n, dim]`` (fixed points).
        num_points: number of interior points drawn from a domain.
        method: sampling method (default ``None``: ``"hammersley"``).
        weight: weight of the term (default 1.0).
        name: term name (default ``"pde"``).
        mode: how the named derivatives are taken (:func:`~kextras_sci.pde.operators.derivatives`):
            ``"auto"`` (default: Taylor mode for an MLP network, nested tapes
            otherwise), ``"jet"``, ``"reverse"`` or ``"forward"``.
        include_boundary: add boundary points to a domain's points (default True).
        num_boundary: how many (default ``None``: ``ceil(2 d n^((d-1)/d))`` for
            ``n = num_points`` in ``d`` dimensions, the boundary share of a grid of
            the same spacing in a cube; 2, the end points, in one dimension).
        anchors: fixed points ``[k, dim]`` always included (default none).
        style: ``"auto"`` (default), ``"named"`` or ``"deepxde"``.
    """

    default_name = "pde"
    kind = "interior"

    def __init__(self, fn, points, num_points=None, method=None, weight=1.0, name=None, mode="auto",
                 include_boundary=True, num_boundary=None, anchors=None, style="auto"):
        if not callable(fn):
            raise ValueError(f"{type(self).__name__}: `fn` must be callable. Received: fn={fn!r}")
        validation.choice("mode", mode, ("auto", "jet", "reverse", "forward"))
        self.style = validation.choice("style", style, ("auto", "named", "deepxde"))
        super().__init__(points, num_points, method, weight, name)
        self.fn = fn
        self.mode = mode
        self.include_boundary = validation.boolean("include_boundary", include_boundary)
        self.num_boundary = None if num_boundary is None else validation.non_negative_int("num_boundary", num_boundary)
        self.anchors = None if anchors is None else _check_array(anchors, type(self).__name__, "anchors")
        if self.anchors is not None and self.anchors.shape[1] != self.dim:
            raise ValueError(
                f"{type(self).__name__}: `anchors` must have {self.dim} columns. Received: anchors.shape={self.anchors.shape}"
            )
        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            raise ValueError(f"{type(self).__name__}: cannot read the signature of `fn`.") from None
        names = []
        for p in sig.parameters.values():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise ValueError(
                    f"{type(self).__name__}: `fn` must name its arguments explicitly (no *args or "
                    f"**kwargs); they select the derivatives. Received: {sig}"
                )
            names.append(p.name)
        if not names:
            raise ValueError(f"{type(self).__name__}: `fn` must take at least one argument (e.g. u_x).")
        self.arg_names = tuple(names)

    def _on_bind(self):
        b = self._bound
        if self.anchors is not None:
            dom = self.domain if self.domain is not None else b.domain
            if dom is not None:
                self._check_inside(self.anchors, dom, "anchors")
        resolved, error = [], None
        for n in self.arg_names:
            try:
                resolved.append(resolve_name(n, b.coords, b.fields, b.parameters, self.describe()))
            except ValueError as e:
                resolved.append(None)
                error = error or e
        uses_fields = any(a is not None and a[0] in ("field", "deriv") for a in resolved)
        deepxde = self.style == "deepxde" or (
            self.style == "auto"
            and not uses_fields
            and len(self.arg_names) >= 2
            and all(a is not None and a[0] == "param" for a in resolved[2:])
        )
        if deepxde:
            bad = [n for n, a in zip(self.arg_names[2:], resolved[2:]) if a is None or a[0] != "param"]
            if len(self.arg_names) < 2 or bad:
                raise ValueError(
                    f"{self.describe()}: a DeepXDE-style residual is `fn(x, y, *parameters)`; the "
                    f"arguments after (x, y) must name PDE parameters {b.parameters}. Received: {self.arg_names}"
                )
            self._deepxde = True
            return
        if error is not None:
            raise error
        if not uses_fields:
            raise ValueError(
                f"{self.describe()}: the residual function uses no field or derivative "
                f"(arguments {self.arg_names}); name them (u, u_x, ...) or write it DeepXDE-style "
                "`fn(x, y)`."
            )
        self._deepxde = False
        self._args = resolved
        self._requests = sorted({(a[1], a[2]) for a in resolved if a[0] in ("field", "deriv")})

    def _sample(self, seed):
        x = self._draw(seed)
        if self.anchors is not None:
            x = np.concatenate([self.anchors, x], axis=0)
        return {"x": x}

    def _draw(self, seed):
        x = self._points(seed)
        if self.include_boundary and self.domain is not None:
            sub = None if seed is None else seed + 104729
            x = np.concatenate([x, _boundary_share(self.domain, self.num_points, self.num_boundary, self.method, sub)])
        return x

    def residual(self, model, arrays):
        x = arrays["x"]
        if self._deepxde:
            params = {n: model.parameters[n] for n in self.arg_names[2:]}
            with grad.Recorder(x) as xr:
                return self.fn(xr, model(xr), **params)
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


def _boundary_share(domain, n, nb, method, seed):
    """The boundary points a residual set of ``n`` interior points gets (see :class:`PDEResidual`)."""
    d = int(domain.dim)
    if nb is None:
        nb = int(math.ceil(2 * d * n ** ((d - 1) / d)))
    if nb == 0:
        return np.zeros((0, d))
    if getattr(domain, "is_spacetime", False):
        half = nb // 2
        parts = [domain.sample_initial(nb - half, method=method, seed=seed)]
        if half:
            parts.append(domain.sample_boundary(half, method=method, seed=None if seed is None else seed + 1))
        return np.concatenate(parts, axis=0)
    return np.asarray(domain.sample_boundary(nb, method=method, seed=seed), dtype=np.float64)


class OperatorBC(PDEResidual):
    """Any residual on boundary points (DeepXDE's ``OperatorBC``), resampled like the others.

    ``fn`` is written as for :class:`PDEResidual` (named derivatives, or
    DeepXDE style ``fn(x, y)``); its points are ``num_points`` boundary
    points of the domain (optionally those selected by ``where``), or fixed
    points that must lie on the boundary (``check_boundary``).

    Args:
        fn: the residual function.
        points: a domain or an array ``[n, dim]``.
        num_points: number of boundary points drawn from a domain.
        where: optional function ``x -> bool[n]`` selecting part of the boundary.
        method: sampling method (default ``None``: ``"hammersley"``).
        weight: weight of the term (default 1.0).
        name: term name (default ``"operator_bc"``).
        mode: how the named derivatives are taken (:func:`~kextras_sci.pde.operators.derivatives`):
            ``"auto"`` (default: Taylor mode for an MLP network, nested tapes
            otherwise), ``"jet"``, ``"reverse"`` or ``"forward"``.
        anchors: fixed points ``[k, dim]`` added to every draw (default none).
        style: ``"auto"`` (default), ``"named"`` or ``"deepxde"``.
        check_boundary: fixed points must lie on the boundary (default True).
    """

    default_name = "operator_bc"
    kind = "boundary"

    def __init__(self, fn, points, num_points=None, where=None, method=None, weight=1.0, name=None,
                 mode="auto", anchors=None, style="auto", check_boundary=True):
        super().__init__(fn, points, num_points, method, weight, name, mode, False, None, anchors, style)
        if where is not None and not callable(where):
            raise ValueError(f"OperatorBC: `where` must be a function of the points. Received: where={where!r}")
        self.where = where
        self.check_boundary = validation.boolean("check_boundary", check_boundary)

    def _on_bind(self):
        super()._on_bind()
        dom = self.domain if self.domain is not None else self._bound.domain
        if self.fixed_points is not None and dom is not None and self.check_boundary:
            require_on_boundary(self.describe(), dom, self.fixed_points, "boundary")

    def _draw(self, seed):
        return _with_where(self, lambda s: self._points(s, "boundary"), self.where, seed)


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

