"""Random Fourier feature embedding (Tancik et al., NeurIPS 2020)."""

from __future__ import annotations

import math

import keras
from keras import ops

from kextras import validation
from ._base import check_rank2


class FourierFeatures(keras.layers.Layer):
    """Random Fourier feature embedding of coordinates.

    ``gamma(x) = [cos(2 pi x B), sin(2 pi x B)]`` with ``B`` a ``[d, m]``
    matrix of i.i.d. ``N(0, scale^2)`` entries (Tancik et al. 2020, "Fourier
    features let networks learn high frequency functions in low dimensional
    domains"). ``scale`` sets the frequency band the following MLP can fit
    easily (a spectral-bias fix for multi-scale PINNs; jaxpi uses
    ``scale`` in 1 ... 10 with ``2 pi`` absorbed).

    Args:
        num_features: ``m``, number of random frequencies (output has ``2 m``
            features, plus ``d`` with ``include_input``).
        scale: standard deviation ``sigma`` of the entries of ``B`` (default 1.0).
        include_input: also pass ``x`` through, ``[x, cos, sin]`` (default False).
        trainable_frequencies: learn ``B`` (default False: ``B`` is a fixed,
            saved, non-trainable weight).
        seed: seed of the draw of ``B`` (default None).

    Input shape: ``[n, d]``. Output shape: ``[n, 2 m]`` (``[n, d + 2 m]`` with
    ``include_input``).
    """

    def __init__(self, num_features, scale=1.0, include_input=False, trainable_frequencies=False, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.num_features = validation.positive_int("num_features", num_features)
        self.scale = validation.positive_float("scale", scale)
        self.include_input = bool(include_input)
        self.trainable_frequencies = bool(trainable_frequencies)
        self.seed = seed

    def build(self, input_shape):
        d = check_rank2(self, input_shape, "[n, d] (one row of coordinates per point)")
        self.frequencies = self.add_weight(
            name="frequencies",
            shape=(d, self.num_features),
            initializer=keras.initializers.RandomNormal(stddev=self.scale, seed=self.seed),
            trainable=self.trainable_frequencies,
        )

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        proj = (2.0 * math.pi) * ops.matmul(x, ops.cast(self.frequencies, self.compute_dtype))
        parts = [ops.cos(proj), ops.sin(proj)]
        if self.include_input:
            parts.insert(0, x)
        return ops.concatenate(parts, axis=-1)

    def compute_output_shape(self, input_shape):
        extra = input_shape[-1] if self.include_input else 0
        return (input_shape[0], 2 * self.num_features + (extra or 0))

    def get_config(self):
        config = super().get_config()
        config.update(
            num_features=self.num_features,
            scale=self.scale,
            include_input=self.include_input,
            trainable_frequencies=self.trainable_frequencies,
            seed=self.seed,
        )
        return config
