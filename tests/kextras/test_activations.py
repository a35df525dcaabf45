"""Activations against NumPy references of the formulas and their analytic derivatives."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kextras import activations
from kextras.activations import HyperSinh, MArcsinh, hyper_sinh, m_arcsinh
from kextras.testing import check_layer


def ref_hyper_sinh(x):
    return np.where(x > 0, np.sinh(np.maximum(x, 0)) / 3, x**3 / 4)


def ref_hyper_sinh_grad(x):
    return np.where(x > 0, np.cosh(np.maximum(x, 0)) / 3, 3 * x**2 / 4)


def ref_m_arcsinh(x):
    return np.arcsinh(x) * np.sqrt(np.abs(x)) / 12


def ref_m_arcsinh_grad(x):
    a = np.abs(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = (np.sqrt(a) / np.sqrt(1 + x**2) + np.arcsinh(a) / (2 * np.sqrt(a))) / 12
    return np.where(x == 0, 0.0, g)


CASES = [(hyper_sinh, ref_hyper_sinh, ref_hyper_sinh_grad), (m_arcsinh, ref_m_arcsinh, ref_m_arcsinh_grad)]
EXTREME = np.array([0.0, -0.0, 1e-30, -1e-30, 1e-7, -1e-7, 0.5, -0.5, 1.0, -1.0, 20.0, -20.0, 80.0, -300.0, 1e10, -1e10])


def value_and_grad(fn, x):
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return y.numpy(), tape.gradient(y, x).numpy()


@pytest.mark.parametrize("fn, ref, ref_grad", CASES)
def test_values_and_gradients_float64(fn, ref, ref_grad):
    x = np.concatenate([EXTREME, np.random.default_rng(0).normal(scale=5, size=200)])
    y, g = value_and_grad(fn, x)
    with np.errstate(over="ignore"):
        expected, expected_grad = ref(x), ref_grad(x)
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(g, expected_grad, rtol=1e-12, atol=1e-300)
    assert not np.any(np.isnan(g))
    np.testing.assert_array_equal(np.isfinite(g), np.isfinite(expected_grad))  # inf only on true overflow


@given(arrays(np.float32, st.integers(1, 30), elements=st.floats(-80, 80, width=32, allow_subnormal=False)))  # TF flushes subnormals
@pytest.mark.parametrize("fn, ref, ref_grad", CASES)
def test_float32_matches_reference(fn, ref, ref_grad, x):
    y, g = value_and_grad(fn, x)
    x64 = x.astype(np.float64)
    np.testing.assert_allclose(y, ref(x64), rtol=2e-6, atol=1e-30)
    np.testing.assert_allclose(g, ref_grad(x64), rtol=2e-5, atol=1e-30)


def test_no_nan_gradient_at_zero_and_from_unused_branch():
    _, g = value_and_grad(m_arcsinh, np.array([0.0, -0.0], np.float32))
    np.testing.assert_array_equal(g, [0.0, 0.0])
    # x^3 of a huge positive input overflows, sinh of a huge negative input overflows:
    # both live in the unused branch and must not leak 0 * inf = NaN.
    y, g = value_and_grad(hyper_sinh, np.array([-1e13, -200.0, 1e-3], np.float32))
    assert np.all(np.isfinite(g[1:])) and not np.any(np.isnan(g))
    _, g = value_and_grad(hyper_sinh, np.array([1e13], np.float32))
    assert np.isinf(g[0]) and g[0] > 0  # true overflow (cosh), documented, never NaN


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("fn, ref, _", CASES)
def test_half_precision_computed_in_float32(fn, ref, _, dtype):
    x = np.linspace(-10, 10, 101)
    xh = tf.cast(x, dtype)
    y = fn(xh)
    assert y.dtype == dtype
    exact = ref(tf.cast(xh, "float64").numpy())
    expected = tf.cast(tf.cast(exact, "float32"), dtype)  # one final rounding only
    np.testing.assert_array_equal(y.numpy(), expected.numpy())
    _, g = value_and_grad(fn, xh)
    assert np.all(np.isfinite(tf.cast(g, "float32").numpy()))


def test_float16_overflow_is_inf_not_nan():
    y = hyper_sinh(tf.constant([12.8, 13.0], "float16")).numpy()
    assert np.isfinite(y[0]) and np.isinf(y[1])


def test_integers_are_cast_to_float():
    assert hyper_sinh(np.array([1, -2])).dtype == keras.backend.floatx()


def test_mixed_precision_dense_layer():
    keras.config.set_dtype_policy("mixed_float16")
    try:
        layer = keras.layers.Dense(4, activation=hyper_sinh)
        y = layer(np.ones((2, 3), "float32"))
    finally:
        keras.config.set_dtype_policy("float32")
    assert y.dtype == "float16" and np.all(np.isfinite(y.numpy()))


@pytest.mark.parametrize("layer, fn", [(HyperSinh(), hyper_sinh), (MArcsinh(), m_arcsinh)])
def test_layers_through_the_harness(layer, fn):
    x = np.random.default_rng(1).normal(scale=3, size=(4, 5)).astype("float32")
    y = check_layer(layer, x, wrong_rank_inputs=False, expected_output_shape=(4, 5))
    np.testing.assert_allclose(y.numpy(), fn(x).numpy())


def test_get_resolves_ours_and_keras():
    assert activations.get("hyper_sinh") is hyper_sinh
    assert activations.get("kextras>m_arcsinh") is m_arcsinh
    assert activations.get("relu") is keras.activations.relu
    assert activations.get(None) is keras.activations.linear
    assert activations.get(np.tanh) is np.tanh


@pytest.mark.parametrize("bad", ["hyper_sine", 3])
def test_get_rejects_unknown(bad):
    with pytest.raises(ValueError, match=r"`activation` must be .*Received: activation=" + repr(bad).replace("'", ".")):
        activations.get(bad)
    if isinstance(bad, str):
        with pytest.raises(ValueError, match="Did you mean 'hyper_sinh'"):
            activations.get(bad)
