"""EagerFunction: a layer's flat computation as one graph function call in eager mode.

An eager forward dispatches every TensorFlow op from Python (15-40 µs each on CPU, kernel
excluded); a graph layer's flat step has 10-30 of them. Run as one call of a traced
function, the same step costs one dispatch plus its kernels, as in a traced model.

The functions are ``ConcreteFunction``s (``tf.function(...).get_concrete_function``) looked
up by a key of our own (the static arguments, and dtype and shape past the first axis of
every tensor): calling one skips ``tf.function``'s per-call trace-type machinery over every
argument, about half of the cost of a ``tf.function`` call with a dozen arguments.
"""

import threading

import tensorflow as tf


def _shape(x):
    return None if x is None else (x.dtype, tuple(x.shape))


def _relaxed(shape):
    """``(dtype, rank, *shape[1:])``: the first axis (a batch size) left out."""
    return None if shape is None else (shape[0], len(shape[1])) + shape[1][1:]


def _spec(x, relaxed):
    shape = tuple(x.shape)
    if relaxed and shape:
        shape = (None,) + shape[1:]
    return tf.TensorSpec(shape, x.dtype)


class EagerFunction:
    """Calls ``fn(static, *tensors)`` through a traced function when called eagerly.

    ``tensors`` are flat tensors or None; ``static`` is a hashable Python value (e.g. the
    ``training`` flag), part of the key. Each key (``static``, which tensors are None,
    their dtypes and shapes past the first axis) gets a ``ConcreteFunction`` traced for
    the shapes of its first call, then, once sizes change, one traced with the first axis
    of every tensor unknown (batch sizes vary), as ``tf.function(reduce_retracing=True)``
    does. Inside a ``tf.function``, a Keras ``fit``/``predict`` step or under
    ``tf.config.run_functions_eagerly(True)``, ``fn`` runs as it is; in a
    ``tf.distribute`` strategy's scope or ``run`` (a trace would capture one replica's
    variables), ``fallback`` runs. Python attributes that ``fn`` reads are read when it
    is traced.

    Bounded: the first ``warmup`` eager calls run eagerly (a layer called once or twice
    traces nothing); at most ``max_traces`` keys are traced, a call with any further key
    runs eagerly. An eager call that is not traced runs ``fallback`` (default ``fn``),
    which must compute the same thing. Thread-safe (a lock guards the counter and the
    traces; a traced function may be called from several threads).
    """

    def __init__(self, fn, warmup=2, max_traces=8, fallback=None):
        self._fn = fn
        self._fallback = fn if fallback is None else fallback
        self._warmup = warmup
        self._max_traces = max_traces
        self._calls = 0
        self._functions = {}
        self._seen = set()  # relaxed keys traced once
        self._lock = threading.Lock()

    def _trace(self, exact, relaxed, static, tensors):
        with self._lock:
            if self._calls < self._warmup:
                self._calls += 1
                return None
            function = self._functions.get(exact, self._functions.get(relaxed))
            if function is None and len(self._functions) < self._max_traces:
                # the first trace of a key has the sizes of its call; a second size
                # gives the general trace (as ``tf.function(reduce_retracing=True)``)
                general = relaxed in self._seen
                self._seen.add(relaxed)
                present = [t is not None for t in tensors]

                def flat_step(*flat):
                    flat = iter(flat)
                    return self._fn(static, *[next(flat) if p else None for p in present])

                specs = [_spec(t, general) for t in tensors if t is not None]
                function = tf.function(flat_step).get_concrete_function(*specs)
                self._functions[relaxed if general else exact] = function
            return function

    def __call__(self, static, *tensors):
        if not tf.executing_eagerly() or tf.config.functions_run_eagerly():
            return self._fn(static, *tensors)
        if tf.distribute.has_strategy():  # a trace would hold one replica's variables
            return self._fallback(static, *tensors)
        shapes = tuple(_shape(t) for t in tensors)
        exact = (static, shapes)
        try:
            function = self._functions.get(exact)
        except TypeError:  # an unhashable static value (e.g. a tensor `training`)
            return self._fallback(static, *tensors)
        if function is None:
            relaxed = (static, tuple(_relaxed(s) for s in shapes))
            function = self._functions.get(relaxed)
            if function is None:
                function = self._trace(exact, relaxed, static, tensors)
        if function is None:
            return self._fallback(static, *tensors)
        return function(*[t for t in tensors if t is not None])

    @property
    def tracing_count(self):
        """Number of traced functions (at most ``max_traces``)."""
        return len(self._functions)
