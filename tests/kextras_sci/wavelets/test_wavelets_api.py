"""API details: dtypes, complex, user filter banks, tf.function with dynamic sizes, gradients."""

import numpy as np
import pytest
import pywt
import tensorflow as tf

import kextras_sci.wavelets as kw
from wavelets_oracle import assert_same_structure_close

RNG = np.random.default_rng(11)


def test_dwt2_idwt2_structure_and_axes():
    x = RNG.standard_normal((2, 9, 10, 3))
    ref = pywt.dwt2(x, "db2", "reflect", axes=(1, 2))
    got = kw.dwt2(x, "db2", "reflect", axes=(1, 2))
    assert_same_structure_close(got, ref, 1e-12)
    assert_same_structure_close(kw.idwt2(ref, "db2", "reflect", axes=(1, 2)),
                                pywt.idwt2(ref, "db2", "reflect", axes=(1, 2)), 1e-12)
    # dwtn keys/order and repeated axes
    assert list(kw.dwtn(x, "haar", axes=(1, 2, 3))) == list(pywt.dwtn(x, "haar", axes=(1, 2, 3)))
    assert_same_structure_close(kw.dwtn(x, "sym3", "smooth", axes=(1, 1)),
                                pywt.dwtn(x, "sym3", "smooth", axes=(1, 1)), 1e-12)


def test_per_axis_wavelets_and_modes():
    x = RNG.standard_normal((7, 12))
    ref = pywt.dwtn(x, ("db2", "haar"), ("zero", "periodization"))
    got = kw.dwtn(x, ("db2", "haar"), ("zero", "periodization"))
    assert_same_structure_close(got, ref, 1e-12)
    assert_same_structure_close(kw.idwtn(ref, ("db2", "haar"), ("zero", "periodization")),
                                pywt.idwtn(ref, ("db2", "haar"), ("zero", "periodization")), 1e-12)


def test_idwt_with_missing_coefficients():
    cA, cD = pywt.dwt(RNG.standard_normal(11), "db3")
    assert_same_structure_close(kw.idwt(cA, None, "db3"), pywt.idwt(cA, None, "db3"), 1e-12)
    assert_same_structure_close(kw.idwt(None, cD, "db3"), pywt.idwt(None, cD, "db3"), 1e-12)
    c = pywt.dwtn(RNG.standard_normal((6, 7)), "db1")
    part = {"aa": c["aa"], "dd": c["dd"]}
    assert_same_structure_close(kw.idwtn(part, "db1"), pywt.idwtn(part, "db1"), 1e-12)


def test_dtypes_follow_pywt():
    x = RNG.standard_normal(10)
    assert kw.dwt(x.astype(np.float32), "db2")[0].dtype == tf.float32
    assert kw.dwt(x, "db2")[0].dtype == tf.float64
    assert kw.dwt(np.arange(10), "db2")[0].dtype == tf.float64  # ints -> float64 like pywt
    for half in (tf.float16, tf.bfloat16):  # pywt: float16 -> float32
        h = kw.dwt(tf.constant(x, half), "db2")[0]
        assert h.dtype == tf.float32
        np.testing.assert_allclose(h.numpy(), pywt.dwt(x, "db2")[0], atol=3e-2)
    assert kw.dwt(x.astype(np.float16), "db2")[0].dtype == tf.float32
    assert kw.dwt(x.astype(np.longdouble), "db2")[0].dtype == tf.float64
    assert kw.dwt(x.astype(np.clongdouble), "db2")[0].dtype == tf.complex128
    # mixed precision promotes (iswt like waverec)
    c = pywt.swt(x[:8], "db2", level=2)
    c[0] = (c[0][0].astype(np.float32), c[0][1])
    assert kw.iswt(c, "db2").dtype == tf.float64
    np.testing.assert_allclose(kw.iswt(c, "db2").numpy(), x[:8], atol=1e-5)


def test_pywt_edge_semantics():
    """Level-0 reflect on a length-1 axis, empty input, repeated axes, integer modes."""
    one = np.ones((1, 5))
    out = kw.wavedec(one[0, :1], "db2", "reflect")
    assert len(out) == 1 and out[0].numpy().tolist() == [1.0]
    assert len(kw.wavedecn(one, "db1", "antireflect")) == 1
    with pytest.raises(ValueError, match="reflect"):
        kw.wavedec(one[0, :1], "db2", "reflect", level=1)
    empty = kw.wavedec(np.array([]), "db1")
    assert len(empty) == 1 and empty[0].shape == (0,)
    with pytest.raises(ValueError, match="size 0"):
        kw.swt(np.array([]), "db1")
    for fn in (kw.wavedecn, kw.wavedec2):
        with pytest.raises(ValueError, match="unique"):
            fn(np.ones((4, 4)), "db1", axes=(0, 0))
    with pytest.raises(ValueError, match="unique"):
        kw.waverecn(kw.wavedecn(np.ones((4, 4)), "db1", level=1), "db1", axes=(1, 1))
    for name in pywt.Modes.modes:
        code = getattr(pywt.Modes, name)
        x = RNG.standard_normal(9)
        assert_same_structure_close(kw.dwt(x, "db2", code), pywt.dwt(x, "db2", name), 1e-12)
    with pytest.raises(TypeError, match="mode"):
        kw.dwt(np.ones(4), "db1", None)
    with pytest.warns(UserWarning, match="No levels"):
        assert kw.swt_max_level(11) == 0


def test_complex_input_matches_pywt():
    z = RNG.standard_normal((3, 14)) + 1j * RNG.standard_normal((3, 14))
    ref = pywt.wavedec(z, "sym4", "antisymmetric", level=2)
    got = kw.wavedec(z, "sym4", "antisymmetric", level=2)
    assert got[0].dtype == tf.complex128
    assert_same_structure_close(got, ref, 1e-12)
    assert_same_structure_close(kw.waverec(ref, "sym4", "antisymmetric"),
                                pywt.waverec(ref, "sym4", "antisymmetric"), 1e-12)
    assert_same_structure_close(kw.swt(z[:, :8], "db2", level=2), pywt.swt(z[:, :8], "db2", level=2), 1e-12)


def test_user_filter_banks():
    bank = pywt.Wavelet("bior2.2").filter_bank
    custom = pywt.Wavelet("mine", filter_bank=bank)
    x = RNG.standard_normal(23)
    ref = pywt.wavedec(x, custom, "symmetric", level=2)
    for w in (bank, [np.asarray(f) for f in bank], custom, kw.FilterBank(*bank)):
        assert_same_structure_close(kw.wavedec(x, w, "symmetric", level=2), ref, 1e-12)
    fb = kw.get_wavelet(custom)
    assert fb.dec_len == 6 and fb.filter_bank == tuple(list(f) for f in bank)
    # a user bank that is not from pywt: scaled haar
    s = 1 / np.sqrt(2)
    mine = ([s, s], [-s, s], [s, s], [s, -s])
    assert_same_structure_close(kw.dwt(x, mine, "zero"), pywt.dwt(x, "haar", "zero"), 1e-12)


def test_tf_function_dynamic_sizes_no_retrace():
    traces = []

    @tf.function(input_signature=[tf.TensorSpec([None, None, None], tf.float32)], reduce_retracing=True)
    def roundtrip(x):
        traces.append(1)
        c = kw.wavedec2(x, "db3", "smooth", level=2)
        return c, kw.waverec2(c, "db3", "smooth")

    for shape in [(2, 9, 14), (1, 20, 7), (3, 16, 16)]:
        x = RNG.standard_normal(shape).astype(np.float32)
        c, rec = roundtrip(x)
        assert_same_structure_close(c, pywt.wavedec2(x.astype(np.float64), "db3", "smooth", level=2), 1e-5)
        np.testing.assert_allclose(np.asarray(rec)[:, : shape[1], : shape[2]], x, atol=1e-4)
    assert len(traces) == 1


@pytest.mark.parametrize("mode", pywt.Modes.modes)
def test_tf_function_dynamic_every_mode(mode):
    f = tf.function(lambda x: kw.dwt(x, "db2", mode), input_signature=[tf.TensorSpec([None, None], tf.float64)])
    g = tf.function(lambda a, d: kw.idwt(a, d, "db2", mode), input_signature=[tf.TensorSpec([None, None], tf.float64)] * 2)
    for n in (2, 3, 8):  # 2: pads longer than the signal (gather branch of tf.cond)
        x = RNG.standard_normal((2, n))
        ref = pywt.dwt(x, "db2", mode)
        assert_same_structure_close(f(x), ref, 1e-12)
        assert_same_structure_close(g(*ref), pywt.idwt(*ref, "db2", mode), 1e-12)


@pytest.mark.parametrize("mode", ["periodization", "smooth", "antireflect"])
def test_gradients_match_finite_differences(mode):
    x = tf.constant(RNG.standard_normal((4, 5)))

    @tf.function
    def f(x):
        cA, (cH, cV, cD) = kw.dwt2(x, "db2", mode)
        return tf.concat([tf.reshape(t, [-1]) for t in (cA, cH, cV, cD)], 0)

    theo, num = tf.test.compute_gradient(f, [x])
    np.testing.assert_allclose(theo[0], num[0], atol=1e-7)
    c = pywt.dwt2(np.asarray(x), "db2", mode)
    coeffs = [tf.constant(c[0])] + [tf.constant(t) for t in c[1]]
    theo, num = tf.test.compute_gradient(
        tf.function(lambda a, h, v, d: kw.idwt2((a, (h, v, d)), "db2", mode)), coeffs
    )
    for t_, n_ in zip(theo, num):
        np.testing.assert_allclose(t_, n_, atol=1e-7)


def test_gradient_swt_and_multilevel():
    x = tf.constant(RNG.standard_normal(8))
    f = tf.function(lambda x: tf.concat(kw.swt(x, "db2", level=2, trim_approx=True), 0))
    theo, num = tf.test.compute_gradient(f, [x])
    np.testing.assert_allclose(theo[0], num[0], atol=1e-7)
    f = tf.function(lambda x: kw.waverec(kw.wavedec(x, "sym3", level=2), "sym3") ** 2)
    theo, num = tf.test.compute_gradient(f, [x])
    np.testing.assert_allclose(theo[0], num[0], atol=1e-6)


@pytest.mark.parametrize("mode", ["symmetric", "periodization"])
def test_inverse_routes_long_outer_axis(mode):
    """Outer axes use a matmul when short and convolutions when long: both match pywt."""
    for n in (40, 500):  # 500 -> coefficients of length > 192 along axis 0
        x = RNG.standard_normal((n, 3, 2))
        ref = pywt.wavedec(x, "db3", mode, level=2, axis=0)
        assert_same_structure_close(kw.wavedec(x, "db3", mode, level=2, axis=0), ref, 1e-12)
        assert_same_structure_close(kw.waverec(ref, "db3", mode, axis=0), pywt.waverec(ref, "db3", mode, axis=0), 1e-12)


@pytest.mark.parametrize("shape", [(), (1,), (7,), (1, 5), (5, 1), (3, 1, 4), (64, 1031)])
@pytest.mark.parametrize("dtype", ["float32", "float64", ">f8", "int16", "complex64", "float16"])
def test_numpy_input_is_copied_with_pywt_dtypes(shape, dtype):
    from kextras_sci.wavelets._common import _as_tensor

    a = np.asarray(RNG.standard_normal(shape) * 10).astype(dtype)
    t = _as_tensor(a)
    ref = np.asarray(a, dtype=np.result_type(a.dtype, np.float32) if a.dtype.itemsize > 2 else np.float32)
    if a.dtype.kind == "i":
        ref = a.astype(np.float64)
    assert t.shape == a.shape and t.dtype.as_numpy_dtype == ref.dtype.newbyteorder("=")
    np.testing.assert_array_equal(t.numpy(), ref)
    if a.size:  # a copy: later writes to the caller's array do not reach the tensor
        before = t.numpy().copy()
        a[...] = 0
        np.testing.assert_array_equal(t.numpy(), before)
    # a strided view converts to the same values
    v = np.asarray(RNG.standard_normal((6, 8)), dtype="float32")[:, ::2]
    np.testing.assert_array_equal(_as_tensor(v).numpy(), v)
