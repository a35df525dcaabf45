"""`IDWT2D`: one-level 2D inverse discrete wavelet transform layer (channels-last)."""

from kextras_sci.wavelets.layers._dwt import IDWTBase


class IDWT2D(IDWTBase):
    """One-level 2D inverse discrete wavelet transform, the inverse of :class:`DWT2D`.

    Per channel, exactly PyWavelets' inverse (``pywt.idwtn``): the sum over the sub-bands of
    the zero-upsampled coefficients convolved with the reconstruction filters,
    ``x = sum_u (up2(c_u) * g_u)`` with ``g_a = rec_lo``, ``g_d = rec_hi`` along every axis
    (circular for ``"periodization"``).

    The output has ``2 k`` samples per axis for ``"periodization"`` (``2 k - L + 2`` for the
    other modes). A forward transform of an odd size ``n`` gives ``k = ceil(n / 2)``
    coefficients, so the exact inverse needs ``n``: give it either as ``output_size`` or,
    dynamically, as a reference tensor whose spatial size is the output size
    (``IDWT2D()([coeffs, x])`` or ``IDWT2D()(coeffs, reference=x)``); the result is the
    reconstruction cropped to that size.

    Args:
        wavelet: wavelet name or four filters, as for :class:`DWT2D`. Default ``"haar"``.
        mode: the extension mode used by the forward transform. Default ``"periodization"``.
        input_format: ``"stacked"`` (default; band-major sub-bands on the channel axis, as
            produced by :class:`DWT2D`) or ``"pywt"`` (``(cA, (cH, cV, cD))``).
        output_size: None (default) or 2 ints: the spatial output size.
        **kwargs: base layer arguments.

    Input shape:
        ``"stacked"``: ``(batch, k1, k2, 4 * channels)``
        (optionally with a reference ``(batch, height, width, channels)``).

    Output shape:
        ``(batch, height, width, channels)``.
    """

    _ndim = 2
