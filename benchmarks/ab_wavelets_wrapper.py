"""A/B of the eager wrapper of the wavelet functions: a base commit's ``_programs.compiled``
and ``_common`` conversions against this tree's, in ONE process on the same inputs.

The base versions of ``kextras_sci/wavelets/_programs.py`` and ``_common.py`` are read with
``git show BASE:...`` into a temporary folder; the base wrapper is applied to this tree's
undecorated ``wavedec``/``waverec`` (``.uncompiled``), so both sides run the same traced
program and differ only in what happens around it (binding, key, NumPy conversion, the
program's call). One thread (pinned to one core, TensorFlow 1 intra-/1 inter-op thread),
float64, ``numpy.random.default_rng(0)``; per call the CPU time (``time.process_time``),
base / new / pywt interleaved, medians and quartiles over ``--calls`` calls after 3 warm-up
calls (results checked against pywt at 1e-12 first). One JSON line per case.

    python benchmarks/ab_wavelets_wrapper.py --base 092aa76 [--cases 512x256,16x10007]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

CASES = [  # (function, shape, wavelet, mode, level, calls factor)
    ("wavedec", (512, 256), "db2", "symmetric", 3, 1.0),
    ("waverec", (512, 256), "db2", "symmetric", 3, 1.0),
    ("wavedec", (16, 10007), "db6", "symmetric", 5, 1.0),
    ("waverec", (16, 10007), "db6", "symmetric", 5, 1.0),
    ("waverec", (64, 65536), "db4", "symmetric", 6, 2 / 3),
]


def _load_base(base, folder):
    """The base commit's ``_common`` (as ``ab_base_common``) and ``_programs`` using it."""
    root = subprocess.check_output(["git", "rev-parse", "--show-toplevel"], text=True).strip()
    mods = {}
    for name in ("_common", "_programs"):
        src = subprocess.check_output(["git", "show", f"{base}:kextras_sci/wavelets/{name}.py"], cwd=root, text=True)
        src = src.replace("from kextras_sci.wavelets._common import", "from ab_base_common import")
        path = os.path.join(folder, f"ab_base{name}.py")
        with open(path, "w") as f:
            f.write(src)
        spec = importlib.util.spec_from_file_location(f"ab_base{name}", path)
        mods[name] = sys.modules[f"ab_base{name}"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mods[name])
    return mods["_programs"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base", required=True, help="commit whose wrapper is the A side")
    p.add_argument("--calls", type=int, default=300)
    p.add_argument("--cases", default="", help="comma-separated substrings of case names")
    args = p.parse_args()
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import numpy as np
    import pywt
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import kextras_sci.wavelets as kw

    with tempfile.TemporaryDirectory() as folder:
        base = _load_base(args.base, folder)
    rng = np.random.default_rng(0)
    print(json.dumps({"env": True, "base": args.base, "head": subprocess.check_output(
        ["git", "rev-parse", "--short", "HEAD"], text=True).strip(), "load": os.getloadavg()[0]}))
    for fn, shape, w, mode, level, factor in CASES:
        name = f"{fn} {'x'.join(map(str, shape))} {w} L{level} {mode}"
        if args.cases and not any(c in name for c in args.cases.split(",")):
            continue
        x = rng.standard_normal(shape)
        if fn == "wavedec":
            old = base.compiled(("data",))(kw.wavedec.uncompiled)
            calls = [lambda f=f: f(x, w, mode, level=level) for f in (old, kw.wavedec, pywt.wavedec)]
        else:
            c = pywt.wavedec(x, w, mode, level=level)
            old = base.compiled((), ("coeffs",))(kw.waverec.uncompiled)
            calls = [lambda f=f: f(c, w, mode) for f in (old, kw.waverec, pywt.waverec)]
        listed = (lambda r: [r]) if fn == "waverec" else list
        for f in calls[:2]:
            for _ in range(3):
                out = f()
            for a, b in zip(listed(out), listed(calls[2]())):
                np.testing.assert_allclose(np.asarray(a), b, atol=1e-12)
        times = [[], [], []]
        for _ in range(max(1, int(args.calls * factor))):
            for f, ts in zip(calls, times):
                t0 = time.process_time()
                f()
                ts.append(time.process_time() - t0)
        q = [np.percentile(ts, [25, 50, 75]) * 1e3 for ts in times]
        print(json.dumps({
            "case": name, "calls": len(times[0]),
            "cpu_ms_q25_median_q75": {k: [round(v, 4) for v in qs] for k, qs in zip(("base", "new", "pywt"), q)},
            "new_over_base": round(q[1][1] / q[0][1], 3),
            "base_over_pywt": round(q[0][1] / q[2][1], 3), "new_over_pywt": round(q[1][1] / q[2][1], 3),
        }), flush=True)


if __name__ == "__main__":
    main()
