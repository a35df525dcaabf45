"""`DWTPool2D`: wavelet pooling that keeps the approximation band (WaveCNet style)."""

from __future__ import annotations

import tensorflow as tf

from kextras import validation
from kextras_sci.wavelets.layers import _base


class DWTPool2D(_base.Pool2D):
    """Down-sampling by a one-level 2D DWT that keeps only the low-pass (``aa``) band.

    Following WaveCNet (Li et al., "Wavelet Integrated CNNs for Noise-Robust Image
    Classification", CVPR 2020), the feature map is decomposed and the high-frequency
    bands (where most noise lives) are dropped::

        y[k, l, c] = sum_{i, j} dec_lo[i] dec_lo[j] x[2k + 1 - i, 2l + 1 - j, c]

    (PyWavelets' ``dwt2(x, wavelet, mode)[0]`` per channel). With the orthonormal Haar
    filters (the default) ``y`` is twice the 2x2 average pooling; ``scale`` can rescale it
    (``scale=0.5`` gives exactly ``AveragePooling2D`` for Haar).

    A drop-in replacement for ``MaxPooling2D(2)``: for even sizes the output sizes are the
    same (``n / 2``). For an odd size ``n`` the ``"periodization"`` output has
    ``ceil(n / 2)`` samples (like ``MaxPooling2D(2, padding="same")``; ``padding="valid"``
    gives ``floor(n / 2)``); other modes give ``floor((n + L - 1) / 2)``.

    Args:
        wavelet: wavelet name or four filters. Default ``"haar"``.
        mode: signal extension mode. Default ``"periodization"``.
        scale: constant factor applied to the output. Default 1.0.
        learnable: trainable orthogonal filters (lattice angles, see :class:`DWT2D`).
            Default False.
        **kwargs: base layer arguments.

    Input shape:
        ``(batch, height, width, channels)``.

    Output shape:
        ``(batch, ceil(height / 2), ceil(width / 2), channels)`` (``"periodization"``).
    """

    def __init__(self, wavelet="haar", mode="periodization", scale=1.0, learnable=False, **kwargs):
        super().__init__(**kwargs)
        self._setup_filters(wavelet, mode, learnable)
        self.scale = validation.real("scale", scale)

    def call(self, inputs):
        _base.check_rank(inputs.shape, 2, "DWTPool2D")
        filters = self.current_filters(_base.filter_dtype(inputs.dtype))
        y = _base.approximation(inputs, filters, self._bank, self.mode, 2)
        if self.scale != 1.0:
            y = y * tf.cast(self.scale, y.dtype)
        return _base.set_static_shape(y, self.compute_output_shape(inputs.shape))

    def get_config(self):
        config = super().get_config()
        config.update(wavelet=self.wavelet, mode=self.mode, scale=self.scale, learnable=self.learnable)
        return config
