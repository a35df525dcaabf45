"""Keras-Dense-like weight helpers shared by the graph layers."""

import keras
import tensorflow as tf

from kextras import validation
from kextras.activations import resolve


class DenseWeightsMixin:
    """Stores and serializes the usual Dense options (initializers, regularizers, ...)."""

    def _init_dense_options(self, units, activation, use_bias, kernel_initializer,
                            bias_initializer, kernel_regularizer, bias_regularizer,
                            kernel_constraint, bias_constraint):
        self.units = validation.positive_int("units", units) if units is not None else None
        self.activation, self._activation_config = resolve(activation)
        self.use_bias = validation.boolean("use_bias", use_bias)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.bias_regularizer = keras.regularizers.get(bias_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)
        self.bias_constraint = keras.constraints.get(bias_constraint)

    def _kernel(self, shape, name="kernel"):
        return self.add_weight(
            name=name, shape=shape, initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)

    def _bias(self, shape, name="bias"):
        return self.add_weight(
            name=name, shape=shape, initializer=self.bias_initializer,
            regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def _output(self, out, x=None, root_kernel=None):
        """``activation(out + x @ root_kernel + bias)``, each term when present."""
        if root_kernel is not None:
            out = out + tf.matmul(x, root_kernel)
        if self.bias is not None:
            out = out + self.bias
        return self.activation(out)

    def _dense_config(self):
        config = {
            "activation": self._activation_config,
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": keras.regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": keras.constraints.serialize(self.kernel_constraint),
            "bias_constraint": keras.constraints.serialize(self.bias_constraint),
        }
        if self.units is not None:
            config["units"] = self.units
        return config
