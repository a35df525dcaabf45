"""WTConv2D against an independent NumPy + PyWavelets implementation of Finder et al. (2024)."""

import numpy as np
import pytest
import pywt
import tensorflow as tf

import kextras_sci  # noqa: F401
from kextras.testing import check_layer
from kextras_sci.wavelets.layers import WTConv2D


def _dwconv_same(x, k):
    """Depthwise cross-correlation, 'SAME' zero padding as TensorFlow; k: [kh, kw, C, 1]."""
    kh, kw = k.shape[:2]
    ph, pw = (kh - 1) // 2, (kw - 1) // 2
    xp = np.pad(x, [(0, 0), (ph, kh - 1 - ph), (pw, kw - 1 - pw), (0, 0)])
    out = np.zeros_like(x)
    for u in range(kh):
        for v in range(kw):
            out += xp[:, u:u + x.shape[1], v:v + x.shape[2], :] * k[u, v, :, 0]
    return out


def _reference(x, layer):
    w = {v.path.split("/")[-1]: v.numpy().astype(np.float64) for v in layer.weights}
    wavelet, channels = layer.wavelet, x.shape[-1]
    approx, stash = x, []
    for i in range(layer.levels):
        size = approx.shape[1:3]
        ca, (ch, cv, cd) = pywt.dwt2(approx, wavelet, mode="periodization", axes=(1, 2))
        y = np.concatenate([ca, cv, ch, cd], axis=-1)  # band-major aa, ad, da, dd
        approx = ca
        stash.append((_dwconv_same(y, w[f"wavelet_kernel_{i}"]) * w[f"wavelet_scale_{i}"], size))
    carry = 0.0
    for z, size in reversed(stash):
        c = channels
        low = z[..., :c] + carry
        rec = pywt.idwt2((low, (z[..., 2 * c:3 * c], z[..., c:2 * c], z[..., 3 * c:])), wavelet,
                         mode="periodization", axes=(1, 2))
        carry = rec[:, : size[0], : size[1]]
    out = (_dwconv_same(x, w["base_kernel"]) + w.get("bias", 0.0)) * w["base_scale"] + carry
    return out[:, :: layer.strides, :: layer.strides]


@pytest.mark.parametrize("levels, wavelet, shape, strides", [
    (1, "db1", (2, 16, 16, 3), 1),
    (3, "db1", (1, 17, 13, 2), 1),
    (2, "db2", (2, 12, 10, 2), 2),
])
def test_matches_reference(levels, wavelet, shape, strides):
    x = np.random.default_rng(levels).standard_normal(shape)
    layer = WTConv2D(kernel_size=3, levels=levels, wavelet=wavelet, strides=strides, dtype="float64")
    layer.build(shape)
    rng = np.random.default_rng(7)
    for v in layer.weights:  # non-trivial scales and bias too
        v.assign(rng.standard_normal(v.shape))
    y = layer(x).numpy()
    np.testing.assert_allclose(y, _reference(x, layer), atol=1e-10)


def test_receptive_field_grows_with_levels():
    x = np.zeros((1, 32, 32, 1), "float32")
    x[0, 16, 16, 0] = 1.0
    widths = []
    for levels in (1, 3):
        layer = WTConv2D(kernel_size=3, levels=levels)
        y = layer(x).numpy()[0, :, :, 0]
        widths.append(int((np.abs(y) > 1e-7).sum()))
    assert widths[1] > widths[0]


def test_harness():
    x = np.random.default_rng(4).standard_normal((2, 9, 10, 3)).astype("float32")
    check_layer(WTConv2D(3, levels=2), x, fresh_process=False, expected_output_shape=(2, 9, 10, 3))
    check_layer(WTConv2D(5, levels=1, wavelet="db2", learnable=True, use_bias=False), x, fresh_process=False)


def test_numeric_gradient():
    x = tf.constant(np.random.default_rng(5).standard_normal((1, 3, 4, 1)))
    layer = WTConv2D(3, levels=2, dtype="float64")
    theo, num = tf.test.compute_gradient(tf.function(lambda t: layer(t)), [x])
    np.testing.assert_allclose(theo[0], num[0], atol=1e-6)


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"`levels` must be a positive integer. Received: levels=0"):
        WTConv2D(levels=0)
    with pytest.raises(ValueError, match=r"`kernel_size` must be a positive integer"):
        WTConv2D(kernel_size=-3)
    with pytest.raises(ValueError, match="WTConv2D expects a channels-last input of rank 4"):
        WTConv2D()(np.zeros((2, 8, 8), "float32"))
