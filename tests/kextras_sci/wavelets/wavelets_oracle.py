"""Helpers shared by the wavelet function tests: compare kextras output with PyWavelets."""

import numpy as np


def to_numpy(obj):
    """Convert nested lists/tuples/dicts of tensors to the same structure of numpy arrays."""
    if isinstance(obj, dict):
        return {k: to_numpy(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_numpy(v) for v in obj)
    return np.asarray(obj)


def assert_same_structure_close(got, ref, rtol_scale, path="coeffs"):
    """Same structure, same shapes, values within ``rtol_scale * max(1, max|ref|)``.

    Returns the max abs error seen.
    """
    got, ref = to_numpy(got), to_numpy(ref)
    flat_ref = _flatten(ref)
    scale = max([1.0] + [float(np.max(np.abs(r))) for r in flat_ref if np.size(r)])
    return _compare(got, ref, rtol_scale * scale, path)


def _flatten(obj):
    if isinstance(obj, dict):
        return [x for k in sorted(obj) for x in _flatten(obj[k])]
    if isinstance(obj, (list, tuple)):
        return [x for v in obj for x in _flatten(v)]
    return [obj]


def _compare(got, ref, atol, path):
    if isinstance(ref, dict):
        assert isinstance(got, dict), f"{path}: expected dict, got {type(got)}"
        assert list(got.keys()) == list(ref.keys()), f"{path}: keys {list(got)} != {list(ref)}"
        return max([0.0] + [_compare(got[k], ref[k], atol, f"{path}[{k!r}]") for k in ref])
    if isinstance(ref, (list, tuple)):
        assert isinstance(got, (list, tuple)), f"{path}: expected sequence, got {type(got)}"
        assert len(got) == len(ref), f"{path}: length {len(got)} != {len(ref)}"
        return max([0.0] + [_compare(g, r, atol, f"{path}[{i}]") for i, (g, r) in enumerate(zip(got, ref))])
    assert got.shape == ref.shape, f"{path}: shape {got.shape} != pywt {ref.shape}"
    if got.size == 0:
        return 0.0
    err = float(np.max(np.abs(got.astype(np.complex128) - ref.astype(np.complex128))))
    assert err <= atol, f"{path}: max abs error {err:.3e} > {atol:.3e}"
    return err
