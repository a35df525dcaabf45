"""DWTPool2D and WaveletPooling2D against PyWavelets and the paper's algorithm."""

import keras
import numpy as np
import pytest
import pywt

import kextras_sci  # noqa: F401
from kextras.testing import check_layer
from kextras_sci.wavelets.layers import DWTPool2D, WaveletPooling2D

pytestmark = pytest.mark.filterwarnings("ignore:Level value")  # pywt.wavedec2 on small oracle inputs


@pytest.mark.parametrize("mode", ["periodization", "symmetric", "zero"])
@pytest.mark.parametrize("wavelet", ["haar", "db2", "bior1.3"])
def test_dwtpool_is_pywt_approximation(wavelet, mode):
    x = np.random.default_rng(0).standard_normal((2, 11, 8, 3))
    y = DWTPool2D(wavelet, mode, dtype="float64")(x).numpy()
    np.testing.assert_allclose(y, pywt.dwt2(x, wavelet, mode=mode, axes=(1, 2))[0], atol=1e-12)


def test_dwtpool_haar_scale_half_is_average_pooling():
    x = np.random.default_rng(1).standard_normal((2, 8, 6, 4)).astype("float32")
    y = DWTPool2D("haar", scale=0.5)(x).numpy()
    np.testing.assert_allclose(y, keras.layers.AveragePooling2D(2)(x).numpy(), atol=1e-6)


def _paper_pooling(x, wavelet, mode):
    """Williams & Li: 2nd-order FWT, drop level-1 details, IFWT from the level-2 bands."""
    ca2, d2, d1 = pywt.wavedec2(x, wavelet, mode=mode, level=2, axes=(1, 2))
    rec = pywt.idwt2((ca2, d2), wavelet, mode=mode, axes=(1, 2))
    return rec[:, : d1[0].shape[1], : d1[0].shape[2]]


@pytest.mark.parametrize("mode", ["periodization", "symmetric"])
@pytest.mark.parametrize("wavelet", ["haar", "db2"])
@pytest.mark.parametrize("shape", [(2, 16, 12, 3), (1, 13, 9, 2)])
def test_wavelet_pooling_matches_paper_algorithm(wavelet, mode, shape):
    x = np.random.default_rng(2).standard_normal(shape)
    y = WaveletPooling2D(wavelet, mode, dtype="float64")(x).numpy()
    expected = _paper_pooling(x, wavelet, mode)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y, expected, atol=1e-10)
    # the documented identity: equal to the first-level approximation (DWTPool2D)
    np.testing.assert_allclose(y, DWTPool2D(wavelet, mode, dtype="float64")(x).numpy(), atol=1e-10)


@pytest.mark.parametrize("layer_cls", [WaveletPooling2D, DWTPool2D])
def test_drop_in_for_maxpooling(layer_cls):
    for shape, expect in [((2, 28, 28, 4), (2, 14, 14, 4)), ((2, 7, 9, 4), (2, 4, 5, 4))]:
        x = np.zeros(shape, "float32")
        assert tuple(layer_cls()(x).shape) == expect
        same = keras.layers.MaxPooling2D(2, padding="same")(x).shape
        assert tuple(same) == expect  # odd sizes: like MaxPooling2D(padding="same")
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, padding="same"), layer_cls(),
                              keras.layers.Flatten(), keras.layers.Dense(2)])
    assert model.output_shape == (None, 2)


def test_harness():
    x = np.random.default_rng(3).standard_normal((2, 9, 10, 3)).astype("float32")
    check_layer(WaveletPooling2D(), x, fresh_process=False, expected_output_shape=(2, 5, 5, 3))
    check_layer(DWTPool2D("db2", mode="symmetric"), x, fresh_process=False)
    check_layer(DWTPool2D("db2", learnable=True), x, fresh_process=False)


def test_bad_input():
    with pytest.raises(ValueError, match="WaveletPooling2D expects a channels-last input of rank 4"):
        WaveletPooling2D()(np.zeros((2, 8, 8), "float32"))
    with pytest.raises(ValueError, match=r"`scale` must be a finite number. Received: scale='x'"):
        DWTPool2D(scale="x")
    with pytest.raises(ValueError, match="Unknown wavelet name"):
        WaveletPooling2D("db2x")
