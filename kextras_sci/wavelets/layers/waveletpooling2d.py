"""`WaveletPooling2D`: wavelet pooling of Williams & Li (ICLR 2018)."""

from __future__ import annotations


from kextras_sci.wavelets.layers import _base


class WaveletPooling2D(_base.Pool2D):
    """Wavelet pooling (Williams & Li, "Wavelet Pooling for Convolutional Neural Networks", ICLR 2018).

    The paper's algorithm, per channel: a 2nd-order decomposition of the feature map with
    the fast wavelet transform, the first-level detail sub-bands are discarded, and the
    features are reconstructed from the 2nd-order sub-bands alone with one inverse step::

        (a_1, d_1) = DWT(x),   (a_2, d_2) = DWT(a_1),   y = IDWT(a_2, d_2)

    so the feature map is pooled by a factor of 2. The paper uses the Haar wavelet (the
    default here). Note that with a perfectly reconstructing transform ``IDWT(DWT(a_1)) =
    a_1`` mathematically: the result equals the first-level approximation band (what
    :class:`DWTPool2D` returns; for Haar, twice the 2x2 average) up to rounding. This layer
    computes the paper's sequence literally (the discarded ``d_1`` is never formed).

    A drop-in replacement for ``MaxPooling2D(2)``: identical output sizes for even inputs;
    an odd size ``n`` gives ``ceil(n / 2)`` (``"periodization"``, like
    ``padding="same"``), or ``floor((n + L - 1) / 2)`` for the other modes.

    Args:
        wavelet: wavelet name or four filters. Default ``"haar"`` (as in the paper).
        mode: signal extension mode. Default ``"periodization"``.
        learnable: trainable orthogonal filters (lattice angles, see :class:`DWT2D`).
            Default False.
        **kwargs: base layer arguments.

    Input shape:
        ``(batch, height, width, channels)``.

    Output shape:
        ``(batch, ceil(height / 2), ceil(width / 2), channels)`` (``"periodization"``).
    """

    def __init__(self, wavelet="haar", mode="periodization", learnable=False, **kwargs):
        super().__init__(**kwargs)
        self._setup_filters(wavelet, mode, learnable)

    def call(self, inputs):
        _base.check_rank(inputs.shape, 2, "WaveletPooling2D")
        filters = self.current_filters(_base.filter_dtype(inputs.dtype))
        # level 1: only the approximation is used by the algorithm (d_1 is discarded)
        a1 = _base.approximation(inputs, filters, self._bank, self.mode, 2)
        # level 2 decomposition, then one inverse step from the level-2 sub-bands
        level2 = _base.analysis(a1, filters, self._bank, self.mode, 2)
        y = _base.synthesis(level2, filters, self._bank, self.mode, 2, _base.spatial_sizes(a1, 2))
        return _base.set_static_shape(y, self.compute_output_shape(inputs.shape))

    def get_config(self):
        config = super().get_config()
        config.update(wavelet=self.wavelet, mode=self.mode, learnable=self.learnable)
        return config
