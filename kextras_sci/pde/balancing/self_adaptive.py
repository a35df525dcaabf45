"""Self-adaptive per-point weights (SA-PINN): the wrapper condition and its ascent callback."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from kextras import validation
from kextras_sci.pde.conditions.wrapped import WrappedCondition

__all__ = ["SelfAdaptiveWeights", "SelfAdaptiveUpdate"]


class SelfAdaptiveWeights(WrappedCondition):
    """Self-adaptive per-point weights (McClenny & Braga-Neto 2023, SA-PINN).

    The term becomes ``L = mean_i m(lambda_i) |r_i|^2`` (``|r_i|^2`` summed over the K components) with one weight
    ``lambda_i`` per collocation point and the mask ``m(l) = l^2``
    (``mask="square"``, the paper's polynomial mask with ``q = 2``) or
    ``m(l) = sigmoid(l)`` (``mask="sigmoid"``). The network minimises ``L``;
    the weights *maximise* it, by gradient ascent
    ``lambda <- lambda + lr dL/dlambda = lambda + lr m'(lambda) |r|^2 / N``
    done by the :class:`SelfAdaptiveUpdate` callback (with Adam when
    ``optimizer="adam"``). The squared residuals of the last training step are
    kept (``last_squared_residual``), so the update costs no extra network
    evaluation.

    The weights belong to the training points: they weight the training loss
    only (``loss_residual``); the residual at any points (``condition_residual``,
    ``pointwise_residuals``, RAD / RAR ranking) is the unweighted one. When the
    points are replaced (RAD, ``set_points``, ``resample_every``) the weights
    start again from ``initial`` (and :class:`SelfAdaptiveUpdate` from a fresh
    optimizer state); the number of points must stay the same. Training must
    be on one device.

    Args:
        condition: the condition to weight (e.g. a ``PDEResidual``).
        initial: initial ``lambda`` (default 1.0), or an array ``[n]``.
        mask: ``"square"`` (default) or ``"sigmoid"``.
    """

    def __init__(self, condition, initial=1.0, mask="square"):
        super().__init__(condition)
        if mask not in ("square", "sigmoid"):
            raise ValueError(f"`mask` must be 'square' or 'sigmoid'. Received: mask={mask!r}")
        self.mask = mask
        self.initial = initial
        self.lambdas = None
        self.last_squared_residual = None
        self.generation = 0  # how many times the weights started again (new points)

    def _initial(self, n):
        return np.broadcast_to(np.asarray(self.initial, np.float64), (n,)).copy()

    def _restart(self, n, what):
        if int(self.lambdas.shape[0]) != n:
            raise ValueError(
                f"{self.describe()}: the number of points cannot change ({int(self.lambdas.shape[0])} -> {n}) "
                f"({what}); self-adaptive weights are one per training point."
            )
        self.lambdas.assign(self._initial(n))
        self.last_squared_residual.assign(np.zeros(n))
        self.generation += 1

    def sample(self, seed=None):
        arrays = self.inner.sample(seed)
        n = arrays["x"].shape[0]
        if self.lambdas is None:
            self.lambdas = tf.Variable(self._initial(n), trainable=False, name=f"{self.inner.name}_lambda",
                                       dtype=tf.float64)
            self.last_squared_residual = tf.Variable(
                np.zeros(n), trainable=False, name=f"{self.inner.name}_r2", dtype=tf.float64
            )
        else:
            self._restart(n, "resampling")
        return arrays

    def accept_points(self, arrays):
        self.inner.accept_points(arrays)
        if self.lambdas is not None:
            self._restart(arrays["x"].shape[0], "set_points")

    def mask_value(self, lam):
        return tf.square(lam) if self.mask == "square" else tf.sigmoid(lam)

    def mask_derivative(self, lam):
        if self.mask == "square":
            return 2.0 * lam
        s = tf.sigmoid(lam)
        return s * (1.0 - s)

    def loss_residual(self, model, arrays):
        """``sqrt(m(lambda_i)) r_i`` on the training points (keeps ``|r_i|^2`` for the ascent)."""
        r = self.inner_residual(model, arrays)
        sq = tf.stop_gradient(tf.reduce_sum(tf.square(r), axis=1))
        self.last_squared_residual.assign(tf.cast(sq, tf.float64))
        m = tf.cast(self.mask_value(self.lambdas), r.dtype)
        return r * tf.sqrt(m)[:, None]


class SelfAdaptiveUpdate(keras.callbacks.Callback):
    """Gradient ascent on the per-point weights of :class:`SelfAdaptiveWeights`.

    ``g_i = dL/dlambda_i = m'(lambda_i) |r_i|^2 / N``; ``"sgd"``:
    ``lambda += learning_rate g``; ``"adam"``: Adam on ``-g`` (maximisation),
    as in the paper.

    Args:
        conditions: one :class:`SelfAdaptiveWeights` or a list of them.
        learning_rate: default 5e-3.
        optimizer: ``"adam"`` (default) or ``"sgd"``.
    """

    def __init__(self, conditions, learning_rate=5e-3, optimizer="adam"):
        super().__init__()
        conditions = [conditions] if isinstance(conditions, SelfAdaptiveWeights) else list(conditions)
        for c in conditions:
            if not isinstance(c, SelfAdaptiveWeights):
                raise ValueError(f"`conditions` must hold SelfAdaptiveWeights. Received: {c!r}")
        if optimizer not in ("adam", "sgd"):
            raise ValueError(f"`optimizer` must be 'adam' or 'sgd'. Received: optimizer={optimizer!r}")
        self.conditions = conditions
        self.learning_rate = validation.positive_float("learning_rate", learning_rate)
        self.optimizer_name = optimizer
        self._opt = None

    def ascent_gradient(self, c):
        n = tf.cast(tf.shape(c.lambdas)[0], tf.float64)
        return c.mask_derivative(c.lambdas) * c.last_squared_residual / n

    def _build_step(self):
        # one compiled ascent step (eagerly it costs ~20 small ops per step)
        if self.optimizer_name == "adam":
            self._opt = keras.optimizers.Adam(self.learning_rate)
            self._opt.build([c.lambdas for c in self.conditions])

        @tf.function
        def step():
            grads = [self.ascent_gradient(c) for c in self.conditions]
            if self._opt is None:
                for c, g in zip(self.conditions, grads):
                    c.lambdas.assign_add(self.learning_rate * g)
            else:
                self._opt.apply_gradients([(-g, c.lambdas) for c, g in zip(self.conditions, grads)])

        self._step_fn = step

    def on_train_batch_end(self, batch, logs=None):
        generations = [c.generation for c in self.conditions]
        if getattr(self, "_step_fn", None) is None or generations != self._generations:
            self._build_step()  # new points: the weights and the optimizer state start again
            self._generations = generations
        self._step_fn()

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            for c in self.conditions:
                lam = c.mask_value(c.lambdas).numpy()
                logs[f"sa_mean_{c.name}"] = float(lam.mean())
                logs[f"sa_max_{c.name}"] = float(lam.max())


