"""The CWT layer: the shared harness, and equality with cwt (which equals pywt.cwt)."""

import keras
import numpy as np
import pytest
import pywt
import tensorflow as tf

import kextras_sci  # noqa: F401  (registers the layers)
from kextras.testing import check_layer
from kextras_sci.wavelets import cwt, log_scales
from kextras_sci.wavelets.layers import CWT

SCALES = [1.0, 2.5, 6.0, 15.0]


def _expected(x, scales, wavelet, method, output):
    """From pywt.cwt on axis 1 of (batch, time, channels): scale-major channels."""
    coef, _ = pywt.cwt(x, scales, wavelet, method=method, axis=1)  # [S, B, N, C]
    s, b, n, c = coef.shape
    coef = coef.transpose(1, 2, 0, 3).reshape(b, n, s * c)
    return {"real": coef.real, "imag": coef.imag, "magnitude": np.abs(coef),
            "power": np.abs(coef) ** 2, "complex": coef}[output]


@pytest.mark.parametrize("method", ["conv", "fft"])
@pytest.mark.parametrize("wavelet,output", [
    ("morl", "real"), ("mexh", "power"), ("cmor1.5-1.0", "magnitude"), ("cgau3", "imag"),
    ("shan1.5-1.0", "complex"), ("fbsp2-1-0.5", "power"), ("gaus2", "magnitude")])
def test_cwt_layer_equals_cwt_and_pywt(wavelet, output, method):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 45, 2))
    layer = CWT(SCALES, wavelet, output_mode=output, method=method, dtype="float64")
    y = layer(x).numpy()
    np.testing.assert_allclose(y, _expected(x, SCALES, wavelet, method, output), rtol=0, atol=1e-10)
    coef = cwt(x, SCALES, wavelet, method=method, axis=1)[0].numpy()  # the function, same numbers
    np.testing.assert_allclose(y[..., 2 * 3 + 1], {"real": np.real, "imag": np.imag, "complex": lambda v: v,
                               "magnitude": np.abs, "power": lambda v: np.abs(v) ** 2}[output](coef[3, :, :, 1]),
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize("wavelet", ["morl", "cmor1.5-1.0"])
def test_cwt_layer_default_output(wavelet):
    x = np.random.default_rng(1).standard_normal((2, 30, 1))
    y = CWT(SCALES, wavelet, dtype="float64")(x).numpy()
    expected = "magnitude" if wavelet.startswith("c") else "real"
    np.testing.assert_allclose(y, _expected(x, SCALES, wavelet, "conv", expected), rtol=0, atol=1e-10)


@pytest.mark.parametrize("wavelet,method", [("mexh", "conv"), ("cmor1.5-1.0", "fft")])
def test_cwt_layer_harness(wavelet, method):
    x = np.random.default_rng(2).standard_normal((2, 40, 3)).astype("float32")
    layer = CWT(log_scales(1, 12, 5), wavelet, method=method)
    check_layer(layer, x, expected_output_shape=(2, 40, 15), atol=1e-5, rtol=1e-5)


def test_cwt_layer_dynamic_time_and_output_shape():
    layer = CWT(SCALES, "cmor1.5-1.0", output_mode="power")
    inp = keras.Input((None, 2))
    out = layer(inp)
    assert tuple(out.shape) == (None, None, 8)
    assert layer.compute_output_shape((None, None, 2)) == (None, None, 8)
    assert layer.compute_output_shape((4, 17, 3)) == (4, 17, 12)
    model = keras.Model(inp, out)
    for n in (9, 64, 101):
        x = np.random.default_rng(n).standard_normal((2, n, 2)).astype("float32")
        ref = _expected(x.astype(np.float64), SCALES, "cmor1.5-1.0", "conv", "power")
        np.testing.assert_allclose(model(x).numpy(), ref, rtol=2e-5, atol=2e-5 * np.abs(ref).max())


def test_cwt_layer_complex_output_spec_and_no_weights():
    layer = CWT(SCALES, "cmor1.5-1.0", output_mode="complex")
    out = layer(keras.Input((16, 1)))
    assert out.dtype == "complex64" and tuple(out.shape) == (None, 16, 4)
    assert layer.weights == []
    y = CWT(SCALES, "cmor1.5-1.0", output_mode="complex", dtype="float64")(np.zeros((1, 16, 1)))
    assert y.dtype == tf.complex128


def test_cwt_layer_magnitude_gradient_finite_at_zero():
    x = tf.zeros((1, 20, 1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(CWT(SCALES, "cmor1.5-1.0")(x))
    assert np.all(np.isfinite(tape.gradient(y, x).numpy()))


@pytest.mark.parametrize("kwargs,match", [
    ({"scales": [0.0, 1.0]}, r"`scales` must only include positive values"),
    ({"scales": [[1.0, 2.0]]}, r"`scales` must be a non-empty 1D array"),
    ({"scales": [1e-3]}, r"Selected scale of 0.001 too small"),
    ({"scales": [1.0], "wavelet": "db2"}, r"`wavelet` must be a continuous wavelet"),
    ({"scales": [1.0], "wavelet": pywt.ContinuousWavelet("morl")}, r"`wavelet` must be the name"),
    ({"scales": [1.0], "output_mode": "abs"}, r"`output_mode` must be one of .*Received: output_mode='abs'"),
    ({"scales": [1.0], "method": "direct"}, r"`method` must be one of .*Received: method='direct'"),
    ({"scales": [1.0], "precision": 0}, r"`precision` must be an integer in \[1, 24\]"),
])
def test_cwt_layer_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        CWT(**kwargs)


def test_cwt_layer_bad_input_rank():
    with pytest.raises(ValueError, match=r"CWT expects a channels-last input of rank 3"):
        CWT(SCALES)(np.zeros((2, 16), "float32"))
