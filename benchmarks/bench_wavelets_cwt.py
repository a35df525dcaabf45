"""kextras_sci.wavelets.cwt vs pywt.cwt: 64 signals x 4096 samples, 64 scales, both methods.

Prints one JSON object per line: an ``env`` line, then per case (wavelet x method x dtype)
``{"bench", "case", "first_call_s": {...}, "kextras_ms", "pywt_ms", "ratio", "cpu_ratio",
"ratio_rounds_iqr", "max_abs_err", ...}`` (``benchmarks/_timing.py``: ABBA-interleaved
rounds, medians and interquartile ranges; ratio = kextras / pywt, lower is better; CPU time
next to wall time). ``first_call_s`` is each library's first call on that case in this
process (kextras: eager, nothing to compile; TensorFlow's one-time start-up is paid by a
warm-up call on a tiny signal before). Both calls take NumPy in and give NumPy out.

Fairness: one thread for both: the process is pinned to one core
(``os.sched_setaffinity``), TensorFlow gets one intra-op and one inter-op thread, NumPy's
BLAS/OpenMP pools one thread (pywt's cwt is NumPy: ``np.convolve`` / ``np.fft``).
Data: ``numpy.random.default_rng(seed)`` standard normal, ``--seed`` (default 0);
scales ``np.geomspace(1, 128, 64)``.

    python benchmarks/bench_wavelets_cwt.py [--quick] [--repeats 5] [--seed 0] [--dtype float64]
"""

from __future__ import annotations

import os
import sys

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import json  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _timing import interleaved, speed_parser, summary  # noqa: E402

WAVELETS = ("morl", "cmor1.5-1.0")
METHODS = ("conv", "fft")


def main(argv=None):
    p = speed_parser(__doc__.splitlines()[0], cases=",".join(WAVELETS), threads=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dtype", default="float64", choices=["float32", "float64"])
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--length", type=int, default=4096)
    p.add_argument("--scales", type=int, default=64)
    args = p.parse_args(argv)
    os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:args.threads])

    import numpy as np
    import pywt
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    from kextras_sci.wavelets import cwt

    repeats = args.repeats or (3 if args.quick else 6)
    steps = args.steps or 1
    x = np.random.default_rng(args.seed).standard_normal((args.batch, args.length)).astype(args.dtype)
    scales = np.geomspace(1, 128, args.scales)
    print(json.dumps({"bench": "wavelets_cwt", "env": {
        "threads": args.threads, "tensorflow": tf.__version__, "pywt": pywt.__version__,
        "numpy": np.__version__, "repeats": repeats, "steps": steps, "seed": args.seed,
        "dtype": args.dtype, "shape": list(x.shape), "scales": "geomspace(1, 128, %d)" % args.scales,
        "load_avg_1min": os.getloadavg()[0]}}), flush=True)
    cwt(x[:1, :64], scales[:2], "morl")[0].numpy()  # TensorFlow's one-time start-up

    for wavelet in args.cases.split(","):
        for method in METHODS:
            def kstep():
                return cwt(x, scales, wavelet, method=method)[0].numpy()

            def ostep():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return pywt.cwt(x, scales, wavelet, method=method)[0]

            first = {}
            for name, fn in (("kextras", kstep), ("pywt", ostep)):
                t = time.perf_counter()
                out = fn()
                first[name] = round(time.perf_counter() - t, 4)
                if name == "kextras":
                    got = out
            ref = ostep()
            err = float(np.max(np.abs(got - ref)))
            row = {"bench": "wavelets_cwt", "case": f"cwt {wavelet} {method} {list(x.shape)} "
                   f"{args.scales} scales {args.dtype}", "first_call_s": first,
                   "max_abs_err": err, "rel_err": err / float(np.max(np.abs(ref))),
                   "dtype_out": [str(got.dtype), str(ref.dtype)]}
            row.update(summary(*interleaved(kstep, ostep, repeats, steps), "pywt"))
            print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
