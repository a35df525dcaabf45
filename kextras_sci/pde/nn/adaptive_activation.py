"""Adaptive activation functions GAAF / LAAF / N-LAAF (Jagtap et al. 2020)."""

from __future__ import annotations

import keras
from keras import ops

from kextras import activations
from kextras import validation
from ._base import check_min_rank

_MODES = ("layer", "neuron")


class AdaptiveActivation(keras.layers.Layer):
    """Activation with a trainable slope: ``y = act(n * a * x)``.

    ``n >= 1`` is a fixed scale factor and ``a`` a trainable slope initialised
    to ``1 / n`` (so the layer starts as ``act(x)``); the factor ``n``
    accelerates the slope's learning (Jagtap, Kawaguchi & Karniadakis 2020).

    * ``mode="layer"``: one ``a`` for the layer (LAAF, layer-wise);
    * ``mode="neuron"``: one ``a`` per feature (N-LAAF, neuron-wise);
    * GAAF (one slope for the whole network, Jagtap et al. J. Comput. Phys.
      2020): create one ``mode="layer"`` instance and call it after every
      hidden layer (Keras shares its weight).

    With ``slope_recovery > 0`` the layer adds the slope-recovery loss
    ``slope_recovery / mean(exp(a))`` (``self.losses``; the PINN wrapper and
    ``fit`` add it to the total), which pushes the slopes up.

    Args:
        activation: name (``"tanh"`` default, ``"hyper_sinh"`` ...) or callable.
        scale: ``n`` (default 10.0).
        mode: ``"layer"`` (default) or ``"neuron"``.
        slope_recovery: weight of the slope-recovery term (default 0.0).

    Input shape: ``[..., features]`` (rank >= 2). Output shape: same.
    """

    def __init__(self, activation="tanh", scale=10.0, mode="layer", slope_recovery=0.0, **kwargs):
        super().__init__(**kwargs)
        self.activation, self._activation_config = activations.resolve(activation)
        self.scale = validation.positive_float("scale", scale)
        if mode not in _MODES:
            raise ValueError(f"`mode` must be one of {_MODES}. Received: mode={mode!r}")
        self.mode = mode
        self.slope_recovery = validation.real("slope_recovery", slope_recovery, minimum=0)

    def build(self, input_shape):
        f = check_min_rank(self, input_shape, 2)
        shape = () if self.mode == "layer" else (f,)
        self.slope = self.add_weight(name="slope", shape=shape, initializer=keras.initializers.Constant(1.0 / self.scale))

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        a = ops.cast(self.slope, self.compute_dtype)
        if self.slope_recovery > 0:
            s = ops.cast(self.slope, "float32") if self.variable_dtype == "float16" else self.slope
            self.add_loss(self.slope_recovery / ops.mean(ops.exp(s)))
        return self.activation(self.scale * a * x)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            activation=self._activation_config,
            scale=self.scale,
            mode=self.mode,
            slope_recovery=self.slope_recovery,
        )
        return config
