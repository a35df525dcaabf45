"""Box constraint for trainable PDE parameters."""

from __future__ import annotations

import math

import keras


class Bounds(keras.constraints.Constraint):
    """Clips a weight into ``[lower, upper]`` after each optimizer step.

    ``w <- min(max(w, lower), upper)``. The L-BFGS stage
    (:func:`kextras_sci.pde.lbfgs.minimize_lbfgs`) keeps the same bounds: SciPy's
    L-BFGS-B with ``backend="scipy"``, a projected two-loop L-BFGS with
    ``backend="tensorflow"``.

    Args:
        lower: lower bound, or ``None`` (default) for none.
        upper: upper bound, or ``None`` (default) for none.
    """

    def __init__(self, lower=None, upper=None):
        for name, v in (("lower", lower), ("upper", upper)):
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(v)):
                raise ValueError(f"`{name}` must be a number or None. Received: {name}={v!r}")
        if lower is not None and upper is not None and lower > upper:
            raise ValueError(
                f"`lower` must not exceed `upper`. Received: lower={lower}, upper={upper}"
            )
        self.lower = None if lower is None else float(lower)
        self.upper = None if upper is None else float(upper)

    def __call__(self, w):
        lo = -math.inf if self.lower is None else self.lower
        hi = math.inf if self.upper is None else self.upper
        return keras.ops.clip(w, lo, hi)

    def get_config(self):
        return {"lower": self.lower, "upper": self.upper}
