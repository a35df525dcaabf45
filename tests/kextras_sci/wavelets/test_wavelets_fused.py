"""The fused (XLA-compiled) polyphase passes, forced on small shapes, against PyWavelets.

Large static inputs (>= ``_kernels.THRESHOLDS["fused_min_size"]`` elements per pass) take these kernels;
here the threshold is lowered to 0 so that every pass of these small cases uses them.
"""

import numpy as np
import pytest
import pywt
import tensorflow as tf

import kextras_sci.wavelets as kw
from kextras_sci.wavelets import _fused, _kernels
from kextras_sci.wavelets._common import _analysis, _synthesis
from wavelets_oracle import assert_same_structure_close

MODES = pywt.Modes.modes


@pytest.fixture(autouse=True)
def _force_fused(monkeypatch):
    monkeypatch.setitem(_kernels.THRESHOLDS, "fused_min_size", 0)


def _count_fused():
    return len(_fused.PROGRAMS)


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


def test_program_cache_is_bounded_and_thread_safe():
    """4 threads inserting new keys into a full cache (the old module-level dict raised
    KeyError here: two threads evicted the same oldest key)."""
    import sys
    import threading

    cache = _fused.ProgramCache(maxsize=8)
    for i in range(8):
        cache.get(("fill", i), lambda: (lambda x: x))
    errors = []

    def work(t):
        try:
            for i in range(1000):
                cache.get(("k", t, i), lambda: (lambda x: x))
        except Exception as e:  # noqa: BLE001 - any error is the failure under test
            errors.append(repr(e))

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert errors == []
    assert len(cache) == 8


def test_fused_wavedec_from_4_threads_on_a_tiny_cache(monkeypatch):
    """The public path under threads with evictions on every call: results equal pywt."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(_fused, "PROGRAMS", _fused.ProgramCache(maxsize=2))
    rng = np.random.default_rng(3)
    xs = [rng.standard_normal((2, n)) for n in (33, 40, 57, 64)]

    def run(x):
        return kw.waverec(kw.wavedec(x, "db2", "symmetric", level=2), "db2", "symmetric")

    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(run, xs))
    for x, out in zip(xs, outs):
        np.testing.assert_allclose(out.numpy()[:, : x.shape[1]], x, atol=1e-12)
    assert len(_fused.PROGRAMS) <= 2
