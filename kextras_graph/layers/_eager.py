"""EagerFunction: a layer's flat computation as one ``tf.function`` call in eager mode.

An eager forward dispatches every TensorFlow op from Python (20-40 µs each on CPU, kernel
excluded); a graph layer's flat step has 10-30 of them. Run as one ``tf.function`` call,
the same step costs one dispatch plus its kernels, as in a traced model.
"""

import threading

import tensorflow as tf


class EagerFunction:
    """Calls ``fn(*args)`` through a ``tf.function`` when called eagerly, else directly.

    ``args`` must be tensors, nested structures of tensors (dicts, tuples), None or Python
    scalars (a Python scalar, e.g. ``training``, is part of the trace key). Inside a
    ``tf.function``, a Keras ``fit``/``predict`` step or ``tf.config.run_functions_eagerly``
    debugging, ``fn`` runs as it is. Python attributes that ``fn`` reads are read when it is
    traced.

    Bounded: the first ``warmup`` eager calls run eagerly (a layer called once or twice
    traces nothing); the function is traced with ``reduce_retracing=True`` (new sizes give
    one generalized trace, not one per batch); after ``max_traces`` traces (ever new dtypes
    or structures) it is dropped and ``fn`` runs eagerly from then on. Thread-safe (a lock
    guards the counters; ``tf.function`` calls are thread-safe).
    """

    def __init__(self, fn, warmup=2, max_traces=8):
        self._fn = fn
        self._warmup = warmup
        self._max_traces = max_traces
        self._calls = 0
        self._compiled = None
        self._lock = threading.Lock()

    def _function(self):
        with self._lock:
            if self._calls < self._warmup:
                self._calls += 1
                return None
            if self._compiled is None and self._calls == self._warmup:
                self._compiled = tf.function(self._fn, reduce_retracing=True)
                self._calls += 1
            compiled = self._compiled
            if compiled is not None and (compiled.experimental_get_tracing_count()
                                         >= self._max_traces):
                self._compiled = compiled = None  # too many traces: eager from now on
            return compiled

    def __call__(self, *args):
        if tf.executing_eagerly():
            compiled = self._function()
            if compiled is not None:
                return compiled(*args)
        return self._fn(*args)

    @property
    def tracing_count(self):
        """Traces of the current function (0 before the first or after it was dropped)."""
        compiled = self._compiled
        return 0 if compiled is None else compiled.experimental_get_tracing_count()
