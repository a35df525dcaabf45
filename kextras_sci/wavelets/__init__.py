"""Discrete wavelet transforms for TensorFlow/Keras with PyWavelets' API and numerics.

Functions (differentiable, batch/channel axes carried through, dynamic sizes inside
``tf.function``): :func:`dwt`, :func:`idwt`, :func:`dwt2`, :func:`idwt2`, :func:`dwtn`,
:func:`idwtn`, :func:`wavedec`, :func:`waverec`, :func:`wavedec2`, :func:`waverec2`,
:func:`wavedecn`, :func:`waverecn`, :func:`swt`, :func:`iswt`; helpers :func:`get_wavelet`,
:func:`wavelist`, :func:`dwt_max_level`, :func:`swt_max_level`, :data:`MODES`.
Keras layers live in :mod:`kextras_sci.wavelets.layers`.
"""

from kextras_sci.wavelets._cwt import cwt, log_scales
from kextras_sci.wavelets._extend import MODES, pad
from kextras_sci.wavelets._filters import (
    FilterBank,
    dwt_max_level,
    get_wavelet,
    swt_max_level,
    wavelist,
)
from kextras_sci.wavelets._coeffs import (
    array_to_coeffs,
    coeffs_to_array,
    dwt_coeff_len,
    dwtn_max_level,
    ravel_coeffs,
    unravel_coeffs,
    wavedecn_shapes,
    wavedecn_size,
)
from kextras_sci.wavelets._dwt import downcoef, dwt, dwt2, dwtn, idwt, idwt2, idwtn, upcoef
from kextras_sci.wavelets._fswavedecn import FswavedecnResult, fswavedecn, fswaverecn
from kextras_sci.wavelets._mra import imra, imra2, imran, mra, mra2, mran
from kextras_sci.wavelets._multilevel import wavedec, wavedec2, wavedecn, waverec, waverec2, waverecn
from kextras_sci.wavelets._swt import iswt, iswt2, iswtn, swt, swt2, swtn

__all__ = [
    "FilterBank",
    "FswavedecnResult",
    "MODES",
    "array_to_coeffs",
    "coeffs_to_array",
    "cwt",
    "downcoef",
    "dwt",
    "dwt2",
    "dwt_coeff_len",
    "dwt_max_level",
    "dwtn",
    "dwtn_max_level",
    "fswavedecn",
    "fswaverecn",
    "get_wavelet",
    "idwt",
    "idwt2",
    "idwtn",
    "imra",
    "imra2",
    "imran",
    "iswt",
    "iswt2",
    "iswtn",
    "log_scales",
    "mra",
    "mra2",
    "mran",
    "pad",
    "ravel_coeffs",
    "swt",
    "swt2",
    "swt_max_level",
    "swtn",
    "unravel_coeffs",
    "upcoef",
    "wavedec",
    "wavedec2",
    "wavedecn",
    "wavedecn_shapes",
    "wavedecn_size",
    "wavelist",
    "waverec",
    "waverec2",
    "waverecn",
]

from kextras_sci.wavelets import layers  # noqa: E402,F401
