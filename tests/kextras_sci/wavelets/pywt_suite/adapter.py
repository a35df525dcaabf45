"""A module that looks like ``pywt`` with every transform served by kextras.

PyWavelets itself provides only what is not a transform (wavelet objects, mode constants,
names, test data, thresholding, wavelet scale helpers); every transform and coefficient
helper is the :mod:`kextras_sci.wavelets` function of the same name, called on NumPy input
with TensorFlow tensors in the result converted back to NumPy. A name kextras does not
provide is a function raising :class:`Missing` (a ``NotImplementedError``) naming it, so
such tests fail for that reason.
"""

from __future__ import annotations

import functools
import sys
import types

import numpy as np
import pywt as _pywt
import tensorflow as tf

import kextras_sci.wavelets as _kw

# pywt's own objects: not transforms, taken as they are
NON_TRANSFORMS = (
    "BaseNode", "ContinuousWavelet", "DiscreteContinuousWavelet", "Modes", "Node", "Node2D",
    "NodeND", "Wavelet", "WaveletPacket", "WaveletPacket2D", "WaveletPacketND",
    "central_frequency", "centrfrq", "data", "families", "frequency2scale",
    "integrate_wavelet", "intwave", "orthfilt", "orthogonal_filter_bank", "qmf", "scal2frq",
    "scale2frequency", "threshold", "threshold_firm", "wavelist",
)
# everything else pywt exports is served by kextras
TRANSFORMS = tuple(sorted(set(_pywt.__all__) - set(NON_TRANSFORMS)))


def to_numpy(value):
    """Tensors -> NumPy arrays inside lists, tuples and dicts (structure kept)."""
    if tf.is_tensor(value):
        return value.numpy()
    if isinstance(value, dict):
        return type(value)((k, to_numpy(v)) for k, v in value.items())
    if isinstance(value, list):
        return [to_numpy(v) for v in value]
    if isinstance(value, tuple):
        items = [to_numpy(v) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    return value


def _wrap(fn):
    @functools.wraps(fn)
    def call(*args, **kwargs):
        return to_numpy(fn(*args, **kwargs))

    return call


def build():
    """A fresh module object named ``pywt`` (the real submodules stay importable)."""
    mod = types.ModuleType("pywt", __doc__)
    mod.__path__ = _pywt.__path__  # ``from pywt._pytest import ...`` finds pywt's files
    mod.__version__ = _pywt.__version__
    # two tests read constants through pywt's private modules (Modes, dwt_max_level)
    mod._extensions, mod._dwt = _pywt._extensions, _pywt._dwt
    for name in NON_TRANSFORMS:
        setattr(mod, name, getattr(_pywt, name))
    for name in TRANSFORMS:
        obj = getattr(_kw, name, None)
        if obj is None:
            obj = _missing(name)
        elif callable(obj) and not isinstance(obj, type):
            obj = _wrap(obj)
        setattr(mod, name, obj)
    mod.__all__ = sorted(NON_TRANSFORMS + TRANSFORMS)
    return mod


class Missing(NotImplementedError):
    """Raised by the adapter's entry for a transform kextras does not provide."""


def _missing(name):
    def call(*args, **kwargs):
        raise Missing(f"kextras_sci.wavelets has no `{name}`")

    call.__name__ = name
    return call


def load_test_module(name, adapter):
    """Import ``pywt.tests.<name>`` with ``pywt`` resolved to ``adapter`` (a fresh copy)."""
    import importlib.util
    import os

    # the helpers pywt's tests import from its private modules are real pywt
    for sub in ("pywt._pytest", "pywt._dwt", "pywt._utils", "pywt._extensions._swt", "pywt._extensions._pywt"):
        __import__(sub)
    path = os.path.join(os.path.dirname(_pywt.__file__), "tests", name + ".py")
    spec = importlib.util.spec_from_file_location(f"pywt_suite_{name}", path)
    module = importlib.util.module_from_spec(spec)
    saved = sys.modules["pywt"]
    sys.modules["pywt"] = adapter
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules["pywt"] = saved
    return module
