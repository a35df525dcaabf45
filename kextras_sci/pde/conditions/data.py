"""``PointData``: observations of the solution at fixed points."""

from __future__ import annotations

import numbers

import numpy as np
import tensorflow as tf

from kextras_sci.pde.conditions._checks import _is_domain
from kextras_sci.pde.conditions.base import Condition


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
                    f"{self.describe()}: `component` must name fields {fields} or "
                    f"indices. Received: component={self.component!r}"
                )
        if len(out) != self.y.shape[1]:
            raise ValueError(
                f"{self.describe()}: `y` has {self.y.shape[1]} column(s) but "
                f"{len(out)} component(s) are observed."
            )
        self._components = out

    def _sample(self, seed):
        return {"x": self.fixed_points, "y": self.y}

    def residual(self, model, arrays):
        y = model(arrays["x"])
        pred = tf.gather(y, self._components, axis=1)
        return pred - arrays["y"]
