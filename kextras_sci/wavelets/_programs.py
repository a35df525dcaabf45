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
  kernels of ``_kernels.select`` need them) and runs it; later calls reuse it, calling its
  concrete function with the arrays as one flat list of tensors (no ``tf.function``
  argument binding; coefficient structures are rebuilt from the key inside the program).

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
                # [eager calls so far, tf.function, warnings of its trace, concrete function]
                entry = self._entries[key] = [0, None, (), None]
                while len(self._entries) > self.maxsize:
                    self._entries.popitem(last=False)
            else:
                self._entries.move_to_end(key)
            eager = entry[1] is None and entry[0] < self.compile_after
            if eager:
                entry[0] += 1
            elif entry[1] is None:
                entry[1] = tf.function(body, autograph=False)
            program, concrete = entry[1], entry[3]
        if eager:
            return body(*args)
        args = _converted(args)
        if concrete is None:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                concrete = program.get_concrete_function(*args)
            with self._lock:
                if entry[3] is None:
                    entry[2] = tuple((w.message, w.category) for w in caught)
                    entry[3] = concrete
                    self.traces += 1
        for message, category in entry[2]:
            warnings.warn(message, category, stacklevel=4)
        # the concrete function of the signature: no argument binding of the tf.function
        return concrete(*args)


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


def _array(value, flat):
    """Key of an array argument (an eager tensor or a numeric NumPy array, appended to
    ``flat``; ``None`` is kept as a value): its shape and the dtype it is computed in (a
    NumPy array and the tensor it becomes share a program). NumPy arrays stay NumPy here:
    see :func:`_converted`."""
    from kextras_sci.wavelets._common import _tensor_dtype

    if value is None:
        return None
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufc":
        flat.append(value)
        return (value.shape, _tensor_dtype(value.dtype).name)
    if not (isinstance(value, tf.Tensor) and hasattr(value, "numpy")):
        raise _Uncacheable
    flat.append(value)
    return (tuple(value.shape.as_list()), value.dtype.name)


def _tree(value, flat):
    """Key of a coefficient structure (lists, tuples, dicts of arrays; dicts in key order),
    its arrays appended to ``flat`` (see :func:`_pack`)."""
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_tree(v, flat) for v in value))
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise _Uncacheable
        return ("dict", tuple((k, _tree(value[k], flat)) for k in sorted(value)))
    return _array(value, flat)


def _pack(key, flat):
    """The structure of ``key`` (:func:`_tree`) rebuilt from the iterator ``flat``."""
    if key is None:
        return None
    kind, parts = key
    if kind == "dict":
        return {k: _pack(sub, flat) for k, sub in parts}
    if kind == "list":
        return [_pack(sub, flat) for sub in parts]
    if kind == "tuple":
        return tuple(_pack(sub, flat) for sub in parts)
    return next(flat)  # an array: (shape, dtype)


def _converted(values):
    """``values`` (a flat list of arrays) with every NumPy array a tensor.

    Only the traced tier converts up front (its program takes tensors). The eager tier
    passes NumPy arrays through and each function converts an array where it uses it and
    drops the copy once consumed (the input of the first level, one level's coefficients),
    so that an eager call never holds copies of inputs it is done with."""
    from kextras_sci.wavelets._common import _as_tensor

    return [_as_tensor(v) if isinstance(v, np.ndarray) else v for v in values]


def _binder(signature):
    """``bind(args, kwargs) -> {name: value}`` with defaults applied; ``TypeError`` where
    ``signature.bind`` raises it (a plain dict: binding costs a few microseconds)."""
    params = list(signature.parameters.values())
    if any(p.kind is not p.POSITIONAL_OR_KEYWORD for p in params):
        def slow(args, kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return bound.arguments
        return slow
    names = tuple(p.name for p in params)
    known = frozenset(names)
    defaults = {p.name: p.default for p in params if p.default is not p.empty}

    def bind(args, kwargs):
        if len(args) > len(names):
            raise TypeError
        bound = dict(zip(names, args))
        for k, v in kwargs.items():
            if k in bound or k not in known:
                raise TypeError
            bound[k] = v
        for k in names[len(args):]:
            if k not in bound:
                if k not in defaults:
                    raise TypeError
                bound[k] = defaults[k]
        return bound

    return bind


def compiled(arrays, trees=()):
    """Decorator: eager calls of the function go through :data:`PROGRAMS`.

    ``arrays``: names of arguments holding one array; ``trees``: names of arguments holding
    a coefficient structure. Every other argument is static (part of the key). The program
    takes the arrays as one flat list of tensors (the structures rebuilt from the key)."""

    def decorate(fn):
        signature = inspect.signature(fn)
        bind = _binder(signature)
        names = tuple(arrays) + tuple(trees)
        static_names = tuple(k for k in signature.parameters if k not in names)
        qualname = fn.__qualname__

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if not tf.executing_eagerly():
                return fn(*args, **kwargs)
            try:
                bound = bind(args, kwargs)
                static = {k: bound[k] for k in static_names}
                flat = []
                layout = tuple((_array if k in arrays else _tree)(bound[k], flat) for k in names)
                key = (qualname, tuple(_static_key(static[k]) for k in static_names), layout)
            except (_Uncacheable, TypeError):
                return fn(*args, **kwargs)

            def body(*vals):
                it = iter(vals)
                return fn(**{k: _pack(sub, it) if k in trees else (None if sub is None else next(it))
                             for k, sub in zip(names, layout)}, **static)

            return PROGRAMS.call(key, body, flat)

        wrapper.uncompiled = fn
        return wrapper

    return decorate
