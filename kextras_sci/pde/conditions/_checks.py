"""Argument checks and point helpers shared by the conditions."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from kextras import validation
from kextras_sci.pde.domains._checks import float_array


_METHODS = (None, "hammersley", "uniform", "lhs", "sobol", "halton")


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def _is_domain(obj):
    return hasattr(obj, "sample_interior") and hasattr(obj, "dim")


def _prefixed(cls_name, check, *args, **kwargs):
    """Runs a ``kextras.validation`` check, prefixing its message with ``cls_name``."""
    try:
        return check(*args, **kwargs)
    except ValueError as e:
        raise ValueError(f"{cls_name}: {e}") from None


def _check_num_points(num_points, cls_name):
    return _prefixed(cls_name, validation.positive_int, "num_points", num_points)


def _check_array(points, cls_name, name="points"):
    arr = float_array(points, f"{cls_name}: `{name}` must be a domain or a float array of shape "
                              f"[n, dim]. Received: {type(points).__name__}")
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
                raise ValueError(f"{cond.describe()}: `where` selects none of the points.")
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
            f"{cond.describe()}: `where` selects none of the sampled points; check "
            "that it describes part of the sampled set."
        )
    return np.concatenate(kept)[:want] if total >= want else np.concatenate(kept)


def _mask(where, x, cond):
    m = np.asarray(where(x), dtype=bool)
    if m.shape != (x.shape[0],):
        raise ValueError(
            f"{cond.describe()}: `where` must return a boolean array of shape "
            f"[{x.shape[0]}]. Received: shape={m.shape}"
        )
    return m




# fixed boundary points may be off by this much (times the bounding-box diameter)
_ON_BOUNDARY_RTOL = 1e-6


def require_on_boundary(what, domain, x, kind="boundary"):
    """Raises a ``ValueError`` naming ``what`` unless every row of ``x`` lies on the
    boundary of ``domain`` (``kind="initial"``: on its initial slice ``t = t0``)."""
    lo, hi = domain.bbox
    atol = _ON_BOUNDARY_RTOL * max(1.0, float(np.linalg.norm(hi - lo)))
    if kind == "initial":
        if not hasattr(domain, "on_initial"):
            return
        on = domain.on_initial(x, atol=atol)
        place = "on the initial slice t = t0 of"
    else:
        on = domain.on_boundary(x, atol=atol)
        place = "on the boundary of"
    if not np.all(on):
        bad = np.flatnonzero(~on)
        raise ValueError(
            f"{what}: {bad.size} of {x.shape[0]} points do not lie {place} {domain!r} "
            f"(atol={atol:g}); first one: {x[bad[0]].tolist()} (row {bad[0]}). Pass "
            "check_boundary=False to impose it there anyway."
        )
