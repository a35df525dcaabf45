"""Dense layer with random weight factorization (Wang, Wang, Perdikaris 2022)."""

from __future__ import annotations

import keras
from keras import ops

from kextras import activations
from kextras import validation
from ._base import check_rank2


class FactorizedDense(keras.layers.Layer):
    """Dense layer whose kernel is factorized as a scale per unit times a direction.

    ``y = act(x (V diag(exp(s))) + b)``: the kernel ``W = V diag(exp(s))``
    is parametrised by a per-output-unit log-scale ``s`` and a matrix ``V``;
    both are trained (Wang, Wang, Perdikaris 2022, "Random weight
    factorization improves the training of continuous neural
    representations"). At initialisation ``W0`` is drawn with
    ``kernel_initializer``, ``s ~ N(mean, stddev^2)`` and ``V = W0 / exp(s)``,
    so the layer starts as a plain Dense layer with the same ``W0``; only the
    optimisation geometry changes.

    Args:
        units: number of output units.
        activation: name (``"tanh"``, ``"hyper_sinh"``, ...), callable or None
            (default None: linear).
        use_bias: add ``b`` (default True).
        mean: mean of the log-scales ``s`` (default 1.0, as in the paper).
        stddev: standard deviation of the log-scales (default 0.1).
        kernel_initializer: initializer of ``W0`` (default ``"glorot_normal"``).
        bias_initializer: default ``"zeros"``.
        seed: seed of the draw of ``s`` (default None).

    Input shape: ``[n, d]``. Output shape: ``[n, units]``.
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        mean=1.0,
        stddev=0.1,
        kernel_initializer="glorot_normal",
        bias_initializer="zeros",
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = validation.positive_int("units", units)
        self.activation, self._activation_config = activations.resolve(activation)
        self.use_bias = bool(use_bias)
        self.mean = validation.real("mean", mean)
        self.stddev = 0.0 if stddev == 0 else validation.positive_float("stddev", stddev)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.seed = seed

    def build(self, input_shape):
        d = check_rank2(self, input_shape)
        self.log_scale = self.add_weight(
            name="log_scale",
            shape=(self.units,),
            initializer=keras.initializers.RandomNormal(mean=self.mean, stddev=self.stddev, seed=self.seed)
            if self.stddev > 0
            else keras.initializers.Constant(self.mean),
        )
        self.direction = self.add_weight(name="direction", shape=(d, self.units), initializer="zeros")
        w0 = self.kernel_initializer((d, self.units), dtype=self.variable_dtype)
        self.direction.assign(w0 / ops.exp(self.log_scale)[None, :])
        self.bias = (
            self.add_weight(name="bias", shape=(self.units,), initializer=self.bias_initializer) if self.use_bias else None
        )

    @property
    def kernel(self):
        """The effective kernel ``V diag(exp(s))`` (``[d, units]``)."""
        return self.direction * ops.exp(self.log_scale)[None, :]

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        kernel = ops.cast(self.direction, self.compute_dtype) * ops.exp(ops.cast(self.log_scale, self.compute_dtype))[None, :]
        y = ops.matmul(x, kernel)
        if self.bias is not None:
            y = y + ops.cast(self.bias, self.compute_dtype)
        return self.activation(y)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)

    def get_config(self):
        config = super().get_config()
        config.update(
            units=self.units,
            activation=self._activation_config,
            use_bias=self.use_bias,
            mean=self.mean,
            stddev=self.stddev,
            kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
            bias_initializer=keras.initializers.serialize(self.bias_initializer),
            seed=self.seed,
        )
        return config
