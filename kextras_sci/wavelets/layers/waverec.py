"""`WaveRec`: multi-level wavelet reconstruction layer (channels-last)."""

from __future__ import annotations

import keras
import tensorflow as tf

from kextras import validation
from kextras_sci.wavelets.layers import _base
from kextras_sci.wavelets.layers.wavedec import detail_bands


class WaveRec(_base.FilterMixin, keras.layers.Layer):
    """Multi-level inverse discrete wavelet transform, the inverse of :class:`WaveDec`.

    From ``[a_J, d_J, ..., d_1]``::

        a_{j-1} = IDWT(a_j, d_j) cropped to the spatial size of d_{j-1},   j = J .. 1

    (PyWavelets' ``waverecn`` rule for odd sizes), and ``x = a_0`` cropped to the output size
    when one is known. As with :class:`IDWT2D`, the original size of an odd input is needed
    for an exact inverse: ``output_size`` or ``reference=x`` (a tensor with the output's
    spatial size). Without either the output has ``2 * size(d_1)`` samples per axis
    (``"periodization"``).

    Args:
        ndim: number of spatial axes, 1, 2 or 3. Default 2.
        wavelet: wavelet name or four filters. Default ``"haar"``.
        mode: the extension mode used by the decomposition. Default ``"periodization"``.
        input_format: ``"stacked"`` (default, :class:`WaveDec`'s stacked layout) or
            ``"pywt"`` (``pywt.wavedec`` / ``wavedec2`` / ``wavedecn`` structure).
        output_size: None (default) or ``ndim`` ints.
        **kwargs: base layer arguments.

    Input shape:
        a list ``[a_J, d_J, ..., d_1]`` as produced by :class:`WaveDec`.

    Output shape:
        ``(batch, *spatial, channels)``.
    """

    def __init__(self, ndim=2, wavelet="haar", mode="periodization", input_format="stacked", output_size=None, **kwargs):
        super().__init__(**kwargs)
        self.ndim = _base.check_ndim(ndim)
        self._setup_filters(wavelet, mode, False)
        self.input_format = validation.choice("input_format", input_format, ("stacked", "pywt"))
        self.output_size = _base.check_output_size(output_size, self.ndim)

    def _check_list(self, inputs):
        if (
            not isinstance(inputs, (list, tuple))
            or len(inputs) < 2
            or isinstance(inputs[0], (int, type(None)))  # a single shape, not a list of inputs
        ):
            raise ValueError(
                "WaveRec takes the list [a_J, d_J, ..., d_1] produced by WaveDec (at least two "
                f"entries). Received: {type(inputs).__name__}"
                + (f" of length {len(inputs)}" if isinstance(inputs, list) else "")
            )

    def _first_detail_shape(self, inputs):
        d = inputs[-1]
        return d if self.input_format == "stacked" else detail_bands(d, self.ndim)[0]

    def build(self, input_shape):
        self._check_list(input_shape)
        _base.check_rank(input_shape[0], self.ndim, "WaveRec", "approximation input")
        self._build_filters()
        self.built = True

    def compute_output_shape(self, inputs_shape, reference_shape=None):
        input_shape = inputs_shape
        self._check_list(input_shape)
        approx = input_shape[0]
        _base.check_rank(approx, self.ndim, "WaveRec", "approximation input")
        first = self._first_detail_shape(input_shape)
        return (approx[0], *self._out_spatial(first, reference_shape), approx[-1])

    def _out_spatial(self, first_detail_shape, reference_shape):
        if self.output_size is not None:
            return list(self.output_size)
        if reference_shape is not None:
            return list(reference_shape[1:-1])
        return [_base.synthesis_length(k, self.filter_len, self.mode) for k in first_detail_shape[1:-1]]

    def call(self, inputs, reference=None):
        self._check_list(inputs)
        approx = inputs[0]
        _base.check_rank(approx.shape, self.ndim, "WaveRec", "approximation input")
        channels = approx.shape[-1]
        nb = 2**self.ndim
        details = []
        for d in inputs[1:]:
            if self.input_format == "pywt":
                d = tf.concat(detail_bands(d, self.ndim), axis=-1)
            _base.check_rank(d.shape, self.ndim, "WaveRec", "detail input")
            if channels is not None and d.shape[-1] is not None and d.shape[-1] != (nb - 1) * channels:
                raise ValueError(
                    f"Every stacked detail input must have {nb - 1} x {channels} channels (the "
                    f"approximation has {channels}). Received {d.shape[-1]}."
                )
            details.append(d)
        filters = self.current_filters(_base.filter_dtype(approx.dtype))
        for j, d in enumerate(details):
            approx = approx[(slice(None),) + tuple(slice(0, s) for s in _base.spatial_sizes(d, self.ndim))]
            if j + 1 < len(details):
                size = _base.spatial_sizes(details[j + 1], self.ndim)
            elif self.output_size is not None:
                size = list(self.output_size)
            elif reference is not None:
                _base.check_rank(reference.shape, self.ndim, "WaveRec", "reference input")
                size = _base.spatial_sizes(reference, self.ndim)
            else:
                size = None
            stacked = tf.concat([approx, tf.cast(d, approx.dtype)], axis=-1)
            approx = _base.synthesis(stacked, filters, self._bank, self.mode, self.ndim, size)
        spatial = self._out_spatial(details[-1].shape, None if reference is None else reference.shape)
        return _base.set_static_shape(approx, [inputs[0].shape[0], *spatial, channels])

    def get_config(self):
        config = super().get_config()
        config.update(
            ndim=self.ndim, wavelet=self.wavelet, mode=self.mode, input_format=self.input_format,
            output_size=None if self.output_size is None else list(self.output_size),
        )
        return config
