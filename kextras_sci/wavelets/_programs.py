"""Traced programs for the eager calls of the DWT functions (internal).

An eager call runs TensorFlow op by op: tens of microseconds of dispatch per op and no
graph optimisation, which for a multilevel transform is a large share of its time. The
:func:`compiled` wrapper runs a function through one ``tf.function`` per *call signature*:
the function, its static arguments (wavelet and mode names, level, axes) and the shape and
dtype of every array argument. Tiering keeps first calls cheap:

* the first call of a signature runs eagerly (no trace: a new shape costs no compile),
  NumPy arrays passed through as they are: each function converts an array where it uses
  it and drops the copy once consumed (see :func:`_converted`), which keeps the eager
  call's peak memory down;
* the second call traces one program with that signature's static shapes (the fast
  kernels of ``_kernels.select`` need them) and runs it; later calls reuse it.

Programs live in :data:`PROGRAMS`, an explicit, bounded (least recently used out),
thread-safe cache. Calls that cannot be keyed by value (filter banks or wavelet objects,
Python lists as data, variables) and calls made while tracing (inside a user's
``tf.function``) run the function directly. Warnings raised while tracing (pywt's "level
too high") are recorded with the program and re-emitted on every call that uses it.
"""

from __future__ import annotations

import functools
import inspect
import threading
import warnings
from collections import OrderedDict

import numpy as np
import tensorflow as tf


class ProgramCache:
    """Bounded LRU of traced programs, keyed by call signature; safe to share across threads.

    Args:
        maxsize: programs kept (the least recently used is dropped beyond it).
        compile_after: calls of a signature that run eagerly before it gets a program.
    """

    def __init__(self, maxsize=64, compile_after=1):
        self.maxsize = int(maxsize)
        self.compile_after = int(compile_after)
        self._entries = OrderedDict()
        self._lock = threading.Lock()
        self.traces = 0

    def __len__(self):
        with self._lock:
            return len(self._entries)

    def clear(self):
        """Drop every program and reset :attr:`traces` (the number of traces made)."""
        with self._lock:
            self._entries.clear()
            self.traces = 0

    def call(self, key, body, args):
        """``body(*args)``, eagerly or through the program of ``key`` (see module docstring);
        the program gets NumPy arrays in ``args`` as tensors."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                # [eager calls so far, program, warnings of its trace, traced]
                entry = self._entries[key] = [0, None, (), False]
                while len(self._entries) > self.maxsize:
                    self._entries.popitem(last=False)
            else:
                self._entries.move_to_end(key)
            eager = entry[1] is None and entry[0] < self.compile_after
            if eager:
                entry[0] += 1
            elif entry[1] is None:
                entry[1] = tf.function(body, autograph=False)
            program = entry[1]
        if eager:
            return body(*args)
        args = _converted(args)
        if not entry[3]:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                program.get_concrete_function(*args)
            with self._lock:
                entry[2] = tuple((w.message, w.category) for w in caught)
                entry[3] = True
                self.traces += 1
        for message, category in entry[2]:
            warnings.warn(message, category, stacklevel=4)
        return program(*args)


#: The cache of every compiled wavelet function.
PROGRAMS = ProgramCache()


class _Uncacheable(Exception):
    pass


_SIMPLE = (str, int, float, bool, type(None), np.integer, np.floating)


def _static_key(value):
    """A hashable, value-based key of a static argument (or :class:`_Uncacheable`)."""
    if isinstance(value, _SIMPLE):
        return (type(value).__name__, value)
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_static_key(v) for v in value))
    raise _Uncacheable


def _array(value, name):
    """``(key, value)`` of an array argument: an eager tensor or a numeric NumPy array, keyed
    by its shape and the dtype it is computed in (a NumPy array and the tensor it becomes
    share a program). NumPy arrays stay NumPy here: see :func:`_converted`."""
    from kextras_sci.wavelets._common import _tensor_dtype

    if value is None:
        return None, None
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufc":
        return (value.shape, _tensor_dtype(value.dtype).name), value
    if not (isinstance(value, tf.Tensor) and hasattr(value, "numpy")):
        raise _Uncacheable
    return (tuple(value.shape.as_list()), value.dtype.name), value


def _converted(values):
    """``values`` (arrays and coefficient structures) with every NumPy array a tensor.

    Only the traced tier converts up front (its program takes tensors). The eager tier
    passes NumPy arrays through and each function converts an array where it uses it and
    drops the copy once consumed (the input of the first level, one level's coefficients),
    so that an eager call never holds copies of inputs it is done with."""
    from kextras_sci.wavelets._common import _as_tensor

    def conv(v):
        if isinstance(v, (list, tuple)):
            return type(v)(conv(x) for x in v)
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        return _as_tensor(v) if isinstance(v, np.ndarray) else v

    return [conv(v) for v in values]


def _tree(value, name):
    """``(key, value)`` of a coefficient structure (lists, tuples, dicts of arrays)."""
    if isinstance(value, (list, tuple)):
        parts = [_tree(v, name) for v in value]
        return (type(value).__name__, tuple(p[0] for p in parts)), type(value)(p[1] for p in parts)
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise _Uncacheable
        parts = {k: _tree(v, name) for k, v in value.items()}
        return ("dict", tuple((k, parts[k][0]) for k in sorted(parts))), {k: p[1] for k, p in parts.items()}
    return _array(value, name)


def compiled(arrays, trees=()):
    """Decorator: eager calls of the function go through :data:`PROGRAMS`.

    ``arrays``: names of arguments holding one array; ``trees``: names of arguments holding
    a coefficient structure. Every other argument is static (part of the key)."""

    def decorate(fn):
        signature = inspect.signature(fn)
        names = tuple(arrays) + tuple(trees)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if not tf.executing_eagerly():
                return fn(*args, **kwargs)
            try:
                bound = signature.bind(*args, **kwargs)
                bound.apply_defaults()
                static = {k: v for k, v in bound.arguments.items() if k not in names}
                key = [fn.__qualname__] + [(k, _static_key(v)) for k, v in static.items()]
                values = []
                for k in names:
                    sig, conv = (_array if k in arrays else _tree)(bound.arguments[k], k)
                    key.append((k, sig))
                    values.append(conv)
            except (_Uncacheable, TypeError):
                return fn(*args, **kwargs)

            def body(*vals):
                return fn(**dict(zip(names, vals)), **static)

            return PROGRAMS.call(tuple(key), body, values)

        wrapper.uncompiled = fn
        return wrapper

    return decorate
