"""What ``PINN.fit`` adds to Keras training: callbacks, metric directions, the error metric.

* :class:`RelativeL2Error`: ``||u - u_ref|| / ||u_ref||`` (``val_rel_l2``);
* :class:`ParameterLog`: the PDE parameter values in the epoch logs (so in
  ``History``), DeepXDE's ``VariableValue`` (the history that
  ``minimize_lbfgs`` returns has them per iteration by itself);
* :func:`declare_directions`: every PINN metric (``loss``, each term,
  ``rel_l2``) is minimised, so monitor callbacks left in ``mode="auto"``
  (``EarlyStopping(monitor="pde")``) are set to ``"min"``;
* the finite-loss check and the resampling callback.
"""

from __future__ import annotations

import warnings

import keras
import numpy as np
import tensorflow as tf

from kextras import validation

__all__ = ["RelativeL2Error", "ParameterLog", "TrainingMixin", "declare_directions"]


class RelativeL2Error(keras.metrics.Metric):
    """``||y_pred - y_true||_2 / ||y_true||_2`` accumulated over all batches (minimised)."""

    def __init__(self, name="rel_l2", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.num = self.add_variable(shape=(), initializer="zeros", name="num", aggregation="sum")
        self.den = self.add_variable(shape=(), initializer="zeros", name="den", aggregation="sum")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = tf.cast(y_true, self.dtype)
        y_pred = tf.cast(y_pred, self.dtype)
        self.num.assign_add(tf.reduce_sum(tf.square(y_pred - y_true)))
        self.den.assign_add(tf.reduce_sum(tf.square(y_true)))

    def result(self):
        return tf.sqrt(self.num / tf.maximum(self.den, tf.cast(1e-30, self.den.dtype)))

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


def declare_directions(callbacks, minimised):
    """Sets ``mode="min"`` on monitor callbacks in ``"auto"`` mode that watch a minimised metric.

    Args:
        callbacks: Keras callbacks (others are left alone).
        minimised: metric names (``"loss"``, the terms, ``"rel_l2"``); ``val_``
            prefixes are understood.
    """
    for cb in callbacks:
        monitor = getattr(cb, "monitor", None)
        if isinstance(monitor, str) and getattr(cb, "mode", None) == "auto":
            if monitor.removeprefix("val_") in minimised:
                cb.mode = "min"


class ParameterLog(keras.callbacks.Callback):
    """Logs the PDE parameters (``pinn.parameters``) every epoch, and per L-BFGS iteration.

    In ``fit`` (added by the PINN when it has parameters) it writes
    ``logs[name] = value`` at each epoch end, so ``History.history["nu"]`` holds
    one value per epoch. Called as ``callback(iteration, logs)`` (the
    ``minimize_lbfgs`` callback protocol) it appends the values to
    :attr:`history` and never stops the optimizer.

    Args:
        pinn: the PINN (default: the model of ``fit``).

    Attributes:
        history: ``{name: [value, ...]}``, one entry per epoch or iteration.
    """

    def __init__(self, pinn=None):
        super().__init__()
        self._pinn = pinn
        self.history = {}

    def _values(self):
        pinn = self._pinn if self._pinn is not None else self.model
        return pinn.parameters

    def _record(self, logs):
        for k, v in self._values().items():
            self.history.setdefault(k, []).append(v)
            if logs is not None:
                logs[k] = v

    def on_epoch_end(self, epoch, logs=None):
        self._record(logs)

    def __call__(self, iteration, logs):
        self._record(None)
        return False


class FiniteCheck(keras.callbacks.Callback):
    """Stops training with a clear error when a loss term becomes NaN or infinite."""

    def __init__(self, term_names):
        super().__init__()
        self.term_names = tuple(term_names)
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if not logs:
            return
        bad = []
        for name in self.term_names + ("loss",):
            if name in logs:
                v = logs[name]
                v = float(np.asarray(v.numpy() if hasattr(v, "numpy") else v))
                if not np.isfinite(v):
                    bad.append((name, v))
        if bad:
            self.model.stop_training = True
            terms = [b for b in bad if b[0] != "loss"] or bad
            desc = ", ".join(f"'{n}' = {v}" for n, v in terms)
            raise FloatingPointError(
                f"PINN training stopped at epoch {self._epoch + 1}, step {batch + 1}: "
                f"loss term {desc} is not finite. Lower the learning rate, rescale the "
                "problem, or check the residual function and the targets of that term."
            )


class Resampler(keras.callbacks.Callback):
    """Calls :meth:`PINN.resample` at every multiple of ``every`` optimizer steps."""

    def __init__(self, every):
        super().__init__()
        self.every = int(every)
        self._since = 0

    def on_train_begin(self, logs=None):
        self._last = int(self.model.optimizer.iterations.numpy())

    def on_train_batch_end(self, batch, logs=None):
        # at every multiple of `every` optimizer steps, counted from the optimizer so that
        # it holds for any steps_per_execution, across fit calls, and for loops other than
        # Keras' own (kextras.distribute.fit)
        step = int(self.model.optimizer.iterations.numpy())
        if step // self.every > self._last // self.every:
            self.model.resample()
        self._last = step


XLA_MIN_STEPS = 2000  # jit_compile="auto": the shortest fit compiled with XLA (the ~2 s compilation is repaid after ~1200-2000 steps)


def auto_steps_per_execution(steps_per_epoch, distributed):
    """The largest divisor of ``steps_per_epoch`` up to 100 (1 under a strategy)."""
    if distributed:
        # Keras' multi-step loop fails under tf.distribute strategies (TF 2.21:
        # "You must feed a value for placeholder tensor ... while/cond")
        return 1
    return max(k for k in range(1, min(100, steps_per_epoch) + 1) if steps_per_epoch % k == 0)


class TrainingMixin:
    """Keras training of :class:`~kextras_sci.pde.PINN`: the steps, ``compile``, ``fit``."""

    @property
    def metrics(self):
        return [self._metrics[0], *self._metrics[1], self._metrics[2]]

    def under_strategy(self):
        """Whether the PINN was built inside a ``tf.distribute`` strategy's scope."""
        return self._built_under_strategy

    def _replicas(self):
        ctx = tf.distribute.get_replica_context()
        return 1 if ctx is None else ctx.num_replicas_in_sync

    def train_step(self, data):
        del data  # the collocation points live in the model
        with tf.GradientTape() as tape:
            total, terms = self.compute_terms(training=True)
        weights = self.trainable_weights
        grads = tape.gradient(total, weights)
        # a non-finite loss must not write NaN into the weights: its gradients are
        # zeroed (the finite-check callback then stops training naming the term)
        finite = tf.math.is_finite(total)
        grads = [g if g is None else tf.where(finite, g, tf.zeros_like(g)) for g in grads]
        self.optimizer.apply_gradients(zip(grads, weights))
        return self._update_trackers(total, terms)

    def make_train_function(self, force=False):
        """Keras' hook: one ``tf.function`` running ``steps_per_execution`` steps in a loop.

        The steps ignore the data (the points live in the model), so the loop does
        not read Keras' dummy dataset: no iterator, optional or nested function call
        per step, and under XLA the whole loop is one XLA computation. Under a
        ``tf.distribute`` strategy or ``run_eagerly`` Keras' own loop runs.
        """
        if self.train_function is not None and not force:
            return self.train_function
        if self.run_eagerly or self.under_strategy():
            return super().make_train_function(force=force)
        steps = int(self.steps_per_execution or 1)

        def multi_step():
            logs = self.train_step(None)
            if steps > 1:
                _, logs = tf.while_loop(
                    lambda i, _: i < steps - 1,
                    lambda i, _: (i + 1, self.train_step(None)),
                    (tf.constant(0), logs),
                )
            return logs

        xla = bool(self.jit_compile) or self._xla_now
        compiled = tf.function(multi_step, jit_compile=xla, autograph=False)
        if not (xla and self._auto_jit):
            self.train_function = lambda iterator: compiled()
            return self.train_function

        def first_call(iterator):
            # jit_compile="auto": a loss XLA cannot compile (an op without an XLA kernel)
            # trains without XLA; nothing has run when compilation fails
            try:
                logs = compiled()
            except (LookupError, tf.errors.InvalidArgumentError, tf.errors.UnimplementedError) as error:
                reason = str(error).strip().splitlines()[0][:200]
                warnings.warn(f"PINN.fit: XLA cannot compile this training step ({type(error).__name__}: "
                              f"{reason}); training without XLA (compile(jit_compile=False) skips the attempt).",
                              stacklevel=2)
                self._xla_now, self._xla_failed = False, True
                plain = tf.function(multi_step, jit_compile=False, autograph=False)
                self.train_function = lambda iterator: plain()
                return plain()
            self.train_function = lambda iterator: compiled()
            return logs

        self.train_function = first_call
        return self.train_function

    def _update_trackers(self, total, terms):
        r = self._replicas()
        # Mean metrics average over replicas: scale so the mean is the global sum
        self._metrics[0].update_state(total * r)
        for tracker in self._metrics[1]:
            tracker.update_state(terms[tracker.name] * r)
        return {m.name: m.result() for m in [self._metrics[0]] + list(self._metrics[1])}

    def test_step(self, data):
        if data is None or (isinstance(data, (tuple, list)) and len(data) < 2):
            total, terms = self.compute_terms(training=False)
            return self._update_trackers(total, terms)
        x, y = data[0], data[1]
        pred = self.solution(x)
        y = tf.cast(tf.reshape(y, tf.shape(pred)), pred.dtype)
        self._metrics[2].update_state(y, pred)
        return {"rel_l2": self._metrics[2].result()}

    def compile(self, optimizer="adam", steps_per_execution="auto", jit_compile="auto", **kwargs):
        """Keras ``compile``; no ``loss`` is needed (the conditions are the loss).

        ``steps_per_execution="auto"`` (default) runs, in each call of the compiled
        training function, the largest divisor of ``steps_per_epoch`` up to 100
        steps: the per-step Python overhead of Keras is amortised (about twice as
        fast for small networks on CPU), and callbacks (``on_train_batch_end``,
        the NaN check, resampling) run once per such group. An integer keeps the
        Keras meaning (``1``: callbacks after every step). Under a
        ``tf.distribute`` strategy ``"auto"`` means 1 (Keras' multi-step loop
        fails there in TF 2.21).

        ``jit_compile="auto"`` (default) compiles the training loop with XLA in a
        ``fit`` of at least ``XLA_MIN_STEPS`` (2000) steps off-strategy (the compilation,
        about 2 s, pays off there: ~1.8x faster steps on CPU), and falls back to no XLA
        with a warning when XLA cannot compile the loss; shorter fits, evaluation and
        prediction run without XLA. ``True`` / ``False`` keep the Keras meaning.
        """
        auto = isinstance(steps_per_execution, str)
        if auto and steps_per_execution != "auto":
            raise ValueError(
                "`steps_per_execution` must be 'auto' or a positive integer. "
                f"Received: steps_per_execution={steps_per_execution!r}"
            )
        auto_jit = isinstance(jit_compile, str)
        if auto_jit and jit_compile != "auto":
            raise ValueError(f"`jit_compile` must be 'auto' or a boolean. Received: jit_compile={jit_compile!r}")
        super().compile(optimizer=optimizer, steps_per_execution=1 if auto else steps_per_execution,
                        jit_compile=False if auto_jit else validation.boolean("jit_compile", jit_compile), **kwargs)
        self._auto_steps_per_execution = auto
        self._auto_jit = auto_jit
        self._xla_now = False

    def get_compile_config(self):
        """The optimizer and ``steps_per_execution``, so that a loaded PINN is compiled again."""
        if not getattr(self, "compiled", False) or getattr(self, "optimizer", None) is None:
            return None
        return {
            "optimizer": keras.saving.serialize_keras_object(self.optimizer),
            "steps_per_execution": "auto" if self._auto_steps_per_execution else int(self.steps_per_execution),
            "jit_compile": "auto" if self._auto_jit else bool(self.jit_compile),
        }

    def compile_from_config(self, config):
        """Compiles from :meth:`get_compile_config` (called by ``keras.saving.load_model``)."""
        config = dict(config)
        optimizer = keras.saving.deserialize_keras_object(config.pop("optimizer"))
        self.compile(optimizer=optimizer, **config)
        if self.built:
            self.optimizer.build(self.trainable_variables)  # so that its saved state loads

    def fit(self, x=None, y=None, epochs=1, steps_per_epoch=None, callbacks=None, validation_data=None, check_finite=True, **kwargs):
        """Trains on the collocation points (Keras ``fit``; ``x`` must be ``None``).

        Each step uses all points of all conditions. ``steps_per_epoch``
        defaults to 100, so ``epochs * steps_per_epoch`` is the number of
        optimizer steps. See :meth:`compile` for ``steps_per_execution``
        (default ``"auto"``); with an integer ``k``, ``steps_per_epoch`` must be a
        multiple of ``k``. ``validation_data=(x_ref, u_ref)`` logs the relative
        L2 error ``val_rel_l2 = ||u - u_ref|| / ||u_ref||``. With
        ``check_finite=True`` (default) training stops with a
        ``FloatingPointError`` naming the first non-finite loss term. The PDE
        parameters are logged every epoch (``History.history["nu"]``), and monitor
        callbacks in ``mode="auto"`` on ``loss``, a term or ``rel_l2`` minimise it.
        """
        if x is not None or y is not None:
            raise ValueError(
                "PINN.fit trains on the collocation points of its conditions; do not pass "
                "`x`/`y` (observations go into a PointData condition)."
            )
        steps_per_epoch = validation.positive_int("steps_per_epoch", 100 if steps_per_epoch is None else steps_per_epoch)
        if self._auto_steps_per_execution:
            auto = auto_steps_per_execution(steps_per_epoch, self.under_strategy())
            if auto != self.steps_per_execution:  # retraces only when it changes
                self.steps_per_execution = auto
                self.train_function = self.test_function = self.predict_function = None
        if self._auto_jit:
            total = (epochs - int(kwargs.get("initial_epoch", 0))) * steps_per_epoch
            xla = (total >= XLA_MIN_STEPS and not self.under_strategy()
                   and not self._xla_failed)
            if xla != self._xla_now:  # recompiles only when it changes
                self._xla_now = xla
                self.train_function = None
        spe = int(getattr(self, "steps_per_execution", 1) or 1)
        if steps_per_epoch % spe:
            # Keras would silently run whole executions past the epoch end
            raise ValueError(
                f"`steps_per_epoch` must be a multiple of `steps_per_execution` ({spe}) given "
                f"to compile(). Received: steps_per_epoch={steps_per_epoch}"
            )
        if not self._validated:
            self.validate()
        replicas = self.distribute_strategy.num_replicas_in_sync
        dummy = tf.data.Dataset.from_tensors(np.zeros((replicas, 1), np.float32)).repeat()
        callbacks = self.training_callbacks(callbacks, check_finite=check_finite)
        if validation_data is not None:
            validation_data = self._validation_dataset(validation_data, replicas)
        return super().fit(
            dummy,
            epochs=epochs,
            steps_per_epoch=steps_per_epoch,
            callbacks=callbacks,
            validation_data=validation_data,
            shuffle=False,
            **kwargs,
        )

    def training_callbacks(self, callbacks=None, check_finite=True):
        """The callbacks :meth:`fit` runs: ``callbacks`` plus the PINN's own.

        Monitor callbacks in ``mode="auto"`` get the metric directions; then come the
        parameter log (if there are PDE parameters), the finite-loss check (if
        ``check_finite``) and the resampler (if ``resample_every``). Use it with another
        training loop, e.g. ``kextras.distribute.fit(pinn, None, epochs=...,
        callbacks=pinn.training_callbacks())``; under several workers give the PINN a
        ``seed`` so that every worker resamples the same points.
        """
        callbacks = list(callbacks or [])
        declare_directions(callbacks, self.minimised_metrics)
        if self.pde_parameters:
            callbacks.insert(0, ParameterLog(self))
        if check_finite:
            callbacks.append(FiniteCheck(self.term_names))
        if self.resample_every:
            callbacks.append(Resampler(self.resample_every))
        return callbacks

    def _validation_dataset(self, validation_data, replicas):
        xv = np.asarray(validation_data[0], dtype=self.compute_dtype)
        yv = np.asarray(validation_data[1], dtype=self.compute_dtype)
        if xv.ndim != 2 or xv.shape[1] != self.input_dim:
            raise ValueError(
                f"`validation_data` points must have shape [n, {self.input_dim}]. Received: {xv.shape}"
            )
        batch = max(1, -(-xv.shape[0] // (4 * replicas))) * replicas
        return tf.data.Dataset.from_tensor_slices((xv, yv.reshape(xv.shape[0], -1))).batch(batch)
