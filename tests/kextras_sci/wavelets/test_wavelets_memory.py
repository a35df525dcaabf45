"""Eager calls hold no copy of an input they are done with (``_programs`` passes NumPy
arrays through; ``wavedecn`` drops its input after level 1, ``waverecn`` converts each
level's coefficients when it runs, ``_idwtn``/``_synthesis_list`` drop each band once its
pass consumed it). Checked by weak references to every tensor ``_from_numpy`` makes (the
NumPy copies), results against PyWavelets; mutating the input afterwards changes no output."""

import weakref

import numpy as np
import pytest
import pywt

import kextras_sci.wavelets as kw
from kextras_sci.wavelets import _common, _dwt, _multilevel
from kextras_sci.wavelets._programs import PROGRAMS

RNG = np.random.default_rng(5)


@pytest.fixture(autouse=True)
def _fresh_cache():
    PROGRAMS.clear()  # every call below is the eager first call of its signature
    yield
    PROGRAMS.clear()


@pytest.fixture
def copies(monkeypatch):
    """Weak references to the tensors made from NumPy arrays, in creation order."""
    made = []
    original = _common._from_numpy

    def recording(a):
        t = original(a)
        made.append(weakref.ref(t))
        return t

    monkeypatch.setattr(_common, "_from_numpy", recording)
    return made


def _alive(refs):
    return sum(r() is not None for r in refs)


def _close(got, ref):
    for g, r in zip(got, ref):
        np.testing.assert_allclose(np.asarray(g), r, atol=1e-12)


@pytest.mark.parametrize("mode", ["symmetric", "periodization"])
def test_wavedec_frees_the_input_copy_after_level_one(mode, copies, monkeypatch):
    seen = []
    pair = _multilevel._analysis_pair
    monkeypatch.setattr(_multilevel, "_analysis_pair", lambda *a: (seen.append(_alive(copies)), pair(*a))[1])
    x = RNG.standard_normal((3, 300))
    got = kw.wavedec(x, "db4", mode, level=3)
    assert len(copies) == 1 and seen == [1, 0, 0]
    _close(got, pywt.wavedec(x, "db4", mode, level=3))


def test_wavedec2_frees_the_input_copy_after_level_one(copies, monkeypatch):
    seen = []
    bands = _multilevel._analysis_bands
    monkeypatch.setattr(_multilevel, "_analysis_bands", lambda *a: (seen.append(_alive(copies)), bands(*a))[1])
    x = RNG.standard_normal((2, 40, 36))
    got = kw.wavedec2(x, "sym3", "symmetric", level=2)
    assert seen == [1, 0]
    ref = pywt.wavedec2(x, "sym3", "symmetric", level=2)
    _close([got[0]] + [b for t in got[1:] for b in t], [ref[0]] + [b for t in ref[1:] for b in t])


@pytest.mark.parametrize("mode", ["symmetric", "periodization"])
def test_waverec2_holds_only_the_running_levels_copies(mode, copies, monkeypatch):
    seen = []
    idwtn = _multilevel._idwtn
    monkeypatch.setattr(_multilevel, "_idwtn", lambda dd, *a: (seen.append((len(copies), _alive(copies))), idwtn(dd, *a))[1])
    pair = _dwt._passes.synthesis_pair
    passes = []
    monkeypatch.setattr(_dwt._passes, "synthesis_pair", lambda *a: (passes.append(_alive(copies)), pair(*a))[1])
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
    synth = _multilevel._synthesis_list
    monkeypatch.setattr(_multilevel, "_synthesis_list", lambda parts, *a: (seen.append(_alive(copies)), synth(parts, *a))[1])
    c = pywt.wavedec(RNG.standard_normal((2, 130)), "db3", "symmetric", level=3)
    got = kw.waverec(c, "db3", "symmetric")
    assert seen == [2, 1, 1] and _alive(copies) == 0
    np.testing.assert_allclose(got.numpy(), pywt.waverec(c, "db3", "symmetric"), atol=1e-12)


@pytest.mark.parametrize("tier", ["eager", "traced"])
def test_mutating_the_input_afterwards_changes_no_output(tier):
    x = RNG.standard_normal((4, 64))
    calls = [lambda: kw.wavedec(x, "db2", level=2), lambda: kw.wavedec(x, "db2", level=0),
             lambda: kw.dwt2(x, "haar"), lambda: kw.waverec([x], "db2"),
             lambda: kw.wavedec2(x, "db1", level=1)]
    for call in calls:
        if tier == "traced":
            call()
        out = call()
        before = [np.array(t) for t in _flat(out)]
        x[...] = RNG.standard_normal(x.shape)
        _close(_flat(out), before)


def _flat(obj):
    if isinstance(obj, (list, tuple)):
        return [a for item in obj for a in _flat(item)]
    return [obj]
