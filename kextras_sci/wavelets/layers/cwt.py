"""`CWT`: continuous wavelet transform layer, a scalogram on the channel axis (channels-last)."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from kextras import validation
from kextras_sci.wavelets._cwavelets import continuous_wavelet
from kextras_sci.wavelets._cwt import check_scales, scale_filters
from kextras_sci.wavelets._cwt_engine import transform_rows

_OUTPUTS = ("auto", "real", "imag", "magnitude", "power", "complex")


class CWT(keras.layers.Layer):
    """Continuous wavelet transform of every channel: the scalogram, scales on the channel axis.

    Per channel, exactly ``pywt.cwt(x, scales, wavelet, method=method, axis=1)`` (see
    :func:`kextras_sci.wavelets.cwt`)::

        W[b, n, s * C + c] = out(coef[s, b, n, c]),  coef = cwt(x, scales, wavelet, axis=1)

    scale-major: channels ``s * C .. s * C + C - 1`` hold scale ``s`` (the band-major layout
    of the DWT layers), so ``keras.layers.Reshape((-1, n_scales, C))`` makes a
    ``(time, scale, channel)`` image for ``Conv2D``. The filters are fixed (not trainable).

    Args:
        scales: positive scales, a list (e.g. ``log_scales(1, 64, 32)``; scale ``a`` has the
            frequency ``central_frequency / (a * sampling_period)``).
        wavelet: a continuous wavelet name (``"morl"``, ``"mexh"``, ``"gausN"``,
            ``"cgauN"``, ``"cmorB-C"``, ``"shanB-C"``, ``"fbspM-B-C"``). Default ``"morl"``.
        output_mode: ``"real"``, ``"imag"``, ``"magnitude"`` (``|coef|``), ``"power"``
            (``|coef|**2``) or ``"complex"`` (a complex tensor); ``"auto"`` (default) is
            ``"magnitude"`` for complex wavelets and ``"real"`` for real ones.
        method: ``"conv"`` (default) or ``"fft"``, as :func:`~kextras_sci.wavelets.cwt`.
        precision: the wavelet is sampled on ``2**precision`` points. Default 12.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Input shape:
        ``(batch, time, channels)``; ``time`` may be dynamic (None).

    Output shape:
        ``(batch, time, channels * len(scales))``; float (complex for ``output_mode="complex"``).
    """

    def __init__(self, scales, wavelet="morl", output_mode="auto", method="conv", precision=12, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(wavelet, str):
            raise ValueError("`wavelet` must be the name of a continuous wavelet (a string, so that "
                             f"the layer can be saved). Received: wavelet={wavelet!r}")
        self._spec = continuous_wavelet(wavelet)
        self.wavelet = wavelet
        self.scales = [float(s) for s in check_scales(scales)]
        self.output_mode = validation.choice("output_mode", output_mode, _OUTPUTS)
        self.method = validation.choice("method", method, ("conv", "fft"))
        self.precision = validation.integer("precision", precision, minimum=1, maximum=24)
        scale_filters(self._spec, np.asarray(self.scales), self.precision, np.float64)  # "too small"
        self._mode = self.output_mode if output_mode != "auto" else (
            "magnitude" if self._spec.complex_cwt else "real")

    def _check(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError("CWT expects a channels-last input of rank 3 (batch, time, channels). "
                             f"Received an input of rank {len(input_shape)} with shape {tuple(input_shape)}.")
        if input_shape[-1] is None:
            raise ValueError(f"CWT needs a known number of channels. Received shape {tuple(input_shape)}.")

    def build(self, input_shape):
        self._check(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        return (input_shape[0], input_shape[1], input_shape[2] * len(self.scales))

    def compute_output_spec(self, inputs):
        dtype = self.compute_dtype
        if self._mode == "complex":
            dtype = "complex128" if dtype == "float64" else "complex64"
        return keras.KerasTensor(self.compute_output_shape(inputs.shape), dtype=dtype)

    def call(self, inputs):
        x = tf.convert_to_tensor(inputs)
        self._check(x.shape)
        dtype = x.dtype
        work = tf.float64 if dtype == tf.float64 else tf.float32
        x = tf.cast(x, work)
        channels, n = x.shape[-1], x.shape[1] if x.shape[1] is not None else tf.shape(x)[1]
        rows = tf.reshape(tf.transpose(x, [0, 2, 1]), [-1, n])  # [B C, N]
        filters = scale_filters(self._spec, np.asarray(self.scales), self.precision, work.as_numpy_dtype)
        y = transform_rows(rows, filters, self.method)  # [S, B C, N]
        s = len(self.scales)
        y = tf.reshape(y, [s, -1, channels, n])
        y = tf.reshape(tf.transpose(y, [1, 3, 0, 2]), [-1, n, s * channels])
        mode = self._mode
        if mode == "complex":
            return tf.cast(y, tf.complex128 if dtype == tf.float64 else tf.complex64)
        if mode == "real":
            y = tf.math.real(y) if y.dtype.is_complex else y
        elif mode == "imag":
            y = tf.math.imag(y) if y.dtype.is_complex else tf.zeros_like(y)
        else:
            power = tf.square(tf.math.real(y)) + tf.square(tf.math.imag(y)) if y.dtype.is_complex \
                else tf.square(y)
            if mode == "magnitude":  # sqrt with a zero (not NaN) gradient at 0
                positive = power > 0
                y = tf.where(positive, tf.sqrt(tf.where(positive, power, tf.ones_like(power))), 0.0)
            else:
                y = power
        return tf.cast(y, dtype)

    def get_config(self):
        config = super().get_config()
        config.update(scales=list(self.scales), wavelet=self.wavelet, output_mode=self.output_mode,
                      method=self.method, precision=self.precision)
        return config
