"""L-BFGS inside TensorFlow: two-loop recursion, strong-Wolfe line search, box bounds.

:class:`TFLBFGS` minimizes ``f(theta)`` over a flat ``[n]`` vector given a traceable
``evaluate(theta) -> (f, g, terms)``. Its whole state (iterate, gradient, the ``maxcor``
newest correction pairs ``s_i = x_{i+1} - x_i``, ``y_i = g_{i+1} - g_i`` in a circular
buffer, ``rho_i = 1 / (y_i . s_i)``) lives in ``tf.Variable`` s, and :meth:`TFLBFGS.run`
is one compiled ``tf.function`` that makes up to ``chunk`` iterations in a
``tf.while_loop``; Python reads one small table of per-iteration values per call.

One iteration (Nocedal & Wright, alg. 7.5):

1. ``p = -H g`` by the two-loop recursion (alg. 7.4) with ``H_0 = gamma I``,
   ``gamma = s.y / y.y`` of the newest pair (XLA-compiled: it is ``2 maxcor`` small
   vector operations);
2. bounds (projected direction): components at a bound whose ``-g`` points outward are
   set to 0 in ``p``, and the step is capped at ``a_max``, the largest ``a`` with
   ``x + a p`` in the box; so every iterate stays feasible, as in L-BFGS-B. When ``p``
   is not a descent direction the memory is emptied and ``p = -g`` (projected);
3. strong-Wolfe line search (:func:`~kextras_sci.pde.line_search.strong_wolfe`, c1 =
   1e-4, c2 = 0.9), first trial step 1, or ``1 / ||p||`` with an empty memory
   (L-BFGS-B's rule);
4. the pair ``(s, y)`` is stored when ``y.s > eps y.y`` (else skipped).

Stopping rules, checked after each iteration in this order (the SciPy L-BFGS-B ones):
``maxiter`` iterations; more than ``maxfun`` evaluations; ``max_i |proj g_i| <= gtol``
with ``proj g = P(x - g) - x`` (``P`` the projection on the box, also checked at the
start); ``(f_k - f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) <= ftol``. A failed line search
(no sufficient decrease within ``maxls`` evaluations) empties the memory and retries
from the same point, as L-BFGS-B does; a failure with an empty memory ends the run
(``"ABNORMAL: "``). A non-finite loss or gradient at a trial point ends it too
(status ``NONFINITE``), the iterate staying at the last accepted point.

The arithmetic runs in the dtype of ``x0`` (float32 or float64).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import tensorflow as tf

from kextras_sci.pde.line_search import strong_wolfe

__all__ = ["TFLBFGS", "TensorFlowLBFGS", "two_loop", "MESSAGES"]

RUNNING, MAXITER, MAXFUN, GTOL, FTOL, ABNORMAL, NONFINITE = range(7)
MESSAGES = {
    RUNNING: "RUNNING",
    MAXITER: "STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT",
    MAXFUN: "STOP: TOTAL NO. OF F,G EVALUATIONS EXCEEDS LIMIT",
    GTOL: "CONVERGENCE: NORM OF PROJECTED GRADIENT <= PGTOL",
    FTOL: "CONVERGENCE: RELATIVE REDUCTION OF F <= FACTR*EPSMCH",
    ABNORMAL: "ABNORMAL: ",
    NONFINITE: "NONFINITE",
}
SUCCESS = (GTOL, FTOL)


def two_loop(g, s, y, rho, head, count, gamma):
    """``H g`` by the L-BFGS two-loop recursion over the ``count`` newest pairs.

    ``s``, ``y``: ``[m, n]`` circular buffers whose newest pair sits at row
    ``head - 1 (mod m)``; ``rho``: ``[m]``; ``H_0 = gamma I``. Returns ``[n]``.
    The loops always run ``m`` times (a fixed trip count compiles once under XLA);
    the pairs older than the ``count`` newest are masked out.
    """
    m = tf.shape(s)[0]
    zero = tf.zeros([], g.dtype)

    def back(j, q, alpha):
        i = tf.math.floormod(head - 1 - j, m)
        s_i, y_i, rho_i = tf.gather(s, i), tf.gather(y, i), tf.gather(rho, i)
        a = tf.where(j < count, rho_i * tf.tensordot(s_i, q, 1), zero)
        return j + 1, q - a * y_i, tf.tensor_scatter_nd_update(alpha, [[i]], [a])

    _, q, alpha = tf.while_loop(lambda j, q, a: j < m, back, (tf.constant(0), g, tf.zeros_like(rho)))

    def forward(j, r):
        i = tf.math.floormod(head + j, m)  # oldest slot first
        b = tf.gather(alpha, i) - tf.gather(rho, i) * tf.tensordot(tf.gather(y, i), r, 1)
        return j + 1, r + tf.where(j >= m - count, b, zero) * tf.gather(s, i)

    _, r = tf.while_loop(lambda j, r: j < m, forward, (tf.constant(0), gamma * q))
    return r


def _projected_gradient_norm(x, g, lower, upper):
    return tf.reduce_max(tf.abs(tf.clip_by_value(x - g, lower, upper) - x))


class TFLBFGS:
    """L-BFGS state in ``tf.Variable`` s and a compiled chunk of iterations.

    Args:
        evaluate: traceable ``theta -> (f, g, terms)`` (scalar, ``[n]``, ``[k]``).
        x0: ``[n]`` start (NumPy or tensor, float32 or float64); clipped into the box.
        lower: ``[n]`` lower bounds (``-inf`` where unbounded) or ``None`` (default:
            unbounded below).
        upper: ``[n]`` upper bounds (``inf`` where unbounded) or ``None`` (default:
            unbounded above).
        num_terms: ``k``, the length of ``terms``.
        maxcor: number of correction pairs ``(s_i, y_i)`` kept (default 50).
        maxls: most loss evaluations per line search (default 50).
        ftol: stop when the relative reduction of ``f``,
            ``(f_k - f_{k+1}) / max(|f_k|, |f_{k+1}|, 1)``, is at most this (default 0.0).
        gtol: stop when the largest component of the projected gradient,
            ``max_i |proj g_i|``, is at most this (default 1e-8).
        chunk: most iterations per call of :meth:`run` (its table has this many rows).
        jit_compile: True (default): each call of :meth:`run` is one XLA program;
            False: a graph-mode loop in which only the two-loop recursion is
            XLA-compiled (for an ``evaluate`` that XLA cannot compile, e.g. one that
            runs ``strategy.run`` on several devices).
        track: indices of ``x`` whose values at each iterate go into the table of
            :meth:`run` (default none; the PINN stage tracks its PDE parameters).
    """

    def __init__(self, evaluate, x0, lower=None, upper=None, num_terms=0, maxcor=50, maxls=50, ftol=0.0,
                 gtol=1e-8, chunk=50, jit_compile=True, track=()):
        x0 = tf.convert_to_tensor(x0)
        dtype, n = x0.dtype, int(x0.shape[0])
        self.dtype, self.num_terms = dtype, int(num_terms)
        bound = lambda b, v: tf.fill([n], tf.constant(v, dtype)) if b is None else tf.cast(b, dtype)  # noqa: E731
        self.lower, self.upper = bound(lower, -np.inf), bound(upper, np.inf)
        self.evaluate = evaluate
        self.maxls, self.ftol, self.gtol = int(maxls), float(ftol), float(gtol)
        self.x = tf.Variable(tf.clip_by_value(x0, self.lower, self.upper), trainable=False)
        self.f = tf.Variable(tf.zeros([], dtype), trainable=False)
        self.g = tf.Variable(tf.zeros([n], dtype), trainable=False)
        self.terms = tf.Variable(tf.zeros([self.num_terms], dtype), trainable=False)
        self.s = tf.Variable(tf.zeros([maxcor, n], dtype), trainable=False)
        self.y = tf.Variable(tf.zeros([maxcor, n], dtype), trainable=False)
        self.rho = tf.Variable(tf.zeros([maxcor], dtype), trainable=False)
        self.gamma = tf.Variable(tf.ones([], dtype), trainable=False)
        self.head = tf.Variable(0, trainable=False)
        self.count = tf.Variable(0, trainable=False)
        self.nfev = tf.Variable(0, trainable=False)
        self.iterations = tf.Variable(0, trainable=False)
        self.bad_terms = tf.Variable(tf.zeros([self.num_terms], dtype), trainable=False)
        self._direction = two_loop if jit_compile else tf.function(two_loop, jit_compile=True)
        self._start = tf.function(self._start_fn, autograph=False)
        self._run = tf.function(
            self._run_fn, autograph=False, jit_compile=bool(jit_compile),
            input_signature=[tf.TensorSpec([], tf.int32)] * 3,
        )
        self.track = [int(i) for i in track]
        self.columns = 2 + self.num_terms + len(self.track)  # f, terms..., nfev, x[track]...
        self.chunk = int(chunk)

    # ------------------------------------------------------------------ graph
    def _start_fn(self):
        f, g, terms = self.evaluate(self.x)
        f = tf.cast(f, self.dtype)
        self.f.assign(f)
        self.g.assign(g)
        self.terms.assign(terms)
        self.bad_terms.assign(terms)
        self.nfev.assign(1)
        finite = tf.math.is_finite(f) & tf.reduce_all(tf.math.is_finite(g))
        pg = _projected_gradient_norm(self.x, g, self.lower, self.upper)
        return tf.where(finite, tf.where(pg <= self.gtol, GTOL, RUNNING), NONFINITE)

    def _iterate(self, x, f, g, terms, memory):
        """Direction, line search and memory update from ``(x, f, g)``; ``memory = (head, count, gamma)``."""
        head, count, gamma = memory
        lower, upper, zeros = self.lower, self.upper, tf.zeros_like(g)
        at_lower, at_upper = x <= lower, x >= upper
        p = -self._direction(g, self.s.read_value(), self.y.read_value(), self.rho.read_value(), head, count, gamma)
        p = tf.where((at_lower & (p < 0)) | (at_upper & (p > 0)), zeros, p)  # never out of the box
        descent = tf.tensordot(g, p, 1) < 0
        count = tf.where(descent, count, 0)
        steepest = tf.where((at_lower & (g > 0)) | (at_upper & (g < 0)), zeros, -g)
        p = tf.where(descent, p, steepest)
        fresh = tf.equal(count, 0)
        a1 = tf.where(fresh, 1.0 / tf.norm(p), tf.ones([], self.dtype))
        ratio = tf.where(p > 0, (upper - x) / p, tf.where(p < 0, (lower - x) / p, np.inf))
        a_max = tf.maximum(tf.reduce_min(ratio), 0.0)
        ls = strong_wolfe(self.evaluate, x, f, g, terms, p, a1, a_max, self.maxls, lower, upper)
        ok = ls["ok"]
        s_new, y_new = ls["x"] - x, ls["g"] - g
        ys, yy = tf.tensordot(y_new, s_new, 1), tf.tensordot(y_new, y_new, 1)
        store = ok & (ys > np.finfo(self.dtype.as_numpy_dtype).eps * yy)
        m = tf.shape(self.rho)[0]
        for var, value in ((self.s, s_new), (self.y, y_new), (self.rho, 1.0 / ys)):
            var.scatter_nd_update([[head]], [tf.where(store, value, tf.gather(var, head))])
        gamma = tf.where(store, ys / yy, gamma)
        head = tf.where(store, tf.math.floormod(head + 1, m), head)
        # a failed search empties the memory: the retry is projected steepest descent
        count = tf.where(store, tf.minimum(count + 1, m), tf.where(ok, count, 0))
        return ls, (head, count, gamma), fresh

    def _run_fn(self, chunk, maxiter, maxfun):
        def cond(k, status, *_):
            return (k < chunk) & tf.equal(status, RUNNING)

        def body(k, status, x, f, g, terms, memory, nfev, it, rows, bad):
            ls, memory, fresh = self._iterate(x, f, g, terms, memory)
            nfev = nfev + ls["nfev"]
            ok, f_new = ls["ok"], ls["f"]
            it = it + tf.cast(ok, tf.int32)
            row = tf.concat([[tf.cast(f_new, tf.float64)], tf.cast(ls["terms"], tf.float64),
                             [tf.cast(nfev, tf.float64)],
                             tf.cast(tf.gather(ls["x"], tf.constant(self.track, tf.int32)), tf.float64)], 0)
            rows = tf.tensor_scatter_nd_update(rows, [[k]], [row])
            pg = _projected_gradient_norm(ls["x"], ls["g"], self.lower, self.upper)
            reduction = (f - f_new) / tf.maximum(tf.maximum(tf.abs(f), tf.abs(f_new)), 1.0)
            status_ok = tf.where(it >= maxiter, MAXITER, tf.where(nfev > maxfun, MAXFUN, tf.where(
                pg <= self.gtol, GTOL, tf.where(reduction <= self.ftol, FTOL, RUNNING))))
            # a failed search is retried with an empty memory, unless the memory was empty already
            status_fail = tf.where(~ls["finite"], NONFINITE, tf.where(
                fresh, ABNORMAL, tf.where(nfev > maxfun, MAXFUN, RUNNING)))
            status = tf.where(ok, status_ok, status_fail)
            return (k + tf.cast(ok, tf.int32), status, ls["x"], f_new, ls["g"], ls["terms"], memory, nfev, it, rows,
                    ls["trial_terms"])

        memory = (self.head.read_value(), self.count.read_value(), self.gamma.read_value())
        state = (tf.constant(0), tf.constant(RUNNING), self.x.read_value(), self.f.read_value(),
                 self.g.read_value(), self.terms.read_value(), memory, self.nfev.read_value(),
                 self.iterations.read_value(), tf.zeros([self.chunk, self.columns], tf.float64), self.terms.read_value())
        k, status, x, f, g, terms, memory, nfev, it, rows, bad = tf.while_loop(cond, body, state)
        for var, value in ((self.x, x), (self.f, f), (self.g, g), (self.terms, terms), (self.head, memory[0]),
                           (self.count, memory[1]), (self.gamma, memory[2]), (self.nfev, nfev),
                           (self.iterations, it), (self.bad_terms, bad)):
            var.assign(value)
        return rows[:k], status

    # ----------------------------------------------------------------- Python
    def start(self):
        """Evaluates the start point; returns the status (``RUNNING``, ``GTOL``, ``NONFINITE``)."""
        return int(self._start())

    def run(self, chunk, maxiter, maxfun):
        """Makes up to ``chunk <= self.chunk`` iterations (total limits ``maxiter`` / ``maxfun``).

        Returns ``(rows, status)``: ``rows`` is a ``float64 [k, 2 + num_terms + len(track)]``
        NumPy table (loss, terms, cumulative evaluations, the tracked entries of
        the iterate) of the ``k`` iterations made.
        """
        rows, status = self._run(tf.constant(chunk, tf.int32), tf.constant(maxiter, tf.int32),
                                 tf.constant(maxfun, tf.int32))
        return rows.numpy(), int(status)


class TensorFlowLBFGS:
    """The PINN stage of :func:`~kextras_sci.pde.minimize_lbfgs` with ``backend="tensorflow"``: :class:`TFLBFGS` in chunks."""

    CHUNK = 50

    def __init__(self, objective, options, recorder, jit_compile, fallback=False):
        self.objective, self.options, self.rec = objective, options, recorder
        self.chunk = 1 if recorder.callback is not None else self.CHUNK
        self.fallback = fallback and jit_compile
        self.engine = self._engine(jit_compile)

    def _engine(self, jit_compile):
        bridge, options = self.objective.bridge, self.options
        lower, upper = bridge.box()
        return TFLBFGS(
            self.objective, bridge.get(bridge.dtype), lower, upper, num_terms=len(self.objective.names),
            maxcor=options["maxcor"], maxls=options["maxls"], ftol=options["ftol"], gtol=options["gtol"],
            chunk=self.chunk, jit_compile=jit_compile, track=self.objective.parameter_indices,
        )

    def _first_chunk(self, engine, *limits):
        """The first compiled call; with ``fallback`` a loss XLA cannot compile (an op without
        an XLA kernel or gradient) is run again from the start point without XLA."""
        try:
            return engine, engine.run(*limits)
        except (LookupError, tf.errors.InvalidArgumentError, tf.errors.UnimplementedError) as error:
            if not self.fallback:
                raise
            reason = str(error).strip().splitlines()[0][:200]
            warnings.warn(f"minimize_lbfgs: XLA cannot compile this loss ({type(error).__name__}: {reason}); "
                          "running the TensorFlow L-BFGS without XLA (pass jit_compile=False to skip the attempt).",
                          stacklevel=4)
            self.engine = engine = self._engine(False)
            engine.start()
            return engine, engine.run(*limits)

    def run(self):
        opt, rec, engine = self.options, self.rec, self.engine
        status = engine.start()
        k = len(self.objective.names)
        first = True
        while status == RUNNING:
            limits = (min(self.chunk, opt["maxiter"] - rec.iterations), opt["maxiter"], opt["maxfun"])
            if first:
                engine, (rows, status) = self._first_chunk(engine, *limits)
                first = False
            else:
                rows, status = engine.run(*limits)
            seconds = time.perf_counter() - rec.start
            for row in rows:
                if rec.record(row[0], row[1:1 + k], int(row[1 + k]), seconds=seconds, tracked=row[2 + k:]):
                    status = -1
            rec.update_bar()
        x = engine.x.numpy()
        self.objective.bridge.assign(tf.constant(x))
        if status == NONFINITE:
            raise self.objective.non_finite_error(int(engine.nfev.numpy()), engine.bad_terms.numpy())
        if status == -1:
            return x, "stopped by callback", True, 0
        return x, MESSAGES[status], status in SUCCESS, 0

    def final(self, x):
        return float(self.engine.f.numpy()), self.engine.terms.numpy()

    @property
    def nfev(self):
        return int(self.engine.nfev.numpy())
