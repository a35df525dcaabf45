"""Private helpers of the PINN architecture layers."""

from __future__ import annotations

import numbers

import keras

from kextras import activations as _kx_activations


def resolve_activation(identifier):
    """Returns ``(fn, serializable)`` for an activation name, callable or None.

    Names understood by :func:`kextras.activations.get` (``"tanh"``,
    ``"hyper_sinh"``, ``"kextras>m_arcsinh"``, ...) are kept as strings in the
    config; callables are serialized with Keras (our own functions by name).
    """
    if isinstance(identifier, dict):
        identifier = keras.saving.deserialize_keras_object(identifier)
    fn = _kx_activations.get(identifier)
    if identifier is None or isinstance(identifier, str):
        return fn, identifier
    for name, ours in _kx_activations._OURS.items():
        if fn is ours:
            return fn, name
    try:
        return fn, keras.activations.serialize(fn)
    except (ValueError, TypeError):
        return fn, keras.saving.serialize_keras_object(fn)


def check_positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return int(value)


def check_nonneg_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"`{name}` must be a non-negative integer. Received: {name}={value!r}")
    return int(value)


def check_positive_float(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0 or value != value or value == float("inf"):
        raise ValueError(f"`{name}` must be a positive finite number. Received: {name}={value!r}")
    return float(value)


def check_rank2(layer, input_shape, what="[batch, features]"):
    if len(input_shape) != 2:
        raise ValueError(
            f"{type(layer).__name__} expects inputs of shape {what} (rank 2). "
            f"Received: input shape={tuple(input_shape)}"
        )
    if input_shape[-1] is None:
        raise ValueError(
            f"{type(layer).__name__} needs a known number of input features. "
            f"Received: input shape={tuple(input_shape)}"
        )
    return int(input_shape[-1])


def check_min_rank(layer, input_shape, rank=2):
    if len(input_shape) < rank or input_shape[-1] is None:
        raise ValueError(
            f"{type(layer).__name__} expects inputs of rank >= {rank} with a known last axis. "
            f"Received: input shape={tuple(input_shape)}"
        )
    return int(input_shape[-1])
