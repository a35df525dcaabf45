"""Benchmarks of the PINN techniques of kextras_sci.pde (balancing, sampling, architectures).

Cases (JSON lines on stdout, one per run, plus a ``.../summary`` line with the mean,
standard deviation, median, min and max of the relative L2 error over seeds):

* ``allen_cahn``: u_t - 1e-4 u_xx + 5u^3 - 5u = 0, periodic on [-1, 1], u0 = x^2 cos(pi x),
  t in [0, 1]; reference: the Fourier / ETDRK4 solver of
  ``kextras_sci.pde.references.allen_cahn``. ``vanilla`` (MLP, soft periodic and initial
  terms) vs ``techniques`` (exact periodic embedding, modified MLP, hard initial condition,
  causal weighting with an epsilon schedule, resampling every step, decaying Adam): one PINN
  over the whole span. Time marching, which reaches the 1e-2 target, is
  ``bench_pde_allen_cahn.py``.
* ``helmholtz``: u_xx + u_yy + k^2 u = f on [0, 1]^2, u = sin(pi x) sin(4 pi y), k = 1,
  u = 0 on the boundary; ablation none / LRA / NTK / ReLoBRaLo / self-adaptive.
* ``wave``: u_tt = 4 u_xx on [0, 1]^2, u = sin(pi x) cos(2 pi t) + 0.5 sin(4 pi x) cos(8 pi t)
  (``references.Wave1D``); the same ablation.
* ``burgers_rar``: Burgers (nu = 0.01/pi) with uniform points vs RAR vs RAD, same number of
  Adam steps and of final residual points; error against the Cole-Hopf reference.
* ``inverse``: Burgers viscosity nu = 0.01/pi recovered from 2000 noisy (1 %) observations
  with a bounded trainable ``Parameter`` (relative parameter error), Adam then L-BFGS.
* ``inverse_dr``: diffusion coefficient d and reaction rate k of u_t = d u_xx - k u + f
  (``references.DiffusionReaction1D(d=0.5, k=1)``) from 2000 noisy (1 %) observations.

Usage: python3 benchmarks/bench_pde_techniques.py [--quick]
       [--case allen_cahn|helmholtz|wave|burgers_rar|inverse|inverse_dr|all]
       [--minutes M] [--steps N] [--seeds S] [--seed0 K] [--variants a,b] [--lbfgs N]
       [--width W --depth D --dtype float64 --points N]   (inverse case)
"""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from _pde_techniques_ablation import ABLATION_VARIANTS, ablation_run  # noqa: E402
from _pde_techniques_allen_cahn import allen_cahn_run  # noqa: E402
from kextras_sci.pde.references.allen_cahn import AllenCahn1D  # noqa: E402
from _pde_techniques_common import emit, summary  # noqa: E402
from _pde_techniques_inverse import inverse_burgers_run, inverse_diffusion_reaction_run  # noqa: E402
from _pde_techniques_sampling import burgers_sampling_run  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a run of under 2 minutes")
    ap.add_argument("--case", default="all", choices=["allen_cahn", "helmholtz", "wave", "burgers_rar", "inverse", "inverse_dr", "all"])
    ap.add_argument("--minutes", type=float, default=None, help="Allen-Cahn wall-time budget per variant")
    ap.add_argument("--steps", type=int, default=None, help="Adam steps (upper bound for Allen-Cahn)")
    ap.add_argument("--seeds", type=int, default=None)
    ap.add_argument("--seed0", type=int, default=0, help="first seed")
    ap.add_argument("--width", type=int, default=None, help="hidden width (inverse case)")
    ap.add_argument("--depth", type=int, default=None, help="hidden layers (inverse case)")
    ap.add_argument("--dtype", default="float32", help="network dtype (inverse case)")
    ap.add_argument("--points", type=int, default=None, help="residual points (inverse case)")
    ap.add_argument("--lbfgs", type=int, default=None, help="L-BFGS iterations after Adam (inverse case)")
    ap.add_argument("--variants", default=None, help="comma-separated variants to run")
    args = ap.parse_args(argv)
    quick = args.quick
    if args.case in ("allen_cahn", "all"):
        ref = AllenCahn1D()
        xs, ts, u = ref.grid(256, 101)
        X, T = np.meshgrid(xs, ts)
        pts, uu = np.stack([X.ravel(), T.ravel()], 1), u.reshape(-1, 1)
        steps = args.steps or (150 if quick else 200000)
        seconds = 60.0 * (args.minutes if args.minutes is not None else (0.4 if quick else 30.0))
        variants = args.variants.split(",") if args.variants else ["vanilla", "techniques"]
        for v in variants:
            if v not in ("vanilla", "techniques"):
                continue
            emit(**allen_cahn_run(v, steps, seconds, 0, pts, uu, n_points=1024 if quick else 4096,
                                  width=32 if quick else 64))
    for problem in ("helmholtz", "wave"):
        if args.case not in (problem, "all"):
            continue
        steps = args.steps or (100 if quick else 5000)
        seeds = args.seeds or (1 if quick else 3)
        full = ["none", "lra", "ntk", "relobralo", "self_adaptive"]
        variants = args.variants.split(",") if args.variants else (["none", "ntk"] if quick else full)
        for v in variants:
            if v not in ABLATION_VARIANTS:
                continue
            rows = []
            for s in range(args.seed0, args.seed0 + seeds):
                rows.append(ablation_run(problem, v, steps, s, n_points=512 if quick else 1024))
                emit(**rows[-1])
            emit(**summary(f"{problem}/{v}/summary", rows, steps))
    if args.case in ("burgers_rar", "all"):
        steps = args.steps or (200 if quick else 5000)
        seeds = args.seeds or (1 if quick else 3)
        variants = args.variants.split(",") if args.variants else (["uniform", "rar"] if quick else ["uniform", "rar", "rad"])
        for v in variants:
            if v not in ("uniform", "rar", "rad"):
                continue
            rows = []
            for s in range(args.seed0, args.seed0 + seeds):
                rows.append(burgers_sampling_run(v, steps, s, every=100 if quick else 500))
                emit(**rows[-1])
            emit(**summary(f"burgers_sampling/{v}/summary", rows, steps))
    if args.case in ("inverse", "all"):
        steps = args.steps or (200 if quick else 10000)
        lbfgs = args.lbfgs if args.lbfgs is not None else (0 if quick else 5000)
        emit(**inverse_burgers_run(steps, args.seed0, lbfgs_iters=lbfgs, width=args.width or 20, depth=args.depth or 4,
                                   dtype=args.dtype, n_points=args.points or 2000))
    if args.case in ("inverse_dr", "all"):
        steps = args.steps or (200 if quick else 5000)
        lbfgs = args.lbfgs if args.lbfgs is not None else (0 if quick else 3000)
        emit(**inverse_diffusion_reaction_run(steps, args.seed0, lbfgs_iters=lbfgs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
