"""Hypothesis: wavelet x mode x shape x level x dtype x axes against PyWavelets."""

import warnings

import numpy as np
import pywt
from hypothesis import given, settings
from hypothesis import strategies as st

import kextras_sci.wavelets as kw
from wavelets_oracle import assert_same_structure_close

WAVELETS = pywt.wavelist(kind="discrete")
MODES = pywt.Modes.modes
TOL = {"float32": 1e-5, "float64": 1e-12}


@st.composite
def cases(draw):
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 19), min_size=ndim, max_size=ndim)))
    n_axes = draw(st.integers(1, ndim))
    axes = tuple(draw(st.permutations(range(ndim)))[:n_axes])
    axes = tuple(a - ndim if draw(st.booleans()) else a for a in axes)
    mode = draw(st.sampled_from(MODES))
    if mode in ("reflect", "antireflect"):
        shape = tuple(max(s, 2) for s in shape)
    wavelet = draw(st.sampled_from(WAVELETS))
    dtype = draw(st.sampled_from(["float32", "float64"]))
    F = pywt.Wavelet(wavelet).dec_len
    max_level = min(pywt.dwt_max_level(shape[a], F) for a in axes)
    level = draw(st.integers(0, max_level + 1))
    seed = draw(st.integers(0, 2**31 - 1))
    return shape, axes, mode, wavelet, dtype, level, seed


def _reflect_ok(shape, axes, wavelet, mode, level):
    """pywt refuses [anti]reflect on length-1 axes at deeper levels: skip those draws."""
    if mode not in ("reflect", "antireflect"):
        return True
    F = pywt.Wavelet(wavelet).dec_len
    for a in axes:
        n = shape[a]
        for _ in range(level):
            if n < 2:
                return False
            n = (n + F - 1) // 2
    return True


@settings(max_examples=40, deadline=None)
@given(cases())
def test_wavedecn_waverecn_match_pywt(case):
    shape, axes, mode, wavelet, dtype, level, seed = case
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    if not _reflect_ok(shape, axes, wavelet, mode, level):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ref = pywt.wavedecn(x.astype(np.float64), wavelet, mode, level=level, axes=axes)
        got = kw.wavedecn(x, wavelet, mode, level=level, axes=axes)
    assert all(np.asarray(c).dtype == dtype for c in [got[0]] + [v for d in got[1:] for v in d.values()])
    assert_same_structure_close(got, ref, TOL[dtype], "wavedecn")
    rec_ref = pywt.waverecn(ref, wavelet, mode, axes=axes)
    ref_cast = [ref[0].astype(dtype)] + [{k: v.astype(dtype) for k, v in d.items()} for d in ref[1:]]
    assert_same_structure_close(kw.waverecn(ref_cast, wavelet, mode, axes=axes), rec_ref, TOL[dtype], "waverecn")
    # perfect reconstruction of the original (cropped to the input size, odd sizes included)
    rec = np.asarray(kw.waverecn(got, wavelet, mode, axes=axes))
    crop = tuple(slice(0, s) for s in shape)
    np.testing.assert_allclose(rec[crop], x, atol=TOL[dtype] * 10 * max(1, np.abs(x).max()))


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(WAVELETS),
    st.sampled_from(MODES),
    st.integers(2, 30),
    st.integers(1, 4),
    st.sampled_from(["float32", "float64"]),
    st.integers(0, 2**31 - 1),
)
def test_wavedec2_waverec2_channels_first_batch(wavelet, mode, n, level, dtype, seed):
    x = np.random.default_rng(seed).standard_normal((2, 3, n, n + 3)).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if not _reflect_ok((n, n + 3), (0, 1), wavelet, mode, level):
            return
        ref = pywt.wavedec2(x.astype(np.float64), wavelet, mode, level=level)
        got = kw.wavedec2(x, wavelet, mode, level=level)
    assert_same_structure_close(got, ref, TOL[dtype], "wavedec2")
    rec = pywt.waverec2(ref, wavelet, mode)
    ref_cast = [ref[0].astype(dtype)] + [tuple(c.astype(dtype) for c in d) for d in ref[1:]]
    assert_same_structure_close(kw.waverec2(ref_cast, wavelet, mode), rec, TOL[dtype], "waverec2")


@settings(max_examples=20, deadline=None)
@given(
    st.sampled_from(WAVELETS),
    st.integers(1, 4),
    st.integers(0, 2),
    st.booleans(),
    st.booleans(),
    st.integers(0, 2**31 - 1),
)
def test_swt_iswt_match_pywt(wavelet, level, start_level, trim_approx, norm, seed):
    n = 2 ** (level + start_level) * 3
    x = np.random.default_rng(seed).standard_normal((2, n))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ref = pywt.swt(x, wavelet, level=level, start_level=start_level, trim_approx=trim_approx, norm=norm)
        got = kw.swt(x, wavelet, level=level, start_level=start_level, trim_approx=trim_approx, norm=norm)
    assert_same_structure_close(got, ref, 1e-12, "swt")
    if start_level == 0:
        assert_same_structure_close(
            kw.iswt(ref, wavelet, norm=norm), pywt.iswt(ref, wavelet, norm=norm), 1e-12, "iswt"
        )
        np.testing.assert_allclose(np.asarray(kw.iswt(got, wavelet, norm=norm)), x, atol=1e-10)
