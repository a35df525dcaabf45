"""Loss assembly of a PINN: residuals of the conditions, their shape checks, the terms.

Term ``k`` is ``L_k = sum_i sum_j r_k(x_i)_j^2 / (N_k K_k)`` over the ``N_k``
points of condition ``k`` (``K_k`` residual components); the total is
``L = sum_k w_k L_k`` (plus any ``model.losses``). Under a ``tf.distribute``
strategy each replica sums its share of the rows and divides by the global
``N_k``, so the replica sums add up to the single-device loss.

Shapes are checked once, when training starts (:func:`check_condition`): a
residual must be ``[n]``, ``[n, 1]`` or ``[n, K]`` with ``K`` independent of
``n`` (or a list of ``[n]`` / ``[n, 1]``). It is evaluated on two different
point counts, so a residual that broadcasts (``[n, 1] + [n]`` gives
``[n, n]``) is an error naming the condition and both shapes.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from kextras import validation

from kextras_sci.pde.points import shard

__all__ = ["Solution", "LossMixin", "compute_terms", "condition_residual", "check_condition"]


class Solution:
    """The callable handed to conditions: ``x -> u(x)`` plus the PDE parameters.

    Args:
        pinn: the :class:`~kextras_sci.pde.PINN`.
        training: passed to the network.
    """

    def __init__(self, pinn, training=True):
        self._pinn = pinn
        self.parameters = pinn.pde_parameters
        self.training = training

    def __call__(self, x):
        return self._pinn.solution(x, training=self.training)

    def decompose(self):
        """``(net, transform)`` with ``u(x) = transform(x, net(x))`` (``transform`` None: identity).

        The derivative engine (:func:`kextras_sci.pde.operators.derivatives`) uses it
        to take Taylor-mode derivatives of an MLP ``net``.
        """
        pinn = self._pinn
        if pinn.output_transform is None:
            return pinn.net, None
        return pinn.net, lambda x, y: pinn.output_transform([x, y])


def condition_residual(pinn, cond, arrays, training=True, loss=False):
    """``r`` of ``cond`` on ``arrays`` (tensors), normalised to ``[n, K]`` in the compute dtype.

    ``loss=True``: the residual of the training loss (``cond.loss_residual``,
    weighted by wrappers such as self-adaptive weights; the condition's own points only).
    """
    fn = cond.loss_residual if loss else cond.residual
    r = cond.check_residual(fn(Solution(pinn, training), arrays), None)
    return tf.cast(r, pinn.compute_dtype)


def compute_terms(pinn, conditions, store, training=True):
    """Per-replica ``(total, {name: term})`` over all conditions (see the module docstring)."""
    dtype = pinn.compute_dtype
    terms = {}
    total = tf.constant(0.0, dtype=dtype)
    for i, c in enumerate(conditions):
        arrays = store.arrays[i]
        full_n = tf.cast(tf.shape(arrays["x"])[0], dtype)
        local = {k: shard(tf.convert_to_tensor(v)) for k, v in arrays.items()}
        r = condition_residual(pinn, c, local, training, loss=True)
        term = tf.reduce_sum(tf.square(r)) / full_n  # sum over the K components of their means
        terms[c.name] = term
        total = total + store.weights[c.name] * term
    if pinn.losses:
        total = total + tf.cast(tf.add_n(pinn.losses), dtype)
    return total, terms


def _shape_of(r, m, what):
    """The number of residual components of ``r`` on ``m`` points, or a ``ValueError``."""
    if isinstance(r, (list, tuple)):
        if not r:
            raise ValueError(f"{what}: the residual function returned an empty list.")
        for i, t in enumerate(r):
            shape = tuple(tf.convert_to_tensor(t).shape)
            if shape not in ((m,), (m, 1)):
                raise ValueError(
                    f"{what}: residual {i} of the list must have shape ({m},) or ({m}, 1) on {m} "
                    f"points. Received: shape={shape}"
                )
        return len(r)
    shape = tuple(tf.convert_to_tensor(r).shape)
    if len(shape) == 1 and shape[0] == m:
        return 1
    if len(shape) == 2 and shape[0] == m:
        return shape[1]
    raise ValueError(
        f"{what}: the residual must have shape ({m},) or ({m}, 1) (or ({m}, K) for K equations) "
        f"on {m} points. Received: shape={shape}"
    )


def check_condition(pinn, cond, arrays):
    """Evaluates ``cond`` eagerly on the first 7 and 8 of its points and checks the shapes.

    Raises:
        ValueError: naming the condition, when the residual fails, has the wrong
            shape, or has a number of components that changes with the number
            of points (broadcasting).
    """
    n = int(arrays["x"].shape[0])
    sizes = [m for m in (min(n, 8) - 1, min(n, 8)) if m >= 1]
    what = cond.describe()
    found = []
    for m in sizes:
        small = {k: tf.convert_to_tensor(v[:m]) for k, v in arrays.items()}
        try:
            r = cond.residual(Solution(pinn), small)
        except (ValueError, TypeError, tf.errors.InvalidArgumentError) as e:
            raise ValueError(f"{what}: evaluating the residual failed: {e}") from e
        found.append((m, _shape_of(r, m, what), tuple(tf.convert_to_tensor(r).shape) if not isinstance(r, (list, tuple)) else None))
    if len(found) == 2 and found[0][1] != found[1][1]:
        (m1, _, s1), (m2, _, s2) = found
        raise ValueError(
            f"{what}: the residual must have shape [n] or [n, 1] per equation, but its shape "
            f"follows the number of points: {s1} on {m1} points, {s2} on {m2} (expected ({m2},) or "
            f"({m2}, 1)). It broadcasts an [n] tensor against an [n, 1] one; take columns as "
            "x[:, 0:1], not x[:, 0]."
        )


class LossMixin:
    """The residual and loss API of :class:`~kextras_sci.pde.PINN`."""

    def condition_residual(self, condition, points=None, training=True):
        """The residual ``r(x)`` (``[n, K]`` tensor) of a condition, differentiable.

        Works eagerly and inside a ``tf.function`` / ``GradientTape``.

        Args:
            condition: a term name or a condition of this PINN.
            points: ``None`` (default: the current points, as tensors), an
                ``[n, d]`` array / tensor (conditions whose only array is
                ``"x"``) or a dict of arrays like :meth:`points`.
            training: passed to the network (default True, as in ``fit``).
        """
        cond = self.condition(condition)
        if points is None:
            arrays = self.points(cond, as_tensors=True)
        elif isinstance(points, dict):
            arrays = {k: tf.convert_to_tensor(v, dtype=self.compute_dtype) for k, v in points.items()}
        else:
            arrays = {"x": tf.convert_to_tensor(points, dtype=self.compute_dtype)}
        return condition_residual(self, cond, arrays, training)

    def pointwise_residuals(self, condition, points=None, batch_size=8192):
        """The residual of a condition at many points, as NumPy ``[n, K]`` (no gradient).

        Evaluated in batches by a compiled function (traced once per condition
        and array layout), e.g. to rank candidate points by ``|r|``.
        """
        cond = self.condition(condition)
        batch_size = validation.positive_int("batch_size", batch_size)
        if points is None:
            arrays = self.points(cond)
        elif isinstance(points, dict):
            arrays = {k: np.asarray(v) for k, v in points.items()}
        else:
            arrays = {"x": np.asarray(points)}
        x = arrays.get("x")
        if x is None or x.ndim != 2 or x.shape[1] != self.input_dim:
            raise ValueError(
                f"`points` must be [n, {self.input_dim}] (or a dict with such an 'x'). "
                f"Received: shape={None if x is None else x.shape}"
            )
        key = (cond.name, tuple(sorted((k, v.shape[1:]) for k, v in arrays.items())))
        fn = self._residual_functions.get(key)
        if fn is None:
            fn = tf.function(lambda a: self.condition_residual(cond, a, training=False), reduce_retracing=True)
            self._residual_functions[key] = fn
        out = [
            fn({k: tf.constant(v[s : s + batch_size], dtype=self.compute_dtype) for k, v in arrays.items()}).numpy()
            for s in range(0, x.shape[0], batch_size)
        ]
        return np.concatenate(out, axis=0) if out else np.zeros((0, 1))

    # ------------------------------------------------------------------ losses
    def compute_terms(self, training=True):
        """Per-replica ``(total, {name: term})`` (see :mod:`kextras_sci.pde.losses`)."""
        return compute_terms(self, self._conditions, self._store, training)

    def validate(self):
        """Checks every condition's residual shape once (:func:`kextras_sci.pde.check_condition`).

        Called by :meth:`fit` (and L-BFGS) once per set of conditions.
        """
        if not self._conditions:
            raise ValueError(
                "The PINN has no conditions to train on; pass `conditions=` or call `set_conditions`."
            )
        for i, c in enumerate(self._conditions):
            check_condition(self, c, self._store.tensors(i))
        self._validated = True
