"""Modified MLP with two encoder gates (Wang, Teng, Perdikaris 2021)."""

from __future__ import annotations

import keras
from keras import ops

from kextras import activations
from kextras import validation
from ._base import check_rank2


class ModifiedMLP(keras.layers.Layer):
    """The "modified MLP" of Wang, Teng & Perdikaris (SIAM J. Sci. Comput. 2021).

    Two encoders of the input gate every hidden layer::

        U = act(x W_u + b_u),   V = act(x W_v + b_v)
        H_1 = act(x W_1 + b_1)
        Z_k = act(H_k W_{k+1} + b_{k+1}),   H_{k+1} = (1 - Z_k) * U + Z_k * V,
                                             k = 1 ... num_layers
        y = H_{L+1} W_out + b_out        (when ``output_units`` is given)

    It mitigates the gradient pathologies of PINNs ("Understanding and
    mitigating gradient flow pathologies in physics-informed neural
    networks").

    Args:
        units: width of every hidden layer (and of ``U``, ``V``).
        num_layers: ``L``, number of gated layers (default 3).
        activation: name, callable (``"tanh"`` default; ``"hyper_sinh"`` works)
            applied to ``U``, ``V``, ``H_1`` and every ``Z_k``.
        output_units: size of the final linear layer, or None (default) to
            return ``H_{L+1}`` (``[n, units]``).
        kernel_initializer: default ``"glorot_normal"``.
        bias_initializer: default ``"zeros"``.

    Input shape: ``[n, d]``. Output shape: ``[n, output_units]`` or
    ``[n, units]``.
    """

    def __init__(
        self,
        units,
        num_layers=3,
        activation="tanh",
        output_units=None,
        kernel_initializer="glorot_normal",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = validation.positive_int("units", units)
        self.num_layers = validation.non_negative_int("num_layers", num_layers)
        self.activation, self._activation_config = activations.resolve(activation)
        self.output_units = None if output_units is None else validation.positive_int("output_units", output_units)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    def _dense(self, name, fan_in, fan_out):
        w = self.add_weight(name=f"{name}_kernel", shape=(fan_in, fan_out), initializer=self.kernel_initializer)
        b = self.add_weight(name=f"{name}_bias", shape=(fan_out,), initializer=self.bias_initializer)
        return w, b

    def build(self, input_shape):
        d = check_rank2(self, input_shape)
        self.encoder_u = self._dense("encoder_u", d, self.units)
        self.encoder_v = self._dense("encoder_v", d, self.units)
        self.hidden = [self._dense("hidden_1", d, self.units)]
        for k in range(self.num_layers):
            self.hidden.append(self._dense(f"hidden_{k + 2}", self.units, self.units))
        self.out = None if self.output_units is None else self._dense("output", self.units, self.output_units)

    def _apply(self, x, wb):
        w, b = wb
        return ops.matmul(x, ops.cast(w, self.compute_dtype)) + ops.cast(b, self.compute_dtype)

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        act = self.activation
        u = act(self._apply(x, self.encoder_u))
        v = act(self._apply(x, self.encoder_v))
        h = act(self._apply(x, self.hidden[0]))
        for wb in self.hidden[1:]:
            z = act(self._apply(h, wb))
            h = (1.0 - z) * u + z * v
        if self.out is not None:
            h = self._apply(h, self.out)
        return h

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_units or self.units)

    def get_config(self):
        config = super().get_config()
        config.update(
            units=self.units,
            num_layers=self.num_layers,
            activation=self._activation_config,
            output_units=self.output_units,
            kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
            bias_initializer=keras.initializers.serialize(self.bias_initializer),
        )
        return config
