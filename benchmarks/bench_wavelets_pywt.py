"""kextras_sci.wavelets vs PyWavelets and ptwt: steady state, first call, new shape, memory.

One interleaved run, every library on ONE thread: the process is pinned to one core
(``os.sched_setaffinity``), ``OMP/MKL/OPENBLAS_NUM_THREADS=1``, TensorFlow one intra-op and
one inter-op thread, ``torch.set_num_threads(1)`` (ptwt), PyWavelets is single-threaded C.
Every call takes NumPy in and gives NumPy out (conversions counted on every side).

Cases (float32, ``numpy.random.default_rng(seed)`` standard normal, ``--seed`` default 0):
``wavedec2``/``waverec2`` 32x3x256x256 db4 level 4 in symmetric and periodization,
``wavedec``/``waverec`` 64x65536 db4 level 6 in symmetric and periodization, ``dwt2`` haar
32x256x256x3 (axes 1, 2: channels last). Untuned cases (``--cases untuned``, marked
"untuned" in the JSON and the tables): ``wavedec2``/``waverec2`` 8x2x500x376 level 3 sym5,
bior3.5, coif2; ``wavedec``/``waverec`` 16x10007 db6 level 5 symmetric, periodization,
reflect, 512x256 db2 level 3 and 12x100003 db4 level 5; ``wavedecn``/``waverecn`` 4x64x64x64
db2 level 2; ``wavedec2``/``waverec2`` channels last 8x500x376x3 sym5 level 3 on axes (1, 2). ptwt: ``ptwt.wavedec2(level=...)``/``wavedec``/
``waverec*`` with pywt's mode names (ptwt has no ``periodization``: those rows say so);
``dwt2`` is ``ptwt.wavedec2(level=1, axes=(1, 2))``.

Per case one JSON line (after an ``env`` line) with, per library:

* ``steady``: CPU and wall seconds of one call, ``min``/``median``/``max`` over ``repeats``
  rounds (each round calls every library once, rotating the order, after one warm-up call;
  ``gc.collect()`` before each call on a heap frozen after the warm-up, ``--full-gc``: not frozen);
  ``ratio_cpu``/``ratio_wall`` = median(kextras) / median(other), lower is better, and
  ``ratio_cpu_rounds`` = min/median/max of the per-round CPU ratios. ``kextras`` is the eager
  call (what a user types), ``kextras_tf_function`` the same call traced once in a
  ``tf.function``.
* ``first_call`` (unless ``--no-probe``): a FRESH subprocess per library and case, pinned and
  threaded the same way: ``import_s`` (library import), ``runtime_start_s`` /
  ``runtime_start_cpu_s`` / ``runtime_start_peak_mb`` (TensorFlow's or PyTorch's first op,
  ``zeros(4) + 1``: the runtime's one-time start, measured before the transform and
  reported on its own), ``first_s`` (then the first call on the case's input, compiles
  included), ``second_s`` (same shape again), ``new_shape_first_s`` /
  ``new_shape_second_s`` (a new input shape: half the batch, 7/8 of every transformed size,
  first and second call: a shape-polymorphic program costs no new compile), each also as
  process CPU time (``*_cpu_s``, the steadier number on a loaded machine), and memory:
  ``peak_added_first_mb`` = peak RSS during the first call minus RSS just before it
  (``/proc/self/status`` ``VmHWM`` after resetting it through ``/proc/self/clear_refs``;
  outputs kept alive until measured; glibc's mmap threshold fixed at 128 KiB so that freed
  blocks leave the resident set), ``peak_added_steady_mb`` the same for a later call;
  ``memory_ratio_first_with_start_vs_pywt`` adds the runtime start's peak to kextras' first.
* ``max_abs_err`` against pywt on the case's input.

Targets of issue #12: steady ``ratio_cpu`` vs pywt <= 0.5, ``first_s`` <= 0.5 s, peak memory
added <= 2x pywt's; untuned cases: no slower than pywt. Last runs (2026-12-02, seed 0, 7
repeats, load 2.8-3.8; issue cases at commit 432d094, untuned at e8a2e98;
``benchmarks/results/wavelets_pywt_{1d,2d,untuned}.jsonl``): steady kextras / pywt CPU
0.42-0.82 on the issue cases (<= 0.5 on ``dwt2``), 0.45-0.86 on the untuned 2D and 3D cases,
0.77-4.2 on the untuned 1D ones (commit fa84a8a, ``--no-probe``; fixed per-call costs,
input copies), first call 0.04-0.21 s CPU; memory (commit df92a08, load 2.9, 3 repeats,
``--no-ptwt``, ``benchmarks/results/wavelets_pywt_memory.jsonl``; the four inverse cases
again at 1ba7871, ``..._memory_batches.jsonl``): first call 1.14-1.95x pywt's (start:
4 MB), later calls 0.58-1.69x; the tables are in docs/wavelets/benchmarks.md.

    python benchmarks/bench_wavelets_pywt.py [--quick] [--repeats 7] [--seed 0] [--core N]
        [--cases wavedec2,dwt2 | --cases untuned] [--no-probe] [--no-ptwt] [--aligned] [--full-gc] > run.jsonl
    python benchmarks/bench_wavelets_pywt.py --table run.jsonl   # the docs' tables
"""

from __future__ import annotations

import os
import sys

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import argparse  # noqa: E402
import gc  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

LIBS = ("kextras", "pywt", "ptwt")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _wavelet_cases import (  # noqa: E402
    CASES, PTWT_MODES, UNTUNED, case_label, make_input, new_shape, select_cases,
)

#: ``--aligned``: every input array copied into a 64-byte aligned buffer (NumPy's own large
#: arrays start 16 bytes past a page boundary; kextras reads aligned arrays without a copy)
ALIGNED = False


def flat(obj):
    """Nested tuples/lists of arrays or tensors -> list of NumPy arrays, in order."""
    if isinstance(obj, (list, tuple)):
        return [a for item in obj for a in flat(item)]
    if isinstance(obj, dict):  # wavedecn's details, in key order
        return [a for k in sorted(obj) for a in flat(obj[k])]
    if hasattr(obj, "detach"):  # torch
        return [obj.detach().numpy()]
    return [np.asarray(obj)]


def setup_threads(lib):
    """One thread for ``lib`` (imported here); returns the module-level objects it needs."""
    if lib.startswith("kextras"):
        import tensorflow as tf

        if tf.config.threading.get_intra_op_parallelism_threads() != 1:
            try:  # possible only before TensorFlow's first op (always so in the bench's processes)
                tf.config.threading.set_intra_op_parallelism_threads(1)
                tf.config.threading.set_inter_op_parallelism_threads(1)
            except RuntimeError:  # already started (the tests import this module): thread count is theirs
                pass
        import kextras_sci.wavelets as kw

        return kw
    if lib == "ptwt":
        import ptwt
        import torch

        torch.set_num_threads(1)
        torch.set_num_interop_threads(1)
        return ptwt
    import pywt

    return pywt


def runner(lib, name, mod):
    """``fn(inp) -> list of NumPy arrays`` for ``lib`` on case ``name``, or ``(None, why)``."""
    fn, _, wavelet, level, mode, axes = CASES[name]
    if lib == "pywt":
        calls = {"wavedec2": lambda x: mod.wavedec2(x, wavelet, mode, level=level, axes=axes),
                 "waverec2": lambda c: mod.waverec2(c, wavelet, mode, axes=axes),
                 "wavedec": lambda x: mod.wavedec(x, wavelet, mode, level=level, axis=axes[0]),
                 "waverec": lambda c: mod.waverec(c, wavelet, mode, axis=axes[0]),
                 "dwt2": lambda x: mod.dwt2(x, wavelet, mode, axes=axes),
                 "wavedecn": lambda x: mod.wavedecn(x, wavelet, mode, level=level, axes=axes),
                 "waverecn": lambda c: mod.waverecn(c, wavelet, mode, axes=axes)}
        return lambda inp: flat(calls[fn](inp))
    if lib == "ptwt":
        if mode not in PTWT_MODES:
            return None, f"ptwt has no {mode!r} mode (its modes: {', '.join(PTWT_MODES)})"
        import torch

        t = torch.from_numpy
        calls = {"wavedec2": lambda x: mod.wavedec2(t(x), wavelet, mode=mode, level=level, axes=axes),
                 "waverec2": lambda c: mod.waverec2(
                     [t(c[0])] + [tuple(t(d) for d in ds) for ds in c[1:]], wavelet, axes=axes),
                 "wavedec": lambda x: mod.wavedec(t(x), wavelet, mode=mode, level=level, axis=axes[0]),
                 "waverec": lambda c: mod.waverec([t(a) for a in c], wavelet, axis=axes[0]),
                 "dwt2": lambda x: mod.wavedec2(t(x), wavelet, mode=mode, level=1, axes=axes),
                 "wavedecn": lambda x: mod.wavedec3(t(x), wavelet, mode=mode, level=level, axes=axes),
                 "waverecn": lambda c: mod.waverec3(
                     [t(c[0])] + [{k: t(v) for k, v in d.items()} for d in c[1:]], wavelet, axes=axes)}
        return lambda inp: flat(calls[fn](inp))
    calls = {"wavedec2": lambda x: mod.wavedec2(x, wavelet, mode, level=level, axes=axes),
             "waverec2": lambda c: mod.waverec2(c, wavelet, mode, axes=axes),
             "wavedec": lambda x: mod.wavedec(x, wavelet, mode, level=level, axis=axes[0]),
             "waverec": lambda c: mod.waverec(c, wavelet, mode, axis=axes[0]),
             "dwt2": lambda x: mod.dwt2(x, wavelet, mode, axes=axes),
             "wavedecn": lambda x: mod.wavedecn(x, wavelet, mode, level=level, axes=axes),
             "waverecn": lambda c: mod.waverecn(c, wavelet, mode, axes=axes)}
    call = calls[fn]
    if lib == "kextras_tf_function":
        import tensorflow as tf

        traced = tf.function(call)
        conv = tf.convert_to_tensor
        to_tensors = {"waverec2": lambda c: [conv(c[0])] + [tuple(conv(d) for d in ds) for ds in c[1:]],
                      "waverec": lambda c: [conv(a) for a in c],
                      "waverecn": lambda c: [conv(c[0])] + [{k: conv(v) for k, v in d.items()} for d in c[1:]],
                      }.get(fn, conv)
        return lambda inp: flat(traced(to_tensors(inp)))
    return lambda inp: flat(call(inp))


# ----------------------------------------------------------------------------- probe (subprocess)


def _status_kb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1])
    raise KeyError(key)


def _measure(fn, inp):
    """(wall s, CPU s, peak RSS added MB) of one call; outputs kept alive until the peak is read."""
    gc.collect()
    with open("/proc/self/clear_refs", "w") as f:  # reset VmHWM to the current RSS
        f.write("5")
    before = _status_kb("VmRSS")
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn(inp)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = _status_kb("VmHWM")
    del out
    return wall, cpu, round((peak - before) / 1024, 1)


def trivial_op(lib):
    """The runtime's first op (TensorFlow, PyTorch) on a 4-element input, or ``None`` (pywt)."""
    if lib.startswith("kextras"):
        import tensorflow as tf

        return lambda _: (tf.zeros([4]) + 1.0).numpy()
    if lib == "ptwt":
        import torch

        return lambda _: (torch.zeros(4) + 1.0).numpy()
    return None


def probe(lib, name, seed):
    """Runtime start-up, first call, second call, new-shape calls and memory of ``lib`` in
    this fresh process."""
    t0 = time.perf_counter()
    mod = setup_threads(lib)
    import_s = time.perf_counter() - t0
    inp = make_input(name, CASES[name][1], seed, ALIGNED)
    inp_new = make_input(name, new_shape(name), seed + 1, ALIGNED)
    fn = runner(lib, name, mod)
    if isinstance(fn, tuple):
        return {"skipped": fn[1]}
    start = {}
    if trivial_op(lib) is not None:  # the runtime's one-time start, reported on its own
        wall, cpu, peak = _measure(trivial_op(lib), None)
        start = {"runtime_start_s": round(wall, 4), "runtime_start_cpu_s": round(cpu, 4),
                 "runtime_start_peak_mb": peak}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first, first_cpu, peak_first = _measure(fn, inp)
        second, second_cpu, peak_steady = _measure(fn, inp)
        new_first, new_first_cpu, _ = _measure(fn, inp_new)
        new_second, new_second_cpu, _ = _measure(fn, inp_new)
    r = lambda v: round(v, 4)  # noqa: E731
    return {"import_s": r(import_s), "first_s": r(first), "first_cpu_s": r(first_cpu),
            "second_s": r(second), "second_cpu_s": r(second_cpu), "new_shape": list(new_shape(name)),
            "new_shape_first_s": r(new_first), "new_shape_first_cpu_s": r(new_first_cpu),
            "new_shape_second_s": r(new_second), "new_shape_second_cpu_s": r(new_second_cpu),
            "peak_added_first_mb": peak_first, "peak_added_steady_mb": peak_steady, **start}


def run_probe(lib, name, seed, core):
    cmd = [sys.executable, os.path.abspath(__file__), "--probe", lib, name, "--seed", str(seed),
           "--core", str(core)] + (["--aligned"] if ALIGNED else [])
    # fixed glibc thresholds: every large block is its own mapping, returned on free, so the
    # resident set follows the live memory (glibc's dynamic threshold would otherwise serve a
    # later call from memory freed earlier and hide it)
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_="131072", MALLOC_TRIM_THRESHOLD_="131072")
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
    if res.returncode != 0 or not lines:
        return {"error": (res.stderr or res.stdout)[-400:]}
    return json.loads(lines[-1])


# ----------------------------------------------------------------------------- steady state


def spread(values):
    v = np.asarray(values, dtype=float)
    return {"min": round(float(v.min()), 5), "median": round(float(np.median(v)), 5),
            "max": round(float(v.max()), 5)}


def steady(fns, inp, repeats, freeze=True):
    """Per library lists of (cpu, wall) over ``repeats`` rounds, rotating the call order
    (``freeze=False``: every collect traverses every object, ``--full-gc``)."""
    names = list(fns)
    for n in names:  # warm-up (compiles, caches)
        fns[n](inp)
    # every object alive now (TensorFlow, kextras and pywt imported: ~375,000) moves to the
    # permanent generation, so the collect before each call traverses only what the calls
    # made: a full traversal takes 0.15 s, evicts the CPU caches and makes the next call
    # pay for it (a trivial tf.function: 0.15 ms without a collect, 1.1 ms after a full
    # one), which would time the garbage collector, not the transform
    gc.collect()
    if freeze:
        gc.freeze()
    try:
        return _rounds(fns, names, inp, repeats)
    finally:
        gc.unfreeze()


def _rounds(fns, names, inp, repeats):
    out = {n: ([], []) for n in names}
    for r in range(repeats):
        order = names[r % len(names):] + names[:r % len(names)]
        for n in order:
            gc.collect()
            c0, t0 = time.process_time(), time.perf_counter()
            fns[n](inp)
            out[n][1].append(time.perf_counter() - t0)
            out[n][0].append(time.process_time() - c0)
    return out


def max_err(got, ref):
    if [a.shape for a in got] != [a.shape for a in ref]:
        return f"shapes differ: {[a.shape for a in got]} vs {[a.shape for a in ref]}"
    return max(float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64)))) for a, b in zip(got, ref))


def bench_case(name, args, mods):
    inp = make_input(name, CASES[name][1], args.seed, ALIGNED)
    fns, notes = {}, {}
    for lib in ("kextras", "kextras_tf_function", "pywt", "ptwt"):
        if lib == "ptwt" and args.no_ptwt:
            notes[lib] = "ptwt not run (--no-ptwt, or not installed)"
            continue
        fn = runner(lib, name, mods["kextras" if lib.startswith("kextras") else lib])
        if isinstance(fn, tuple):
            notes[lib] = fn[1]
        else:
            fns[lib] = fn
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = fns["pywt"](inp)
        errors = {}
        for lib in [lib for lib in fns if lib != "pywt"]:
            try:
                errors[lib] = max_err(fns[lib](inp), ref)
            except Exception as e:  # noqa: BLE001 (a competitor that cannot run the case: said so)
                if lib != "ptwt":
                    raise
                notes[lib] = f"ptwt failed: {type(e).__name__}: {str(e)[:200]}"
                del fns[lib]
        times = steady(fns, inp, args.repeats, freeze=not args.full_gc)
    row = {"bench": "wavelets_pywt", "case": case_label(name), "untuned": name in UNTUNED, "dtype": "float32",
           "repeats": args.repeats, "seed": args.seed, "max_abs_err_vs_pywt": errors, "not_run": notes,
           "steady": {lib: {"cpu_s": spread(c), "wall_s": spread(w)} for lib, (c, w) in times.items()}}
    kc, kw_ = np.asarray(times["kextras"][0]), np.asarray(times["kextras"][1])
    for lib in fns:
        if lib == "kextras":
            continue
        oc, ow = np.asarray(times[lib][0]), np.asarray(times[lib][1])
        key = lib if lib != "kextras_tf_function" else "tf_function_vs_eager"
        a, b = (oc, kc) if lib == "kextras_tf_function" else (kc, oc)
        aw, bw = (ow, kw_) if lib == "kextras_tf_function" else (kw_, ow)
        row[f"ratio_cpu_{key}"] = round(float(np.median(a) / np.median(b)), 3)
        row[f"ratio_wall_{key}"] = round(float(np.median(aw) / np.median(bw)), 3)
        row[f"ratio_cpu_rounds_{key}"] = spread(a / b)
    if not args.no_probe:
        row["first_call"] = {lib: run_probe(lib, name, args.seed, args.core) for lib in LIBS
                             if not (lib == "ptwt" and args.no_ptwt)}
        for when in ("first", "steady"):
            pk, pp = (row["first_call"][lib].get(f"peak_added_{when}_mb") for lib in ("kextras", "pywt"))
            if pk is not None and pp:
                row[f"memory_ratio_{when}_vs_pywt"] = round(pk / pp, 2)
        pk, pp = (row["first_call"][lib].get("peak_added_first_mb") for lib in ("kextras", "pywt"))
        ps = row["first_call"]["kextras"].get("runtime_start_peak_mb")
        if None not in (pk, ps) and pp:
            row["memory_ratio_first_with_start_vs_pywt"] = round((pk + ps) / pp, 2)
    print(json.dumps(row), flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="3 repeats (about 3 minutes with the probes)")
    p.add_argument("--repeats", type=int, default=None, help="steady-state rounds (default 7, quick 3)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--core", type=int, default=None, help="CPU to pin to (default: the first allowed)")
    p.add_argument("--cases", default=None, help="comma-separated substrings of case names")
    p.add_argument("--no-probe", action="store_true", help="skip the fresh-subprocess first-call/memory probes")
    p.add_argument("--no-ptwt", action="store_true", help="leave ptwt out")
    p.add_argument("--aligned", action="store_true",
                   help="inputs in 64-byte aligned buffers (kextras reads them without a copy)")
    p.add_argument("--full-gc", action="store_true",
                   help="no gc.freeze() after the warm-up: each timed call follows a full collection")
    p.add_argument("--table", metavar="JSONL", help="print the markdown tables of a saved run and exit")
    p.add_argument("--probe", nargs=2, metavar=("LIB", "CASE"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.table:
        from _wavelet_tables import table

        table(args.table)
        return 0
    global ALIGNED
    ALIGNED = args.aligned
    args.core = sorted(os.sched_getaffinity(0))[0] if args.core is None else args.core
    os.sched_setaffinity(0, [args.core])
    if args.probe:
        print(json.dumps(probe(args.probe[0], args.probe[1], args.seed)), flush=True)
        return 0
    args.repeats = args.repeats or (3 if args.quick else 7)
    names = select_cases(args.cases)
    if not args.no_ptwt and importlib.util.find_spec("ptwt") is None:
        print("# ptwt is not installed: running without it (--no-ptwt)", file=sys.stderr)
        args.no_ptwt = True
    mods = {lib: setup_threads(lib) for lib in LIBS if not (lib == "ptwt" and args.no_ptwt)}
    import pywt
    import tensorflow as tf

    env = {"core": args.core, "threads_per_library": 1, "tensorflow": tf.__version__, "pywt": pywt.__version__,
           "numpy": np.__version__, "repeats": args.repeats, "seed": args.seed, "dtype": "float32",
           "gc": "full collect before each call" if args.full_gc else "frozen after warm-up, collect before each call",
           "load_avg_1min": round(os.getloadavg()[0], 2), "commit": _commit(), "aligned_inputs": ALIGNED,
           "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime())}
    if "ptwt" in mods:
        import torch

        env.update(ptwt=_version("ptwt"), torch=torch.__version__)
    print(json.dumps({"bench": "wavelets_pywt", "env": env}), flush=True)
    for name in names:
        bench_case(name, args, mods)
    return 0


def _version(dist):
    from importlib.metadata import version

    return version(dist)


def _commit():
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                             cwd=os.path.dirname(os.path.abspath(__file__)), timeout=10)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


if __name__ == "__main__":
    sys.exit(main())
