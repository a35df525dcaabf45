"""Where the first call of a `bench_wavelets_pywt.py` case holds its memory: the resident set
after every TensorFlow op of kextras' eager first call, in a fresh process set up as the
bench's probe (one core, one thread, glibc's mmap threshold fixed; the runtime started by
a trivial op first).

One line per op that moved the resident set or its peak by ``--min-mb`` or more: op name,
resident set and peak so far (MB added since just before the call), and the innermost two
``kextras_sci.wavelets`` frames that ran it (file:line:function). Read with the source: the
buffers alive at the peak are those the frames on the stack still reference.

    python benchmarks/trace_wavelets_memory.py "wavedec2 symmetric" [--aligned] [--min-mb 2]
"""

from __future__ import annotations

import os
import sys

if os.environ.get("MALLOC_MMAP_THRESHOLD_") != "131072":  # as the bench's probe: re-exec once
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_="131072", MALLOC_TRIM_THRESHOLD_="131072")
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_wavelets_pywt as bench  # noqa: E402  (sets the thread variables)

_OPS = ("TFE_Py_FastPathExecute", "TFE_Py_Execute")


def _mb():
    """(VmRSS, VmHWM) in MB."""
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmRSS", "VmHWM")):
                out[line[:5]] = int(line.split()[1]) / 1024
    return out["VmRSS"], out["VmHWM"]


def _frames(frame):
    names = []
    while frame is not None and len(names) < 2:
        if "wavelets" in frame.f_code.co_filename:
            names.append(f"{os.path.basename(frame.f_code.co_filename)}:{frame.f_lineno}:{frame.f_code.co_name}")
        frame = frame.f_back
    return " < ".join(names)


def trace(name, min_mb):
    mod = bench.setup_threads("kextras")
    inp = bench.make_input(name, bench.CASES[name][1], 0)
    fn = bench.runner("kextras", name, mod)
    bench.trivial_op("kextras")(None)
    rows = []

    def profile(frame, event, arg):
        if event == "c_return" and getattr(arg, "__name__", "") in _OPS:
            rows.append((frame.f_code.co_name, *_mb(), _frames(frame)))

    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    base = _mb()[0]
    sys.setprofile(profile)
    out = fn(inp)
    sys.setprofile(None)
    rss, peak = _mb()
    print(f"# {bench.case_label(name)}: peak added {peak - base:.1f} MB, resident after {rss - base:.1f} MB"
          f" (outputs alive: {sum(a.nbytes for a in out) / 2**20:.1f} MB)")
    last = (0.0, 0.0)
    for op, r, h, where in rows:
        r, h = r - base, h - base
        if abs(r - last[0]) >= min_mb or abs(h - last[1]) >= min_mb:
            print(f"{op:24s} rss {r:6.1f} peak {h:6.1f}  {where}")
            last = (r, h)


def main():
    import argparse

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("case", choices=sorted(bench.CASES))
    p.add_argument("--aligned", action="store_true", help="inputs in 64-byte aligned buffers (as the bench's)")
    p.add_argument("--min-mb", type=float, default=2.0)
    args = p.parse_args()
    bench.ALIGNED = args.aligned
    os.sched_setaffinity(0, [sorted(os.sched_getaffinity(0))[0]])
    trace(args.case, args.min_mb)


if __name__ == "__main__":
    main()
