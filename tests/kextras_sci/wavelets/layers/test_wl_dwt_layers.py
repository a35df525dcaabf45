"""DWT1D/2D/3D and IDWT1D/2D/3D against PyWavelets (the oracle)."""

import itertools

import keras
import numpy as np
import pytest
import pywt
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

import kextras_sci  # noqa: F401  (registers the layers)
from kextras.testing import check_layer
from kextras_sci.wavelets.layers import DWT1D, DWT2D, DWT3D, IDWT1D, IDWT2D, IDWT3D

DWT = {1: DWT1D, 2: DWT2D, 3: DWT3D}
IDWT = {1: IDWT1D, 2: IDWT2D, 3: IDWT3D}
MODES = pywt.Modes.modes


def _keys(d):
    return ["".join(k) for k in itertools.product("ad", repeat=d)]


def _pywt_stacked(x, wavelet, mode, d):
    """The expected band-major stacked layout, built from pywt.dwtn."""
    ref = pywt.dwtn(x, wavelet, mode=mode, axes=tuple(range(1, d + 1)))
    return np.concatenate([ref[k] for k in _keys(d)], axis=-1), ref


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("wavelet", ["haar", "db2", "sym3", "bior2.2", "coif1"])
def test_dwt2d_matches_pywt_every_mode(wavelet, mode):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 9, 12, 3))
    y = DWT2D(wavelet, mode, dtype="float64")(x).numpy()
    expected, _ = _pywt_stacked(x, wavelet, mode, 2)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y, expected, atol=1e-12, rtol=0)
    # exact inverse of the odd size through a reference tensor
    r = IDWT2D(wavelet, mode, dtype="float64")([y, x]).numpy()
    np.testing.assert_allclose(r, x, atol=1e-10, rtol=0)
    # without a size: PyWavelets' own idwtn output
    r2 = IDWT2D(wavelet, mode, dtype="float64")(y).numpy()
    ref = pywt.idwtn(pywt.dwtn(x, wavelet, mode=mode, axes=(1, 2)), wavelet, mode=mode, axes=(1, 2))
    np.testing.assert_allclose(r2, ref, atol=1e-10, rtol=0)


@settings(max_examples=12)
@given(
    d=st.sampled_from([1, 2, 3]),
    wavelet=st.sampled_from(["haar", "db3", "sym4", "bior1.3", "rbio2.4", "coif2", "db1"]),
    mode=st.sampled_from(MODES),
    sizes=st.lists(st.integers(2, 11), min_size=3, max_size=3),
    channels=st.integers(1, 3),
    dtype=st.sampled_from(["float32", "float64"]),
)
def test_dwt_property_vs_pywt(d, wavelet, mode, sizes, channels, dtype):
    rng = np.random.default_rng(sum(sizes) + channels)
    shape = (2, *sizes[:d], channels)
    x = rng.standard_normal(shape)
    if mode in ("reflect", "antireflect") and min(shape[1:-1]) < 2:
        return
    y = DWT[d](wavelet, mode, dtype=dtype)(x.astype(dtype)).numpy()
    expected, _ = _pywt_stacked(x, wavelet, mode, d)
    tol = 1e-12 if dtype == "float64" else 2e-5 * max(1.0, np.abs(x).max())
    np.testing.assert_allclose(y, expected, atol=tol * 10, rtol=0)
    r = IDWT[d](wavelet, mode, output_size=shape[1:-1], dtype=dtype)(y).numpy()
    np.testing.assert_allclose(r, x, atol=tol * 50, rtol=0)


@pytest.mark.parametrize("d", [1, 2, 3])
def test_pywt_output_format(d):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, *([7] * d), 2))
    out = DWT[d]("db2", "symmetric", output_format="pywt", dtype="float64")(x)
    axes = tuple(range(1, d + 1))
    if d == 1:
        ref = pywt.dwt(x, "db2", mode="symmetric", axis=1)
        for a, b in zip(out, ref):
            np.testing.assert_allclose(a.numpy(), b, atol=1e-12)
    elif d == 2:
        ca, (ch, cv, cd) = pywt.dwt2(x, "db2", mode="symmetric", axes=axes)
        np.testing.assert_allclose(out[0].numpy(), ca, atol=1e-12)
        for a, b in zip(out[1], (ch, cv, cd)):
            np.testing.assert_allclose(a.numpy(), b, atol=1e-12)
    else:
        ref = pywt.dwtn(x, "db2", mode="symmetric", axes=axes)
        assert sorted(out) == sorted(ref)
        for k in ref:
            np.testing.assert_allclose(out[k].numpy(), ref[k], atol=1e-12)
    back = IDWT[d]("db2", "symmetric", input_format="pywt", output_size=x.shape[1:-1], dtype="float64")(out)
    np.testing.assert_allclose(back.numpy(), x, atol=1e-10)


def test_dynamic_spatial_sizes_in_functional_model():
    inp = keras.Input(shape=(None, None, 3))
    y = DWT2D("db2")(inp)
    assert tuple(y.shape) == (None, None, None, 12)
    out = IDWT2D("db2")([y, inp])
    model = keras.Model(inp, [y, out])
    f = tf.function(lambda t: model(t), input_signature=[tf.TensorSpec([None, None, None, 3])])
    for h, w in [(8, 10), (7, 5), (3, 2)]:
        x = np.random.default_rng(h).standard_normal((2, h, w, 3)).astype("float32")
        yy, rr = f(x)
        expected, _ = _pywt_stacked(x.astype("float64"), "db2", "periodization", 2)
        np.testing.assert_allclose(yy.numpy(), expected, atol=2e-5)
        np.testing.assert_allclose(rr.numpy(), x, atol=2e-5)


@pytest.mark.parametrize(
    "layer, x",
    [
        (DWT1D("db2"), np.random.default_rng(0).standard_normal((2, 9, 3))),
        (DWT2D("sym2", mode="symmetric"), np.random.default_rng(1).standard_normal((2, 6, 7, 2))),
        (DWT3D("haar"), np.random.default_rng(2).standard_normal((1, 4, 5, 6, 2))),
        (IDWT1D("db2", output_size=9), np.random.default_rng(3).standard_normal((2, 5, 6))),
        (IDWT2D("bior2.2", mode="zero"), np.random.default_rng(4).standard_normal((2, 6, 5, 8))),
        (IDWT3D("haar", output_size=(3, 4, 5)), np.random.default_rng(5).standard_normal((1, 2, 2, 3, 8))),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, keras.layers.Layer) else "x",
)
def test_harness(layer, x):
    # the fresh-process save/reload of every layer runs once, for all of them together,
    # in test_wl_saving.py (one subprocess instead of one per layer)
    out = check_layer(layer, x.astype("float32"), fresh_process=False)
    assert np.all(np.isfinite(out.numpy()))


def test_harness_learnable_and_reference_input():
    x = np.random.default_rng(6).standard_normal((2, 7, 9, 3)).astype("float32")
    # train=False: the harness' loss (sum of squares) is invariant under an orthogonal
    # transform, so its gradient w.r.t. the angles is zero; training is tested in
    # test_wl_learnable.py with a loss that depends on the filters
    check_layer(DWT2D("db2", learnable=True), x, fresh_process=False, train=False)
    coeffs = DWT2D("db2")(x).numpy()
    out = check_layer(IDWT2D("db2"), [coeffs, x], wrong_rank_inputs=[coeffs[..., None], x], fresh_process=False)
    np.testing.assert_allclose(out.numpy(), x, atol=2e-5)


@pytest.mark.parametrize("d, mode", [(1, "periodization"), (2, "periodization"), (2, "symmetric"), (3, "periodization")])
def test_numeric_gradients(d, mode):
    rng = np.random.default_rng(d)
    size = {1: (7,), 2: (4, 3), 3: (3, 2, 3)}[d]
    x = tf.constant(rng.standard_normal((1, *size, 1)))
    fwd = DWT[d]("db2", mode, dtype="float64")
    theo, num = tf.test.compute_gradient(tf.function(lambda t: fwd(t)), [x])
    np.testing.assert_allclose(theo[0], num[0], atol=1e-6)
    y = fwd(x)
    inv = IDWT[d]("db2", mode, output_size=size, dtype="float64")
    theo, num = tf.test.compute_gradient(tf.function(lambda t: inv(t)), [y])
    np.testing.assert_allclose(theo[0], num[0], atol=1e-6)


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"Unknown wavelet name.*'db4'"):
        DWT2D("db44x")
    with pytest.raises(ValueError, match=r"Unknown wavelet name.*Did you mean"):
        DWT2D("haarr")
    with pytest.raises(ValueError, match="mode"):
        DWT2D("haar", mode="periodisation")
    with pytest.raises(ValueError, match="output_format"):
        DWT2D("haar", output_format="dict")
    with pytest.raises(ValueError, match="output_size"):
        IDWT2D("haar", output_size=(3,))
    with pytest.raises(ValueError, match="learnable.*periodization|periodization"):
        DWT2D("db2", mode="symmetric", learnable=True)
    with pytest.raises(ValueError, match="orthogonal"):
        DWT2D("bior2.2", learnable=True)


def test_wrong_rank_and_channels():
    with pytest.raises(ValueError, match=r"DWT2D expects a channels-last input of rank 4.*rank 3"):
        DWT2D()(np.zeros((2, 8, 8), "float32"))
    with pytest.raises(ValueError, match=r"rank 3"):
        DWT1D()(np.zeros((2, 8), "float32"))
    with pytest.raises(ValueError, match=r"multiple of 4"):
        IDWT2D()(np.zeros((2, 4, 4, 6), "float32"))
