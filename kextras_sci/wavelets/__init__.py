"""Discrete wavelet transforms for TensorFlow/Keras with PyWavelets' API and numerics.

Functions (differentiable, batch/channel axes carried through, dynamic sizes inside
``tf.function``): :func:`dwt`, :func:`idwt`, :func:`dwt2`, :func:`idwt2`, :func:`dwtn`,
:func:`idwtn`, :func:`wavedec`, :func:`waverec`, :func:`wavedec2`, :func:`waverec2`,
:func:`wavedecn`, :func:`waverecn`, :func:`swt`, :func:`iswt`; helpers :func:`get_wavelet`,
:func:`wavelist`, :func:`dwt_max_level`, :func:`swt_max_level`, :data:`MODES`.
Keras layers live in :mod:`kextras_sci.wavelets.layers`.
"""

from kextras_sci.wavelets._extend import MODES
from kextras_sci.wavelets._filters import (
    FilterBank,
    dwt_max_level,
    get_wavelet,
    swt_max_level,
    wavelist,
)
from kextras_sci.wavelets._dwt import dwt, dwt2, dwtn, idwt, idwt2, idwtn
from kextras_sci.wavelets._multilevel import wavedec, wavedec2, wavedecn, waverec, waverec2, waverecn
from kextras_sci.wavelets._swt import iswt, swt

__all__ = [
    "MODES",
    "FilterBank",
    "dwt",
    "dwt2",
    "dwt_max_level",
    "dwtn",
    "get_wavelet",
    "idwt",
    "idwt2",
    "idwtn",
    "iswt",
    "swt",
    "swt_max_level",
    "wavedec",
    "wavedec2",
    "wavedecn",
    "wavelist",
    "waverec",
    "waverec2",
    "waverecn",
]

from kextras_sci.wavelets import layers  # noqa: E402,F401
