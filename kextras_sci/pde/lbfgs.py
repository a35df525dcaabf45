"""L-BFGS stage on a :class:`~kextras_sci.pde.PINN` loss: SciPy's L-BFGS-B or L-BFGS in TensorFlow.

The trainable weights (network, output transform, PDE parameters) are viewed
as one flat vector ``theta``. A traced function writes ``theta`` into the
variables and returns the total loss ``L(theta)``, the flat gradient and every
loss term. Parameters with a :class:`~kextras_sci.pde.layers.Bounds`
constraint keep their box. It starts from the current weights, so it continues
after an Adam ``fit``; at the end the best weights found stay in the model.

Two backends, the same stopping rules (``maxiter``, ``maxfun``, ``gtol`` on the
projected gradient, ``ftol`` on the relative reduction, ``maxls``), history and
result:

- ``backend="scipy"`` (default): ``scipy.optimize.minimize(method="L-BFGS-B",
  jac=True)`` drives a compiled ``tf.function`` with ``float64`` input; every
  evaluation crosses into NumPy.
- ``backend="tensorflow"``: :class:`~kextras_sci.pde.lbfgs_tf.TFLBFGS`, a
  two-loop L-BFGS with a strong-Wolfe line search in TensorFlow ops, in the
  dtype of the weights; iterations run in compiled chunks of up to 50 (XLA on
  one device), Python reads one table per chunk. Bounds: the search direction
  is projected (components at a bound pointing outward are dropped) and the
  step capped at the box, so iterates stay feasible (L-BFGS-B instead uses a
  generalized Cauchy point; both return feasible iterates).

Line-search failures: SciPy stops at the first line search that cannot
decrease the loss (``"ABNORMAL: "``), which happens long before ``maxiter``
when the loss is computed in ``float32`` (its rounding noise swamps the
decrease the line search asks for). ``restarts=k`` restarts L-BFGS-B from the
best weights with an empty curvature memory up to ``k`` times, within the
same ``maxiter`` / ``maxfun`` budget (PyTorch's ``LBFGS``, which DeepXDE uses,
does not stop on a failed line search either).

Precision: SciPy works in ``float64``; the TensorFlow backend in the weights' dtype. A ``float32`` network is evaluated in
``float32`` (the gradient is cast), which limits how far L-BFGS can go; build
the network with ``dtype="float64"`` for a fully ``float64`` stage.

Under a ``tf.distribute`` strategy the loss and gradient are computed per
replica on its share of the points and summed.

Example::

    result = minimize_lbfgs(pinn, maxiter=5000)                        # SciPy
    result = minimize_lbfgs(pinn, maxiter=5000, backend="tensorflow")  # in TensorFlow
    result.history["loss"][-1], result.history["pde"][-1]
"""

from __future__ import annotations

import dataclasses
import time

import keras
import numpy as np
import tensorflow as tf

from kextras import validation
from kextras_sci.pde.lbfgs_scipy import ScipyLBFGS
from kextras_sci.pde.lbfgs_tf import TensorFlowLBFGS
from kextras_sci.pde.layers.bounds import Bounds

__all__ = ["minimize_lbfgs", "LBFGSResult", "FlatWeights"]


@dataclasses.dataclass
class LBFGSResult:
    """Outcome of :func:`minimize_lbfgs`.

    Attributes:
        history: dict of lists, one entry per L-BFGS iteration: ``"loss"``
            (weighted total), every term name, every PDE parameter (its value at
            the iterate, as ``fit`` logs it per epoch), ``"nfev"`` (cumulative function
            evaluations) and ``"time"`` (seconds since the start; with the
            TensorFlow backend measured at the end of each compiled chunk).
        loss: final total loss.
        terms: final value of every term.
        iterations: number of iterations run.
        nfev: number of loss/gradient evaluations.
        message: termination message (SciPy's wording for both backends).
        success: True when a convergence test (``gtol``, ``ftol``) or the callback stopped it.
        seconds: wall time.
        restarts: restarts done after line-search failures (see ``restarts``).
    """

    history: dict
    loss: float
    terms: dict
    iterations: int
    nfev: int
    message: str
    success: bool
    seconds: float
    restarts: int = 0


class FlatWeights:
    """Bridge between a list of variables and one flat ``float64`` vector.

    Args:
        variables: list of (Keras or TF) variables.
    """

    def __init__(self, variables):
        self.variables = list(variables)
        if not self.variables:
            raise ValueError("`variables` must not be empty: there is nothing to optimize.")
        self.shapes = [tuple(v.shape) for v in self.variables]
        self.sizes = [int(np.prod(s)) for s in self.shapes]
        self.size = int(sum(self.sizes))

    @property
    def dtype(self):
        """``float64`` if any variable is ``float64``, else ``float32``."""
        return tf.float64 if any(tf.as_dtype(v.dtype) == tf.float64 for v in self.variables) else tf.float32

    def get(self, dtype=np.float64):
        """The current values as ``dtype[size]``."""
        dtype = tf.as_dtype(dtype).as_numpy_dtype
        return np.concatenate([np.asarray(keras.ops.convert_to_numpy(v), dtype).ravel() for v in self.variables])

    def assign(self, flat):
        """Writes ``flat`` (``[size]``, tensor or array) into the variables."""
        flat = tf.convert_to_tensor(flat)
        parts = tf.split(flat, self.sizes)
        for v, p, s in zip(self.variables, parts, self.shapes):
            v.assign(tf.reshape(tf.cast(p, v.dtype), s))

    def flatten(self, tensors, dtype=tf.float64):
        """Concatenates per-variable tensors (e.g. gradients; ``None`` is 0) into ``dtype[size]``."""
        return tf.concat(
            [tf.reshape(tf.cast(t, dtype) if t is not None else tf.zeros(s, dtype), [-1])
             for t, s in zip(tensors, self.shapes)],
            axis=0,
        )

    def bounds(self):
        """L-BFGS-B bounds: from :class:`Bounds` constraints, else unbounded."""
        out = []
        for v, n in zip(self.variables, self.sizes):
            c = getattr(v, "constraint", None)
            if isinstance(c, Bounds):
                out.extend([(c.lower, c.upper)] * n)
            else:
                out.extend([(None, None)] * n)
        return out

    def box(self):
        """The bounds as two ``float64[size]`` arrays (``-inf`` / ``inf`` where unbounded)."""
        pairs = np.array([(-np.inf if lo is None else lo, np.inf if hi is None else hi) for lo, hi in self.bounds()])
        return pairs[:, 0], pairs[:, 1]


class PINNObjective:
    """The PINN loss as a function of the flat weights: ``theta -> (L, grad, terms)``.

    Under a ``tf.distribute`` strategy each replica evaluates its share of the
    points; the loss, the terms and the gradient are summed over replicas.

    Args:
        pinn: a validated :class:`~kextras_sci.pde.PINN`.
    """

    def __init__(self, pinn):
        self.pinn = pinn
        self.bridge = FlatWeights(pinn.trainable_weights)
        self.names = list(pinn.term_names)
        self.strategy = pinn.distribute_strategy
        # PDE parameters: (name, index in the flat vector, or the constant value when not trainable)
        offsets = np.cumsum([0] + self.bridge.sizes)
        where = {id(v): int(o) for v, o in zip(self.bridge.variables, offsets)}
        self.parameters = [(name, where.get(id(v)), float(keras.ops.convert_to_numpy(v)))
                           for name, v in pinn.pde_parameters.items()]

    @property
    def parameter_indices(self):
        """Flat indices of the trainable PDE parameters (in ``parameters`` order)."""
        return [i for _, i, _ in self.parameters if i is not None]

    def parameter_values(self, tracked):
        """``{name: value}`` from the tracked entries of the flat vector (``parameter_indices`` order)."""
        tracked = iter(np.asarray(tracked, np.float64).ravel())
        return {name: float(next(tracked)) if i is not None else const for name, i, const in self.parameters}

    def _replica(self):
        variables = self.bridge.variables
        with tf.GradientTape() as tape:
            total, terms = self.pinn.compute_terms(training=True)
        grads = tape.gradient(total, variables)
        return total, [terms[n] for n in self.names], grads

    def __call__(self, theta, dtype=None):
        """Writes ``theta`` into the weights; returns ``(L, [size] gradient, [k] terms)`` in ``dtype``."""
        dtype = theta.dtype if dtype is None else dtype
        self.bridge.assign(theta)
        total, terms, grads = self.strategy.run(self._replica)
        total, *terms = (self.strategy.reduce(tf.distribute.ReduceOp.SUM, t, axis=None) for t in [total, *terms])
        grads = [None if g is None else self.strategy.reduce(tf.distribute.ReduceOp.SUM, g, axis=None) for g in grads]
        terms = tf.stack([tf.cast(t, dtype) for t in terms]) if terms else tf.zeros([0], dtype)
        return tf.cast(total, dtype), self.bridge.flatten(grads, dtype), terms

    def non_finite_error(self, nfev, terms):
        bad = [n for n, v in zip(self.names, terms) if not np.isfinite(v)] or ["loss"]
        return FloatingPointError(
            f"L-BFGS stopped at evaluation {nfev}: loss term {', '.join(repr(b) for b in bad)} is not finite."
        )


class _Recorder:
    """History, progress bar, callback and best point of one L-BFGS stage."""

    def __init__(self, names, maxiter, verbose, callback, objective=None):
        self.names = names
        self.objective = objective
        params = [p[0] for p in objective.parameters] if objective is not None else []
        self.history = {"loss": [], **{n: [] for n in names}, **{p: [] for p in params}, "nfev": [], "time": []}
        self.bar = keras.utils.Progbar(maxiter, stateful_metrics=["loss", *names]) if verbose else None
        self.callback = callback
        self.start = time.perf_counter()
        self.iterations, self.best, self.best_x, self.logs = 0, np.inf, None, {}

    def record(self, loss, terms, nfev, x=None, seconds=None, tracked=None):
        """Appends one iteration; returns True when the callback asks to stop.

        The PDE parameter values come from ``tracked`` (their entries of the
        iterate, ``objective.parameter_indices`` order) or from the iterate ``x``.
        """
        self.iterations += 1
        self.logs = {"loss": float(loss), **{n: float(v) for n, v in zip(self.names, terms)}}
        if self.objective is not None and self.objective.parameters:
            if tracked is None:
                tracked = np.asarray(x)[self.objective.parameter_indices]
            self.logs.update(self.objective.parameter_values(tracked))
        if self.logs["loss"] < self.best:
            self.best = self.logs["loss"]
            self.best_x = None if x is None else np.array(x, copy=True)
        for k, v in self.logs.items():
            self.history[k].append(v)
        self.history["nfev"].append(int(nfev))
        self.history["time"].append(time.perf_counter() - self.start if seconds is None else seconds)
        return self.callback is not None and bool(self.callback(self.iterations, dict(self.logs)))

    def update_bar(self):
        if self.bar is not None and self.iterations:
            self.bar.update(self.iterations, values=list(self.logs.items()))

    def finish(self, maxiter):
        if self.bar is not None and self.iterations < maxiter:
            self.bar.target = max(self.iterations, 1)
            self.bar.update(self.bar.target, values=list(self.logs.items()), finalize=True)


def minimize_lbfgs(
    pinn,
    maxiter=1000,
    maxfun=None,
    maxcor=50,
    ftol=0.0,
    gtol=1e-8,
    maxls=50,
    restarts=0,
    verbose=1,
    callback=None,
    backend="scipy",
    jit_compile="auto",
):
    """Minimizes the PINN loss with L-BFGS, starting from the current weights.

    Args:
        pinn: a :class:`~kextras_sci.pde.PINN` with conditions.
        maxiter: maximum number of iterations (default 1000).
        maxfun: maximum number of loss evaluations (default ``1.25 * maxiter``);
            the stage stops after the first iteration that exceeds it.
        maxcor: number of stored correction pairs (default 50).
        ftol: stop when ``(f_k - f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) <= ftol``
            (default 0: only when the loss stops decreasing).
        gtol: stop when ``max_i |proj g_i| <= gtol``, the projected gradient
            (default 1e-8).
        maxls: maximum line-search evaluations per iteration (default 50).
        restarts: with the SciPy backend, after SciPy stops on a failed line search
            ("ABNORMAL") before ``maxiter``, restart from the best weights with
            an empty curvature memory, at most this many times (default 0:
            stop). The iterations and evaluations of all rounds count against
            ``maxiter`` and ``maxfun``; a round that improves nothing ends the
            stage. The TensorFlow backend retries a failed line search with an
            empty memory by itself (as L-BFGS-B does once), so a restart from the
            same point would repeat it: there ``restarts`` has no effect.
        verbose: 1 (default) shows a Keras progress bar, 0 is silent.
        callback: optional function ``(iteration, logs)`` called after each
            iteration with ``logs`` a dict of the loss and terms; return
            ``True`` to stop (the TensorFlow backend then runs one iteration
            per compiled call).
        backend: ``"scipy"`` (default, SciPy's L-BFGS-B) or ``"tensorflow"``
            (:mod:`~kextras_sci.pde.lbfgs_tf`, no NumPy inside the iterations).
        jit_compile: with the TensorFlow backend, ``True`` compiles each chunk of
            iterations with XLA, ``False`` runs the loop in graph mode with only
            the two-loop recursion in XLA, ``"auto"`` (default): ``True`` on one
            replica, ``False`` under a multi-replica ``tf.distribute`` strategy, and
            ``False`` (with a warning) when XLA cannot compile the loss.

    Returns:
        :class:`LBFGSResult`; the model keeps the best weights found.
    """
    options = {
        "maxiter": validation.positive_int("maxiter", maxiter),
        "maxcor": validation.positive_int("maxcor", maxcor),
        "maxls": validation.positive_int("maxls", maxls),
        "restarts": validation.non_negative_int("restarts", restarts),
        "ftol": validation.real("ftol", ftol, minimum=0),
        "gtol": validation.real("gtol", gtol, minimum=0),
    }
    options["maxfun"] = (validation.positive_int("maxfun", maxfun) if maxfun is not None
                         else int(1.25 * options["maxiter"]) + 1)
    validation.choice("verbose", verbose, [0, 1])
    validation.choice("backend", backend, ["scipy", "tensorflow"])
    if jit_compile != "auto":
        validation.boolean("jit_compile", jit_compile)
    if callback is not None and not callable(callback):
        raise ValueError(f"`callback` must be a callable or None. Received: callback={callback!r}")
    if not pinn.conditions:
        raise ValueError("The PINN has no conditions: there is no loss to minimize.")
    if not pinn._validated:
        pinn.validate()
    objective = PINNObjective(pinn)
    rec = _Recorder(objective.names, options["maxiter"], verbose, callback, objective)
    if backend == "scipy":
        stage = ScipyLBFGS(objective, options, rec)
    else:
        auto = jit_compile == "auto"
        if auto:
            jit_compile = objective.strategy.num_replicas_in_sync == 1
        stage = TensorFlowLBFGS(objective, options, rec, jit_compile, fallback=auto)
    final_x, message, success, restarts = stage.run()
    loss, terms = stage.final(rec.best_x if final_x is None else final_x)
    rec.finish(options["maxiter"])
    return LBFGSResult(
        history=rec.history,
        loss=loss,
        terms={n: float(v) for n, v in zip(objective.names, terms)},
        iterations=rec.iterations,
        nfev=stage.nfev,
        message=message,
        success=success,
        seconds=time.perf_counter() - rec.start,
        restarts=restarts,
    )
