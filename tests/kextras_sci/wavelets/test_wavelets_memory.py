"""Eager calls hold no copy of an input they are done with (``_programs`` passes NumPy
arrays through; ``wavedecn`` drops its input after level 1, ``waverecn`` converts each
level's coefficients when it runs, ``_idwtn``/``_synthesis_list`` drop each band once its
pass consumed it; the passes get their inputs handed over, ``_handover``, and free them
once extended). Checked by weak references to every tensor ``_from_numpy`` makes (the
NumPy copies) and to the tensors the passes hand on, results against PyWavelets. Aligned NumPy arrays are read in place where
every output is computed (``share``): mutating any input afterwards changes no output."""

import weakref

import numpy as np
import pytest
import pywt
import tensorflow as tf

import kextras_sci.wavelets as kw
from kextras_sci.wavelets import _blocked, _common, _dwt, _multilevel, _passes
from wavelets_oracle import _flatten as _flat

RNG = np.random.default_rng(5)


pytestmark = pytest.mark.usefixtures("fresh_programs")


@pytest.fixture
def copies(monkeypatch):
    """Weak references to the tensors made from NumPy arrays, in creation order."""
    made = []
    original = _common._from_numpy

    def recording(*args):
        t = original(*args)
        made.append(weakref.ref(t))
        return t

    monkeypatch.setattr(_common, "_from_numpy", recording)
    return made


def _spy(monkeypatch, owner, name, record):
    """Make ``owner.name`` call ``record()`` each time before it runs."""
    fn = getattr(owner, name)

    def spied(*args, **kwargs):
        record()
        return fn(*args, **kwargs)

    monkeypatch.setattr(owner, name, spied)


def _alive(refs):
    return sum(r() is not None for r in refs)


def _close(got, ref):
    for g, r in zip(got, ref):
        np.testing.assert_allclose(np.asarray(g), r, atol=1e-12)


@pytest.mark.parametrize("mode", ["symmetric", "periodization"])
def test_wavedec_frees_the_input_copy_after_level_one(mode, copies, monkeypatch):
    seen = []
    _spy(monkeypatch, _multilevel, "_analysis_pair", lambda: seen.append(_alive(copies)))
    x = RNG.standard_normal((3, 300))
    got = kw.wavedec(x, "db4", mode, level=3)
    assert len(copies) == 1 and seen == [1, 0, 0]
    _close(got, pywt.wavedec(x, "db4", mode, level=3))


def test_wavedec2_frees_the_input_copy_after_level_one(copies, monkeypatch):
    seen = []
    _spy(monkeypatch, _multilevel, "_analysis_bands", lambda: seen.append(_alive(copies)))
    x = RNG.standard_normal((2, 40, 36))
    got = kw.wavedec2(x, "sym3", "symmetric", level=2)
    assert seen == [1, 0]
    ref = pywt.wavedec2(x, "sym3", "symmetric", level=2)
    _close([got[0]] + [b for t in got[1:] for b in t], [ref[0]] + [b for t in ref[1:] for b in t])


@pytest.mark.parametrize("mode", ["symmetric", "periodization"])
def test_waverec2_holds_only_the_running_levels_copies(mode, copies, monkeypatch):
    seen = []
    _spy(monkeypatch, _multilevel, "_idwtn", lambda: seen.append((len(copies), _alive(copies))))
    passes = []
    _spy(monkeypatch, _dwt._passes, "synthesis_pair", lambda: passes.append(_alive(copies)))
    c = pywt.wavedec2(RNG.standard_normal((2, 50, 44)), "db2", mode, level=3)
    got = kw.waverec2(c, "db2", mode)
    # level 1: cA3 and its 3 details were copied, later levels copy their 3 details only
    assert seen == [(4, 4), (7, 3), (10, 3)]
    assert _alive(copies) == 0  # nothing is held past the call
    # each level's second pass runs after the first consumed the level's copies
    assert passes[-1] == 0
    np.testing.assert_allclose(got.numpy(), pywt.waverec2(c, "db2", mode), atol=1e-12)


def test_waverec_frees_each_detail_copy_once_used(copies, monkeypatch):
    seen = []
    _spy(monkeypatch, _multilevel, "_synthesis_list", lambda: seen.append(_alive(copies)))
    c = pywt.wavedec(RNG.standard_normal((2, 130)), "db3", "symmetric", level=3)
    got = kw.waverec(c, "db3", "symmetric")
    assert seen == [2, 1, 1] and _alive(copies) == 0
    np.testing.assert_allclose(got.numpy(), pywt.waverec(c, "db3", "symmetric"), atol=1e-12)


def _recorder(monkeypatch, owner, name, refs):
    """Make ``owner.name`` keep a weak reference to its first (tensor) argument in ``refs``."""
    fn = getattr(owner, name)

    def recording(x, *args, **kwargs):
        refs.append(weakref.ref(x))
        return fn(x, *args, **kwargs)

    monkeypatch.setattr(owner, name, recording)


ANALYSES = {
    "wavedec2": (lambda x, mode: kw.wavedec2(x, "db3", mode, level=2), pywt.wavedec2, (3, 40, 36)),
    "dwt2": (lambda x, mode: kw.dwt2(x, "db2", mode), pywt.dwt2, (2, 30, 34)),
    "wavedec": (lambda x, mode: kw.wavedec(x, "db4", mode, level=2), pywt.wavedec, (3, 300)),
}


@pytest.mark.parametrize("mode", ["symmetric", "periodization"])
@pytest.mark.parametrize("fn", sorted(ANALYSES))
def test_analysis_passes_free_their_input_once_extended(fn, mode, copies, monkeypatch):
    """Every filter op of an analysis runs after the input's copy and every tensor a pass
    extended are freed (the pass got them handed over, nothing else holds them)."""
    extended, seen = [], []
    for owner in (_passes, _blocked):
        _recorder(monkeypatch, owner, "extend", extended)
    check = lambda: seen.append((_alive(copies), _alive(extended), len(extended)))  # noqa: E731
    _spy(monkeypatch, _passes, "_filt", check)
    fwd = tf.nn.conv1d
    monkeypatch.setattr(tf.nn, "conv1d", lambda *a, **k: (check(), fwd(*a, **k))[1])
    run, ref, shape = ANALYSES[fn]
    x = RNG.standard_normal(shape)
    got = run(x, mode)
    assert seen and all(c == 0 and e == 0 and n > 0 for c, e, n in seen), seen
    flat = lambda c: [c[0]] + [b for t in c[1:] for b in (t if isinstance(t, tuple) else [t])]  # noqa: E731
    want = ref(x, "db3" if fn == "wavedec2" else "db2" if fn == "dwt2" else "db4", mode,
               **({} if fn == "dwt2" else {"level": 2}))
    _close(flat(got), flat(want))


def test_depthwise_pass_frees_its_extension_before_stacking(monkeypatch):
    """The outer-axis pass's extension is freed after its depthwise convolutions, before
    their outputs are stacked."""
    inputs, seen = [], []
    _recorder(monkeypatch, tf.nn, "depthwise_conv2d", inputs)
    stack = tf.stack
    monkeypatch.setattr(tf, "stack", lambda *a, **k: (seen.append(_alive(inputs)), stack(*a, **k))[1])
    x = RNG.standard_normal((2, 40, 36))
    got = kw.dwt2(x, "db2")
    assert len(inputs) == 2 and seen == [0]
    ref = pywt.dwt2(x, "db2")
    _close([got[0], *got[1]], [ref[0], *ref[1]])


def _handed(monkeypatch, owner, name, refs, boxes):
    """Make ``owner.name`` keep weak references to its two band arguments in ``refs`` (the
    tensors inside them when ``boxes``) without holding the bands while it runs."""
    fn = getattr(owner, name)

    def recording(a, d, *args):
        refs.extend(weakref.ref(t[0] if boxes else t) for t in (a, d))
        if boxes:  # the call's argument tuple holds the boxes only
            return fn(a, d, *args)
        pair = [a, d]
        a = d = None
        return fn(pair.pop(0), pair.pop(0), args[0])  # a plain call: nothing else holds them

    monkeypatch.setattr(owner, name, recording)


@pytest.mark.parametrize("mode", ["symmetric", "periodization"])
@pytest.mark.parametrize("fn", ["waverec", "waverec2"])
def test_synthesis_kernels_free_their_bands_once_gathered(fn, mode, monkeypatch):
    """The bands handed to the blocked, flat and matmul inverses are freed before their
    convolution or matmul runs."""
    handed, seen = [], []
    _handed(monkeypatch, _passes, "_block_synthesis", handed, boxes=True)
    _handed(monkeypatch, _passes, "_matmul_synthesis", handed, boxes=True)
    _handed(monkeypatch, _blocked, "flat_synthesis", handed, boxes=False)
    for owner, name in ((tf.nn, "conv2d"), (tf.linalg, "matmul")):
        op = getattr(owner, name)
        monkeypatch.setattr(owner, name, lambda *a, _op=op, **k: (seen.append(_alive(handed)), _op(*a, **k))[1])
    if fn == "waverec":
        c = pywt.wavedec(RNG.standard_normal((3, 300)), "db4", mode, level=2)
        got, want = kw.waverec(c, "db4", mode), pywt.waverec(c, "db4", mode)
    else:
        c = pywt.wavedec2(RNG.standard_normal((2, 3, 40, 36)), "db2", mode, level=2)
        got, want = kw.waverec2(c, "db2", mode), pywt.waverec2(c, "db2", mode)
    assert handed and seen and set(seen) == {0}, seen
    np.testing.assert_allclose(got.numpy(), want, atol=1e-12)


def _aligned(shape, offset=0):
    """A float64 array whose data starts ``offset`` bytes past a 64-byte boundary."""
    n = int(np.prod(shape))
    buf = np.empty(n * 8 + 128, np.uint8)
    start = -buf.ctypes.data % 64 + offset
    return buf[start:start + n * 8].view(np.float64).reshape(shape)


def _shared(x, **kwargs):
    """Whether the tensor made from ``x`` sees a later change of ``x`` (no copy was made)."""
    t = _common._as_tensor(x, **kwargs)
    x.flat[0] += 1.0
    return t.numpy().flat[0] == x.flat[0]


def test_aligned_arrays_are_shared_only_when_asked():
    x = _aligned((4, 64))
    x[...] = RNG.standard_normal(x.shape)
    assert _shared(x, share=True)
    assert not _shared(x)
    assert not _shared(_aligned((4, 64), offset=8), share=True)
    assert not _shared(x.T, share=True)  # not C-ordered
    frozen = x.copy()
    frozen.flags.writeable = False
    np.testing.assert_array_equal(_common._as_tensor(frozen, share=True).numpy(), frozen)
    small = np.arange(6, dtype=np.int16)
    assert _common._as_tensor(small, share=True).dtype.name == "float64"
    half = np.ones(4, np.float16)
    assert _common._as_tensor(half, share=True).dtype.name == "float32"


def _inputs(offset):
    """A signal, 1D and 2D coefficients, in buffers ``offset`` bytes past 64-byte alignment."""
    x = _aligned((4, 64), offset)
    c1 = [_aligned((4, 33), offset), _aligned((4, 33), offset)]
    c2 = [_aligned((4, 10, 8), offset) for _ in range(4)]
    for a in [x] + c1 + c2:
        a[...] = RNG.standard_normal(a.shape)
    return x, c1, c2


def _calls(x, c1, c2):
    return [lambda: kw.wavedec(x, "db2", level=2), lambda: kw.wavedec(x, "db2", level=0),
            lambda: kw.wavedec(x, "db2", "periodization", level=2),
            lambda: kw.dwt2(x, "haar"), lambda: kw.dwt2(x, "db2"), lambda: kw.dwt(x, "db2"),
            lambda: kw.waverec([x], "db2"), lambda: kw.dwtn(x, "haar", axes=()),
            lambda: kw.dwtn(x, "haar", axes=1), lambda: kw.wavedec2(x, "db1", level=1),
            lambda: kw.wavedec2(x, "db2", "periodization", level=1), lambda: kw.wavedecn(x, "db1", level=1),
            lambda: kw.waverec(c1, "db2"), lambda: kw.waverec(c1, "db2", "periodization"),
            lambda: kw.idwt(c1[0], c1[1], "db2"), lambda: kw.idwt(c1[0], None, "db2"),
            lambda: kw.waverec2([c2[0], tuple(c2[1:])], "db2"),
            lambda: kw.waverec2([c2[0], tuple(c2[1:])], "db2", "periodization"),
            lambda: kw.idwt2((c2[0], tuple(c2[1:])), "db2"),
            lambda: kw.idwtn({"aa": c2[0], "dd": c2[3]}, "haar")]


@pytest.mark.parametrize("tier", ["eager", "traced"])
@pytest.mark.parametrize("offset", [0, 8])
def test_mutating_the_input_afterwards_changes_no_output(tier, offset):
    """Aligned inputs (offset 0) are read in place, others copied: in both, every output is
    the transform's own buffer."""
    x, c1, c2 = _inputs(offset)
    for call in _calls(x, c1, c2):
        if tier == "traced":
            call()
        out = call()
        before = [np.array(t) for t in _flat(out)]
        for arr in [x] + c1 + c2:
            arr[...] = RNG.standard_normal(arr.shape)
        _close(_flat(out), before)


@pytest.mark.parametrize("tier", ["eager", "traced"])
def test_every_transform_leaves_its_shared_input_unchanged(tier):
    """Aligned inputs are read in place (shared with TensorFlow): no transform writes into
    them, on either tier."""
    x, c1, c2 = _inputs(0)
    assert _shared(x, share=True)  # the inputs are read in place
    arrays = [x] + c1 + c2
    for call in _calls(x, c1, c2):
        before = [a.copy() for a in arrays]
        call()
        if tier == "traced":
            call()
        for a, b in zip(arrays, before):
            np.testing.assert_array_equal(a, b)
