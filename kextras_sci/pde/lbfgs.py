"""L-BFGS stage: SciPy's L-BFGS-B on a :class:`~kextras_sci.pde.PINN` loss.

The trainable weights (network, output transform, PDE parameters) are viewed
as one flat ``float64`` vector ``theta``. A compiled ``tf.function`` (traced
once, fixed input signature) writes ``theta`` into the variables and returns
the total loss ``L(theta)``, the flat gradient and every loss term; SciPy's
``minimize(method="L-BFGS-B", jac=True)`` drives it. Parameters with a
:class:`~kextras_sci.pde.layers.Bounds` constraint get the same box as
L-BFGS-B bounds. It starts from the current weights, so it continues after
an Adam ``fit``; at the end the best weights found stay in the model.

Line-search failures: SciPy stops at the first line search that cannot
decrease the loss (``"ABNORMAL: "``), which happens long before ``maxiter``
when the loss is computed in ``float32`` (its rounding noise swamps the
decrease the line search asks for). ``restarts=k`` restarts L-BFGS-B from the
best weights with an empty curvature memory up to ``k`` times, within the
same ``maxiter`` / ``maxfun`` budget (PyTorch's ``LBFGS``, which DeepXDE uses,
does not stop on a failed line search either).

Precision: SciPy works in ``float64``. A ``float32`` network is evaluated in
``float32`` (the gradient is cast), which limits how far L-BFGS can go; build
the network with ``dtype="float64"`` for a fully ``float64`` stage.

Under a ``tf.distribute`` strategy the loss and gradient are computed per
replica on its share of the points and summed.

Example::

    result = minimize_lbfgs(pinn, maxiter=5000)
    result.history["loss"][-1], result.history["pde"][-1]
"""

from __future__ import annotations

import dataclasses
import numbers
import time

import keras
import numpy as np
import scipy.optimize
import tensorflow as tf

from kextras_sci.pde.layers.bounds import Bounds

__all__ = ["minimize_lbfgs", "LBFGSResult", "FlatWeights"]


@dataclasses.dataclass
class LBFGSResult:
    """Outcome of :func:`minimize_lbfgs`.

    Attributes:
        history: dict of lists, one entry per L-BFGS iteration: ``"loss"``
            (weighted total), every term name, ``"nfev"`` (cumulative function
            evaluations) and ``"time"`` (seconds since the start).
        loss: final total loss.
        terms: final value of every term.
        iterations: number of iterations run.
        nfev: number of loss/gradient evaluations.
        message: SciPy's termination message.
        success: SciPy's success flag.
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

    def get(self):
        """The current values as ``float64[size]``."""
        return np.concatenate(
            [np.asarray(keras.ops.convert_to_numpy(v), np.float64).ravel() for v in self.variables]
        )

    def assign(self, flat):
        """Writes ``flat`` (``[size]``, tensor or array) into the variables."""
        flat = tf.convert_to_tensor(flat)
        parts = tf.split(flat, self.sizes)
        for v, p, s in zip(self.variables, parts, self.shapes):
            v.assign(tf.reshape(tf.cast(p, v.dtype), s))

    def flatten(self, tensors):
        """Concatenates per-variable tensors (e.g. gradients) into ``float64[size]``."""
        return tf.concat(
            [
                tf.reshape(tf.cast(t if t is not None else tf.zeros(s, tf.float64), tf.float64), [-1])
                for t, s in zip(tensors, self.shapes)
            ],
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


def _check_int(value, name, minimum=1):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}. Received: {name}={value!r}")
    return int(value)


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
):
    """Minimizes the PINN loss with SciPy's L-BFGS-B, starting from the current weights.

    Args:
        pinn: a :class:`~kextras_sci.pde.PINN` with conditions.
        maxiter: maximum number of iterations (default 1000).
        maxfun: maximum number of loss evaluations (default ``1.25 * maxiter``).
        maxcor: number of stored correction pairs (default 50).
        ftol: relative reduction tolerance of the loss (default 0: off).
        gtol: tolerance on the projected gradient (default 1e-8).
        maxls: maximum line-search steps per iteration (default 50).
        restarts: after SciPy stops on a failed line search ("ABNORMAL")
            before ``maxiter``, restart from the best weights with an empty
            curvature memory, at most this many times (default 0: stop). The
            iterations and evaluations of all rounds count against
            ``maxiter`` and ``maxfun``; a round that improves nothing ends
            the stage.
        verbose: 1 (default) shows a Keras progress bar, 0 is silent.
        callback: optional function ``(iteration, logs)`` called after each
            iteration with ``logs`` a dict of the loss and terms; return
            ``True`` to stop.

    Returns:
        :class:`LBFGSResult`; the model keeps the best weights found.
    """
    maxiter = _check_int(maxiter, "maxiter")
    maxfun = _check_int(maxfun, "maxfun") if maxfun is not None else int(1.25 * maxiter) + 1
    maxcor = _check_int(maxcor, "maxcor")
    maxls = _check_int(maxls, "maxls")
    restarts = _check_int(restarts, "restarts", minimum=0)
    if not pinn.conditions:
        raise ValueError("The PINN has no conditions: there is no loss to minimize.")
    if not pinn._validated:
        pinn.validate()
    bridge = FlatWeights(pinn.trainable_weights)
    names = pinn.term_names
    strategy = pinn.distribute_strategy

    def replica_fn():
        with tf.GradientTape() as tape:
            total, terms = pinn.compute_terms(training=True)
        grads = tape.gradient(total, bridge.variables)
        grads = [g if g is not None else tf.zeros_like(v) for g, v in zip(grads, bridge.variables)]
        return total, [terms[n] for n in names], grads

    @tf.function(input_signature=[tf.TensorSpec([bridge.size], tf.float64)], autograph=False)
    def loss_and_grad(theta):
        bridge.assign(theta)
        total, terms, grads = strategy.run(replica_fn)
        total = strategy.reduce(tf.distribute.ReduceOp.SUM, total, axis=None)
        terms = [strategy.reduce(tf.distribute.ReduceOp.SUM, t, axis=None) for t in terms]
        grads = [strategy.reduce(tf.distribute.ReduceOp.SUM, g, axis=None) for g in grads]
        return tf.cast(total, tf.float64), tf.stack([tf.cast(t, tf.float64) for t in terms]), bridge.flatten(grads)

    last = {}
    counter = {"nfev": 0}

    def fun(theta):
        total, terms, grad = loss_and_grad(tf.constant(theta, tf.float64))
        total = float(total.numpy())
        terms = terms.numpy()
        counter["nfev"] += 1
        if not np.isfinite(total):
            bad = [n for n, v in zip(names, terms) if not np.isfinite(v)] or ["loss"]
            raise FloatingPointError(
                f"L-BFGS stopped at evaluation {counter['nfev']}: loss term "
                f"{', '.join(repr(b) for b in bad)} is not finite."
            )
        last["x"] = theta.copy()
        last["logs"] = {"loss": total, **{n: float(v) for n, v in zip(names, terms)}}
        return total, grad.numpy()

    history = {"loss": [], **{n: [] for n in names}, "nfev": [], "time": []}
    bar = keras.utils.Progbar(maxiter, stateful_metrics=["loss", *names]) if verbose else None
    start = time.perf_counter()
    state = {"it": 0, "best_x": None, "best": np.inf}

    class _Stop(Exception):
        pass

    def cb(intermediate_result=None, *args):
        x = getattr(intermediate_result, "x", intermediate_result)
        if "x" in last and np.array_equal(x, last["x"]):
            logs = last["logs"]
        else:
            fun(np.asarray(x))
            logs = last["logs"]
        state["it"] += 1
        if logs["loss"] < state["best"]:
            state["best"] = logs["loss"]
            state["best_x"] = np.array(x, copy=True)
        for k, v in logs.items():
            history[k].append(v)
        history["nfev"].append(counter["nfev"])
        history["time"].append(time.perf_counter() - start)
        if bar is not None:
            bar.update(state["it"], values=list(logs.items()))
        if callback is not None and callback(state["it"], dict(logs)):
            raise _Stop()

    x0 = bridge.get()
    message, success = "", False
    x_start, restarts_done = x0, 0
    bounds = bridge.bounds()
    try:
        while True:
            best_before = state["best"]
            res = scipy.optimize.minimize(
                fun,
                x_start,
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
                callback=cb,
                options={
                    "maxiter": maxiter - state["it"],
                    "maxfun": max(maxfun - counter["nfev"], 1),
                    "maxcor": maxcor,
                    "ftol": ftol,
                    "gtol": gtol,
                    "maxls": maxls,
                },
            )
            message, success = str(res.message), bool(res.success)
            final_x, final_f = res.x, float(res.fun)
            if state["best_x"] is not None and state["best"] < final_f:
                final_x, final_f = state["best_x"], state["best"]
            if (
                message.startswith("ABNORMAL")
                and restarts_done < restarts
                and state["it"] < maxiter
                and counter["nfev"] < maxfun
                and state["best"] < best_before
            ):
                restarts_done += 1
                x_start = np.array(final_x, copy=True)
                continue
            break
    except _Stop:
        message, success = "stopped by callback", True
        final_x, final_f = state["best_x"], state["best"]
    except FloatingPointError:
        # leave the model at the best weights seen, not at the non-finite trial point
        bridge.assign(tf.constant(state["best_x"] if state["best_x"] is not None else x0, tf.float64))
        raise
    if final_x is None:
        final_x = x0
    total, terms, _ = loss_and_grad(tf.constant(final_x, tf.float64))
    bridge.assign(tf.constant(final_x, tf.float64))
    seconds = time.perf_counter() - start
    if bar is not None and state["it"] < maxiter:
        bar.target = max(state["it"], 1)
        bar.update(bar.target, values=list(last.get("logs", {}).items()), finalize=True)
    return LBFGSResult(
        history=history,
        loss=float(total.numpy()),
        terms={n: float(v) for n, v in zip(names, terms.numpy())},
        iterations=state["it"],
        nfev=counter["nfev"],
        message=message,
        success=success,
        seconds=seconds,
        restarts=restarts_done,
    )
