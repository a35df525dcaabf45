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
