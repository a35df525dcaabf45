"""Private machinery shared by the wavelet layers.

* argument checking (wavelet, mode, level, output layout) with clear errors;
* :class:`FilterMixin`: fixed filters from a named wavelet / filter bank, or learnable
  filters kept orthogonal by construction (lattice angles, see ``_lattice.py``);
* one-level analysis / synthesis in the band-major CNN layout for every mode: the
  functions' single-axis passes (``kextras_sci.wavelets._passes``, filters as tensors when
  learnable) behind a layout adapter (sub-bands moved from the trailing axis of the
  passes to the channel axis).

CNN layout ("stacked"): ``[batch, *spatial, C]`` -> ``[batch, *spatial', 2**d * C]``,
band-major: channels ``band * C .. band * C + C - 1`` hold sub-band ``band``, where the
bands are enumerated as ``itertools.product("ad", repeat=d)`` (``"a"`` = low-pass,
``"d"`` = high-pass, first letter = first spatial axis), the key order of ``pywt.dwtn``.
"""

from __future__ import annotations

import itertools
from numbers import Integral

import keras
import numpy as np
import tensorflow as tf

from kextras import validation
from kextras_sci.wavelets._extend import check_mode
from kextras_sci.wavelets._filters import get_wavelet
from kextras_sci.wavelets import _kernels, _passes
from kextras_sci.wavelets.layers import _lattice

_AXIS_NAMES = {1: "(batch, length, channels)", 2: "(batch, height, width, channels)",
               3: "(batch, depth, height, width, channels)"}


# ----------------------------------------------------------------------------- arguments


def wavelet_config(wavelet):
    """A JSON-serialisable form of ``wavelet`` (a name, or four filter lists) and its bank."""
    bank = get_wavelet(wavelet)
    if isinstance(wavelet, str):
        return wavelet, bank
    return [list(map(float, f)) for f in bank.filter_bank], bank


def check_mode_arg(mode):
    return check_mode(mode)


def check_ndim(ndim):
    return validation.integer("ndim", ndim, 1, 3)


def check_output_size(output_size, ndim):
    if output_size is None:
        return None
    if isinstance(output_size, (Integral, np.integer)):
        output_size = (output_size,) * ndim
    output_size = tuple(validation.int_list("output_size", tuple(output_size), allow_scalar=False))
    if len(output_size) != ndim:
        raise ValueError(
            f"`output_size` must be None or {ndim} positive integers (the spatial output size). "
            f"Received: output_size={output_size!r}"
        )
    return output_size


def check_rank(shape, ndim, layer_name, what="input"):
    rank = len(shape)
    if rank != ndim + 2:
        raise ValueError(
            f"{layer_name} expects a channels-last {what} of rank {ndim + 2} {_AXIS_NAMES[ndim]}. "
            f"Received an input of rank {rank} with shape {tuple(shape)}."
        )


def band_keys(ndim):
    return ["".join(k) for k in itertools.product("ad", repeat=ndim)]


def analysis_length(n, filter_len, mode):
    if n is None:
        return None
    return (n + 1) // 2 if mode == "periodization" else (n + filter_len - 1) // 2


def synthesis_length(k, filter_len, mode):
    if k is None:
        return None
    return 2 * k if mode == "periodization" else 2 * k - filter_len + 2


# ----------------------------------------------------------------------------- filters


class FilterMixin:
    """Fixed or learnable (lattice) filters for a layer; call :meth:`_setup_filters` in __init__."""

    def _setup_filters(self, wavelet, mode, learnable):
        self.wavelet, self._bank = wavelet_config(wavelet)
        self.mode = check_mode_arg(mode)
        self.learnable = validation.boolean("learnable", learnable)
        self._angles0 = None
        if learnable:
            if self.mode != "periodization":
                raise ValueError(
                    "Learnable filters are implemented for mode='periodization' only (where "
                    f"orthogonal filters give an orthogonal transform). Received: mode={mode!r}"
                )
            self._angles0 = _lattice.angles_from_filter(self._bank.dec_lo)

    def _build_filters(self):
        if self.learnable and self._angles0.shape[0] > 1:
            # the first K - 1 angles are free; the last keeps the sum fixed (so the high-pass
            # filter keeps its zero at DC: a wavelet with at least one vanishing moment)
            init = self._angles0[:-1]
            self.angles = self.add_weight(
                name="angles",
                shape=(init.shape[0],),
                initializer="zeros",
                trainable=True,
                dtype="float32" if self.dtype_policy.variable_dtype in ("float16", "bfloat16")
                else self.dtype_policy.variable_dtype,
            )
            self.angles.assign(init)  # exact (a Constant initializer rounds through float32)
        else:
            self.angles = None

    @property
    def filter_len(self):
        return self._bank.dec_len

    def current_filters(self, dtype):
        """(dec_lo, dec_hi, rec_lo, rec_hi) as tensors (learnable) or NumPy arrays (fixed)."""
        if self.angles is None:
            return self._bank.dec_lo, self._bank.dec_hi, self._bank.rec_lo, self._bank.rec_hi
        free = tf.cast(self.angles, "float64") if dtype == tf.float64 else tf.cast(self.angles, "float32")
        last = tf.constant(float(np.sum(self._angles0)), free.dtype) - tf.reduce_sum(free)
        angles = tf.concat([free, last[None]], axis=0)
        return tuple(tf.cast(f, dtype) for f in _lattice.filters_from_angles(angles))

    def filter_bank(self):
        """The current filters ``(dec_lo, dec_hi, rec_lo, rec_hi)`` as NumPy float64 arrays."""
        return tuple(np.asarray(f, dtype=np.float64) for f in self.current_filters(tf.float64))


# ----------------------------------------------------------------------------- transforms


class Pool2D(FilterMixin, keras.layers.Layer):
    """Shared shell of the 2D wavelet pooling layers: rank check, filters, output shape.

    Subclasses define ``__init__`` (calling :meth:`_setup_filters`), ``call`` and
    ``get_config``; the output has the spatial sizes of a one-level analysis.
    """

    def build(self, input_shape):
        check_rank(input_shape, 2, type(self).__name__)
        self._build_filters()
        self.built = True

    def compute_output_shape(self, input_shape):
        check_rank(input_shape, 2, type(self).__name__)
        spatial = [analysis_length(n, self.filter_len, self.mode) for n in input_shape[1:3]]
        return (input_shape[0], *spatial, input_shape[-1])


def _half(x):
    return x.dtype in (tf.float16, tf.bfloat16)


def _engine_bank(filters, bank):
    """The fixed ``FilterBank``, or the current (learnable) filters as a ``TensorBank``."""
    if all(isinstance(f, np.ndarray) for f in filters):
        return bank
    return _kernels.TensorBank(*filters)


def _shape(x):
    return _kernels.static_or_dynamic_shape(x)


def _analysis_passes(x, filters, bank, mode, ndim, lowpass):
    """``[B, *S, C]`` -> ``[B, *S', C, nb]`` (``nb = 2**ndim``, or 1 with ``lowpass``)."""
    b = _engine_bank(filters, bank)
    y = x[..., None]
    for axis in range(1, ndim + 1):
        y = _passes.analysis_axis(y, axis, b, mode, lowpass=lowpass)
    return y


def analysis(x, filters, bank, mode, ndim):
    """One level, band-major stacked output (see module docstring)."""
    dtype = x.dtype
    if _half(x):  # transform in float32 (precision and CPU kernel support), return the input dtype
        x = tf.cast(x, tf.float32)
    y = _analysis_passes(x, filters, bank, mode, ndim, lowpass=False)  # [B, *S', C, nb]
    shape = _shape(y)
    y = tf.transpose(y, list(range(ndim + 1)) + [ndim + 2, ndim + 1])
    y = _kernels._reshape(y, shape[:ndim + 1] + [shape[-2] * shape[-1]])
    return tf.cast(y, dtype)


def synthesis(y, filters, bank, mode, ndim, output_size=None):
    """Inverse of :func:`analysis`; ``output_size``: per-axis lengths (ints or scalar tensors)."""
    dtype = y.dtype
    if _half(y):
        y = tf.cast(y, tf.float32)
    nb = 2**ndim
    shape = _shape(y)
    y = _kernels._reshape(y, shape[:-1] + [nb, shape[-1] // nb])
    y = tf.transpose(y, list(range(ndim + 1)) + [ndim + 2, ndim + 1])  # [B, *S', C, nb]
    b = _engine_bank(filters, bank)
    for axis in range(ndim, 0, -1):
        y = _passes.synthesis_axis(y, axis, b, mode)
    x = y[..., 0]
    if output_size is not None:
        for axis, n in enumerate(output_size, start=1):
            x = _kernels._crop_axis(x, axis, n)
    return tf.cast(x, dtype)


def split_bands(y, ndim, channels=None):
    """Stacked tensor -> list of ``2**ndim`` bands, each ``[B, *S, C]`` (band-major order)."""
    nb = 2**ndim
    return tf.split(y, nb, axis=-1) if channels is None else [
        y[..., i * channels:(i + 1) * channels] for i in range(nb)
    ]


def to_pywt_structure(bands, ndim):
    """Bands in ``dwtn`` key order -> PyWavelets' ``dwt`` / ``dwt2`` / ``dwtn`` structure."""
    keys = band_keys(ndim)
    if ndim == 1:
        return (bands[0], bands[1])
    if ndim == 2:
        b = dict(zip(keys, bands))
        return (b["aa"], (b["da"], b["ad"], b["dd"]))
    return dict(zip(keys, bands))


def from_pywt_structure(coeffs, ndim):
    """Inverse of :func:`to_pywt_structure`: list of bands in ``dwtn`` key order."""
    keys = band_keys(ndim)
    if ndim == 1:
        ca, cd = coeffs
        return [ca, cd]
    if ndim == 2:
        ca, (ch, cv, cd) = coeffs
        return [ca, cv, ch, cd]
    if isinstance(coeffs, dict):
        missing = [k for k in keys if k not in coeffs]
        if missing:
            raise ValueError(f"The coefficient dict lacks the sub-bands {missing}. Received keys {sorted(coeffs)}.")
        return [coeffs[k] for k in keys]
    raise ValueError(
        "For a 3D inverse in the 'pywt' format the coefficients must be a dict keyed like "
        f"pywt.dwtn ({keys}). Received: {type(coeffs).__name__}"
    )


def spatial_sizes(x, ndim):
    """Per-axis sizes of ``x``'s spatial axes: Python ints where static, scalar tensors otherwise."""
    static = x.shape.as_list()
    dynamic = tf.shape(x)
    return [static[i] if static[i] is not None else dynamic[i] for i in range(1, ndim + 1)]



def filter_dtype(dtype):
    """The dtype the filters are built in for inputs of ``dtype`` (float64 or float32)."""
    return tf.float64 if dtype == tf.float64 else tf.float32


def set_static_shape(y, shape):
    """Attach the statically known part of ``shape`` to ``y`` (dynamic sizes stay None)."""
    y.set_shape(shape)
    return y


def approximation(x, filters, bank, mode, ndim):
    """The all-low-pass band of one analysis level, ``[B, *spatial', C]``."""
    dtype = x.dtype
    if _half(x):
        x = tf.cast(x, tf.float32)
    y = _analysis_passes(x, filters, bank, mode, ndim, lowpass=True)[..., 0]
    return tf.cast(y, dtype)
