"""A third-party kextras plugin: one layer and one activation."""

import keras
from keras import ops


class Scale(keras.layers.Layer):
    """y = alpha * x with one trainable scalar alpha."""

    def __init__(self, initial=2.0, **kwargs):
        super().__init__(**kwargs)
        self.initial = initial

    def build(self, input_shape):
        self.alpha = self.add_weight(shape=(), initializer=keras.initializers.Constant(self.initial), name="alpha")

    def call(self, x):
        return ops.cast(self.alpha, x.dtype) * x

    def get_config(self):
        return {**super().get_config(), "initial": self.initial}


def softer(x):
    """x / (1 + |x|)."""
    return x / (1.0 + ops.abs(x))


def register(registry):
    registry.add(Scale, softer)
