"""Shared machinery of the reference solutions."""

from __future__ import annotations

import numpy as np

from ..domains import _check_points


class _NumpyMath:
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    exp = staticmethod(np.exp)
    tf = False


class _TFMath:
    def __init__(self, tf):
        self.sin = tf.sin
        self.cos = tf.cos
        self.exp = tf.exp
        self.tf = True


def _is_tensor(x):
    mod = type(x).__module__ or ""
    return mod.startswith(("tensorflow", "keras")) and not isinstance(x, np.ndarray)


def _points(x, dim):
    """Returns ``(x, math)``: checked points and the matching elementwise functions.

    NumPy input (or anything array-like) gives float64 NumPy arrays; a TensorFlow
    tensor (for example the collocation points inside a loss) is kept as a tensor so
    that the formula can be differentiated.
    """
    if _is_tensor(x):
        import tensorflow as tf

        shape = x.shape
        if shape.rank != 2 or (shape[-1] is not None and shape[-1] != dim):
            raise ValueError(
                f"`x` must have shape [n, {dim}] (one row per point, {dim} coordinates). "
                f"Received: x.shape={tuple(shape)}"
            )
        return x, _TFMath(tf)
    return _check_points(x, dim), _NumpyMath


class Reference:
    """A reference problem: domain, coefficients and exact solution.

    Attributes:
        name: short identifier (``"burgers1d"``, ``"poisson2d_square"``, ...).
        equation: the PDE, boundary and initial conditions as text.
        domain: a :mod:`kextras_sci.pde.domains` geometry (``SpaceTime`` for
            time-dependent problems; columns: space coordinates then ``t``).
        coefficients: ``dict`` of the PDE coefficients.

    Methods:
        solution(x): exact solution at points ``x`` ``[n, dim]`` -> ``[n, 1]``.
        source(x): the right-hand side / forcing term of the equation as written
            in ``equation`` (``[n, 1]``); zero for homogeneous problems.

    ``solution`` and ``source`` accept NumPy arrays (returning float64 NumPy) and,
    where the solution is in closed form, TensorFlow tensors (returning tensors,
    differentiable), so the forcing term can be used inside a residual function.
    """

    name = "reference"
    equation = ""

    def __init__(self, domain, coefficients):
        self.domain = domain
        self.coefficients = dict(coefficients)

    @property
    def dim(self):
        return self.domain.dim

    def __call__(self, x):
        return self.solution(x)

    def solution(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def source(self, x):
        x, m = _points(x, self.dim)
        return 0.0 * x[:, :1]

    def __repr__(self):
        coeffs = ", ".join(f"{k}={v!r}" for k, v in self.coefficients.items())
        return f"{type(self).__name__}({coeffs})"

    def relative_l2_error(self, x, u_pred):
        """Relative L2 error ``||u_pred - u|| / ||u||`` over the points ``x``.

        Args:
            x: points ``[n, dim]``.
            u_pred: predictions ``[n, 1]`` or ``[n]``.

        Returns:
            ``float``.
        """
        u = np.asarray(self.solution(np.asarray(x, dtype=np.float64))).reshape(-1)
        p = np.asarray(u_pred, dtype=np.float64).reshape(-1)
        if p.shape != u.shape:
            raise ValueError(
                f"`u_pred` must have one value per point ({u.size}). "
                f"Received: u_pred.shape={np.shape(u_pred)}"
            )
        return float(np.linalg.norm(p - u) / np.linalg.norm(u))
