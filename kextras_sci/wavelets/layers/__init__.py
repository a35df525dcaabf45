"""Keras layers on top of the wavelet transforms (channels-last, dynamic spatial sizes).

Every class in ``__all__`` is registered with Keras by the ``kextras_sci`` plugin.
"""

from kextras_sci.wavelets.layers.cwt import CWT
from kextras_sci.wavelets.layers.dwt1d import DWT1D
from kextras_sci.wavelets.layers.dwt2d import DWT2D
from kextras_sci.wavelets.layers.dwt3d import DWT3D
from kextras_sci.wavelets.layers.idwt1d import IDWT1D
from kextras_sci.wavelets.layers.idwt2d import IDWT2D
from kextras_sci.wavelets.layers.idwt3d import IDWT3D
from kextras_sci.wavelets.layers.dwtpool2d import DWTPool2D
from kextras_sci.wavelets.layers.wavedec import WaveDec
from kextras_sci.wavelets.layers.waveletpooling2d import WaveletPooling2D
from kextras_sci.wavelets.layers.waverec import WaveRec
from kextras_sci.wavelets.layers.wtconv2d import WTConv2D

__all__ = [
    "DWT1D",
    "DWT2D",
    "DWT3D",
    "IDWT1D",
    "IDWT2D",
    "IDWT3D",
    "WaveDec",
    "WaveRec",
    "WaveletPooling2D",
    "DWTPool2D",
    "WTConv2D",
    "CWT",
]
