"""Private base classes of DWT1D/2D/3D and IDWT1D/2D/3D."""

from __future__ import annotations

import keras
import tensorflow as tf

from kextras import validation
from kextras_sci.wavelets.layers import _base


def _is_pair(inputs):
    """True for a list of inputs (tensors or shapes), False for one tensor or one shape."""
    return isinstance(inputs, (list, tuple)) and len(inputs) > 0 and not isinstance(inputs[0], (int, type(None)))


class DWTBase(_base.FilterMixin, keras.layers.Layer):
    """One-level DWT over the spatial axes of a channels-last tensor (see the public subclasses)."""

    _ndim = None

    def __init__(self, wavelet="haar", mode="periodization", output_format="stacked", learnable=False, **kwargs):
        super().__init__(**kwargs)
        self._setup_filters(wavelet, mode, learnable)
        self.output_format = validation.choice("output_format", output_format, ("stacked", "pywt"))

    def build(self, input_shape):
        _base.check_rank(input_shape, self._ndim, type(self).__name__)
        self._build_filters()
        self.built = True

    def _spatial_out(self, input_shape):
        return [_base.analysis_length(n, self.filter_len, self.mode) for n in input_shape[1:-1]]

    def compute_output_shape(self, input_shape):
        _base.check_rank(input_shape, self._ndim, type(self).__name__)
        spatial = self._spatial_out(input_shape)
        channels = input_shape[-1]
        if self.output_format == "stacked":
            return (input_shape[0], *spatial, None if channels is None else channels * 2**self._ndim)
        band = (input_shape[0], *spatial, channels)
        return _base.to_pywt_structure([band] * 2**self._ndim, self._ndim)

    def call(self, inputs):
        _base.check_rank(inputs.shape, self._ndim, type(self).__name__)
        filters = self.current_filters(_base.filter_dtype(inputs.dtype))
        y = _base.analysis(inputs, filters, self._bank, self.mode, self._ndim)
        channels = inputs.shape[-1]
        y = _base.set_static_shape(
            y, [inputs.shape[0], *self._spatial_out(inputs.shape), None if channels is None else channels * 2**self._ndim]
        )
        if self.output_format == "stacked":
            return y
        bands = _base.split_bands(y, self._ndim, channels)
        return _base.to_pywt_structure(bands, self._ndim)

    def inverse(self, coeffs, output_size=None):
        """Invert this layer's output with the same (possibly trained) filters.

        Args:
            coeffs: this layer's output (either ``output_format``).
            output_size: optional spatial size of the result (ints or scalar tensors), e.g.
                ``tf.shape(x)[1:-1]`` of the original input, for odd sizes.
        """
        if self.output_format == "pywt":
            coeffs = tf.concat(_base.from_pywt_structure(coeffs, self._ndim), axis=-1)
        filters = self.current_filters(_base.filter_dtype(coeffs.dtype))
        if output_size is not None:
            output_size = [output_size[i] for i in range(self._ndim)]
        return _base.synthesis(coeffs, filters, self._bank, self.mode, self._ndim, output_size)

    def get_config(self):
        config = super().get_config()
        config.update(
            wavelet=self.wavelet, mode=self.mode, output_format=self.output_format, learnable=self.learnable
        )
        return config


class IDWTBase(_base.FilterMixin, keras.layers.Layer):
    """One-level inverse DWT (see the public subclasses)."""

    _ndim = None

    def __init__(self, wavelet="haar", mode="periodization", input_format="stacked", output_size=None, **kwargs):
        super().__init__(**kwargs)
        self._setup_filters(wavelet, mode, False)
        self.input_format = validation.choice("input_format", input_format, ("stacked", "pywt"))
        self.output_size = _base.check_output_size(output_size, self._ndim)

    def _split_inputs(self, inputs, reference=None):
        """-> (stacked coefficients, reference or None)."""
        if self.input_format == "stacked":
            if _is_pair(inputs):
                if len(inputs) != 2:
                    raise ValueError(
                        f"{type(self).__name__} takes the stacked coefficients, or a list "
                        "[coefficients, reference] whose spatial size is the output size. "
                        f"Received a list of {len(inputs)} inputs."
                    )
                inputs, reference = inputs
            return inputs, reference
        bands = _base.from_pywt_structure(inputs, self._ndim)
        return bands, reference

    def build(self, input_shape):
        coeffs, ref = self._split_inputs(input_shape)
        shapes = coeffs if self.input_format == "pywt" else [coeffs]
        for shape in shapes:
            _base.check_rank(shape, self._ndim, type(self).__name__, "coefficient input")
        if ref is not None:
            _base.check_rank(ref, self._ndim, type(self).__name__, "reference input")
        self._build_filters()
        self.built = True

    def _channels(self, shape):
        nb = 2**self._ndim
        if self.input_format == "pywt":
            return shape[-1]
        if shape[-1] is not None and shape[-1] % nb:
            raise ValueError(
                f"{type(self).__name__} expects the stacked sub-bands on the channel axis: the "
                f"number of channels must be a multiple of {nb}. Received {shape[-1]} channels."
            )
        return None if shape[-1] is None else shape[-1] // nb

    def compute_output_shape(self, inputs_shape, reference_shape=None):
        input_shape = inputs_shape
        coeffs, ref = self._split_inputs(input_shape, reference_shape)
        first = coeffs[0] if self.input_format == "pywt" else coeffs
        _base.check_rank(first, self._ndim, type(self).__name__, "coefficient input")
        return self._out_shape(first, ref)

    def _out_shape(self, first, ref):
        if self.output_size is not None:
            spatial = list(self.output_size)
        elif ref is not None:
            spatial = list(ref[1:-1])
        else:
            spatial = [_base.synthesis_length(k, self.filter_len, self.mode) for k in first[1:-1]]
        return (first[0], *spatial, self._channels(first))

    def call(self, inputs, reference=None):
        coeffs, ref = self._split_inputs(inputs, reference)
        if self.input_format == "pywt":
            for band in coeffs:
                _base.check_rank(band.shape, self._ndim, type(self).__name__, "coefficient input")
            stacked = tf.concat(coeffs, axis=-1)
        else:
            _base.check_rank(coeffs.shape, self._ndim, type(self).__name__, "coefficient input")
            stacked = coeffs
        self._channels(stacked.shape if self.input_format == "stacked" else coeffs[0].shape)
        if self.output_size is not None:
            size = list(self.output_size)
        elif ref is not None:
            _base.check_rank(ref.shape, self._ndim, type(self).__name__, "reference input")
            size = _base.spatial_sizes(ref, self._ndim)
        else:
            size = None
        filters = self.current_filters(_base.filter_dtype(stacked.dtype))
        x = _base.synthesis(stacked, filters, self._bank, self.mode, self._ndim, size)
        first = coeffs[0].shape if self.input_format == "pywt" else coeffs.shape
        shape = self._out_shape(first, None if ref is None else ref.shape)
        return _base.set_static_shape(x, shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            wavelet=self.wavelet, mode=self.mode, input_format=self.input_format,
            output_size=None if self.output_size is None else list(self.output_size),
        )
        return config
