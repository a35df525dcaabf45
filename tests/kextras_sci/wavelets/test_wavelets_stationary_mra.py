"""swt2/swtn/iswtn, mra*, pad, upcoef/downcoef, fswavedecn and the coefficient helpers
against PyWavelets (float64), on tensors, batched, and differentiable."""

import numpy as np
import pytest
import pywt
import tensorflow as tf

import kextras_sci.wavelets as kw
from wavelets_oracle import assert_same_structure_close

RNG = np.random.default_rng(12)


@pytest.mark.parametrize("trim_approx", [False, True])
@pytest.mark.parametrize("norm", [False, True])
def test_swtn_and_iswtn_match_pywt(trim_approx, norm):
    x = RNG.standard_normal((3, 16, 8))  # batch axis 0 carried through
    for wavelet, axes, start in (("db2", (1, 2), 0), (("sym3", "haar"), (2, 1), 1), ("bior2.2", (1,), 0)):
        ref = pywt.swtn(x, wavelet, 2, start_level=start, axes=axes, trim_approx=trim_approx, norm=norm)
        got = kw.swtn(tf.constant(x), wavelet, 2, start_level=start, axes=axes, trim_approx=trim_approx, norm=norm)
        assert_same_structure_close(got, ref, 1e-12, f"swtn {wavelet} {axes}")
        back = kw.iswtn(got, wavelet, axes=axes, norm=norm)
        assert_same_structure_close(back, pywt.iswtn(ref, wavelet, axes=axes, norm=norm), 1e-12)


def test_swt2_iswt2_and_swt_match_pywt():
    x = RNG.standard_normal((2, 8, 12))
    ref = pywt.swt2(x, "db1", 2, axes=(1, 2))
    got = kw.swt2(x, "db1", 2, axes=(1, 2))
    assert_same_structure_close(got, ref, 1e-12)
    assert_same_structure_close(kw.iswt2(got, "db1", axes=(1, 2)), pywt.iswt2(ref, "db1", axes=(1, 2)), 1e-12)
    y = RNG.standard_normal((4, 32))
    assert_same_structure_close(kw.swt(y, "coif1", 3, trim_approx=True), pywt.swt(y, "coif1", 3, trim_approx=True), 1e-12)


@pytest.mark.parametrize("transform", ["swt", "dwt"])
def test_mra_family_matches_pywt_and_sums_to_input(transform):
    x1 = RNG.standard_normal(64)
    ref = pywt.mra(x1, "db2", level=3, transform=transform)
    got = kw.mra(x1, "db2", level=3, transform=transform)
    assert_same_structure_close(got, ref, 1e-12)
    np.testing.assert_allclose(kw.imra(got).numpy(), x1, atol=1e-12)
    x2 = RNG.standard_normal((16, 32))
    ref2 = pywt.mra2(x2, "sym2", level=2, transform=transform + "2")
    got2 = kw.mra2(x2, "sym2", level=2, transform=transform + "2")
    assert_same_structure_close(got2, ref2, 1e-12)
    np.testing.assert_allclose(kw.imra2(got2).numpy(), x2, atol=1e-12)
    refn = pywt.mran(x2, "db1", level=2, transform=transform + "n")
    gotn = kw.mran(x2, "db1", level=2, transform=transform + "n")
    assert_same_structure_close(gotn, refn, 1e-12)
    np.testing.assert_allclose(kw.imran(gotn).numpy(), x2, atol=1e-12)


def test_mra_errors():
    with pytest.raises(ValueError, match="periodization"):
        kw.mra(np.ones(8), "db1", transform="swt", mode="symmetric")
    with pytest.raises(ValueError, match="unrecognized transform"):
        kw.mra(np.ones(8), "db1", transform="cwt")


@pytest.mark.parametrize("mode", pywt.Modes.modes)
def test_pad_matches_pywt(mode):
    x = RNG.standard_normal((5, 4))
    for widths in (3, (2, 7), [(1, 2), (6, 3)]):  # (pywt.pad itself fails on zero widths)
        np.testing.assert_allclose(kw.pad(x, widths, mode).numpy(), pywt.pad(x, widths, mode), atol=1e-12)


def test_upcoef_downcoef_match_pywt():
    x = RNG.standard_normal(37)
    for part in "ad":
        for level in (1, 3):
            np.testing.assert_allclose(kw.downcoef(part, x, "db3", "smooth", level).numpy(),
                                       pywt.downcoef(part, x, "db3", "smooth", level), atol=1e-12)
            np.testing.assert_allclose(kw.upcoef(part, x[:9], "sym4", level, take=20).numpy(),
                                       pywt.upcoef(part, x[:9], "sym4", level, take=20), atol=1e-12)
    with pytest.raises(ValueError, match="'a' or 'd'"):
        kw.upcoef("x", x, "db1")


def test_fswavedecn_round_trip_and_blocks():
    x = RNG.standard_normal((16, 12))
    ref = pywt.fswavedecn(x, ("db2", "haar"), "symmetric", levels=(2, 1))
    got = kw.fswavedecn(x, ("db2", "haar"), "symmetric", levels=(2, 1))
    np.testing.assert_allclose(got.coeffs.numpy(), ref.coeffs, atol=1e-12)
    for key in ref.detail_keys():
        np.testing.assert_allclose(got[key].numpy(), ref[key], atol=1e-12)
    np.testing.assert_allclose(kw.fswaverecn(got).numpy(), pywt.fswaverecn(ref), atol=1e-12)


def test_coefficient_helpers_match_pywt():
    x = RNG.standard_normal((13, 10))
    c = pywt.wavedecn(x, "db2", level=2)
    arr, sl = pywt.coeffs_to_array(c)
    karr, ksl = kw.coeffs_to_array(kw.wavedecn(x, "db2", level=2))
    np.testing.assert_allclose(karr.numpy(), arr, atol=1e-12)
    assert ksl == sl
    assert_same_structure_close(kw.array_to_coeffs(karr, ksl), pywt.array_to_coeffs(arr, sl), 1e-12)
    v, vs, vsh = pywt.ravel_coeffs(c)
    kv, kvs, kvsh = kw.ravel_coeffs(kw.wavedecn(x, "db2", level=2))
    np.testing.assert_allclose(kv.numpy(), v, atol=1e-12)
    assert (kvs, kvsh) == (vs, vsh)
    assert_same_structure_close(kw.unravel_coeffs(kv, kvs, kvsh), pywt.unravel_coeffs(v, vs, vsh), 1e-12)
    assert kw.wavedecn_shapes(x.shape, "db2", level=2) == pywt.wavedecn_shapes(x.shape, "db2", level=2)
    assert kw.wavedecn_size(c) == pywt.wavedecn_size(c)
    assert kw.dwtn_max_level((64, 33), "db2") == pywt.dwtn_max_level((64, 33), "db2")
    for mode in ("symmetric", "periodization"):
        assert kw.dwt_coeff_len(13, "db3", mode) == pywt.dwt_coeff_len(13, pywt.Wavelet("db3"), mode)


def test_new_functions_are_differentiable():
    x = tf.Variable(RNG.standard_normal((2, 16)))
    with tf.GradientTape(persistent=True) as tape:
        s = tf.add_n([tf.reduce_sum(v ** 2) for d in kw.swtn(x, "db2", 2, axes=(1,)) for v in d.values()])
        m = tf.reduce_sum(kw.mra(x, "db2", level=2, axis=1)[1] ** 2)
        r = tf.reduce_sum(kw.ravel_coeffs(kw.wavedecn(x, "db1", level=2, axes=(1,)), axes=(1,))[0] ** 2)
    for loss in (s, m, r):
        g = tape.gradient(loss, x)
        assert g is not None and np.all(np.isfinite(g.numpy()))
    # the stationary transform with norm=True is a tight frame: d(sum c^2)/dx = 2 x * levels
    with tf.GradientTape() as tape:
        e = tf.add_n([tf.reduce_sum(v ** 2) for v in tf.nest.flatten(kw.swt(x, "db2", 2, axis=1, norm=True, trim_approx=True))])
    np.testing.assert_allclose(tape.gradient(e, x).numpy(), 2 * x.numpy(), atol=1e-10)
