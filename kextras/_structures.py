"""Nested input structures of the layer harness: leaves, conversions, float casts.

A structure is a NumPy array, a tensor, a ``tf.RaggedTensor``, or a list, tuple or dict
of them (nested).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

def _to_numpy(structure: Any) -> Any:
    def convert(x):
        if isinstance(x, tf.RaggedTensor):
            return {"__ragged__": [s.numpy() for s in x.nested_row_splits], "values": x.flat_values.numpy()}
        return np.asarray(x)

    return tf.nest.map_structure(convert, structure)


def _from_numpy(structure: Any) -> Any:
    def convert(x):
        if isinstance(x, dict) and "__ragged__" in x:
            return tf.RaggedTensor.from_nested_row_splits(x["values"], x["__ragged__"], validate=False)
        return tf.convert_to_tensor(x)

    return _map_leaves(convert, structure)


def _map_leaves(fn, structure):
    if isinstance(structure, dict) and "__ragged__" not in structure:
        return {k: _map_leaves(fn, v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(_map_leaves(fn, v) for v in structure)
    return fn(structure)


def _leaves(structure: Any) -> list:
    if isinstance(structure, dict) and "__ragged__" not in structure:
        return [leaf for key in sorted(structure) for leaf in _leaves(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _leaves(item)]
    return [structure]


def _as_tensors(structure: Any) -> Any:
    return tf.nest.map_structure(
        lambda x: x if isinstance(x, (tf.RaggedTensor, tf.Tensor)) else tf.convert_to_tensor(x), structure
    )


def _is_float(x) -> bool:
    return x.dtype.is_floating


def _cast_floats(structure: Any, dtype: str) -> Any:
    def cast(x):
        if not _is_float(x):
            return x
        if isinstance(x, tf.RaggedTensor):
            return x.with_flat_values(tf.cast(x.flat_values, dtype))
        return tf.cast(x, dtype)

    return tf.nest.map_structure(cast, structure)


def _float_leaves(structure: Any) -> list:
    out = []
    for x in tf.nest.flatten(structure):
        if isinstance(x, tf.RaggedTensor):
            x = x.flat_values
        if isinstance(x, tf.Tensor) and x.dtype.is_floating:
            out.append(x)
    return out
