"""The traced programs behind the eager calls (``_programs``): same results as PyWavelets on
the eager and the traced tier, tiering (a new signature costs no trace), bounds, threads,
warnings, and the calls that must stay eager."""

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import pywt
import tensorflow as tf

import kextras_sci.wavelets as kw
from kextras_sci.wavelets import _programs
from kextras_sci.wavelets._programs import PROGRAMS, ProgramCache

RNG = np.random.default_rng(21)


pytestmark = pytest.mark.usefixtures("fresh_programs")


def _close(a, b):
    for x, y in zip(tf.nest.flatten(a), tf.nest.flatten(b)):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), atol=1e-12)


@pytest.mark.parametrize("mode", ["symmetric", "periodization", "zero", "reflect"])
def test_every_tier_matches_pywt(mode):
    x1 = RNG.standard_normal((3, 77))
    x2 = RNG.standard_normal((2, 3, 21, 30))
    for _ in range(3):  # eager, trace, traced
        _close(kw.wavedec(x1, "db3", mode, level=2), pywt.wavedec(x1, "db3", mode, level=2))
        c = pywt.wavedec(x1, "db3", mode, level=2)
        _close(kw.waverec(c, "db3", mode), pywt.waverec(c, "db3", mode))
        c2 = pywt.wavedec2(x2, "sym4", mode, level=2)
        k2 = kw.wavedec2(x2, "sym4", mode, level=2)
        assert isinstance(k2, list) and isinstance(k2[1], tuple)
        _close(k2, c2)
        _close(kw.waverec2(c2, "sym4", mode), pywt.waverec2(c2, "sym4", mode))
        a, d = pywt.dwt(x1, "bior2.4", mode)
        _close(kw.dwt(x1, "bior2.4", mode), (a, d))
        _close(kw.idwt(a, None, "bior2.4", mode), pywt.idwt(a, None, "bior2.4", mode))
        cn = pywt.dwtn(x2, "db2", mode, axes=(1, 3))
        _close(kw.idwtn(cn, "db2", mode, axes=(1, 3)), pywt.idwtn(cn, "db2", mode, axes=(1, 3)))


def test_first_call_of_a_signature_traces_nothing():
    x = RNG.standard_normal((4, 64)).astype(np.float32)
    kw.wavedec(x, "db4", level=2)
    assert PROGRAMS.traces == 0  # eager
    kw.wavedec(x, "db4", level=2)
    assert PROGRAMS.traces == 1  # second call: one trace
    kw.wavedec(x, "db4", level=2)
    kw.wavedec(tf.constant(x), "db4", level=2)  # a tensor of the same shape: same program
    assert PROGRAMS.traces == 1
    kw.wavedec(x[:, :50], "db4", level=2)  # new shape: eager again, no trace
    kw.wavedec(x.astype(np.float64), "db4", level=2)  # new dtype: likewise
    kw.wavedec(x, "db4", level=1)  # new static argument: likewise
    assert PROGRAMS.traces == 1


def test_cache_is_bounded_and_least_recently_used_goes():
    cache = ProgramCache(maxsize=2)
    body = lambda t: t + 1.0  # noqa: E731
    one = tf.constant(1.0)
    for key in ("a", "b", "a", "c"):
        cache.call(key, body, [one])
    assert len(cache) == 2
    assert list(cache._entries) == ["a", "c"]


def test_warnings_are_reemitted_by_traced_calls():
    x = RNG.standard_normal(20)
    for _ in range(4):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            kw.wavedec(x, "db4", level=5)
        assert [str(w.message) for w in caught if "too high" in str(w.message)], caught


def test_uncacheable_calls_stay_eager():
    x = RNG.standard_normal((2, 40))
    bank = kw.get_wavelet("db2")
    w = pywt.Wavelet("db2")
    for _ in range(3):
        _close(kw.wavedec(x, bank, level=2), pywt.wavedec(x, "db2", level=2))
        _close(kw.wavedec(x, w, level=2), pywt.wavedec(x, "db2", level=2))
        _close(kw.dwt(list(x[0]), "db2"), pywt.dwt(x[0], "db2"))
    assert len(PROGRAMS) == 0


def test_inside_a_tf_function_no_program_is_made():
    x = tf.constant(RNG.standard_normal((2, 40)))
    f = tf.function(lambda t: kw.waverec(kw.wavedec(t, "db2", level=2), "db2"))
    for _ in range(3):
        np.testing.assert_allclose(f(x).numpy(), x.numpy(), atol=1e-12)
    assert len(PROGRAMS) == 0


def test_gradients_through_the_traced_tier():
    x = tf.constant(RNG.standard_normal((2, 24)))
    flat = lambda c: np.concatenate([np.ravel(t) for t in c])  # noqa: E731
    w = RNG.standard_normal(flat(pywt.wavedec(x.numpy(), "db2", level=2)).shape)
    # d/dx sum(w * W x) = W^T w, W from pywt applied to unit vectors
    eye = np.eye(48).reshape(48, 2, 24)
    ref = np.array([flat(pywt.wavedec(e, "db2", level=2)) @ w for e in eye]).reshape(2, 24)
    for _ in range(3):
        with tf.GradientTape() as tape:
            tape.watch(x)
            c = kw.wavedec(x, "db2", level=2)
            loss = tf.reduce_sum(tf.concat([tf.reshape(t, [-1]) for t in c], 0) * w)
        np.testing.assert_allclose(tape.gradient(loss, x).numpy(), ref, atol=1e-10)


def test_concurrent_first_calls_and_traces():
    xs = [RNG.standard_normal((2, n)) for n in (33, 40, 33, 40, 33, 40, 33, 40)]

    def run(x):
        return kw.waverec(kw.wavedec(x, "db2", "symmetric", level=2), "db2", "symmetric")

    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(run, xs))
    for x, out in zip(xs, outs):
        np.testing.assert_allclose(out.numpy()[:, : x.shape[1]], x, atol=1e-12)
    assert len(PROGRAMS) <= 8


def test_static_keys_are_by_value():
    assert _programs._static_key(("db2", 1)) == _programs._static_key(("db2", 1))
    assert _programs._static_key(1) != _programs._static_key(True)
    with pytest.raises(_programs._Uncacheable):
        _programs._static_key(object())


def test_bad_call_arguments_raise_as_the_plain_function():
    x = RNG.standard_normal((2, 40))
    for args, kwargs in [((x,), {}), ((x, "db2"), {"bogus": 1}), ((x, "db2"), {"data": x}),
                         ((x, "db2", "symmetric", 1, -1, 0), {})]:
        with pytest.raises(TypeError) as plain:
            kw.wavedec.uncompiled(*args, **kwargs)
        for _ in range(2):
            with pytest.raises(TypeError) as wrapped:
                kw.wavedec(*args, **kwargs)
            assert str(wrapped.value) == str(plain.value)
    assert len(PROGRAMS) == 0


def test_dict_coefficients_in_any_key_order_share_a_program():
    x = RNG.standard_normal((3, 20, 18))
    c = pywt.dwtn(x, "db2", "zero", axes=(1, 2))
    ref = pywt.idwtn(c, "db2", "zero", axes=(1, 2))
    orders = [sorted(c), sorted(c, reverse=True), ["da", "aa", "dd", "ad"]]
    for order in orders * 2:  # eager, trace, traced in every order
        out = kw.idwtn({k: c[k] for k in order}, "db2", "zero", axes=(1, 2))
        np.testing.assert_allclose(out.numpy(), ref, atol=1e-12)
    assert PROGRAMS.traces == 1
    cn = {"a": c["aa"], "d": None}  # None is a value of the key, not an array
    for _ in range(3):
        out = kw.idwtn(cn, "db2", "zero", axes=(1,))
        np.testing.assert_allclose(out.numpy(), pywt.idwtn(cn, "db2", "zero", axes=(1,)), atol=1e-12)
