"""Every discrete wavelet x every mode against PyWavelets (float64, eager TensorFlow)."""

import itertools

import numpy as np
import pytest
import pywt

import kextras_sci.wavelets as kw
from wavelets_oracle import assert_same_structure_close

WAVELETS = pywt.wavelist(kind="discrete")
MODES = pywt.Modes.modes
LENGTHS = [1, 2, 3, 4, 5, 7, 8, 11, 13, 16, 21]


def test_lists_match_pywt():
    assert kw.wavelist() == WAVELETS
    assert list(kw.MODES) == list(MODES)
    assert kw.wavelist("coif") == pywt.wavelist("coif", kind="discrete")
    assert len(WAVELETS) >= 100


@pytest.mark.parametrize("wavelet", WAVELETS)
def test_every_wavelet_every_mode_dwt_idwt(wavelet):
    """dwt and idwt for all 9 modes, cycling through odd/even/short lengths."""
    rng = np.random.default_rng(abs(hash(wavelet)) % 2**32)
    bank = kw.get_wavelet(wavelet)
    ref_w = pywt.Wavelet(wavelet)
    for a, b in zip(bank.filter_bank, ref_w.filter_bank):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    F = ref_w.dec_len
    offset = WAVELETS.index(wavelet)
    for i, mode in enumerate(MODES):
        n = LENGTHS[(offset + i) % len(LENGTHS)]
        if mode in ("reflect", "antireflect") and n < 2:
            n = 2
        x = rng.standard_normal((2, n))
        ref = pywt.dwt(x, wavelet, mode)
        got = kw.dwt(x, wavelet, mode)
        assert_same_structure_close(got, ref, 1e-12, f"dwt {wavelet} {mode} n={n}")
        if mode == "periodization" or 2 * ref[0].shape[-1] - F + 2 >= 1:
            rec = pywt.idwt(ref[0], ref[1], wavelet, mode)
            assert_same_structure_close(kw.idwt(ref[0], ref[1], wavelet, mode), rec, 1e-12, f"idwt {wavelet} {mode}")


@pytest.mark.parametrize("mode", MODES)
def test_short_and_long_signals_every_length(mode):
    """Lengths 1..40 (many shorter than the filter) for a few filter lengths, incl. dmey."""
    rng = np.random.default_rng(3)
    for wavelet, n in itertools.product(["haar", "db3", "sym7", "bior6.8", "dmey"], [1, 2, 3, 6, 9, 17, 40]):
        if mode in ("reflect", "antireflect") and n < 2:
            continue
        x = rng.standard_normal(n)
        assert_same_structure_close(kw.dwt(x, wavelet, mode), pywt.dwt(x, wavelet, mode), 1e-12, f"{wavelet} n={n}")


@pytest.mark.parametrize("mode", MODES)
def test_multilevel_up_to_max_and_beyond(mode):
    """wavedec/waverec at every level 0..max+1 (beyond max: same warning as pywt)."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 37))
    for wavelet in ["db2", "coif2", "bior3.3"]:
        max_level = pywt.dwt_max_level(37, pywt.Wavelet(wavelet).dec_len)
        assert kw.dwt_max_level(37, wavelet) == max_level
        for level in range(0, max_level + 2):
            if level > max_level:
                with pytest.warns(UserWarning, match="too high"):
                    got = kw.wavedec(x, wavelet, mode, level=level)
                with pytest.warns(UserWarning, match="too high"):
                    ref = pywt.wavedec(x, wavelet, mode, level=level)
            else:
                got = kw.wavedec(x, wavelet, mode, level=level)
                ref = pywt.wavedec(x, wavelet, mode, level=level)
            assert_same_structure_close(got, ref, 1e-12, f"wavedec {wavelet} level={level}")
            assert_same_structure_close(
                kw.waverec(ref, wavelet, mode), pywt.waverec(ref, wavelet, mode), 1e-12, "waverec"
            )
        # default level = pywt's maximum
        assert len(kw.wavedec(x, wavelet, mode)) == len(pywt.wavedec(x, wavelet, mode))


def test_dwt_max_level_matches_pywt():
    for n in [1, 2, 3, 7, 8, 15, 16, 17, 100, 1000, 4097]:
        for f in [2, 3, 4, 6, 8, 20, 62, 102]:
            assert kw.dwt_max_level(n, f) == pywt.dwt_max_level(n, f), (n, f)
    assert kw.dwt_max_level(1000, "sym5") == pywt.dwt_max_level(1000, "sym5")
    for n in range(1, 200):
        assert kw.swt_max_level(n) == pywt.swt_max_level(n)
