"""Bad arguments of cwt: clear errors naming the argument and the value, raised where pywt raises."""

import re
import warnings

import numpy as np
import pytest
import pywt
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from kextras_sci.wavelets import cwt

X = np.random.default_rng(0).standard_normal(32)


def _pywt_raises(*args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            pywt.cwt(*args, **kw)
        except Exception:  # noqa: BLE001 - any exception: pywt rejects it too
            return True
    return False


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-10, 10, allow_nan=False), min_size=1, max_size=5).filter(lambda s: min(s) <= 0))
def test_non_positive_scales(scales):
    assert _pywt_raises(X, scales, "morl")
    with pytest.raises(ValueError, match=r"`scales` must only include positive values. Received: scales="):
        cwt(X, scales, "morl")


@pytest.mark.parametrize("scales", [[np.nan, 1.0], [np.inf]])
def test_non_finite_scales(scales):
    with pytest.raises(ValueError, match=r"`scales` must only include positive values"):
        cwt(X, scales, "morl")


@settings(max_examples=15, deadline=None)
@given(st.integers(2, 4), st.integers(2, 3))
def test_non_1d_scales(rows, cols):
    scales = np.ones((rows, cols))
    assert _pywt_raises(X, scales, "morl")
    with pytest.raises(ValueError, match=r"`scales` must be a non-empty 1D array .*shape \(%d, %d\)" % (rows, cols)):
        cwt(X, scales, "morl")


@pytest.mark.parametrize("scales", [[], ["a", "b"], None, [1 + 1j]])
def test_scales_of_wrong_kind(scales):
    with pytest.raises(ValueError, match=r"`scales` must be a non-empty 1D array"):
        cwt(X, scales, "morl")


def test_scale_too_small_as_pywt():
    assert _pywt_raises(X, [1e-3], "morl")
    with pytest.raises(ValueError, match=r"Selected scale of 0.001 too small"):
        cwt(X, [1, 1e-3], "morl")


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.-", min_size=1, max_size=8))
def test_unknown_wavelet_names(name):
    known = name[:4] in ("gaus", "cgau", "mexh", "morl", "cmor", "shan", "fbsp")
    if known:
        return  # parametrised families are checked below
    assert _pywt_raises(X, [1.0], name)
    with pytest.raises(ValueError, match=r"`wavelet` must be .*Received: wavelet=" + re.escape(repr(name))):
        cwt(X, [1.0], name)


@pytest.mark.parametrize("name", ["db2", "haar", "sym4", "bior2.2", "dmey"])
def test_discrete_wavelet_names(name):
    assert _pywt_raises(X, [1.0], name)
    with pytest.raises(ValueError, match=r"`wavelet` must be a continuous wavelet .*is a discrete wavelet"):
        cwt(X, [1.0], name)
    with pytest.raises(ValueError, match=r"`wavelet` must be a continuous wavelet .*discrete pywt.Wavelet"):
        cwt(X, [1.0], pywt.Wavelet(name))


@pytest.mark.parametrize("name", ["cmor1.5", "shan1", "fbsp1-1.5", "gaus9", "cgau0", "fbsp0-1-1", "mexh2"])
def test_bad_parameters_of_a_family(name):
    assert _pywt_raises(X, [1.0], name)
    with pytest.raises(ValueError, match=r"`wavelet` must be .*Received: wavelet=" + re.escape(repr(name))):
        cwt(X, [1.0], name)


@pytest.mark.parametrize("wavelet", [3, None, ["morl"]])
def test_wavelet_of_wrong_type(wavelet):
    with pytest.raises(ValueError, match=r"`wavelet` must be a continuous wavelet name"):
        cwt(X, [1.0], wavelet)


@settings(max_examples=20, deadline=None)
@given(st.one_of(st.text(max_size=6), st.integers(), st.none()).filter(lambda m: m not in ("conv", "fft")))
def test_bad_method(method):
    assert _pywt_raises(X, [1.0], "morl", method=method)
    with pytest.raises(ValueError, match=r"`method` must be one of \['conv', 'fft'\]. Received: method="):
        cwt(X, [1.0], "morl", method=method)


@pytest.mark.parametrize("period", [0, -1.0, float("nan"), "1"])
def test_bad_sampling_period(period):
    with pytest.raises(ValueError, match=r"`sampling_period` must be a positive finite number"):
        cwt(X, [1.0], "morl", sampling_period=period)


@pytest.mark.parametrize("axis", [2, -3, 1.5, (0,)])
def test_bad_axis(axis):
    x2 = np.stack([X, X, X])
    assert _pywt_raises(x2, [1.0], "morl", axis=axis)
    with pytest.raises(ValueError, match=r"`axis` must be an integer in \[-2, 1\]. Received: axis="):
        cwt(x2, [1.0], "morl", axis=axis)
    # as pywt, 1D data ignores `axis` (pywt's own test_cwt_batch relies on it)
    np.testing.assert_allclose(np.asarray(cwt(X, [1.0], "morl", axis=1)[0]),
                               pywt.cwt(X, [1.0], "morl", axis=1)[0], rtol=0, atol=1e-10)


def test_bad_data():
    with pytest.raises(ValueError, match=r"`data` must be at least 1D"):
        cwt(np.float64(1.0), [1.0], "morl")
    with pytest.raises(ValueError, match=r"`data` must not be empty"):
        cwt(np.zeros((3, 0)), [1.0], "morl")
    with pytest.raises(TypeError, match=r"`data` must be a numeric array"):
        cwt(np.array(["a", "b"]), [1.0], "morl")


@pytest.mark.parametrize("precision", [0, 25, 2.0])
def test_bad_precision(precision):
    with pytest.raises(ValueError, match=r"`precision` must be an integer in \[1, 24\]"):
        cwt(X, [1.0], "morl", precision=precision)


def test_symbolic_scales():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float64)])
    def fn(s):
        return cwt(X, s, "morl")[0]

    with pytest.raises(ValueError, match=r"`scales` must be concrete values"):
        fn(tf.constant([1.0, 2.0], tf.float64))
    np.testing.assert_allclose(cwt(X, tf.constant([1.0, 2.0]), "morl")[0].numpy(),
                               pywt.cwt(X, np.float32([1.0, 2.0]), "morl")[0], rtol=0, atol=1e-10)
