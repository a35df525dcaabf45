"""Six DeepXDE examples written with kextras (default sampling) and with DeepXDE, side by side.

Cases (DeepXDE's documented examples, same networks, point counts and optimizer
schedule on both sides; ``--quick`` cuts the schedule):

* ``poisson_1d``: -u'' = pi^2 sin(pi x) on [-1, 1], u(+-1) = 0; exact u = sin(pi x).
* ``poisson_lshape``: -lap u = 1 on the L-shape, u = 0 on its boundary; reference: a
  second-order finite-difference solution (h = 1/128, scipy sparse solve).
* ``helmholtz_hole``: -lap u - k0^2 u = f on [-1/2, 1/2]^2 minus the disk r = 1/4,
  k0 = 2 pi, Dirichlet u = 0 on the square (weight 100), Neumann du/dn = grad(u*).n on
  the circle (weight 10); exact u* = sin(k0 x) sin(k0 y); 3 x 350 sin network.
* ``diffusion``: u_t = u_xx - e^-t (sin(pi x) - pi^2 sin(pi x)) on [-1, 1] x [0, 1],
  u(x, 0) = sin(pi x), u(+-1, t) = 0; exact u = e^-t sin(pi x).
* ``ode_system``: y1' = y2, y2' = -y1 on [0, 10], y1(0) = 0, y2(0) = 1; exact (sin, cos).
* ``lorenz_inverse``: the Lorenz system on [0, 3] from x0 = (-8, 7, 27), observations of
  all three states at 25 times (scipy solve_ivp), unknown (C1, C2, C3) = (10, 15, 8/3)
  starting from 1; error = relative error of the identified parameters (and of the states).

Each case follows DeepXDE's example file (examples/pinn_forward/Poisson_Dirichlet_1d.py,
Poisson_Lshape.py, Helmholtz_Neumann_2d_hole.py, diffusion_1d.py, ode_system.py,
examples/pinn_inverse/Lorenz_inverse.py): network, activation, point counts, loss
weights, Adam lr 1e-3 and its steps, then L-BFGS (DeepXDE's defaults: maxcor 100, up to
15000 iterations) where the example has it. kextras sets only point counts (no sampling
method: its default, Hammersley, which is DeepXDE's default too).

Errors are relative L2 on the same test points for both sides (``test_sets``) against the
exact / reference solution. ``lines`` counts the non-blank, non-comment lines of each
side's case function without its ``def`` line, plus the helper it calls (``kx_net``: the
Keras network; ``dde_train``: DeepXDE's compile/train calls), i.e. the code a user writes:
imports, domain, conditions, network, training, prediction; the shared reference
solutions, test points and ``rel`` are counted for neither. Times are wall and process-CPU seconds of
that side's whole case (construction, training, prediction); after L-BFGS the iterations
each side ran. One JSON line per (case, seed).

The cases live next to this driver: ``_deepxde_examples_kextras.py`` (kextras),
``_deepxde_examples_deepxde.py`` (DeepXDE), ``_deepxde_examples_reference.py`` (reference
solutions, test sets, ``rel``).

    DDE_BACKEND=pytorch python3 benchmarks/bench_pde_deepxde_examples.py --quick
    python3 benchmarks/bench_pde_deepxde_examples.py --cases ode_system,poisson_1d --seeds 0,1,2
    python3 benchmarks/bench_pde_deepxde_examples.py --cases ode_system --adam-steps 5000
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import os
import sys
import time

os.environ["DDE_BACKEND"] = "pytorch"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import _deepxde_examples_deepxde as dde_cases  # noqa: E402
import _deepxde_examples_kextras as kx_cases  # noqa: E402
from _deepxde_examples_reference import json_rows, test_sets  # noqa: E402

CASES = ("poisson_1d", "poisson_lshape", "helmholtz_hole", "diffusion", "ode_system", "lorenz_inverse")
# Adam steps (then L-BFGS iterations) per case: DeepXDE's examples, and the --quick cut
FULL = {"poisson_1d": (10000, 0), "poisson_lshape": (50000, 15000), "helmholtz_hole": (5000, 0),
        "diffusion": (10000, 0), "ode_system": (20000, 0), "lorenz_inverse": (20000, 15000)}
QUICK = {k: (1000, 100 if lb else 0) for k, (_, lb) in FULL.items()}


# ------------------------------------------------------------------ driver
def lines_of(fn):
    src = inspect.getsource(fn).splitlines()[1:]  # without the def line
    return sum(1 for line in src if line.strip() and not line.strip().startswith("#"))


def lines(name):
    """Lines of a case function plus those of the helper it calls (the network, the training)."""
    module, helper = (kx_cases, kx_cases.kx_net) if name.startswith("kx_") else (dde_cases, dde_cases.dde_train)
    fn = getattr(module, name)
    return lines_of(fn) + (lines_of(helper) if helper.__name__ in inspect.getsource(fn) else 0)


def timed(fn, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - wall, time.process_time() - cpu


def commit():
    """The short commit of the code measured (``git rev-parse``; None outside a checkout)."""
    import subprocess

    try:
        out = subprocess.run(["git", "rev-parse", "--short=7", "HEAD"], capture_output=True, text=True,
                             cwd=os.path.dirname(os.path.abspath(__file__)), check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()


def run(case, seed, quick, extras, adam_steps=None, lbfgs_iters=None):
    import deepxde as dde
    import keras
    import torch

    adam, lbfgs = (QUICK if quick else FULL)[case]
    adam = adam if adam_steps is None else adam_steps
    lbfgs = lbfgs if lbfgs_iters is None or not lbfgs else lbfgs_iters
    kw = {"test": extras[case]}
    keras.utils.set_random_seed(seed)
    kx, kx_wall, kx_cpu = timed(getattr(kx_cases, f"kx_{case}"), adam, lbfgs, seed, **kw)
    with contextlib.redirect_stdout(sys.stderr):  # DeepXDE prints its progress to stdout
        dde.config.set_default_float("float32")  # DeepXDE's default precision, set explicitly (Polygon points are float64)
        dde.config.set_random_seed(seed)
        dde.optimizers.set_LBFGS_options(maxiter=max(lbfgs, 1))  # DeepXDE's defaults, but maxiter
        dde.optimizers.config.LBFGS_options["iter_per_step"] = min(1000, max(lbfgs, 1))  # not updated by the call
        torch.manual_seed(seed)
        dd, dd_wall, dd_cpu = timed(getattr(dde_cases, f"dde_{case}"), adam, lbfgs, seed, **kw)
    row = {"bench": "pde_deepxde_examples", "case": case, "seed": seed, "quick": quick, "commit": commit(),
           "adam_steps": adam, "lbfgs_iters": lbfgs,
           "kextras_lines": lines(f"kx_{case}"), "deepxde_lines": lines(f"dde_{case}"),
           "kextras_wall_s": round(kx_wall, 2), "deepxde_wall_s": round(dd_wall, 2),
           "kextras_cpu_s": round(kx_cpu, 2), "deepxde_cpu_s": round(dd_cpu, 2)}
    if case == "lorenz_inverse":
        row.update(kextras_param_rel_err=kx[0], deepxde_param_rel_err=dd[0], kextras_rel_l2=kx[1],
                   deepxde_rel_l2=dd[1], kextras_params=kx[2], deepxde_params=dd[2])
    else:
        row.update(kextras_rel_l2=kx[0] if lbfgs else kx, deepxde_rel_l2=dd[0] if lbfgs else dd)
    if lbfgs:  # the L-BFGS iterations each side ran (of at most lbfgs)
        row.update(kextras_lbfgs_iterations=int(kx[-1]), deepxde_lbfgs_iterations=int(dd[-1]))
    return row


def table(path):
    """The markdown table of docs/pde/benchmarks.md from JSON lines: one row per case, schedule and commit
    measured, median [min, max] over its seeds."""
    rows = json_rows(path)
    f = lambda v: f"{np.median(v):.1e} [{min(v):.1e}, {max(v):.1e}]" if len(v) > 1 else f"{v[0]:.1e}"  # noqa: E731
    out = ["| case | schedule (Adam + L-BFGS) | commit | seeds | lines kextras / DeepXDE | rel. L2 kextras "
           "| rel. L2 DeepXDE | CPU s kextras / DeepXDE |", "|---|---|---|---|---|---|---|---|"]
    key = lambda r: (r["adam_steps"], r["lbfgs_iters"], str(r.get("commit")))  # noqa: E731
    for case in CASES:
        for sched in sorted({key(r) for r in rows if r["case"] == case}):
            rs = [r for r in rows if r["case"] == case and key(r) == sched]
            err = ["kextras_param_rel_err", "deepxde_param_rel_err"] if case == "lorenz_inverse" else \
                ["kextras_rel_l2", "deepxde_rel_l2"]
            cpu = [np.median([r[k] for r in rs]) for k in ("kextras_cpu_s", "deepxde_cpu_s")]
            out.append(f"| `{case}` | {sched[0]} + {sched[1]} | `{sched[2]}` | {','.join(str(r['seed']) for r in rs)} | "
                       f"{rs[0]['kextras_lines']} / {rs[0]['deepxde_lines']} | {f([r[err[0]] for r in rs])} | "
                       f"{f([r[err[1]] for r in rs])} | {cpu[0]:.0f} / {cpu[1]:.0f} |")
    return "\n".join(out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="1000 Adam steps per case (100 L-BFGS iterations where the example has L-BFGS)")
    p.add_argument("--cases", default=",".join(CASES))
    p.add_argument("--seeds", default="0")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--adam-steps", type=int, default=None, help="override the Adam steps (a multiple of 10)")
    p.add_argument("--lbfgs-iters", type=int, default=None, help="override the L-BFGS iterations (cases that have them)")
    p.add_argument("--table", metavar="JSONL", help="print the docs table of a file of this script's output, run nothing")
    args = p.parse_args(argv)
    if args.table:
        return print(table(args.table))
    import tensorflow as tf
    import torch

    torch.set_num_threads(args.threads)
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    cases = [c for c in args.cases.split(",") if c]
    for c in cases:
        if c not in CASES:
            raise SystemExit(f"--cases: unknown case {c!r}; choose from {CASES}")
    extras = {c: test_sets(c) for c in cases}
    for case in cases:
        for seed in (int(s) for s in args.seeds.split(",")):
            print(json.dumps(run(case, seed, args.quick, extras, args.adam_steps, args.lbfgs_iters)), flush=True)


if __name__ == "__main__":
    main()
