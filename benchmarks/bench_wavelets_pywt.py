"""kextras_sci.wavelets vs PyWavelets: batched multilevel transforms, forward and inverse.

Prints one JSON object per line:
``{"bench", "case", "kextras_s", "pywt_s", "ratio", "max_abs_err", "rel_err", ...}``
(medians and minima of interleaved repeated timings; ratio = kextras / pywt, lower is better;
``ratio_cpu`` compares the median process CPU times, the steadier number on a loaded machine;
for the 1D cases ``kextras_tensors_s``/``ratio_tensors`` time the same call on tensors that
are already TensorFlow tensors, without the NumPy conversions on either side).

Fairness: the process is pinned (``os.sched_setaffinity``) to ``--cores`` CPUs (default: the
first two allowed ones); TensorFlow gets that many intra-op threads and one inter-op thread,
PyWavelets (single-threaded C) runs in the same process on the same cores. Timings include
converting the NumPy input to a tensor and the outputs back to NumPy. The kextras functions
run inside a ``tf.function`` (traced once before timing).

    python3 benchmarks/bench_wavelets_pywt.py [--quick] [--cores 2] [--repeats 5] [--only 1d|2d]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings


def _pin(ncores: int):
    allowed = sorted(os.sched_getaffinity(0))
    cores = allowed[:ncores]
    os.sched_setaffinity(0, cores)
    return cores


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="fewer repeats and cases (< 2 minutes)")
    p.add_argument("--cores", type=int, default=2)
    p.add_argument("--repeats", type=int, default=None)
    p.add_argument("--only", choices=["1d", "2d"], default=None, help="run only the 1D or the 2D cases")
    args = p.parse_args(argv)
    cores = _pin(args.cores)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

    import numpy as np
    import pywt
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(len(cores))
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import kextras_sci.wavelets as kw

    repeats = args.repeats or (3 if args.quick else 7)
    rng = np.random.default_rng(0)
    env = {"cores": cores, "tf_intra_threads": len(cores), "tf_inter_threads": 1,
           "tensorflow": tf.__version__, "pywt": pywt.__version__, "repeats": repeats,
           "load_avg_1min": os.getloadavg()[0]}
    print(json.dumps({"bench": "wavelets_pywt", "env": env}), flush=True)

    def timed_pair(fn_k, fn_p, fn_t=None):
        """Median (and min) of interleaved repeats, so load changes hit both sides.

        Also the process CPU time of each call (all threads summed: TensorFlow's threads
        count against it), which other jobs on a loaded machine disturb far less than the
        wall-clock time."""
        fn_k(), fn_p()
        tk, tp, ck, cp, tt = [], [], [], [], []
        for _ in range(repeats):
            if fn_t is not None:  # the same call on tensors, no NumPy conversions
                t0 = time.perf_counter()
                fn_t()
                tt.append(time.perf_counter() - t0)
            c0, t0 = time.process_time(), time.perf_counter()
            fn_k()
            tk.append(time.perf_counter() - t0)
            ck.append(time.process_time() - c0)
            c0, t0 = time.process_time(), time.perf_counter()
            fn_p()
            tp.append(time.perf_counter() - t0)
            cp.append(time.process_time() - c0)
        cpu.append((float(np.median(ck)), float(np.median(cp)), float(np.median(tt)) if tt else None))
        return float(np.median(tk)), float(np.median(tp)), float(np.min(tk)), float(np.min(tp))

    cpu = []

    def to_np(obj):
        return [np.asarray(t) for t in tf.nest.flatten(obj)]

    def err(got, ref):
        g, r = to_np(got), [np.asarray(a) for a in tf.nest.flatten(ref)]
        assert [a.shape for a in g] == [a.shape for a in r]
        e = max(float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64)))) for a, b in zip(g, r))
        scale = max(float(np.max(np.abs(b))) for b in r)
        return e, e / scale

    def report(case, times, e, rel, **extra):
        t_k, t_p, m_k, m_p = times
        row = {"bench": "wavelets_pywt", "case": case, "kextras_s": round(t_k, 5), "pywt_s": round(t_p, 5),
               "ratio": round(t_k / t_p, 3), "max_abs_err": e, "rel_err": rel,
               "kextras_min_s": round(m_k, 5), "pywt_min_s": round(m_p, 5), "ratio_min": round(m_k / m_p, 3)}
        c_k, c_p, t_t = cpu[-1]
        row.update({"kextras_cpu_s": round(c_k, 5), "pywt_cpu_s": round(c_p, 5), "ratio_cpu": round(c_k / c_p, 3)})
        if t_t is not None:
            row.update({"kextras_tensors_s": round(t_t, 5), "ratio_tensors": round(t_t / t_p, 3)})
        row.update(extra)
        print(json.dumps(row), flush=True)

    # ---------------------------------------------------------------- 2D batched wavedec2
    modes2 = ["symmetric", "periodization", "zero"] if args.quick else list(pywt.Modes.modes)
    if args.only == "1d":
        modes2 = []
    shape2 = (32, 3, 256, 256)
    x2 = rng.standard_normal(shape2).astype(np.float32)
    wavelet, level = "db4", 4
    for mode in modes2:
        fwd = tf.function(lambda x, m=mode: kw.wavedec2(x, wavelet, m, level=level))
        inv = tf.function(lambda c, m=mode: kw.waverec2(c, wavelet, m))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = pywt.wavedec2(x2, wavelet, mode, level=level)
            got = fwd(tf.constant(x2))
        times = timed_pair(lambda: to_np(fwd(tf.convert_to_tensor(x2))),
                           lambda: pywt.wavedec2(x2, wavelet, mode, level=level))
        e, rel = err(got, ref)
        report(f"wavedec2 {shape2} {wavelet} L{level} {mode} forward", times, e, rel)
        ref_in = tf.nest.map_structure(np.asarray, ref)
        rec_ref = pywt.waverec2(ref, wavelet, mode)
        rec = inv(tf.nest.map_structure(tf.constant, ref_in))
        times = timed_pair(lambda: inv(tf.nest.map_structure(tf.convert_to_tensor, ref_in)).numpy(),
                           lambda: pywt.waverec2(ref, wavelet, mode))
        e, rel = err(rec, rec_ref)
        report(f"waverec2 {shape2} {wavelet} L{level} {mode} inverse", times, e, rel)

    # ---------------------------------------------------------------- 1D batched wavedec
    shape1 = (64, 65536)
    x1 = rng.standard_normal(shape1).astype(np.float32)
    level1 = 6
    modes1 = ["symmetric", "periodization"] if args.quick else ["symmetric", "periodization", "zero", "smooth"]
    if args.only == "2d":
        modes1 = []
    for mode in modes1:
        fwd = tf.function(lambda x, m=mode: kw.wavedec(x, wavelet, m, level=level1))
        inv = tf.function(lambda c, m=mode: kw.waverec(c, wavelet, m))
        ref = pywt.wavedec(x1, wavelet, mode, level=level1)
        got = fwd(tf.constant(x1))
        xt = tf.constant(x1)
        times = timed_pair(lambda: to_np(fwd(tf.convert_to_tensor(x1))),
                           lambda: pywt.wavedec(x1, wavelet, mode, level=level1),
                           lambda: fwd(xt))
        e, rel = err(got, ref)
        report(f"wavedec {shape1} {wavelet} L{level1} {mode} forward", times, e, rel)
        rec_ref = pywt.waverec(ref, wavelet, mode)
        rec = inv([tf.constant(c) for c in ref])
        ref_t = [tf.constant(c) for c in ref]
        times = timed_pair(lambda: inv([tf.convert_to_tensor(c) for c in ref]).numpy(),
                           lambda: pywt.waverec(ref, wavelet, mode),
                           lambda: inv(ref_t))
        e, rel = err(rec, rec_ref)
        report(f"waverec {shape1} {wavelet} L{level1} {mode} inverse", times, e, rel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
