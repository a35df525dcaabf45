"""The SciPy backend of :func:`~kextras_sci.pde.minimize_lbfgs`: L-BFGS-B rounds on a PINN objective."""

from __future__ import annotations

import numpy as np
import scipy.optimize
import tensorflow as tf

__all__ = ["ScipyLBFGS"]


class _Stop(Exception):
    pass


class ScipyLBFGS:
    """The SciPy backend: L-BFGS-B rounds (``restarts`` after line-search failures)."""

    def __init__(self, objective, options, recorder):
        self.objective, self.options, self.rec = objective, options, recorder
        self.bridge = objective.bridge
        self.nfev, self.last_x, self.last_logs = 0, None, None
        self.compiled = tf.function(
            lambda theta: objective(theta, tf.float64),
            input_signature=[tf.TensorSpec([self.bridge.size], tf.float64)], autograph=False,
        )

    def fun(self, theta):
        total, grad, terms = self.compiled(tf.constant(theta, tf.float64))
        total, terms = float(total.numpy()), terms.numpy()
        self.nfev += 1
        if not np.isfinite(total):
            raise self.objective.non_finite_error(self.nfev, terms)
        self.last_x, self.last_logs = theta.copy(), (total, terms)
        return total, grad.numpy()

    def callback(self, intermediate_result=None, *args):
        x = np.asarray(getattr(intermediate_result, "x", intermediate_result))
        if self.last_x is None or not np.array_equal(x, self.last_x):
            self.fun(x)
        stop = self.rec.record(*self.last_logs, self.nfev, x=x)
        self.rec.update_bar()
        if stop:
            raise _Stop()

    def _round(self, x_start):
        opt = self.options
        return scipy.optimize.minimize(
            self.fun, x_start, jac=True, method="L-BFGS-B", bounds=self.bridge.bounds(), callback=self.callback,
            options={"maxiter": opt["maxiter"] - self.rec.iterations, "maxfun": max(opt["maxfun"] - self.nfev, 1),
                     "maxcor": opt["maxcor"], "ftol": opt["ftol"], "gtol": opt["gtol"], "maxls": opt["maxls"]},
        )

    def run(self):
        """Returns ``(final_x, message, success, restarts)``; leaves the model at the best point on errors."""
        opt, rec = self.options, self.rec
        x0 = self.bridge.get()
        x_start, restarts = x0, 0
        try:
            while True:
                best_before = rec.best
                res = self._round(x_start)
                message, success = str(res.message), bool(res.success)
                final_x = res.x if rec.best_x is None or float(res.fun) <= rec.best else rec.best_x
                retry = (message.startswith("ABNORMAL") and restarts < opt["restarts"] and
                         rec.iterations < opt["maxiter"] and self.nfev < opt["maxfun"] and rec.best < best_before)
                if not retry:
                    return final_x, message, success, restarts
                restarts += 1
                x_start = np.array(final_x, copy=True)
        except _Stop:
            return rec.best_x, "stopped by callback", True, restarts
        except FloatingPointError:
            # leave the model at the best weights seen, not at the non-finite trial point
            self.bridge.assign(tf.constant(x0 if rec.best_x is None else rec.best_x, tf.float64))
            raise

    def final(self, x):
        total, _, terms = self.compiled(tf.constant(x, tf.float64))
        self.bridge.assign(tf.constant(x, tf.float64))
        return float(total.numpy()), terms.numpy()
