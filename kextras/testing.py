"""The shared layer-test harness: one function every kextras layer passes.

>>> check_layer(GCNConv(8), [nodes, edges])  # doctest: +SKIP

:func:`check_layer` checks, for one configured layer and one example input:

1. ``get_config`` mirrors ``__init__`` and ``from_config(get_config())`` round-trips;
2. a functional model around the layer gives the layer's own outputs;
3. the model saved to ``.keras`` and reloaded with :func:`kextras.load_model` in a
   fresh Python process (where only ``kextras`` is imported beforehand) gives identical
   outputs;
4. one training step: every trainable weight gets a finite gradient, float inputs get
   finite gradients, and an SGD step changes the weights;
5. float32 and float64 (the layer rebuilt with ``dtype=``, weights copied) give outputs of
   that dtype, finite and close to each other;
6. under the ``mixed_float16`` policy the outputs are finite and close;
7. an input of the wrong rank raises ``ValueError`` or ``TypeError``;
8. the symbolic output (the layer called on ``keras.Input``) has the structure, dtype,
   raggedness and shape of the eager output (``None`` matches any size);
9. when given, the numbers of trainable and non-trainable weights, of seed generators
   (non-trainable variables that are not weights) and of losses after a training call,
   as Keras' own ``run_layer_test`` checks them.

Inputs may be NumPy arrays, tensors, ``tf.RaggedTensor``, or a list, tuple or dict of them.
"""

from __future__ import annotations

import inspect
import json
import os
import pickle
import subprocess
import sys
import tempfile
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from kextras import validation
from kextras._structures import _as_tensors, _cast_floats, _float_leaves, _from_numpy, _leaves, _to_numpy

__all__ = ["check_layer", "assert_allclose"]


def assert_allclose(actual: Any, desired: Any, *, atol: float = 1e-6, rtol: float = 1e-6, what: str = "outputs"):
    """Compare two (possibly nested, possibly ragged) structures leaf by leaf."""
    a, d = _leaves(_to_numpy(_as_tensors(actual))), _leaves(_to_numpy(_as_tensors(desired)))
    if len(a) != len(d):
        raise AssertionError(f"{what}: {len(a)} leaves vs {len(d)} expected")
    for i, (x, y) in enumerate(zip(a, d)):
        if isinstance(x, dict):
            if not isinstance(y, dict) or len(x["__ragged__"]) != len(y["__ragged__"]):
                raise AssertionError(f"{what}[{i}]: ragged structure differs")
            for sx, sy in zip(x["__ragged__"], y["__ragged__"]):
                np.testing.assert_array_equal(sx, sy, err_msg=f"{what}[{i}]: row splits differ")
            x, y = x["values"], y["values"]
        np.testing.assert_allclose(
            np.asarray(x, dtype=np.float64) if np.asarray(x).dtype.kind == "f" else x,
            np.asarray(y, dtype=np.float64) if np.asarray(y).dtype.kind == "f" else y,
            atol=atol,
            rtol=rtol,
            err_msg=f"{what}[{i}] differ",
        )


# ----------------------------------------------------------------- the checks
def _symbolic_inputs(inputs: Any) -> Any:
    def make(x, name=None):
        if isinstance(x, tf.RaggedTensor):
            shape = [None] * x.ragged_rank + list(x.flat_values.shape[1:])
            return keras.Input(shape=tuple(shape), dtype=x.dtype.name, ragged=True, name=name)
        return keras.Input(shape=tuple(x.shape[1:]), dtype=x.dtype.name, name=name)

    if isinstance(inputs, dict):  # named after their keys, as Keras expects for dict inputs
        return {key: make(value, name=key) for key, value in inputs.items()}
    return tf.nest.map_structure(make, inputs)


def _keras_unserialized_base_arguments() -> set:
    """Arguments of `keras.layers.Layer.__init__` that Keras' own base `get_config` leaves out.

    Keras 3.9 does not write `activity_regularizer` or `autocast`; later versions do. A layer that
    inherits Keras' constructor is not blamed for what Keras itself does not serialize.
    """
    base = inspect.signature(keras.layers.Layer.__init__).parameters
    return set(base) - set(keras.layers.Layer().get_config()) - {"self", "kwargs"}


def _check_config(layer: keras.layers.Layer) -> keras.layers.Layer:
    config = layer.get_config()
    params = inspect.signature(type(layer).__init__).parameters
    excused = _keras_unserialized_base_arguments()
    missing = [
        name
        for name, p in params.items()
        if name != "self" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        and name not in config and name not in excused
    ]
    if missing:
        raise AssertionError(f"{type(layer).__name__}.get_config() lacks __init__ arguments {missing}")
    clone = type(layer).from_config(config)
    again = clone.get_config()
    if json.dumps(again, sort_keys=True, default=repr) != json.dumps(config, sort_keys=True, default=repr):
        raise AssertionError(f"{type(layer).__name__}: from_config(get_config()) changes the config:\n{config}\n{again}")
    return clone


def _rebuild(layer: keras.layers.Layer, dtype: Any, inputs: Any) -> keras.layers.Layer:
    config = dict(layer.get_config(), dtype=dtype)
    config.pop("name", None)
    other = type(layer).from_config(config)
    other(inputs)  # build
    if len(other.weights) == len(layer.weights):
        for w_new, w_old in zip(other.weights, layer.weights):
            w_new.assign(tf.cast(w_old.value, w_new.dtype))
    return other


def _training_step(model: keras.Model, inputs: Any) -> None:
    watched = _float_leaves(inputs)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(watched)
        outputs = model(inputs, training=True)
        floats = _float_leaves(outputs)
        if not floats:
            raise AssertionError("the layer produced no float output to train on")
        loss = tf.add_n([tf.reduce_mean(tf.square(tf.cast(y, "float32"))) for y in floats])
        if model.losses:
            loss += tf.add_n([tf.cast(x, "float32") for x in model.losses])
    weights = model.trainable_weights
    grads = tape.gradient(loss, [w.value for w in weights])
    for w, g in zip(weights, grads):
        if g is None:
            raise AssertionError(f"trainable weight {w.path} gets no gradient")
        if not np.all(np.isfinite(tf.convert_to_tensor(g).numpy())):
            raise AssertionError(f"trainable weight {w.path} gets a non-finite gradient")
    for x, g in zip(watched, tape.gradient(loss, watched)):
        if g is not None and not np.all(np.isfinite(tf.convert_to_tensor(g).numpy())):
            raise AssertionError("an input gets a non-finite gradient")
    if weights:
        before = [w.numpy().copy() for w in weights]
        keras.optimizers.SGD(learning_rate=0.1).apply_gradients(zip(grads, weights))
        if all(np.array_equal(b, w.numpy()) for b, w in zip(before, weights)):
            raise AssertionError("one SGD step left every trainable weight unchanged")


def _check_finite(outputs: Any, what: str) -> None:
    for y in _float_leaves(outputs):
        if not np.all(np.isfinite(y.numpy())):
            raise AssertionError(f"{what}: outputs are not finite")


def _scale(outputs: Any) -> float:
    values = [np.abs(y.numpy().astype(np.float64)).max() for y in _float_leaves(outputs) if tf.size(y) > 0]
    return max(values, default=0.0) + 1e-3


def _check_symbolic(name: str, symbolic: Any, eager: Any) -> None:
    """The symbolic output matches the eager one leaf by leaf (structure, dtype, ragged, shape)."""
    sym, out = tf.nest.flatten(symbolic), tf.nest.flatten(eager)
    if len(sym) != len(out):
        raise AssertionError(f"{name}: the symbolic output has {len(sym)} leaves, the eager output {len(out)}")
    for i, (s, y) in enumerate(zip(sym, out)):
        ragged = isinstance(y, tf.RaggedTensor)
        problems = []
        if bool(getattr(s, "ragged", False)) != ragged:
            problems.append(f"ragged={bool(getattr(s, 'ragged', False))} vs {ragged}")
        if keras.backend.standardize_dtype(s.dtype) != y.dtype.name:
            problems.append(f"dtype {keras.backend.standardize_dtype(s.dtype)} vs {y.dtype.name}")
        s_shape, y_shape = tuple(s.shape), tuple(y.shape)
        if len(s_shape) != len(y_shape) or any(a is not None and b is not None and a != b
                                               for a, b in zip(s_shape, y_shape)):
            problems.append(f"shape {s_shape} vs {y_shape}")
        if problems:
            raise AssertionError(f"{name}: symbolic output [{i}] differs from the eager output: {', '.join(problems)}")


def _check_counts(name: str, layer: keras.layers.Layer, inputs: Any, expected: dict) -> None:
    """Weight, seed-generator and loss counts of a built layer, where `expected` gives them."""
    actual = {
        "trainable weights": len(layer.trainable_weights),
        "non-trainable weights": len(layer.non_trainable_weights),
        "seed generators": len(layer.non_trainable_variables) - len(layer.non_trainable_weights),
    }
    if expected.get("losses") is not None:
        clone = type(layer).from_config(layer.get_config())  # a training call may update state
        clone(inputs, training=True)
        actual["losses"] = len(clone.losses)
    for what, count in actual.items():
        if expected.get(what) is not None and count != expected[what]:
            raise AssertionError(f"{name} has {count} {what}, expected {expected[what]}")


_RELOAD_SCRIPT = r"""
import pickle, sys
import kextras
from kextras.testing import _from_numpy, _to_numpy
preloaded = sorted(m for m in sys.modules if m.startswith(("kextras_",)))
with open(sys.argv[1], "rb") as f:
    data = pickle.load(f)
model = kextras.load_model(data["path"])
outputs = model(_from_numpy(data["inputs"]), training=False)
with open(sys.argv[2], "wb") as f:
    pickle.dump({"outputs": _to_numpy(outputs), "preloaded": preloaded}, f)
"""


def _reload_in_fresh_process(model: keras.Model, inputs: Any, directory: str) -> Any:
    path = os.path.join(directory, "model.keras")
    model.save(path)
    request, reply = os.path.join(directory, "in.pkl"), os.path.join(directory, "out.pkl")
    with open(request, "wb") as f:
        pickle.dump({"path": path, "inputs": _to_numpy(inputs)}, f)
    env = {"TF_CPP_MIN_LOG_LEVEL": "3", **os.environ}
    result = subprocess.run(
        [sys.executable, "-c", _RELOAD_SCRIPT, request, reply], capture_output=True, text=True, env=env, timeout=300
    )
    if result.returncode != 0:
        raise AssertionError(f"reloading the saved model in a fresh process failed:\n{result.stderr[-4000:]}")
    with open(reply, "rb") as f:
        data = pickle.load(f)
    if data["preloaded"]:
        raise AssertionError(f"`import kextras` imported add-ons eagerly: {data['preloaded']}")
    return _from_numpy(data["outputs"])


def _auto_wrong_rank(inputs: Any) -> Any:
    if isinstance(inputs, (tf.Tensor, np.ndarray)) and not isinstance(inputs, tf.RaggedTensor):
        return tf.expand_dims(tf.convert_to_tensor(inputs), -1)
    return None


def check_layer(
    layer: keras.layers.Layer,
    inputs: Any,
    *,
    expected_output_shape: tuple | None = None,
    dtypes: tuple[str, ...] = ("float32", "float64"),
    mixed_precision: bool = True,
    train: bool = True,
    fresh_process: bool = True,
    wrong_rank_inputs: Any = None,  # None: derived; False: any rank is valid
    atol: float = 1e-6,
    rtol: float = 1e-6,
    expected_num_trainable_weights: int | None = None,
    expected_num_non_trainable_weights: int | None = None,
    expected_num_seed_generators: int | None = None,
    expected_num_losses: int | None = None,
) -> Any:
    """Run the shared checks (module docstring) on `layer` with example `inputs`.

    Args:
        layer: a configured, unbuilt layer instance.
        inputs: an example input structure (batch axis first).
        expected_output_shape: the expected shape of a single dense output, if given.
        dtypes: float types to rebuild the layer in; outputs must have that dtype.
        mixed_precision: also run under the ``mixed_float16`` policy.
        train: run one training step (gradients finite, weights change).
        fresh_process: save to ``.keras`` and reload in a fresh process.
        wrong_rank_inputs: an input of the wrong rank that must raise ``ValueError``
            or ``TypeError``; derived automatically for a single dense input (one
            extra trailing axis). ``False`` for layers that accept any rank.
        atol: absolute tolerance of the model-vs-layer and reload comparisons.
        rtol: relative tolerance of those comparisons.
        expected_num_trainable_weights: the number of trainable weights, if given.
        expected_num_non_trainable_weights: the number of non-trainable weights, if given.
        expected_num_seed_generators: the number of ``keras.random.SeedGenerator`` states, if given.
        expected_num_losses: the number of ``layer.losses`` after a training call, if given.

    Returns:
        The float32 outputs for `inputs` (tensors or ragged tensors).
    """
    if not isinstance(layer, keras.layers.Layer):
        raise TypeError(f"`layer` must be a keras.layers.Layer instance. Received: layer={layer!r}")
    for flag, value in (("mixed_precision", mixed_precision), ("train", train), ("fresh_process", fresh_process)):
        validation.boolean(flag, value)
    atol, rtol = validation.real("atol", atol, minimum=0), validation.real("rtol", rtol, minimum=0)
    for dtype in dtypes:
        validation.choice("dtypes", dtype, ("float16", "bfloat16", "float32", "float64"))
    counts = {
        what: None if value is None else validation.non_negative_int(arg, value)
        for what, arg, value in (
            ("trainable weights", "expected_num_trainable_weights", expected_num_trainable_weights),
            ("non-trainable weights", "expected_num_non_trainable_weights", expected_num_non_trainable_weights),
            ("seed generators", "expected_num_seed_generators", expected_num_seed_generators),
            ("losses", "expected_num_losses", expected_num_losses),
        )
    }
    inputs = _cast_floats(_as_tensors(inputs), "float32")
    name = type(layer).__name__
    _check_config(layer)

    outputs = layer(inputs)
    if expected_output_shape is not None:
        actual = tuple(outputs.shape)
        if actual != tuple(expected_output_shape):
            raise AssertionError(f"{name}: output shape {actual}, expected {tuple(expected_output_shape)}")
    _check_finite(outputs, name)

    _check_counts(name, layer, inputs, counts)

    symbolic = _symbolic_inputs(inputs)
    symbolic_outputs = layer(symbolic)
    _check_symbolic(name, symbolic_outputs, outputs)
    model = keras.Model(symbolic, symbolic_outputs)
    assert_allclose(model(inputs, training=False), outputs, atol=atol, rtol=rtol, what=f"{name}: model vs layer")

    if fresh_process:
        with tempfile.TemporaryDirectory() as directory:
            reloaded = _reload_in_fresh_process(model, inputs, directory)
        assert_allclose(reloaded, outputs, atol=atol, rtol=rtol, what=f"{name}: reloaded in a fresh process")

    if train:
        _training_step(keras.Model(symbolic, _rebuild(layer, "float32", inputs)(symbolic)), inputs)

    scale = _scale(outputs)
    for dtype in dtypes:
        typed_inputs = _cast_floats(inputs, dtype)
        typed = _rebuild(layer, dtype, typed_inputs)(typed_inputs)
        for y in _float_leaves(typed):
            if y.dtype.name != dtype:
                raise AssertionError(f"{name} built with dtype={dtype!r} returns {y.dtype.name}")
        _check_finite(typed, f"{name} in {dtype}")
        assert_allclose(typed, outputs, atol=1e-4 * scale, rtol=1e-4, what=f"{name}: {dtype} vs float32")

    if mixed_precision:
        previous = keras.config.dtype_policy()
        keras.config.set_dtype_policy("mixed_float16")
        try:
            mixed = _rebuild(layer, "mixed_float16", inputs)(inputs)
        finally:
            keras.config.set_dtype_policy(previous)
        _check_finite(mixed, f"{name} under mixed_float16")
        assert_allclose(mixed, outputs, atol=3e-2 * scale, rtol=3e-2, what=f"{name}: mixed_float16 vs float32")

    bad = wrong_rank_inputs if wrong_rank_inputs is not None else _auto_wrong_rank(inputs)
    if bad is not None and bad is not False:
        try:
            type(layer).from_config(layer.get_config())(_as_tensors(bad))
        except (ValueError, TypeError) as error:
            if not str(error).strip():
                raise AssertionError(f"{name}: the wrong-rank error has no message") from error
        else:
            raise AssertionError(f"{name} accepted an input of the wrong rank: {tf.nest.map_structure(lambda x: x.shape, bad)}")
    if os.environ.get("KEXTRAS_HARNESS_LOG"):  # the test suite checks that every exported layer got here
        with open(os.environ["KEXTRAS_HARNESS_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{type(layer).__module__}.{type(layer).__qualname__}\n")
    return outputs
