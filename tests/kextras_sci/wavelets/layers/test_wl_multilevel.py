"""WaveDec / WaveRec against pywt.wavedecn / waverecn."""

import itertools
import warnings

import keras
import numpy as np
import pytest
import pywt

import kextras_sci  # noqa: F401
from kextras.testing import check_layer
from kextras_sci.wavelets.layers import WaveDec, WaveRec

# PyWavelets (and WaveDec, like it) warn when a level exceeds dwt_max_level; the oracle
# comparisons below deliberately go there for small inputs
pytestmark = pytest.mark.filterwarnings("ignore:Level value")


def _keys(d):
    return ["".join(k) for k in itertools.product("ad", repeat=d)][1:]


@pytest.mark.parametrize("d, shape", [(1, (2, 37, 2)), (2, (2, 21, 16, 3)), (3, (1, 9, 8, 11, 2))])
@pytest.mark.parametrize("mode", ["periodization", "symmetric", "reflect", "zero"])
def test_wavedec_matches_pywt(d, shape, mode):
    x = np.random.default_rng(d).standard_normal(shape)
    level = 2
    out = WaveDec(level, d, "db2", mode, dtype="float64")(x)
    ref = pywt.wavedecn(x, "db2", mode=mode, level=level, axes=tuple(range(1, d + 1)))
    assert len(out) == level + 1
    np.testing.assert_allclose(out[0].numpy(), ref[0], atol=1e-12)
    for got, det in zip(out[1:], ref[1:]):
        expected = np.concatenate([det[k] for k in _keys(d)], axis=-1)
        np.testing.assert_allclose(got.numpy(), expected, atol=1e-12)
    # exact inverse with the original (odd) size as reference
    back = WaveRec(d, "db2", mode, dtype="float64")(out, reference=x)
    np.testing.assert_allclose(back.numpy(), x, atol=1e-10)
    # no size given: PyWavelets' waverecn output
    natural = WaveRec(d, "db2", mode, dtype="float64")(out).numpy()
    expected = pywt.waverecn(ref, "db2", mode=mode, axes=tuple(range(1, d + 1)))
    np.testing.assert_allclose(natural, expected, atol=1e-10)


def test_pywt_format_2d_and_1d():
    x = np.random.default_rng(0).standard_normal((2, 19, 14, 1))
    out = WaveDec(3, 2, "sym3", "smooth", output_format="pywt", dtype="float64")(x)
    ref = pywt.wavedec2(x, "sym3", mode="smooth", level=3, axes=(1, 2))
    np.testing.assert_allclose(out[0].numpy(), ref[0], atol=1e-12)
    for got, exp in zip(out[1:], ref[1:]):
        for a, b in zip(got, exp):
            np.testing.assert_allclose(a.numpy(), b, atol=1e-12)
    back = WaveRec(2, "sym3", "smooth", input_format="pywt", output_size=(19, 14), dtype="float64")(out)
    np.testing.assert_allclose(back.numpy(), x, atol=1e-10)
    x1 = np.random.default_rng(1).standard_normal((3, 50, 2))
    out1 = WaveDec(4, 1, "db1", output_format="pywt", dtype="float64")(x1)
    ref1 = pywt.wavedec(x1, "db1", mode="periodization", level=4, axis=1)
    for a, b in zip(out1, ref1):
        np.testing.assert_allclose(a.numpy(), b, atol=1e-12)


def test_harness_and_dynamic_sizes():
    x = np.random.default_rng(2).standard_normal((2, 12, 10, 3)).astype("float32")
    outs = check_layer(WaveDec(2, 2, "db2"), x, fresh_process=False)
    assert [tuple(o.shape) for o in outs] == [(2, 3, 3, 3), (2, 3, 3, 9), (2, 6, 5, 9)]
    coeffs = [o.numpy() for o in outs]
    back = check_layer(WaveRec(2, "db2", output_size=(12, 10)), coeffs, fresh_process=False,
                       wrong_rank_inputs=[c[..., None] for c in coeffs])
    np.testing.assert_allclose(back.numpy(), x, atol=2e-5)
    inp = keras.Input((None, None, 3))
    dec = WaveDec(3, 2, "haar")(inp)
    assert [tuple(t.shape) for t in dec] == [(None, None, None, 3)] + [(None, None, None, 9)] * 3
    rec = WaveRec(2, "haar")(dec, reference=inp)
    model = keras.Model(inp, rec)
    for shape in [(1, 13, 7, 3), (2, 16, 16, 3)]:
        xx = np.random.default_rng(3).standard_normal(shape).astype("float32")
        np.testing.assert_allclose(model(xx).numpy(), xx, atol=2e-5)


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"`level` must be a positive integer. Received: level=0"):
        WaveDec(level=0)
    with pytest.raises(ValueError, match=r"`level` must be a positive integer. Received: level=-1"):
        WaveDec(level=-1)
    with pytest.raises(ValueError, match=r"`ndim` must be an integer in \[1, 3\]"):
        WaveDec(2, ndim=4)
    with pytest.raises(ValueError, match="WaveDec expects a channels-last input of rank 4"):
        WaveDec(2, 2)(np.zeros((2, 8, 8), "float32"))
    with pytest.raises(ValueError, match="WaveRec takes the list"):
        WaveRec(2)(np.zeros((2, 8, 8, 3), "float32"))
    with pytest.raises(ValueError, match="3 x 2 channels"):
        WaveRec(2)([np.zeros((1, 2, 2, 2), "float32"), np.zeros((1, 2, 2, 4), "float32")])


def test_level_too_high_warns_like_pywt():
    x = np.zeros((1, 8, 8, 1), "float32")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pywt.wavedec2(x[0, ..., 0], "db2", level=4)
    assert any("Level value" in str(w.message) for w in caught)
    with pytest.warns(UserWarning, match="Level value of 4 is too high"):
        WaveDec(4, 2, "db2")(x)
