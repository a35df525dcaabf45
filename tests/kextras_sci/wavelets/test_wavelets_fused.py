"""The fused (XLA-compiled) polyphase passes, forced on small shapes, against PyWavelets.

Large static inputs (>= ``_core.FUSED_MIN_SIZE`` elements per pass) take these kernels;
here the threshold is lowered to 0 so that every pass of these small cases uses them.
"""

import numpy as np
import pytest
import pywt
import tensorflow as tf

import kextras_sci.wavelets as kw
from kextras_sci.wavelets import _core
from kextras_sci.wavelets._transform import _analysis, _synthesis
from wavelets_oracle import assert_same_structure_close

MODES = pywt.Modes.modes


@pytest.fixture(autouse=True)
def _force_fused(monkeypatch):
    monkeypatch.setattr(_core, "FUSED_MIN_SIZE", 0)


def _count_fused():
    return len(_core._FUSED_CACHE)


FAST_MODES = ("symmetric", "periodization")


@pytest.mark.parametrize("mode", [m if m in FAST_MODES else pytest.param(m, marks=pytest.mark.slow) for m in MODES])
def test_fused_1d_every_mode(mode):
    """dwt/idwt (lengths shorter than the filter, odd, even) and wavedec/waverec to max level."""
    rng = np.random.default_rng(7)
    before = _count_fused()
    for wavelet, n in (("db3", 2), ("sym5", 3), ("bior2.4", 11), ("coif1", 16)):
        x = rng.standard_normal((2, n))
        ref = pywt.dwt(x, wavelet, mode)
        assert_same_structure_close(kw.dwt(x, wavelet, mode), ref, 1e-12, f"dwt {wavelet} n={n}")
        F = pywt.Wavelet(wavelet).dec_len
        if mode == "periodization" or 2 * ref[0].shape[-1] - F + 2 >= 1:
            assert_same_structure_close(kw.idwt(*ref, wavelet, mode), pywt.idwt(*ref, wavelet, mode), 1e-12)
    x = rng.standard_normal((3, 45))
    ref = pywt.wavedec(x, "db2", mode)
    assert_same_structure_close(kw.wavedec(x, "db2", mode), ref, 1e-12, "wavedec")
    assert_same_structure_close(kw.waverec(ref, "db2", mode), pywt.waverec(ref, "db2", mode), 1e-12)
    # float32: within 1e-5 of the signal scale
    x32 = x.astype(np.float32)
    ref32 = pywt.wavedec(x32.astype(np.float64), "db4", mode, level=2)
    assert_same_structure_close(kw.wavedec(x32, "db4", mode, level=2), ref32, 1e-5)
    assert_same_structure_close(kw.waverec([c.astype(np.float32) for c in ref32], "db4", mode),
                                pywt.waverec(ref32, "db4", mode), 1e-5)
    assert _count_fused() > before  # the fused kernels did run


@pytest.mark.parametrize("mode", ["symmetric", pytest.param("periodization", marks=pytest.mark.slow),
                                  pytest.param("antireflect", marks=pytest.mark.slow)])
def test_fused_2d_nd_and_layer_api(mode):
    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 13, 12))
    ref = pywt.wavedec2(x, "db2", mode, level=2)
    assert_same_structure_close(kw.wavedec2(x, "db2", mode, level=2), ref, 1e-12)
    assert_same_structure_close(kw.waverec2(ref, "db2", mode), pywt.waverec2(ref, "db2", mode), 1e-12)
    x = rng.standard_normal((2, 9, 8, 3)).astype(np.float32)
    stacked, keys = _analysis(x, "db2", mode, (1, 2))
    refn = pywt.dwtn(x.astype(np.float64), "db2", mode, axes=(1, 2))
    for i, k in enumerate(keys):
        np.testing.assert_allclose(np.asarray(stacked[..., i]), refn[k], atol=1e-5)
    rec = _synthesis(stacked, "db2", mode, (1, 2))
    np.testing.assert_allclose(np.asarray(rec), pywt.idwtn(refn, "db2", mode, axes=(1, 2)), atol=1e-5)


def test_fused_complex_and_mixed_lengths():
    rng = np.random.default_rng(9)
    z = rng.standard_normal((2, 21)) + 1j * rng.standard_normal((2, 21))
    ref = pywt.wavedec(z, "db2", "smooth", level=2)
    assert_same_structure_close(kw.wavedec(z, "db2", "smooth", level=2), ref, 1e-12)
    assert_same_structure_close(kw.waverec(ref, "db2", "smooth"), pywt.waverec(ref, "db2", "smooth"), 1e-12)


def test_fused_gradients():
    x = tf.constant(np.random.default_rng(10).standard_normal((1, 12)))
    f = tf.function(lambda x: kw.waverec(kw.wavedec(x, "sym3", "periodization", level=1), "sym3",
                                         "periodization") ** 2)
    theo, num = tf.test.compute_gradient(f, [x])
    np.testing.assert_allclose(theo[0], num[0], atol=1e-6)


@pytest.mark.slow
def test_fused_gradients_reflect():
    x = tf.constant(np.random.default_rng(10).standard_normal((1, 12)))
    f = tf.function(lambda x: tf.concat(kw.wavedec(x, "db2", "reflect", level=1), -1) ** 2)
    theo, num = tf.test.compute_gradient(f, [x])
    np.testing.assert_allclose(theo[0], num[0], atol=1e-6)
