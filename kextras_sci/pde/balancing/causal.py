"""Causal training: chunk weights in time (the wrapper condition) and the epsilon schedule."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from kextras import validation
from kextras_sci.pde.conditions.wrapped import WrappedCondition

__all__ = ["CausalWeighting", "CausalSchedule"]


class CausalWeighting(WrappedCondition):
    """Causal training of a time-dependent residual (Wang, Sankaran & Perdikaris 2024).

    The time interval is cut into ``num_chunks`` equal chunks; with ``L_i``
    the mean squared residual of chunk ``i``,
    ``w_i = exp(-eps sum_{j<i} L_j)`` (no gradient through ``w``) and the term
    becomes ``L = (1 / M) sum_i w_i L_i``: later times count only once the
    earlier ones are fitted. Implemented by rescaling each point's residual
    by ``sqrt(w_i N / (M N_i))`` (``N_i`` points in chunk ``i``).
    The current weights are in ``chunk_weights`` (a ``tf.Variable``);
    :class:`CausalSchedule` raises ``epsilon`` when ``min w > threshold``.

    Args:
        condition: a ``PDEResidual`` on a space-time domain.
        num_chunks: ``M`` (default 32).
        epsilon: causality parameter (default 1.0).
        time_range: ``(t0, t1)`` (default: from the condition's domain).
        time_axis: column of ``t`` (default -1, the last).
    """

    def __init__(self, condition, num_chunks=32, epsilon=1.0, time_range=None, time_axis=-1):
        super().__init__(condition)
        self.num_chunks = validation.positive_int("num_chunks", num_chunks)
        validation.real("epsilon", epsilon, minimum=0)
        if time_range is None:
            time = getattr(condition.domain, "time", None)
            if time is None:
                raise ValueError(
                    "CausalWeighting needs `time_range=(t0, t1)` when the condition has no space-time domain."
                )
            time_range = (float(time.t0), float(time.t1))
        t0, t1 = (float(v) for v in time_range)
        if not t1 > t0:
            raise ValueError(f"`time_range` must satisfy t0 < t1. Received: time_range={time_range!r}")
        self.time_range = (t0, t1)
        self.time_axis = int(time_axis)
        self.epsilon = tf.Variable(float(epsilon), trainable=False, dtype=tf.float64, name="causal_epsilon")
        self.chunk_weights = tf.Variable(np.ones(self.num_chunks), trainable=False, dtype=tf.float64, name="causal_w")
        self.chunk_losses = tf.Variable(np.zeros(self.num_chunks), trainable=False, dtype=tf.float64, name="causal_L")

    def loss_residual(self, model, arrays):
        r = self.inner_residual(model, arrays)
        dtype = r.dtype
        x = tf.convert_to_tensor(arrays["x"])
        t = tf.cast(x[:, self.time_axis], tf.float64)
        t0, t1 = self.time_range
        m = self.num_chunks
        idx = tf.clip_by_value(tf.cast(tf.floor((t - t0) / (t1 - t0) * m), tf.int32), 0, m - 1)
        sq = tf.reduce_sum(tf.square(r), axis=1)  # summed over the components, as the term
        counts = tf.math.unsorted_segment_sum(tf.ones_like(t), idx, m)
        sums = tf.math.unsorted_segment_sum(tf.cast(tf.stop_gradient(sq), tf.float64), idx, m)
        losses = sums / tf.maximum(counts, 1.0)
        w = tf.exp(-self.epsilon * tf.math.cumsum(losses, exclusive=True))
        self.chunk_losses.assign(losses)
        self.chunk_weights.assign(w)
        n = tf.cast(tf.shape(r)[0], tf.float64)
        scale = tf.gather(w * n / (m * tf.maximum(counts, 1.0)), idx)
        return r * tf.cast(tf.sqrt(scale), dtype)[:, None]


class CausalSchedule(keras.callbacks.Callback):
    """Raises ``epsilon`` of a :class:`CausalWeighting` when ``min_i w_i > threshold``.

    Follows the paper's schedule ``eps in [1e-2, 1e-1, 1, 10, 100]``: when
    the last chunk's weight exceeds ``threshold`` (all earlier times are
    fitted), move to the next ``eps``. Logs ``causal_eps`` and
    ``causal_min_w`` every epoch.

    Args:
        condition: the :class:`CausalWeighting`.
        epsilons: the schedule (default ``(1e-2, 1e-1, 1, 10, 100)``).
        threshold: default 0.99.
        check_every: steps between checks (default 10).
    """

    def __init__(self, condition, epsilons=(1e-2, 1e-1, 1.0, 10.0, 100.0), threshold=0.99, check_every=10):
        super().__init__()
        if not isinstance(condition, CausalWeighting):
            raise ValueError(f"`condition` must be a CausalWeighting. Received: condition={condition!r}")
        self.condition = condition
        self.epsilons = [float(e) for e in epsilons]
        if not self.epsilons:
            raise ValueError("`epsilons` must not be empty.")
        self.threshold = validation.rate("threshold", threshold, include_one=True)
        self.check_every = validation.positive_int("check_every", check_every)
        self.level = 0
        self._step = 0
        self.changes = []  # (step, new eps)
        condition.epsilon.assign(self.epsilons[0])

    def on_train_batch_end(self, batch, logs=None):
        spe = int(getattr(self.model, "steps_per_execution", 1) or 1) if self.model is not None else 1
        self._step += spe
        self._since = getattr(self, "_since", 0) + spe
        if self._since < self.check_every:
            return
        self._since = 0
        w_min = float(tf.reduce_min(self.condition.chunk_weights).numpy())
        if w_min > self.threshold and self.level + 1 < len(self.epsilons):
            self.level += 1
            self.condition.epsilon.assign(self.epsilons[self.level])
            self.changes.append((self._step, self.epsilons[self.level]))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["causal_eps"] = float(self.condition.epsilon.numpy())
            logs["causal_min_w"] = float(tf.reduce_min(self.condition.chunk_weights).numpy())
