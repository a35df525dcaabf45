"""Activations: hyper-sinh and m-arcsinh, as functions and as layers.

Both are written in ``keras.ops`` only. Half-precision inputs (``float16``,
``bfloat16``, the ``mixed_float16`` policy) are computed in ``float32`` and cast
back, so the only precision loss is the final rounding; ``float64`` stays ``float64``.

Overflow: ``sinh(x) / 3`` exceeds the largest finite value for x > 89.4 in
float32 and bfloat16 and x > 12.88 in float16; the result is then ``inf``,
as for ``keras.ops.exp``. m-arcsinh grows like ``sqrt(x) log(2x) / 12`` and never
overflows a finite input.
"""

from __future__ import annotations

import difflib
from typing import Any, Callable

import keras
from keras import ops

from kextras.registry import registry

__all__ = ["hyper_sinh", "m_arcsinh", "get", "serialize", "resolve", "HyperSinh", "MArcsinh"]

_HALF = ("float16", "bfloat16")


def _to_compute_dtype(x):
    x = ops.convert_to_tensor(x)
    dtype = keras.backend.standardize_dtype(x.dtype)
    if dtype in _HALF:
        return ops.cast(x, "float32"), dtype
    if not dtype.startswith("float"):
        x = ops.cast(x, keras.backend.floatx())
    return x, None


def hyper_sinh(x):
    """hyper-sinh (Parisi et al., arXiv:2011.07661).

    f(x) = sinh(x) / 3 for x > 0 and x^3 / 4 for x <= 0;
    f'(x) = cosh(x) / 3 for x > 0 and 3 x^2 / 4 for x <= 0.

    Each branch sees only its own half of the input (the other half is masked to 0
    before ``sinh`` and the cube), so no ``0 * inf`` can reach the gradient.

    Args:
        x: a tensor of any shape; integers are cast to the float type.

    Returns:
        A tensor of the same shape and (float) dtype.
    """
    x, out_dtype = _to_compute_dtype(x)
    positive = ops.greater(x, 0)
    zero = ops.zeros_like(x)
    x_pos = ops.where(positive, x, zero)
    x_neg = ops.where(positive, zero, x)
    y = ops.where(positive, ops.sinh(x_pos) / 3.0, x_neg * x_neg * x_neg / 4.0)
    return y if out_dtype is None else ops.cast(y, out_dtype)


def m_arcsinh(x):
    """m-arcsinh (Parisi, arXiv:2009.07530).

    f(x) = arcsinh(x) * sqrt(|x|) / 12;
    f'(x) = [sqrt(|x|) / sqrt(1 + x^2) + arcsinh(|x|) / (2 sqrt(|x|))] / 12, with f'(0) = 0.

    ``sqrt(|x|)`` has an infinite derivative at 0; the input is replaced by 1 where it
    is exactly 0 and the output by 0 there, so the gradient at 0 is the true limit 0.

    Args:
        x: a tensor of any shape; integers are cast to the float type.

    Returns:
        A tensor of the same shape and (float) dtype.
    """
    x, out_dtype = _to_compute_dtype(x)
    is_zero = ops.equal(x, 0)
    x_safe = ops.where(is_zero, ops.ones_like(x), x)
    y = ops.where(is_zero, ops.zeros_like(x), ops.arcsinh(x_safe) * ops.sqrt(ops.abs(x_safe)) / 12.0)
    return y if out_dtype is None else ops.cast(y, out_dtype)


registry._add_core(hyper_sinh)
registry._add_core(m_arcsinh)

_OURS: dict[str, Callable] = {"hyper_sinh": hyper_sinh, "m_arcsinh": m_arcsinh}


def get(identifier: Any) -> Callable:
    """Resolve an activation: our names, ``"kextras>name"``, Keras' names, or a callable.

    ``None`` gives the linear activation.

    Raises:
        ValueError: an unknown name; the message lists close names.
    """
    if identifier is None:
        return keras.activations.linear
    if isinstance(identifier, str):
        name = identifier.removeprefix("kextras>")
        if name in _OURS:
            return _OURS[name]
        try:
            return keras.activations.get(identifier)
        except (ValueError, TypeError):
            choices = sorted(_OURS) + sorted(
                n for n in dir(keras.activations) if not n.startswith("_") and n not in ("get", "serialize", "deserialize")
            )
            close = difflib.get_close_matches(identifier, choices, n=3)
            raise ValueError(
                f"`activation` must be a callable or a known activation name. Received: activation={identifier!r}"
                + (f". Did you mean {', '.join(map(repr, close))}?" if close else "")
            ) from None
    if isinstance(identifier, dict):
        return keras.saving.deserialize_keras_object(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"`activation` must be a callable, a name or None. Received: activation={identifier!r}")


def serialize(activation: Any) -> Any:
    """The config form of an activation: names stay names, our functions by name.

    ``None`` and strings are returned unchanged; other callables go through Keras.
    """
    if activation is None or isinstance(activation, (str, dict)):
        return activation
    for name, ours in _OURS.items():
        if activation is ours:
            return name
    try:
        return keras.activations.serialize(activation)
    except (ValueError, TypeError):
        return keras.saving.serialize_keras_object(activation)


def resolve(identifier: Any) -> tuple[Callable, Any]:
    """The one activation resolver of kextras layers: ``(callable, config value)``.

    A layer stores the callable for ``call`` and the config value for ``get_config``,
    so that ``get_config`` round-trips names (``"hyper_sinh"``, ``"relu"``), Keras
    dicts and registered callables alike.
    """
    fn = get(identifier)
    return fn, serialize(identifier if isinstance(identifier, (str, dict)) or identifier is None else fn)


class _ActivationLayer(keras.layers.Layer):
    _fn: Callable

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return type(self)._fn(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape


class HyperSinh(_ActivationLayer):
    """Layer form of :func:`hyper_sinh`. Input: any shape; output: the same shape."""

    _fn = staticmethod(hyper_sinh)


class MArcsinh(_ActivationLayer):
    """Layer form of :func:`m_arcsinh`. Input: any shape; output: the same shape."""

    _fn = staticmethod(m_arcsinh)


registry._add_core(HyperSinh)
registry._add_core(MArcsinh)
