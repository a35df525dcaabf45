"""The shared harness catches the defects it promises to catch."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from kextras.testing import assert_allclose, check_layer

X = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")


class Good(keras.layers.Layer):
    def __init__(self, units=2, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.input_spec = keras.layers.InputSpec(ndim=2)

    def build(self, shape):
        self.kernel = self.add_weight(shape=(shape[-1], self.units), name="kernel")

    def call(self, x):
        return ops.matmul(x, self.kernel)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class ForgetsConfig(Good):
    def get_config(self):
        return keras.layers.Layer.get_config(self)


class HardcodesFloat32(Good):
    def call(self, x):
        return ops.cast(ops.matmul(x, self.kernel), "float32")


class NanGradient(Good):
    def call(self, x):
        return ops.matmul(x, self.kernel) + ops.sum(ops.sqrt(ops.abs(self.kernel - self.kernel)))


class AcceptsAnyRank(Good):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.input_spec = None

    def call(self, x):
        return x * ops.sum(self.kernel)


def test_good_layer_passes_and_returns_outputs():
    layer = Good(units=2)
    y = check_layer(layer, X, fresh_process=False, expected_output_shape=(3, 2))
    np.testing.assert_allclose(y.numpy(), X @ layer.kernel.numpy(), rtol=1e-6)


def test_fresh_process_needs_registration():
    with pytest.raises(AssertionError, match="fresh process failed"):
        check_layer(Good(), X, dtypes=(), mixed_precision=False, train=False)


@pytest.mark.parametrize(
    "layer, message",
    [
        (ForgetsConfig(units=3), r"get_config\(\) lacks __init__ arguments \['units'\]"),
        (HardcodesFloat32(), "built with dtype='float64' returns float32"),
        (NanGradient(), "non-finite gradient"),
        (AcceptsAnyRank(), "accepted an input of the wrong rank"),
    ],
)
def test_defects_are_caught(layer, message):
    with pytest.raises(AssertionError, match=message):
        check_layer(layer, X, fresh_process=False)


def test_ragged_and_nested_structures_compare():
    rt = tf.ragged.constant([[1.0, 2.0], [], [3.0]])
    assert_allclose({"a": rt, "b": [tf.ones(2)]}, {"a": rt, "b": [np.ones(2)]})
    with pytest.raises(AssertionError, match="row splits differ"):
        assert_allclose(rt, tf.ragged.constant([[1.0], [2.0], [3.0]]))


class WrongSpec(Good):
    """Declares one output unit too many."""

    def compute_output_spec(self, x):
        return keras.KerasTensor((x.shape[0], self.units + 1), dtype=self.compute_dtype)


class WrongSpecDtype(Good):
    def compute_output_spec(self, x):
        return keras.KerasTensor((x.shape[0], self.units), dtype="int32")


class Noisy(Good):
    """Good plus a dropout (one seed generator) and an activity loss."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed = keras.random.SeedGenerator(1)

    def call(self, x, training=False):
        y = ops.matmul(x, self.kernel)
        if training:
            self.add_loss(ops.mean(y**2))
            y = keras.random.dropout(y, 0.1, seed=self.seed)
        return y


def test_symbolic_output_spec_must_match_the_eager_output():
    with pytest.raises(AssertionError, match=r"symbolic output \[0\] differs.*shape \(None, 3\) vs \(3, 2\)"):
        check_layer(WrongSpec(), X, fresh_process=False)
    with pytest.raises(AssertionError, match="dtype int32 vs float32"):
        check_layer(WrongSpecDtype(), X, fresh_process=False)


def test_weight_seed_and_loss_counts():
    counts = dict(expected_num_trainable_weights=1, expected_num_non_trainable_weights=0,
                  expected_num_seed_generators=1, expected_num_losses=1)
    check_layer(Noisy(), X, fresh_process=False, dtypes=(), mixed_precision=False, **counts)
    reference = keras.layers.BatchNormalization()  # Keras' own layer, counted independently
    check_layer(reference, X, fresh_process=False, dtypes=(), mixed_precision=False, wrong_rank_inputs=False,
                expected_num_trainable_weights=2, expected_num_non_trainable_weights=2,
                expected_num_seed_generators=0, expected_num_losses=0)
    for key, wrong in [("expected_num_trainable_weights", 2), ("expected_num_seed_generators", 0),
                       ("expected_num_losses", 0), ("expected_num_non_trainable_weights", 1)]:
        what = key.removeprefix("expected_num_").replace("_", " ").replace("non trainable", "non-trainable")
        with pytest.raises(AssertionError, match=f"Noisy has \\d+ {what}, expected {wrong}"):
            check_layer(Noisy(), X, fresh_process=False, dtypes=(), mixed_precision=False, **{**counts, key: wrong})


@pytest.mark.parametrize("kwargs, message", [
    (dict(train=1), "`train` must be True or False. Received: train=1"),
    (dict(atol=-1.0), r"`atol` must be a finite number in \[0, inf\). Received: atol=-1.0"),
    (dict(dtypes=("float8",)), "`dtypes` must be one of"),
    (dict(expected_num_losses=-1), "`expected_num_losses` must be a non-negative integer. Received: expected_num_losses=-1"),
])
def test_bad_harness_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        check_layer(Good(), X, **kwargs)
    with pytest.raises(TypeError, match="`layer` must be a keras.layers.Layer instance. Received: layer=3"):
        check_layer(3, X)
