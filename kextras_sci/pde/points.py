"""Point storage of a PINN: one ``tf.Variable`` per condition array, and sharding.

Every condition's arrays (``"x"``: the points ``[n, d]``, and e.g. ``"y"``
targets, ``"normal"`` normals) live in non-trainable variables of dynamic
first dimension, so resampling or refinement (:meth:`PointStore.assign`)
changes their values, even their number, without retracing the compiled
training step. The term weights ``w_k`` are scalar variables next to them.
:func:`shard` gives each replica of a ``tf.distribute`` strategy its
contiguous share of the rows.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

__all__ = ["PointStore", "PointsMixin", "shard"]


def shard(t):
    """Rows ``[r n / R, (r + 1) n / R)`` of ``t`` on replica ``r`` of ``R`` (all of it off-strategy)."""
    ctx = tf.distribute.get_replica_context()
    replicas = 1 if ctx is None else ctx.num_replicas_in_sync
    if replicas == 1:
        return t
    rid = tf.cast(ctx.replica_id_in_sync_group, tf.int32)
    n = tf.shape(t)[0]
    return t[(rid * n) // replicas : ((rid + 1) * n) // replicas]


class PointStore:
    """The point arrays and term weights of a list of conditions.

    Args:
        conditions: the conditions (their names are the keys).
        samples: per condition, the dict of ``float64`` arrays of its first sample.
        dtype: compute dtype of the variables.
    """

    def __init__(self, conditions, samples, dtype):
        self.dtype = dtype
        self.conditions = list(conditions)
        self.arrays = []  # per condition: dict name -> tf.Variable
        self.weights = {}  # term name -> tf.Variable (scalar)
        self.sizes = {}
        for c, arrays in zip(self.conditions, samples):
            self.arrays.append(
                {
                    k: tf.Variable(
                        v.astype(dtype),
                        shape=tf.TensorShape([None] + list(v.shape[1:])),
                        trainable=False,
                        name=f"{c.name}_{k}",
                    )
                    for k, v in arrays.items()
                }
            )
            self.sizes[c.name] = arrays["x"].shape[0]
            self.weights[c.name] = tf.Variable(c.weight, dtype=dtype, trainable=False, name=f"{c.name}_weight")

    def numpy(self, i):
        """Copies of the arrays of condition ``i``."""
        return {k: v.numpy() for k, v in self.arrays[i].items()}

    def tensors(self, i):
        """Tensors reading the current arrays of condition ``i`` (usable in a ``tf.function``)."""
        return {k: tf.convert_to_tensor(v) for k, v in self.arrays[i].items()}

    def assign(self, i, arrays):
        """Writes ``float64`` arrays (already checked) into condition ``i``'s variables."""
        for k, v in arrays.items():
            self.arrays[i][k].assign(np.asarray(v).astype(self.dtype))
        self.sizes[self.conditions[i].name] = np.asarray(arrays["x"]).shape[0]

    def check(self, i, points, input_dim):
        """Validates new arrays for condition ``i`` (an array is its ``"x"``); returns the float64 dict."""
        cond = self.conditions[i]
        variables = self.arrays[i]
        if not isinstance(points, dict):
            if set(variables) != {"x"}:
                raise ValueError(
                    f"{cond.describe()} carries the arrays {sorted(variables)}: pass `points` as a "
                    "dict with these keys."
                )
            points = {"x": points}
        if set(points) != set(variables):
            raise ValueError(
                f"`points` must have the keys {sorted(variables)} of {cond.describe()}. "
                f"Received: keys={sorted(points)}"
            )
        arrays = {k: np.asarray(v, dtype=np.float64) for k, v in points.items()}
        x = arrays["x"]
        if x.ndim != 2 or x.shape[1] != input_dim or x.shape[0] == 0:
            raise ValueError(
                f"`points['x']` must have shape [n, {input_dim}] with n >= 1. Received: shape={x.shape}"
            )
        n = x.shape[0]
        for k, v in arrays.items():
            expected = (n,) + tuple(variables[k].shape[1:])
            if v.shape != expected:
                raise ValueError(
                    f"`points[{k!r}]` must have shape {expected} (one row per point). Received: shape={v.shape}"
                )
            if not np.all(np.isfinite(v)):
                raise ValueError(f"`points[{k!r}]` must be finite. Received: values with NaN or infinity")
        cond.accept_points(arrays)
        return arrays


class PointsMixin:
    """The point API of :class:`~kextras_sci.pde.PINN` (``points``, ``set_points``, ``resample``, ...).

    Works on ``self._conditions`` and ``self._store`` (a :class:`PointStore`).
    """

    def _seed_for(self, i):
        return None if self.seed is None else self.seed * 1000003 + self._sample_round * 7919 + i

    def resample(self):
        """Redraws the points of every condition built on a domain (in place)."""
        self._sample_round += 1
        for i, c in enumerate(self._conditions):
            if c.domain is not None:
                self._store.assign(i, c.sample(self._seed_for(i)))

    def collocation_points(self, name):
        """The current points (NumPy ``[n, d]``) of a condition (its name or itself)."""
        return self.points(name)["x"]

    # ------------------------------------------------ points and residuals (public)
    def _index(self, condition):
        """Position of a condition given by term name or by the object itself."""
        if isinstance(condition, str):
            names = self.term_names
            if condition in names:
                return names.index(condition)
            raise ValueError(
                f"`condition` must name a term of the PINN. Received: condition={condition!r}; "
                f"terms: {names}"
            )
        for i, c in enumerate(self._conditions):
            if c is condition:
                return i
        raise ValueError(
            "`condition` must be a term name or one of the PINN's conditions. "
            f"Received: condition={condition!r}; terms: {self.term_names}"
        )

    def condition(self, condition):
        """The attached condition called ``condition`` (a term name or the object)."""
        return self._conditions[self._index(condition)]

    def num_points(self, condition):
        """The current number of points of a condition (name or object)."""
        return int(self._store.sizes[self.condition(condition).name])

    def points(self, condition, as_tensors=False):
        """The current point arrays of a condition.

        Args:
            condition: a term name or a condition of this PINN.
            as_tensors: ``False`` (default): a dict of NumPy copies (``"x"``:
                ``[n, d]``, and the condition's other arrays such as ``"y"``, the
                targets). ``True``: a dict of tensors reading the current values,
                usable inside a ``tf.function`` (they follow later
                :meth:`set_points` calls without retracing).
        """
        i = self._index(condition)
        return self._store.tensors(i) if as_tensors else self._store.numpy(i)

    def set_points(self, condition, points):
        """Replaces the points of a condition in place (no retracing of ``fit``).

        The number of points may change (adaptive refinement adds points); the
        condition may refuse (``accept_points``). :meth:`resample` later redraws
        domain-based conditions again.

        Args:
            condition: a term name or a condition of this PINN.
            points: ``[n, d]`` array, for conditions whose only array is ``"x"``
                (``PDEResidual``, ...), or a dict with exactly the condition's
                arrays (see :meth:`points`), all with ``n`` rows.

        Raises:
            ValueError: unknown condition, wrong keys, shapes or non-finite values.
        """
        i = self._index(condition)
        self._store.assign(i, self._store.check(i, points, self.input_dim))
