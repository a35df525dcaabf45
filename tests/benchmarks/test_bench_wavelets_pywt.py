"""The wavelet benchmark times what it claims: every library's call on every case gives
pywt's coefficients (small inputs of the same layout), and the probe's fields are there."""

import importlib.util
import os
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_wavelets_pywt", ROOT / "benchmarks" / "bench_wavelets_pywt.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_wavelets_pywt", module)
    saved = dict(os.environ)
    try:
        spec.loader.exec_module(module)  # sets the thread variables of a benchmark run
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return module


def _small(shape, axes):
    """Batch 2 and the smallest sizes at which the case's level is not "too high"."""
    out = list(shape)
    out[0] = 2
    for a in axes:
        out[a] = 128 if len(axes) == 2 else 512
    return tuple(out)


# ptwt is a benchmark competitor (benchmarks/requirements-wavelets.txt), not a test dependency:
# its case runs with the benchmark-like tests (-m slow), in the environment of `make bench`
@pytest.mark.parametrize("lib", ["kextras", "kextras_tf_function", pytest.param("ptwt", marks=pytest.mark.slow)])
def test_every_case_matches_pywt(bench, lib):
    if lib == "ptwt":
        pytest.importorskip("ptwt")
    mods = {"pywt": bench.setup_threads("pywt"),
            lib: bench.setup_threads(lib if lib != "kextras_tf_function" else "kextras")}
    for name, (fn, shape, wavelet, level, mode, axes) in bench.CASES.items():
        # untuned cases at their own (odd, short) sizes, batch 2
        small = (2,) + shape[1:] if name in bench.UNTUNED else _small(shape, axes)
        inp = bench.make_input(name, small, seed=3)
        ref = bench.runner("pywt", name, mods["pywt"])(inp)
        run = bench.runner(lib, name, mods[lib])
        if isinstance(run, tuple):  # ptwt without this mode: said so, and only then
            assert lib == "ptwt" and mode not in bench.PTWT_MODES and "ptwt has no" in run[1]
            continue
        got = run(inp)
        assert [g.shape for g in got] == [r.shape for r in ref], name
        for g, r in zip(got, ref):
            np.testing.assert_allclose(g, r, rtol=0, atol=2e-5, err_msg=name)


def test_new_shape_keeps_levels_valid(bench):
    for name, (fn, shape, wavelet, level, mode, axes) in bench.CASES.items():
        new = bench.new_shape(name)
        assert new != shape and new[0] == shape[0] // 2
        if all(shape[a] % 2 ** level == 0 for a in axes):
            assert all(new[a] % 2 ** level == 0 for a in axes), name


def test_untuned_cases_run_only_when_asked(bench):
    assert not set(bench.select_cases(None)) & set(bench.UNTUNED)
    assert set(bench.select_cases("untuned")) == set(bench.UNTUNED)
    assert bench.select_cases("untuned waverec2") == [n for n in bench.UNTUNED if "waverec2" in n]
    assert not set(bench.select_cases("waverec2")) & set(bench.UNTUNED)
    assert all(bench.case_label(n).endswith("(untuned)") for n in bench.UNTUNED)


def test_spread_and_error(bench):
    assert bench.spread([3.0, 1.0, 2.0]) == {"min": 1.0, "median": 2.0, "max": 3.0}
    a = [np.zeros((2, 3)), np.ones(4)]
    assert bench.max_err(a, [np.zeros((2, 3)), np.full(4, 1.5)]) == 0.5
    assert "shapes differ" in bench.max_err(a, [np.zeros((3, 2)), np.ones(4)])


@pytest.mark.parametrize("lib", ["kextras", "pywt"])
def test_probe_reports_runtime_start_apart_from_first_call(bench, lib):
    """TensorFlow's one-time start is its own field; pywt (no runtime) has none."""
    bench.setup_threads(lib)
    row = bench.probe(lib, "dwt2 symmetric", seed=0)
    for key in ("first_s", "first_cpu_s", "second_s", "new_shape_first_s", "peak_added_first_mb",
                "peak_added_steady_mb"):
        assert isinstance(row[key], (int, float)) and row[key] >= 0, key
    start = {k for k in row if k.startswith("runtime_start")}
    if lib == "pywt":
        assert start == set()
    else:
        assert start == {"runtime_start_s", "runtime_start_cpu_s", "runtime_start_peak_mb"}
        assert row["runtime_start_s"] >= 0 and row["runtime_start_peak_mb"] >= 0


def test_aligned_inputs_are_the_same_values_on_64_byte_boundaries(bench):
    for name, (fn, shape, wavelet, level, mode, axes) in bench.CASES.items():
        plain = bench.make_input(name, _small(shape, axes), seed=3)
        moved = bench.make_input(name, _small(shape, axes), seed=3, align=True)
        assert type(moved) is type(plain)
        if isinstance(plain, list):
            assert [type(c) for c in moved] == [type(c) for c in plain]
        for a, b in zip(bench.flat(moved), bench.flat(plain)):
            assert a.ctypes.data % 64 == 0
            np.testing.assert_array_equal(a, b)


@pytest.mark.slow
def test_memory_trace_names_the_ops_and_frames():
    import subprocess

    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(ROOT))
    res = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "trace_wavelets_memory.py"), "dwt2 symmetric"],
                         capture_output=True, text=True, timeout=300, env=env)
    assert res.returncode == 0, res.stderr[-2000:]
    lines = res.stdout.splitlines()
    assert lines[0].startswith("# dwt2 32x256x256x3 haar L1 symmetric") and "peak added" in lines[0]
    ops = [ln.split() for ln in lines[1:]]
    assert ops and all(op[1] == "rss" and op[3] == "peak" and "wavelets" not in op[0] for op in ops)
    assert any("_passes.py" in ln for ln in lines[1:])
