"""`DWT1D`: one-level 1D discrete wavelet transform layer (channels-last)."""

from kextras_sci.wavelets.layers._dwt import DWTBase


class DWT1D(DWTBase):
    """One-level 1D discrete wavelet transform over the spatial axes (length).

    Per channel, exactly ``pywt.dwt(x, wavelet, mode, axis=1)``::

        c_a[k] = sum_j dec_lo[j] x[2k + 1 - j],   c_d[k] = sum_j dec_hi[j] x[2k + 1 - j]

    (indices of the signal extended by ``mode``; for ``"periodization"`` the signal is
    periodic and an odd length is first extended by repeating its last sample). The
    sub-bands are stacked on the channel axis, band-major: output channel
    ``band * C + c`` holds sub-band ``band`` of input channel ``c``, bands in the order
    ``a, d`` (``a`` = low-pass, ``d`` = high-pass, first letter = first spatial axis; the
    key order of ``pywt.dwtn``). So ``y[..., :C]`` is the approximation.

    Args:
        wavelet: a discrete wavelet name known to PyWavelets (``"haar"``, ``"db2"``,
            ``"sym4"``, ``"bior2.2"``, ...) or four filters ``(dec_lo, dec_hi, rec_lo,
            rec_hi)``. Default ``"haar"``.
        mode: signal extension mode, one of PyWavelets' modes (``"periodization"``,
            ``"symmetric"``, ``"zero"``, ``"constant"``, ``"periodic"``, ``"smooth"``,
            ``"reflect"``, ``"antisymmetric"``, ``"antireflect"``). Default
            ``"periodization"`` (output size ``ceil(n / 2)``, an orthogonal transform for
            orthogonal wavelets); the other modes give ``floor((n + L - 1) / 2)``.
        output_format: ``"stacked"`` (default, the CNN layout above) or ``"pywt"``:
            PyWavelets' structure, ``(cA, cD)``, each of shape ``(batch, length, channels)`` with
            halved sizes.
        learnable: if True, the filters are trainable, parameterised by lattice angles
            initialised from ``wavelet`` (an orthogonal wavelet, ``mode="periodization"``):
            they stay orthogonal, so :meth:`inverse` reconstructs perfectly after any
            training. Default False.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Input shape:
        ``(batch, length, channels)``; spatial sizes may be dynamic (None) and odd.

    Output shape:
        ``(batch, ceil(length / 2), 2 * channels)`` for ``"periodization"``.

    Invert with :class:`IDWT1D` (same ``wavelet`` and ``mode``; give the original size for
    odd inputs) or with :meth:`inverse`.
    """

    _ndim = 1
