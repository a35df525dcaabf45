"""Eager inverse kernels over large inputs run on slices of the leading axis
(``_blocked.in_batches``: the grouped matmul and the blocked synthesis), so that their
gathered copies and outputs fit into freed buffers; traced programs call each kernel once.
Checked with a tiny ``EAGER_BATCH_BYTES`` (every kernel split): the slices each call gets,
weak references to the bands (freed once sliced, nothing held after the call), results and
gradients against PyWavelets (float64)."""

import weakref

import numpy as np
import pytest
import pywt
import tensorflow as tf

import kextras_sci.wavelets as kw
from kextras_sci.wavelets import _blocked, _passes

RNG = np.random.default_rng(11)


pytestmark = pytest.mark.usefixtures("fresh_programs")


@pytest.fixture
def batches(monkeypatch):
    """Leading sizes each kernel call gets (``(kernel, P)``), with every eager kernel split."""
    monkeypatch.setattr(_blocked, "EAGER_BATCH_BYTES", 64)
    seen = []
    for owner, name in ((_passes, "_matmul_synthesis_one"), (_blocked, "_block_synthesis_one")):
        fn = getattr(owner, name)

        def spied(a, d, *args, _fn=fn, _name=name, **kwargs):
            seen.append((_name, (a[0] if isinstance(a, list) else a).shape[0]))
            return _fn(a, d, *args, **kwargs)

        monkeypatch.setattr(owner, name, spied)
    return seen


def test_in_batches_slices_the_leading_axis_and_frees_the_bands(monkeypatch):
    monkeypatch.setattr(_blocked, "EAGER_BATCH_BYTES", 400)
    a, d = (RNG.standard_normal((7, 5, 3)) for _ in range(2))
    box_a, box_d = [tf.constant(a)], [tf.constant(d)]
    refs = [weakref.ref(box_a[0]), weakref.ref(box_d[0])]
    seen = []

    def kernel(x, y):
        x, y = x.pop(), y.pop()
        seen.append(x.shape[0])
        return x - 2 * y

    out = _blocked.in_batches(kernel, box_a, box_d)
    # 7 * 5 * 3 * 2 float64 = 1680 bytes over 400: 4 slices of 1-2 rows
    assert seen == [1, 2, 2, 2] and box_a == box_d == []
    assert [r() for r in refs] == [None, None]
    np.testing.assert_array_equal(out, a - 2 * d)


def test_in_batches_is_one_call_in_a_traced_program(monkeypatch):
    monkeypatch.setattr(_blocked, "EAGER_BATCH_BYTES", 1)
    seen = []

    def kernel(x, y):
        x, y = x.pop(), y.pop()
        seen.append(x.shape[0])
        return x + y

    f = tf.function(lambda a, d: _blocked.in_batches(kernel, [a], [d]))
    x = RNG.standard_normal((6, 4))
    np.testing.assert_array_equal(f(x, x), 2 * x)
    assert seen == [6]


@pytest.mark.parametrize("mode", ["symmetric", "periodization", "reflect", "zero"])
@pytest.mark.parametrize("shape", [(3, 2, 40, 36), (2, 3, 33, 41)])
def test_waverec2_in_batches_matches_pywt(mode, shape, batches):
    x = RNG.standard_normal(shape)
    coeffs = pywt.wavedec2(x, "db3", mode, level=2)
    got = kw.waverec2(coeffs, "db3", mode)
    np.testing.assert_allclose(np.asarray(got), pywt.waverec2(coeffs, "db3", mode), atol=1e-12)
    # the outer axis by the grouped matmul, each eager call on one row of the 6
    assert ("_matmul_synthesis_one", 1) in batches and all(p == 1 for _, p in batches)
    eager = len(batches)
    traced = kw.waverec2(coeffs, "db3", mode)  # the second call traces the program
    np.testing.assert_allclose(np.asarray(traced), np.asarray(got), atol=1e-12)
    assert 0 < len(batches) - eager < eager and all(p > 1 for _, p in batches[eager:])


@pytest.mark.parametrize("mode", ["symmetric", "periodization", "antisymmetric"])
@pytest.mark.parametrize("n", [300, 301])
def test_waverec_in_batches_matches_pywt(mode, n, batches):
    x = RNG.standard_normal((5, n))
    coeffs = pywt.wavedec(x, "db4", mode, level=3)
    got = kw.waverec(coeffs, "db4", mode)
    np.testing.assert_allclose(np.asarray(got), pywt.waverec(coeffs, "db4", mode), atol=1e-12)
    assert ("_block_synthesis_one", 1) in batches  # split down to single rows


def test_waverec_gradient_in_batches_is_the_adjoint(batches):
    """Orthogonal db4 with periodization: the inverse is the transpose of the analysis, so
    the gradient of <w, waverec(c)> is wavedec(w) (PyWavelets)."""
    x = RNG.standard_normal((4, 256))
    w = RNG.standard_normal((4, 256))
    coeffs = [tf.constant(c) for c in pywt.wavedec(x, "db4", "periodization", level=3)]
    with tf.GradientTape() as tape:
        tape.watch(coeffs)
        y = tf.reduce_sum(kw.waverec(coeffs, "db4", "periodization") * w)
    grads = tape.gradient(y, coeffs)
    assert batches
    for g, r in zip(grads, pywt.wavedec(w, "db4", "periodization", level=3)):
        np.testing.assert_allclose(np.asarray(g), r, atol=1e-12)
