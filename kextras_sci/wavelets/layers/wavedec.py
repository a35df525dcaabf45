"""`WaveDec`: multi-level wavelet decomposition layer (channels-last)."""

from __future__ import annotations

import warnings

import keras

from kextras import validation
from kextras_sci.wavelets._filters import dwt_max_level
from kextras_sci.wavelets.layers import _base


class WaveDec(_base.FilterMixin, keras.layers.Layer):
    """Multi-level discrete wavelet decomposition over the spatial axes (``pywt.wavedecn``).

    The approximation is transformed again ``level`` times::

        a_0 = x,   (a_j, d_j) = DWT(a_{j-1}),   j = 1 .. level

    and the output is ``[a_level, d_level, ..., d_1]`` (PyWavelets' order: coarsest first).

    Args:
        level: number of levels, a positive integer. Default 2. A level above
            PyWavelets' ``dwt_max_level`` for a statically known size warns, as PyWavelets does.
        ndim: number of spatial axes, 1, 2 or 3. Default 2.
        wavelet: wavelet name or four filters. Default ``"haar"``.
        mode: signal extension mode (PyWavelets' modes). Default ``"periodization"``.
        output_format: ``"stacked"`` (default): ``a_level`` has shape
            ``(batch, *spatial_level, C)`` and every ``d_j`` stacks its ``2**ndim - 1``
            detail bands on the channel axis, band-major in ``pywt.dwtn`` key order without
            the all-``a`` key (2D: ``ad, da, dd``, i.e. ``(cV, cH, cD)`` in ``pywt.dwt2``
            names): ``(batch, *spatial_j, (2**ndim - 1) * C)``. ``"pywt"``: exactly the
            structure of ``pywt.wavedec`` (1D), ``pywt.wavedec2`` (2D, ``(cH, cV, cD)``
            tuples) or ``pywt.wavedecn`` (3D, dicts).
        **kwargs: base layer arguments.

    Input shape:
        ``(batch, *spatial, channels)`` with ``ndim`` spatial axes (dynamic sizes allowed).

    Output shape:
        a list of ``level + 1`` tensors (see ``output_format``); with ``"periodization"``
        level ``j`` has spatial size ``ceil(n / 2**j)``.
    """

    def __init__(self, level=2, ndim=2, wavelet="haar", mode="periodization", output_format="stacked", **kwargs):
        super().__init__(**kwargs)
        self.level = validation.positive_int("level", level)
        self.ndim = _base.check_ndim(ndim)
        self._setup_filters(wavelet, mode, False)
        self.output_format = validation.choice("output_format", output_format, ("stacked", "pywt"))

    def build(self, input_shape):
        _base.check_rank(input_shape, self.ndim, "WaveDec")
        for n in input_shape[1:-1]:
            if n is not None and self.level > dwt_max_level(n, self.filter_len):
                warnings.warn(
                    f"Level value of {self.level} is too high: all coefficients will experience "
                    f"boundary effects (input size {n}, filter length {self.filter_len}).",
                    UserWarning,
                    stacklevel=2,
                )
                break
        self._build_filters()
        self.built = True

    def _sizes(self, input_shape):
        sizes = [list(input_shape[1:-1])]
        for _ in range(self.level):
            sizes.append([_base.analysis_length(n, self.filter_len, self.mode) for n in sizes[-1]])
        return sizes

    def compute_output_shape(self, input_shape):
        _base.check_rank(input_shape, self.ndim, "WaveDec")
        batch, channels = input_shape[0], input_shape[-1]
        sizes = self._sizes(input_shape)
        nb = 2**self.ndim
        out = [(batch, *sizes[-1], channels)]
        for j in range(self.level, 0, -1):
            if self.output_format == "stacked":
                out.append((batch, *sizes[j], None if channels is None else (nb - 1) * channels))
            else:
                band = (batch, *sizes[j], channels)
                out.append(_detail_structure([band] * (nb - 1), self.ndim))
        return out

    def call(self, inputs):
        _base.check_rank(inputs.shape, self.ndim, "WaveDec")
        channels = inputs.shape[-1]
        if channels is None:
            raise ValueError("WaveDec needs a statically known number of channels.")
        filters = self.current_filters(_base.filter_dtype(inputs.dtype))
        shapes = self.compute_output_shape(inputs.shape) if self.output_format == "stacked" else None
        approx = inputs
        details = []
        for _ in range(self.level):
            y = _base.analysis(approx, filters, self._bank, self.mode, self.ndim)
            approx = y[..., :channels]
            details.append(y[..., channels:])
        if self.output_format == "stacked":
            out = [approx] + details[::-1]
            return [_base.set_static_shape(t, s) for t, s in zip(out, shapes)]
        out = [approx]
        for d in details[::-1]:
            out.append(_detail_structure(_base.split_bands(d, self.ndim, channels)[:2**self.ndim - 1], self.ndim))
        return out

    def get_config(self):
        config = super().get_config()
        config.update(
            level=self.level, ndim=self.ndim, wavelet=self.wavelet, mode=self.mode,
            output_format=self.output_format,
        )
        return config


def _detail_structure(bands, ndim):
    """Detail bands in ``dwtn`` key order (without the all-'a' key) -> PyWavelets' detail entry."""
    keys = _base.band_keys(ndim)[1:]
    if ndim == 1:
        return bands[0]
    if ndim == 2:
        b = dict(zip(keys, bands))
        return (b["da"], b["ad"], b["dd"])
    return dict(zip(keys, bands))


def detail_bands(entry, ndim):
    """PyWavelets' detail entry -> bands in ``dwtn`` key order (without the all-'a' key)."""
    keys = _base.band_keys(ndim)[1:]
    if ndim == 1:
        return [entry]
    if ndim == 2:
        ch, cv, cd = entry
        return [cv, ch, cd]
    missing = [k for k in keys if k not in entry]
    if missing:
        raise ValueError(f"A detail dict lacks the sub-bands {missing}. Received keys {sorted(entry)}.")
    return [entry[k] for k in keys]
