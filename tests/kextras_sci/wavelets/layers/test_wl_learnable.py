"""Learnable (lattice-parameterised) filters: initialisation, orthogonality and perfect
reconstruction after training."""

import keras
import numpy as np
import pytest
import pywt
import tensorflow as tf

import kextras_sci  # noqa: F401
from kextras_sci.wavelets.layers import DWT1D, DWT2D, WTConv2D
from kextras_sci.wavelets.layers._lattice import angles_from_filter, filters_from_angles


@pytest.mark.parametrize("wavelet", ["haar", "db2", "db6", "sym4", "coif2"])
def test_lattice_reproduces_pywt_filters(wavelet):
    w = pywt.Wavelet(wavelet)
    angles = angles_from_filter(w.dec_lo)
    filters = filters_from_angles(tf.constant(angles))
    for got, expected in zip(filters, w.filter_bank):
        np.testing.assert_allclose(got.numpy(), expected, atol=1e-10)
    # and the initial learnable layer is the fixed one
    x = np.random.default_rng(0).standard_normal((2, 10, 3))
    y_learn = DWT1D(wavelet, learnable=True, dtype="float64")(x).numpy()
    np.testing.assert_allclose(y_learn, pywt.dwt(x, wavelet, mode="periodization", axis=1)[0].shape and
                               np.concatenate(pywt.dwt(x, wavelet, mode="periodization", axis=1), -1), atol=1e-10)


def _double_shift_gram(h):
    n = len(h)
    return np.array([np.dot(h[: n - 2 * m], h[2 * m:]) for m in range(n // 2)])


def test_perfect_reconstruction_after_training():
    rng = np.random.default_rng(1)
    x = tf.constant(rng.standard_normal((4, 16, 16, 2)), tf.float32)
    layer = DWT2D("db3", learnable=True)
    layer(x)
    initial = layer.filter_bank()
    opt = keras.optimizers.Adam(0.05)
    for _ in range(15):
        with tf.GradientTape() as tape:
            y = layer(x)
            # a filter-dependent objective: put as much energy as possible in the approximation
            loss = -tf.reduce_mean(tf.square(y[..., :2]))
        grads = tape.gradient(loss, layer.trainable_weights)
        opt.apply_gradients(zip(grads, layer.trainable_weights))
    trained = layer.filter_bank()
    assert np.abs(trained[0] - initial[0]).max() > 1e-3  # the filters did change
    h, g = trained[0], trained[1]
    gram = _double_shift_gram(h)
    np.testing.assert_allclose(gram, np.eye(1, len(gram))[0], atol=1e-6)  # orthonormal by construction
    np.testing.assert_allclose(h.sum(), np.sqrt(2), atol=1e-6)  # low-pass DC gain kept
    np.testing.assert_allclose(g.sum(), 0.0, atol=1e-6)  # high-pass keeps a vanishing moment
    # perfect reconstruction with the trained filters, checked against PyWavelets driven by them
    trained_wavelet = pywt.Wavelet("trained", filter_bank=trained)
    xx = rng.standard_normal((2, 16, 12, 2))
    y64 = DWT2D(trained_wavelet.filter_bank, dtype="float64")(xx).numpy()
    ref = pywt.dwtn(xx, trained_wavelet, mode="periodization", axes=(1, 2))
    np.testing.assert_allclose(y64[..., :2], ref["aa"], atol=1e-10)
    back = layer.inverse(layer(tf.constant(xx, tf.float32))).numpy()
    np.testing.assert_allclose(back, xx, atol=2e-5)
    np.testing.assert_allclose(pywt.idwtn(ref, trained_wavelet, mode="periodization", axes=(1, 2)), xx, atol=1e-10)


def test_wtconv_learnable_trains_and_stays_orthogonal():
    x = tf.constant(np.random.default_rng(2).standard_normal((2, 12, 12, 2)), tf.float32)
    target = tf.constant(np.random.default_rng(3).standard_normal((2, 12, 12, 2)), tf.float32)
    layer = WTConv2D(3, levels=2, wavelet="db2", learnable=True)
    layer(x)
    before = layer.filter_bank()[0]
    opt = keras.optimizers.Adam(0.05)
    for _ in range(5):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(layer(x) - target))
        opt.apply_gradients(zip(tape.gradient(loss, layer.trainable_weights), layer.trainable_weights))
    h = layer.filter_bank()[0]
    assert np.abs(h - before).max() > 1e-4
    np.testing.assert_allclose(_double_shift_gram(h), [1.0, 0.0], atol=1e-6)
