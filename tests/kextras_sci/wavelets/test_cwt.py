"""cwt and the continuous wavelets against PyWavelets (pywt.cwt, wavefun, integrate_wavelet)."""

import warnings

import numpy as np
import pytest
import pywt
import tensorflow as tf

from kextras_sci.wavelets import cwt, log_scales
from kextras_sci.wavelets._cwavelets import continuous_wavelet

FAMILIES = (["morl", "mexh"] + [f"gaus{i}" for i in range(1, 9)] + [f"cgau{i}" for i in range(1, 9)]
            + ["cmor1.5-1.0", "cmor0.5-2", "shan1.5-1.0", "shan0.3-0.7",
               "fbsp1-1.5-1.0", "fbsp2-1-0.5", "fbsp3-0.7-1.3"])
LENGTHS = (1, 2, 7, 64, 101)  # odd, even, and shorter than the widest sampled wavelet
SCALE_SETS = ([1.0], np.arange(1, 9), np.geomspace(0.7, 40, 6), [3.5, 1.2, 17.0])


def _pywt_cwt(x, scales, wavelet, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return pywt.cwt(x, scales, wavelet, **kw)


@pytest.mark.parametrize("name", FAMILIES + ["cmor", "shan", "fbsp"])
@pytest.mark.parametrize("precision", [8, 12])
def test_wavelet_functions_match_pywt(name, precision):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        spec = continuous_wavelet(name)
        psi_ref, x_ref = pywt.ContinuousWavelet(name).wavefun(precision)
        int_ref, _ = pywt.integrate_wavelet(name, precision)
        freq_ref = pywt.central_frequency(name, precision)
    psi, x = spec.wavefun(precision)
    assert psi.dtype == psi_ref.dtype and spec.complex_cwt == np.iscomplexobj(psi_ref)
    np.testing.assert_array_equal(x, x_ref)
    np.testing.assert_allclose(psi, psi_ref, rtol=0, atol=1e-14)
    np.testing.assert_allclose(spec.integrate(precision)[0], int_ref, rtol=0, atol=1e-14)
    assert spec.central_frequency(precision) == freq_ref


@pytest.mark.parametrize("method", ["conv", "fft"])
@pytest.mark.parametrize("name", FAMILIES)
def test_cwt_matches_pywt_float64(name, method):
    rng = np.random.default_rng(len(name))
    for n in LENGTHS:
        x = rng.standard_normal(n)
        for i, scales in enumerate(SCALE_SETS):
            period = (1.0, 0.01, 2.5, 1e-3)[i]
            ref, ref_f = _pywt_cwt(x, scales, name, method=method, sampling_period=period)
            got, got_f = cwt(x, scales, name, method=method, sampling_period=period)
            assert got.shape == ref.shape and got.dtype.as_numpy_dtype == ref.dtype
            np.testing.assert_allclose(got.numpy(), ref, rtol=0, atol=1e-10)
            assert got_f.dtype == ref_f.dtype
            np.testing.assert_allclose(got_f, ref_f, rtol=1e-15, atol=0)


@pytest.mark.parametrize("method", ["conv", "fft"])
@pytest.mark.parametrize("name", ["morl", "gaus3", "cgau2", "cmor1.5-1.0", "fbsp2-1-0.5"])
def test_cwt_long_signal_and_large_scales(name, method):
    # many filter groups, long filters (scale 128: ~2000 taps), N not a power of two
    x = np.random.default_rng(1).standard_normal((2, 3001))
    scales = np.geomspace(1, 128, 20)
    ref, _ = _pywt_cwt(x, scales, name, method=method)
    got, _ = cwt(x, scales, name, method=method)
    np.testing.assert_allclose(got.numpy(), ref, rtol=0, atol=1e-10)


@pytest.mark.parametrize("method", ["conv", "fft"])
@pytest.mark.parametrize("name", ["mexh", "cgau4", "shan1.5-1.0"])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_cwt_batched_any_axis_complex_input(name, method, axis):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((5, 6, 7)) + 1j * rng.standard_normal((5, 6, 7))
    scales = [0.8, 2.0, 5.0]
    for data in (x, x.real):
        ref, ref_f = _pywt_cwt(data, scales, name, method=method, axis=axis)
        got, got_f = cwt(tf.constant(data), scales, name, method=method, axis=axis)
        assert got.dtype.as_numpy_dtype == ref.dtype and got.shape == ref.shape
        np.testing.assert_allclose(got.numpy(), ref, rtol=0, atol=1e-10)
        np.testing.assert_array_equal(got_f, ref_f)


@pytest.mark.parametrize("method", ["conv", "fft"])
@pytest.mark.parametrize("name", ["morl", "cmor1.5-1.0", "cgau1"])
@pytest.mark.parametrize("dtype", [np.float32, np.complex64, np.float16, np.int32])
def test_cwt_dtypes_as_pywt(name, method, dtype):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 50)) * (4 if dtype == np.int32 else 1)
    if dtype == np.complex64:
        x = x + 1j * rng.standard_normal((3, 50))
    x = x.astype(dtype)
    scales = np.array([1.0, 3.0, 9.0], dtype=np.float32)
    ref, ref_f = _pywt_cwt(x, scales, name, method=method)
    got, got_f = cwt(x, scales, name, method=method)
    assert got.dtype.as_numpy_dtype == ref.dtype, (got.dtype, ref.dtype)
    assert got_f.dtype == ref_f.dtype
    tol = 1e-10 if ref.dtype in (np.float64, np.complex128) else 2e-5 * np.abs(ref).max()
    np.testing.assert_allclose(got.numpy(), ref, rtol=0, atol=tol)


def test_cwt_pywt_wavelet_objects():
    x = np.random.default_rng(4).standard_normal(80)
    w = pywt.ContinuousWavelet("gaus2")
    w.lower_bound, w.upper_bound = -3.0, 4.0  # a modified support
    for wavelet in (w, pywt.ContinuousWavelet("cmor2.0-0.8"), pywt.ContinuousWavelet("morl", dtype=np.float32)):
        for method in ("conv", "fft"):
            ref, ref_f = pywt.cwt(x, [1, 2.5, 6], wavelet, method=method)
            got, got_f = cwt(x, [1, 2.5, 6], wavelet, method=method)
            tol = 1e-10 if wavelet.dt == np.float64 else 1e-5
            np.testing.assert_allclose(got.numpy(), ref, rtol=0, atol=tol)
            np.testing.assert_allclose(got_f, ref_f, rtol=1e-6)


@pytest.mark.parametrize("precision", [6, 10, 14])
def test_cwt_precision(precision):
    x = np.random.default_rng(5).standard_normal(40)
    for name in ("morl", "cmor1.5-1.0"):
        ref, ref_f = pywt.cwt(x, [1, 4, 10], name, precision=precision)
        got, got_f = cwt(x, [1, 4, 10], name, precision=precision)
        np.testing.assert_allclose(got.numpy(), ref, rtol=0, atol=1e-10)
        np.testing.assert_array_equal(got_f, ref_f)


@pytest.mark.parametrize("method", ["conv", "fft"])
def test_cwt_dynamic_length_in_tf_function(method):
    fn = tf.function(lambda x: cwt(x, [1.0, 3.0, 20.0], "cmor1.5-1.0", method=method)[0],
                     input_signature=[tf.TensorSpec([None, None], tf.float64)])
    for n in (5, 64, 333):
        x = np.random.default_rng(n).standard_normal((2, n))
        ref, _ = pywt.cwt(x, [1.0, 3.0, 20.0], "cmor1.5-1.0", method=method)
        np.testing.assert_allclose(fn(tf.constant(x)).numpy(), ref, rtol=0, atol=1e-10)


@pytest.mark.parametrize("method", ["conv", "fft"])
@pytest.mark.parametrize("name", ["mexh", "cmor1.5-1.0"])
def test_cwt_gradient_matches_finite_differences(name, method):
    rng = np.random.default_rng(6)
    x = tf.constant(rng.standard_normal((2, 30)))
    v = tf.constant(rng.standard_normal((2, 30)))
    w = tf.constant(rng.standard_normal((3, 2, 30)))

    def loss(z):  # quadratic in z: central differences are exact up to rounding
        return tf.reduce_sum(w * tf.abs(cwt(z, [1.0, 2.0, 7.0], name, method=method)[0]) ** 2)

    with tf.GradientTape() as tape:
        tape.watch(x)
        value = loss(x)
    g = tape.gradient(value, x)
    h = 1e-3
    fd = (loss(x + h * v) - loss(x - h * v)) / (2 * h)
    np.testing.assert_allclose(tf.reduce_sum(g * v).numpy(), fd.numpy(), rtol=1e-8)


def test_log_scales():
    s = log_scales(1, 64, 7)
    np.testing.assert_allclose(s, [1, 2, 4, 8, 16, 32, 64])
    assert log_scales(2.0, 2.0, 1) == [2.0]
    with pytest.raises(ValueError, match=r"`largest` must be >= `smallest`"):
        log_scales(4, 2, 3)
    with pytest.raises(ValueError, match=r"`num` must be a positive integer. Received: num=0"):
        log_scales(1, 2, 0)


@pytest.mark.parametrize("method", ["conv", "fft"])
def test_cwt_compiles_with_xla(method):
    x = np.random.default_rng(7).standard_normal((2, 100))
    fn = tf.function(lambda z: cwt(z, [1.0, 3.0, 10.0], "cmor1.5-1.0", method=method)[0], jit_compile=True)
    ref, _ = pywt.cwt(x, [1.0, 3.0, 10.0], "cmor1.5-1.0", method=method)
    np.testing.assert_allclose(fn(tf.constant(x)).numpy(), ref, rtol=0, atol=1e-10)
