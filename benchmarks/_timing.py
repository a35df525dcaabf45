"""Side-by-side timing shared by the graph benchmarks: the common command line,
ABBA-interleaved rounds, medians, IQRs. Imports no TensorFlow or PyTorch, so the scripts
can parse their arguments (thread counts) before importing those."""

import argparse
import os
import time

import numpy as np


def speed_parser(description, cases, threads=None):
    """``--quick``, ``--threads`` (default ``threads``, else min(2, cores)), ``--cases``
    (default ``cases``), ``--repeats``, ``--steps``; scripts add their own options."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="fewer repetitions (< 2 minutes)")
    p.add_argument("--threads", type=int, default=threads or min(2, os.cpu_count() or 1))
    p.add_argument("--cases", default=cases)
    p.add_argument("--repeats", type=int, default=None, help="timing rounds per side")
    p.add_argument("--steps", type=int, default=None, help="training steps per round")
    return p


def interleaved(kstep, ostep, repeats, steps):
    """ABBA-ordered rounds of ``steps`` steps each (a drift in machine load hits both sides).

    Returns per-round seconds per step, ``(k_wall, o_wall, k_cpu, o_cpu)`` arrays: wall clock
    and process CPU time of kextras (``kstep``) and of the other library (``ostep``).
    """
    out = {"k": ([], []), "o": ([], [])}

    def block(key, fn):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(steps):
            fn()
        out[key][0].append((time.perf_counter() - wall) / steps)
        out[key][1].append((time.process_time() - cpu) / steps)

    for r in range(repeats):
        order = [("k", kstep), ("o", ostep)] if r % 2 == 0 else [("o", ostep), ("k", kstep)]
        for key, fn in order:
            block(key, fn)
    return (np.array(out["k"][0]), np.array(out["o"][0]),
            np.array(out["k"][1]), np.array(out["o"][1]))


def summary(k_wall, o_wall, k_cpu, o_cpu, competitor):
    """Medians (ms/step) with interquartile ranges; ``ratio`` = median(kextras) / median(other)
    on wall clock, ``ratio_rounds_*`` = median and IQR of the per-round ratios, ``cpu_*`` the
    same on process CPU time (less sensitive to other jobs on a loaded machine)."""
    q = lambda v: np.percentile(v, [25, 50, 75])  # noqa: E731
    ms = lambda v: [round(1e3 * float(x), 3) for x in v]  # noqa: E731
    kq, oq, rq = q(k_wall), q(o_wall), q(k_wall / o_wall)
    kc, oc, rc = q(k_cpu), q(o_cpu), q(k_cpu / o_cpu)
    return {"kextras_ms": ms(kq)[1], f"{competitor}_ms": ms(oq)[1],
            "kextras_s": float(kq[1]), f"{competitor}_s": float(oq[1]),
            "ratio": float(kq[1] / oq[1]),
            "ratio_rounds_median": round(float(rq[1]), 4),
            "ratio_rounds_iqr": [round(float(rq[0]), 4), round(float(rq[2]), 4)],
            "kextras_ms_iqr": ms(kq[[0, 2]]), f"{competitor}_ms_iqr": ms(oq[[0, 2]]),
            "cpu_kextras_ms": ms(kc)[1], f"cpu_{competitor}_ms": ms(oc)[1],
            "cpu_ratio": float(kc[1] / oc[1]),
            "cpu_ratio_rounds_iqr": [round(float(rc[0]), 4), round(float(rc[2]), 4)]}
