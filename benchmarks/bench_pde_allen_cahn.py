"""Allen-Cahn hard benchmark: time-marching PINN vs the ETDRK4 reference, in a wall-time budget.

Problem: u_t - 1e-4 u_xx + 5 u^3 - 5 u = 0 on [-1, 1] x [0, 1], periodic in x,
u(x, 0) = x^2 cos(pi x). Reference: the Fourier pseudo-spectral ETDRK4 solver of
``kextras_sci.pde.references.allen_cahn`` (accurate to ~1e-6), compared on jaxpi's
512 x 201 grid.

Method (``kextras_sci.pde.TimeMarching``): the time span is cut into 10 windows; in
each window a PINN ``u = g_k(x) + (t - t_k) N_k(x, tau)`` with ``g_k`` the previous
window's solution at ``t_k`` (hard, exact initial condition), an exact periodic
embedding of ``x`` (``PeriodicEmbedding``), a modified MLP (``ModifiedMLP``, width 32,
3 gated layers), 2048 Sobol residual points per window. The first window starts with
100 Adam steps, every later window starts from the previous window's weights; then
L-BFGS (``minimize_lbfgs``) until the window's share of the budget is used. Each
window gets an equal share of the remaining wall-time budget (``--minutes``,
counted with everything: tracing, Adam, L-BFGS; the error evaluations after each
window are excluded and timed separately).

Output: one JSON line per window (``case = allen_cahn/window``) and one per seed
(``case = allen_cahn/marching``: ``rel_l2``, ``wall_s``, ``adam_steps``,
``lbfgs_iters``, ``steps_per_s``), then a summary over seeds.

Usage: python3 benchmarks/bench_pde_allen_cahn.py [--quick] [--minutes M] [--seeds S]
       [--windows K] [--save pred.npz]
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from kextras_sci import pde  # noqa: E402
from kextras_sci.pde.marching import TimeMarching  # noqa: E402
from kextras_sci.pde.nn import ModifiedMLP, PeriodicEmbedding  # noqa: E402
from kextras_sci.pde.references.allen_cahn import AllenCahn1D  # noqa: E402


def emit(**row):
    print(json.dumps({"bench": "pde_allen_cahn", **row}), flush=True)


def allen_cahn_residual(u, u_t, u_xx):
    return u_t - 1e-4 * u_xx + 5.0 * u**3 - 5.0 * u


def allen_cahn_initial(x):
    return x[:, :1] ** 2 * tf.cos(np.pi * x[:, :1])


class _Deadline(keras.callbacks.Callback):
    """Stops ``fit`` at a wall-clock deadline and counts the optimizer steps."""

    def __init__(self, deadline):
        super().__init__()
        self.deadline = deadline
        self.steps = 0

    def on_train_batch_end(self, batch, logs=None):
        self.steps += int(getattr(self.model, "steps_per_execution", 1) or 1)
        if time.perf_counter() > self.deadline:
            self.model.stop_training = True


def run(seed, minutes, windows, t_end=1.0, width=32, depth=3, harmonics=1, n_points=2048, lr=1e-3,
        adam_steps=0, spe=25, method="sobol", share_offset=4.0, ref_grid=None, log=True):
    """One time-marching run; returns (result row, the marching object)."""
    keras.utils.set_random_seed(seed)
    geom = pde.SpaceTime(pde.Interval(-1.0, 1.0), pde.TimeInterval(0.0, t_end))

    def build_net(k):
        return keras.Sequential(
            [
                keras.Input((2,)),
                PeriodicEmbedding([2.0, None], num_harmonics=harmonics),
                ModifiedMLP(width, depth, "tanh", output_units=1),
            ]
        )

    def build_conditions(window, k):
        return [pde.PDEResidual(allen_cahn_residual, window, num_points=n_points, method=method, include_boundary=False)]

    march = TimeMarching(geom, windows, build_net, build_conditions, allen_cahn_initial,
                         pinn_kwargs={"seed": seed * 100})
    budget = 60.0 * minutes
    start = time.perf_counter()
    cpu0 = time.process_time()
    eval_s = 0.0
    stats = []

    def train(pinn, k):
        # later windows cost more (the chain of frozen windows, longer tracing): window k
        # gets a share of the remaining budget proportional to k + share_offset
        weights = np.arange(k, march.num_windows) + share_offset
        share = (budget - (time.perf_counter() - start - eval_s)) * weights[0] / weights.sum()
        t0 = time.perf_counter()
        deadline = t0 + share
        steps, adam_loss = 0, None
        if k == 0 and adam_steps:  # later windows start from the previous window's weights
            pinn.compile(keras.optimizers.Adam(lr), steps_per_execution=spe)
            stop = _Deadline(t0 + 0.5 * share)
            hist = pinn.fit(epochs=max(1, adam_steps // spe), steps_per_epoch=spe, callbacks=[stop], verbose=0)
            steps, adam_loss = stop.steps, float(hist.history["loss"][-1])
        t1 = time.perf_counter()
        lb = pde.minimize_lbfgs(pinn, maxiter=100000, verbose=0,
                                callback=lambda it, logs: time.perf_counter() > deadline)
        t2 = time.perf_counter()
        row = {"window": k, "adam_steps": steps, "adam_s": round(t1 - t0, 2), "adam_loss": adam_loss,
               "lbfgs_iters": lb.iterations, "lbfgs_nfev": lb.nfev, "lbfgs_s": round(t2 - t1, 2), "lbfgs_loss": lb.loss}
        stats.append(row)
        return row

    for k in range(march.num_windows):
        march.fit(train_fn=train, windows=1)
        if ref_grid is not None and log:
            e0 = time.perf_counter()
            pts, uu = ref_grid
            sel = pts[:, 1] <= march.boundaries[k + 1] + 1e-12
            err = march.relative_l2_error(pts[sel], uu[sel])
            eval_s += time.perf_counter() - e0
            emit(case="allen_cahn/window", seed=seed, t_end=float(march.boundaries[k + 1]), rel_l2_so_far=err,
                 elapsed_s=round(time.perf_counter() - start - eval_s, 1), **stats[-1])
    wall = time.perf_counter() - start - eval_s
    total_adam = sum(r["adam_steps"] for r in stats)
    row = {
        "case": "allen_cahn/marching",
        "seed": seed,
        "windows": march.num_windows,
        "width": width,
        "depth": depth,
        "n_points": n_points,
        "budget_min": minutes,
        "wall_s": round(wall, 1),
        "adam_steps": total_adam,
        "lbfgs_iters": sum(r["lbfgs_iters"] for r in stats),
        "lbfgs_iters_per_s": round(sum(r["lbfgs_iters"] for r in stats) / max(sum(r["lbfgs_s"] for r in stats), 1e-9), 2),
        "cpu_s": round(time.process_time() - cpu0, 1),
    }
    return row, march


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a run of under 2 minutes (t in [0, 0.1], 1 window)")
    ap.add_argument("--minutes", type=float, default=None, help="wall-time budget per seed (default 30)")
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--seed0", type=int, default=0, help="first seed")
    ap.add_argument("--windows", type=int, default=None, help="time windows (default 10)")
    ap.add_argument("--width", type=int, default=32)
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--harmonics", type=int, default=1)
    ap.add_argument("--points", type=int, default=None, help="residual points per window (default 2048)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--adam-steps", type=int, default=0, help="Adam steps before L-BFGS in the first window")
    ap.add_argument("--share-offset", type=float, default=4.0,
                    help="window k gets a budget share proportional to k + this")
    ap.add_argument("--t-end", type=float, default=None)
    ap.add_argument("--save", default=None, help="write the prediction on the reference grid to this .npz")
    args = ap.parse_args(argv)
    quick = args.quick
    minutes = args.minutes if args.minutes is not None else (1.0 if quick else 30.0)
    windows = args.windows or (1 if quick else 10)
    t_end = args.t_end or (0.1 if quick else 1.0)
    points = args.points or (1024 if quick else 2048)
    ref = AllenCahn1D()
    xs, ts, u = ref.grid(512, 201)
    X, T = np.meshgrid(xs, ts)
    pts, uu = np.stack([X.ravel(), T.ravel()], 1), u.reshape(-1, 1)
    keep = pts[:, 1] <= t_end + 1e-12
    grid = (pts[keep], uu[keep])
    errs = []
    for seed in range(args.seed0, args.seed0 + args.seeds):
        row, march = run(seed, minutes, windows, t_end=t_end, width=args.width, depth=args.depth,
                         harmonics=args.harmonics, n_points=points, lr=args.lr, adam_steps=args.adam_steps,
                         share_offset=args.share_offset,
                         ref_grid=grid)
        e0 = time.perf_counter()
        pred = march.predict(grid[0])
        err = float(np.linalg.norm(pred - grid[1]) / np.linalg.norm(grid[1]))
        errs.append(err)
        emit(**row, rel_l2=err, eval_s=round(time.perf_counter() - e0, 1), grid="512x201", t_end=t_end)
        if args.save:
            nt = int(keep.sum() // xs.size)
            np.savez_compressed(args.save if args.seeds == 1 else args.save.replace(".npz", f"_seed{seed}.npz"),
                                x=xs, t=ts[:nt], u_ref=u[:nt], u_pred=pred.reshape(nt, xs.size), rel_l2=err,
                                seed=seed, wall_s=row["wall_s"], adam_steps=row["adam_steps"],
                                lbfgs_iters=row["lbfgs_iters"], windows=row["windows"])
    if len(errs) > 1:
        emit(case="allen_cahn/marching/summary", seeds=len(errs), rel_l2_median=float(np.median(errs)),
             rel_l2_min=float(np.min(errs)), rel_l2_max=float(np.max(errs)))


if __name__ == "__main__":
    main()
