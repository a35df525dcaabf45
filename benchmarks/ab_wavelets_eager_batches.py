"""A/B of the eager inverse kernels' batches (``_blocked.in_batches``): CPU time of a fresh
eager call (the programs' cache cleared before each) with ``EAGER_BATCH_BYTES`` at its
default against one call on the whole batch, on the four inverse issue cases
(``_wavelet_cases``), alternating the order each round; one TensorFlow thread; medians.
One JSON line per case.

    python benchmarks/ab_wavelets_eager_batches.py [--rounds 7] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import pywt  # noqa: E402
import tensorflow as tf  # noqa: E402

from _wavelet_cases import CASES  # noqa: E402

NAMES = ("waverec2 symmetric", "waverec2 periodization", "waverec symmetric", "waverec periodization")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import kextras_sci.wavelets as kw
    from kextras_sci.wavelets import _blocked
    from kextras_sci.wavelets._programs import PROGRAMS

    default = _blocked.EAGER_BATCH_BYTES
    rng = np.random.default_rng(args.seed)
    for name in NAMES:
        fn, shape, wavelet, level, mode, axes = CASES[name]
        x = rng.standard_normal(shape).astype(np.float32)
        if fn == "waverec2":
            coeffs, where = pywt.wavedec2(x, wavelet, mode, level=level, axes=axes), {"axes": axes}
        else:
            coeffs, where = pywt.wavedec(x, wavelet, mode, level=level, axis=axes[0]), {"axis": axes[0]}
        call = getattr(kw, fn)
        times = {"batches": [], "one_call": []}
        for r in range(args.rounds):
            order = (("batches", default), ("one_call", 1 << 62))
            for key, limit in order if r % 2 else order[::-1]:
                _blocked.EAGER_BATCH_BYTES = limit
                PROGRAMS.clear()
                t = time.process_time()
                call(coeffs, wavelet, mode, **where)
                times[key].append(time.process_time() - t)
        _blocked.EAGER_BATCH_BYTES = default
        med = {k: float(np.median(v)) for k, v in times.items()}
        print(json.dumps({"case": name, "cpu_ms_batches": round(med["batches"] * 1e3, 1),
                          "cpu_ms_one_call": round(med["one_call"] * 1e3, 1),
                          "ratio": round(med["batches"] / med["one_call"], 2),
                          "rounds": args.rounds, "seed": args.seed,
                          "load_avg_1min": os.getloadavg()[0]}))


if __name__ == "__main__":
    main()
