"""User filter banks of odd length: PyWavelets appends one zero tap; so do we."""

import numpy as np
import pytest
import pywt

import kextras_sci.wavelets as kw
from wavelets_oracle import assert_same_structure_close

RNG = np.random.default_rng(5)


def _odd_bank(length, seed):
    r = np.random.default_rng(seed)
    return tuple(list(r.standard_normal(length)) for _ in range(4))


BANKS = {
    "len1": _odd_bank(1, 0),
    "len3": _odd_bank(3, 1),
    "len5": _odd_bank(5, 2),
    "len7": _odd_bank(7, 3),
}


@pytest.mark.parametrize("name", sorted(BANKS))
def test_odd_bank_is_padded_like_pywt(name):
    bank = BANKS[name]
    ref = pywt.Wavelet("odd", filter_bank=bank)
    for w in (bank, ref, kw.FilterBank(*bank)):
        fb = kw.get_wavelet(w)
        assert fb.dec_len == ref.dec_len == len(bank[0]) + 1
        assert fb.rec_len == ref.rec_len
        np.testing.assert_array_equal(np.asarray(fb.filter_bank), np.asarray(ref.filter_bank))
    assert kw.dwt_max_level(100, kw.FilterBank(*bank)) == pywt.dwt_max_level(100, ref)


@pytest.mark.parametrize("name", sorted(BANKS))
@pytest.mark.parametrize("mode", ["symmetric", "periodization", "zero", "antireflect", "smooth", "periodic"])
def test_odd_bank_transforms_match_pywt(name, mode):
    bank = BANKS[name]
    w = pywt.Wavelet("odd", filter_bank=bank)
    for n in (1 if mode not in ("antireflect",) else 2, 5, 10, 17):
        x = RNG.standard_normal((2, n))
        ref = pywt.dwt(x, w, mode)
        assert_same_structure_close(kw.dwt(x, bank, mode), ref, 1e-12)
        assert_same_structure_close(kw.idwt(*ref, bank, mode), pywt.idwt(*ref, w, mode), 1e-12)
    x = RNG.standard_normal((3, 37))
    with np.errstate(all="ignore"):
        ref = pywt.wavedec(x, w, mode, level=2)
    assert_same_structure_close(kw.wavedec(x, bank, mode, level=2), ref, 1e-12)
    assert_same_structure_close(kw.waverec(ref, bank, mode), pywt.waverec(ref, w, mode), 1e-12)
    # float32 within 1e-5 of the signal scale
    x32 = x.astype(np.float32)
    ref32 = pywt.wavedec(x32.astype(np.float64), w, mode, level=2)
    assert_same_structure_close(kw.wavedec(x32, bank, mode, level=2), ref32, 1e-5)
    assert_same_structure_close(kw.waverec([c.astype(np.float32) for c in ref32], bank, mode),
                                pywt.waverec(ref32, w, mode), 1e-5)


@pytest.mark.parametrize("mode", ["reflect", "symmetric", "periodization"])
def test_odd_bank_2d_and_swt_match_pywt(mode):
    bank = BANKS["len3"]
    w = pywt.Wavelet("odd", filter_bank=bank)
    x = RNG.standard_normal((2, 13, 14))
    ref = pywt.wavedec2(x, w, mode, level=2)
    assert_same_structure_close(kw.wavedec2(x, bank, mode, level=2), ref, 1e-12)
    assert_same_structure_close(kw.waverec2(ref, bank, mode), pywt.waverec2(ref, w, mode), 1e-12)
    xs = RNG.standard_normal((2, 16))
    ref = pywt.swt(xs, w, level=2)
    assert_same_structure_close(kw.swt(xs, bank, level=2), ref, 1e-12)
    assert_same_structure_close(kw.iswt(ref, bank), pywt.iswt(ref, w), 1e-12)


def test_bank_errors():
    with pytest.raises(ValueError, match="same length"):
        kw.get_wavelet(([1, 2, 3], [1, 2, 3], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]))
    with pytest.raises(ValueError, match="at least 1 tap"):
        kw.get_wavelet(([], [], [], []))
