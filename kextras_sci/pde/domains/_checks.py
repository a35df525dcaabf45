"""Argument checks and tolerances shared by the domain families."""

from __future__ import annotations

import numbers

import numpy as np

from kextras import validation

SAMPLING_METHODS = ("hammersley", "uniform", "lhs", "sobol", "halton")
# The default: the method with the smallest largest gap at small point counts
# (docs/pde/domains.md, docs/pde/make_sampling_figure.py).
DEFAULT_SAMPLING = "hammersley"

# Relative tolerance (times the bounding-box diameter) used when atol is None.
_REL_TOL = 1e-8
# Two unit normals are "the same" / "opposite" when their dot product is within this of +-1.
_NORMAL_TOL = 1e-6
_MAX_REJECTION_ROUNDS = 200


# ---------------------------------------------------------------------------
# validation helpers
# ---------------------------------------------------------------------------


def _check_n(n, name="n"):
    return validation.positive_int(name, n)


def _check_method(method):
    if method is None:
        return DEFAULT_SAMPLING
    if not isinstance(method, str) or method.lower() not in SAMPLING_METHODS:
        raise ValueError(
            f"`method` must be one of {SAMPLING_METHODS}. Received: method={method!r}"
        )
    return method.lower()


def float_array(value, message):
    """``value`` as a float64 array, or ``ValueError(message)`` when it is not numeric."""
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(message) from None


def _as_vector(value, name, dim=None):
    arr = float_array(value, f"`{name}` must be a sequence of numbers. Received: {name}={value!r}")
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
    return validation.real(name, value)


def _ordered_ends(lo, hi, names, what):
    """The two ends ``(lo, hi)`` as floats with ``hi > lo``; the error names both (``names``)."""
    lo, hi = _as_scalar(lo, names[0]), _as_scalar(hi, names[1])
    if not hi > lo:
        raise ValueError(
            f"`{names[1]}` must be greater than `{names[0]}` (degenerate {what}). "
            f"Received: {names[0]}={lo!r}, {names[1]}={hi!r}"
        )
    return lo, hi


def _check_points(x, dim, name="x"):
    """Returns ``x`` as a float64 ``[n, dim]`` array or raises a ValueError."""
    if hasattr(x, "numpy") and not isinstance(x, np.ndarray):
        x = x.numpy()
    arr = float_array(x, f"`{name}` must be an array of points of shape [n, {dim}]. "
                         f"Received: {name} of type {type(x).__name__}")
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

