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
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from kextras_sci import pde  # noqa: E402
from kextras_sci.pde import balancing as bal  # noqa: E402
from kextras_sci.pde.nn import ModifiedMLP, PeriodicEmbedding  # noqa: E402
from kextras_sci.pde.references.allen_cahn import AllenCahn1D  # noqa: E402
from kextras_sci.pde.references.helmholtz import HelmholtzSquare  # noqa: E402
from kextras_sci.pde.references.wave import Wave1D  # noqa: E402


class TimeBudget(keras.callbacks.Callback):
    """Stops training after ``seconds`` of wall time counted from the end of the
    first step (so tracing and compilation are not counted)."""

    def __init__(self, seconds):
        super().__init__()
        self.seconds = seconds
        self.steps = 0
        self.t0 = None

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.t0 is None:
            self.t0 = time.perf_counter()
        elif time.perf_counter() - self.t0 > self.seconds:
            self.model.stop_training = True


def summary(case, rows, steps):
    """Mean, sample standard deviation, median, min and max of ``rel_l2`` over seeds."""
    errs = np.array([r["rel_l2"] for r in rows])
    return dict(case=case, seeds=len(rows), steps=steps, rel_l2_mean=float(errs.mean()),
                rel_l2_std=float(errs.std(ddof=1)) if len(errs) > 1 else 0.0,
                rel_l2_median=float(np.median(errs)), rel_l2_min=float(errs.min()), rel_l2_max=float(errs.max()),
                kextras_s=float(np.median([r["kextras_s"] for r in rows])))


def emit(**row):
    print(json.dumps({"bench": "pde_techniques", **row}), flush=True)


# ------------------------------------------------------------------ Allen-Cahn
def allen_cahn_residual(u, u_t, u_xx):
    return u_t - 1e-4 * u_xx + 5.0 * u**3 - 5.0 * u


def allen_cahn_run(variant, steps, seconds, seed, ref_pts, ref_u, n_points=2048, width=64, depth=4, log_every=0):
    keras.utils.set_random_seed(seed)
    geom = pde.SpaceTime(pde.Interval(-1.0, 1.0), pde.TimeInterval(0.0, 1.0))
    callbacks = [TimeBudget(seconds)]
    if variant == "vanilla":
        net = keras.Sequential(
            [keras.Input((2,))] + [keras.layers.Dense(width, "tanh") for _ in range(depth)] + [keras.layers.Dense(1)]
        )
        conds = [
            pde.PDEResidual(allen_cahn_residual, geom, num_points=n_points, method="uniform", include_boundary=False),
            pde.PeriodicBC(geom, coordinate=0, num_points=128, method="uniform", name="periodic"),
            pde.PeriodicBC(geom, coordinate=0, num_points=128, method="uniform", derivative_order=1, name="periodic_x"),
            pde.InitialCondition(geom, lambda x: x[:, :1] ** 2 * np.cos(np.pi * x[:, :1]), num_points=256, method="uniform"),
        ]
        pinn = pde.PINN(net, conds, domain=geom, seed=seed)
        lr = 1e-3
    else:
        net = keras.Sequential(
            [keras.Input((2,)), PeriodicEmbedding([2.0, None], num_harmonics=1), ModifiedMLP(width, depth, "tanh", output_units=1)]
        )
        causal = bal.CausalWeighting(pde.PDEResidual(allen_cahn_residual, geom, num_points=n_points, method="uniform", include_boundary=False), num_chunks=32)
        callbacks.append(bal.CausalSchedule(causal, epsilons=(1e-2, 1e-1, 1.0, 10.0, 100.0), threshold=0.99))

        def hard_initial(x, y):  # u = u0(x) + t N(x, t): the initial condition holds exactly
            xs, t = x[:, :1], x[:, 1:2]
            return xs**2 * tf.cos(np.pi * xs) + t * y

        pinn = pde.PINN(net, [causal], domain=geom, output_transform=hard_initial, resample_every=1, seed=seed)
        lr = 1e-3
    schedule = keras.optimizers.schedules.ExponentialDecay(lr, decay_steps=max(steps // 10, 100), decay_rate=0.9)
    pinn.compile(keras.optimizers.Adam(schedule), steps_per_execution=1)
    spe = 100 if steps >= 100 else steps
    t0 = time.perf_counter()
    hist = pinn.fit(epochs=max(1, steps // spe), steps_per_epoch=spe, callbacks=callbacks, verbose=0)
    train_s = time.perf_counter() - t0
    err = pinn.relative_l2_error(ref_pts, ref_u)
    extra = {}
    if variant != "vanilla":
        extra = {"causal_eps": float(causal.epsilon.numpy()), "causal_min_w": float(tf.reduce_min(causal.chunk_weights))}
    return {
        "case": f"allen_cahn/{variant}",
        "seed": seed,
        "steps": callbacks[0].steps,
        "kextras_s": round(train_s, 2),
        "s_per_step": round(train_s / max(callbacks[0].steps, 1), 5),
        "rel_l2": err,
        "final_loss": float(hist.history["loss"][-1]),
        **extra,
    }


# ----------------------------------------------------- balancing ablation
ABLATION_VARIANTS = ("none", "lra", "grad_norm", "ntk", "relobralo", "self_adaptive")


def helmholtz_problem(n_points=1024):
    """Helmholtz u_xx + u_yy + k^2 u = f, u = sin(pi x) sin(4 pi y), k = 1, u = 0 on the boundary."""
    ref = HelmholtzSquare(k=1.0, a=1, b=4)
    geom = ref.domain
    k2 = float(ref.coefficients.get("k", 1.0)) ** 2

    def residual(u, u_xx, u_yy, x, y):
        return u_xx + u_yy + k2 * u - ref.source(tf.concat([x, y], axis=1))

    conds = [pde.PDEResidual(residual, geom, num_points=n_points, method="uniform", include_boundary=False), pde.DirichletBC(geom, 0.0, num_points=256, method="uniform", name="bc")]
    xs = np.linspace(0, 1, 101)
    X, Y = np.meshgrid(xs, xs)
    pts = np.stack([X.ravel(), Y.ravel()], 1)
    return geom, conds, pts, ref.solution(pts), 3


def wave_problem(n_points=1024):
    """Wave u_tt = 4 u_xx on [0, 1]^2, u = sin(pi x) cos(2 pi t) + 0.5 sin(4 pi x) cos(8 pi t)."""
    ref = Wave1D()
    geom = ref.domain
    c2 = ref.c**2
    conds = [
        pde.PDEResidual(lambda u_tt, u_xx: u_tt - c2 * u_xx, geom, num_points=n_points, method="uniform", include_boundary=False),
        pde.DirichletBC(geom, 0.0, num_points=200, method="uniform", name="bc"),
        pde.InitialCondition(geom, ref.initial_value, num_points=200, method="uniform", name="initial"),
        pde.InitialCondition(geom, 0.0, num_points=200, method="uniform", derivative=1, name="initial_t"),
    ]
    xs, ts = np.linspace(0, 1, 101), np.linspace(0, 1, 101)
    X, T = np.meshgrid(xs, ts)
    pts = np.stack([X.ravel(), T.ravel()], 1)
    return geom, conds, pts, ref.solution(pts), 4


PROBLEMS = {"helmholtz": helmholtz_problem, "wave": wave_problem}


def ablation_run(problem, variant, steps, seed, width=32, n_points=1024, lr=1e-3):
    """One PINN run of the balancing ablation (MLP tanh, Adam, full batch, fixed points).

    ``self_adaptive`` wraps every term in :class:`SelfAdaptiveWeights` (per-point weights
    on residual, boundary and initial points, as McClenny & Braga-Neto do).
    """
    keras.utils.set_random_seed(seed)
    geom, conds, pts, u_ref, depth = PROBLEMS[problem](n_points)
    callbacks = []
    if variant == "self_adaptive":
        conds = [bal.SelfAdaptiveWeights(c) for c in conds]
        callbacks.append(bal.SelfAdaptiveUpdate(conds, learning_rate=5e-3))
    net = keras.Sequential(
        [keras.Input((2,))] + [keras.layers.Dense(width, "tanh") for _ in range(depth)] + [keras.layers.Dense(1)]
    )
    pinn = pde.PINN(net, conds, domain=geom, seed=seed)
    weighting = {
        "none": None,
        "lra": lambda: bal.LearningRateAnnealing(update_every=10),
        "grad_norm": lambda: bal.GradNormWeighting(update_every=50),
        "ntk": lambda: bal.NTKWeighting(num_points=32, update_every=100),
        "relobralo": lambda: bal.ReLoBRaLo(seed=seed),
        "self_adaptive": None,
    }[variant]
    if weighting is not None:
        callbacks.append(weighting())
    pinn.compile(keras.optimizers.Adam(lr), steps_per_execution=1)
    spe = min(steps, 100)
    t0 = time.perf_counter()
    pinn.fit(epochs=max(1, steps // spe), steps_per_epoch=spe, callbacks=callbacks, verbose=0)
    train_s = time.perf_counter() - t0
    err = pinn.relative_l2_error(pts, u_ref)
    return {
        "case": f"{problem}/{variant}",
        "seed": seed,
        "steps": steps,
        "kextras_s": round(train_s, 2),
        "rel_l2": err,
        "weights": {k: round(float(v.numpy()), 4) for k, v in pinn.term_weights.items()},
    }


def helmholtz_run(variant, steps, seed, width=32, depth=3, n_points=1024):
    """Kept for callers of the earlier API: :func:`ablation_run` on the Helmholtz problem."""
    return ablation_run("helmholtz", variant, steps, seed, width=width, n_points=n_points)


# ---------------------------------------------------- Burgers: RAR vs uniform
def burgers_sampling_run(variant, steps, seed, n_final=2000, n_start=1500, every=500, width=32, depth=3):
    """Burgers (nu = 0.01/pi) with uniform vs residual-adaptive collocation points.

    Same budget for every variant: ``steps`` Adam steps and ``n_final`` residual points
    at the end. ``uniform``: ``n_final`` fixed uniform points. ``rar``: ``n_start``
    uniform points, then every ``every`` steps the ``(n_final - n_start) / (steps / every - 1)``
    candidates (of 10 000) with the largest residual are added. ``rad``: ``n_final`` points
    redrawn every ``every`` steps from ``p ~ |r| / mean|r| + 1``.
    """
    from kextras_sci.pde import sampling
    from kextras_sci.pde.references import Burgers1D

    keras.utils.set_random_seed(seed)
    ref = Burgers1D()
    geom = ref.domain
    nu = ref.coefficients["nu"]
    n0 = n_start if variant == "rar" else n_final
    conds = [
        pde.PDEResidual(lambda u, u_t, u_x, u_xx: u_t + u * u_x - nu * u_xx, geom, num_points=n0, method="uniform", include_boundary=False),
        pde.DirichletBC(geom, 0.0, num_points=100, method="uniform", name="bc"),
        pde.InitialCondition(geom, lambda x: -np.sin(np.pi * x[:, :1]), num_points=200, method="uniform"),
    ]
    net = keras.Sequential(
        [keras.Input((2,))] + [keras.layers.Dense(width, "tanh") for _ in range(depth)] + [keras.layers.Dense(1)]
    )
    pinn = pde.PINN(net, conds, domain=geom, seed=seed)
    callbacks = []
    rounds = steps // every - 1  # refinements strictly before the last step
    if variant == "rar":
        callbacks.append(sampling.RAR("pde", num_add=-(-(n_final - n_start) // rounds), every=every, method="uniform",
                                      num_candidates=10000, seed=seed, max_points=n_final))
    elif variant == "rad":
        callbacks.append(sampling.RAD("pde", every=every, num_candidates=10000, seed=seed, method="uniform"))
    pinn.compile(keras.optimizers.Adam(1e-3))  # steps_per_execution="auto": 100 steps per call
    t0 = time.perf_counter()
    pinn.fit(epochs=max(1, steps // 100), steps_per_epoch=min(steps, 100), callbacks=callbacks, verbose=0)
    train_s = time.perf_counter() - t0
    xs, ts, u = ref.grid(256, 100)
    X, T = np.meshgrid(xs, ts)
    err = pinn.relative_l2_error(np.stack([X.ravel(), T.ravel()], 1), u.reshape(-1, 1))
    return {
        "case": f"burgers_sampling/{variant}",
        "seed": seed,
        "steps": steps,
        "n_points": int(pinn.collocation_points("pde").shape[0]),
        "kextras_s": round(train_s, 2),
        "rel_l2": err,
    }


# ------------------------------------------------------------ inverse problem
def inverse_burgers_run(steps, seed, lbfgs_iters=0, noise=0.01, n_obs=2000, width=20, depth=4, dtype="float32", n_points=2000):
    """Recovers the Burgers viscosity nu = 0.01/pi from noisy observations."""
    from kextras_sci.pde.references import Burgers1D

    keras.utils.set_random_seed(seed)
    ref = Burgers1D()
    geom = ref.domain
    rng = np.random.default_rng(seed)
    x_obs = np.stack([rng.uniform(-1, 1, n_obs), rng.uniform(0, 1, n_obs)], 1)
    u_obs = ref.solution(x_obs)
    u_obs = u_obs + noise * u_obs.std() * rng.standard_normal(u_obs.shape)
    net = keras.Sequential(
        [keras.Input((2,), dtype=dtype)] + [keras.layers.Dense(width, "tanh", dtype=dtype) for _ in range(depth)]
        + [keras.layers.Dense(1, dtype=dtype)]
    )
    pinn = pde.PINN(
        net,
        [
            pde.PDEResidual(lambda u, u_t, u_x, u_xx, nu: u_t + u * u_x - nu * u_xx, geom, num_points=n_points, method="uniform", include_boundary=False),
            pde.PointData(x_obs, u_obs, name="data"),
        ],
        domain=geom,
        parameters=[pde.Parameter("nu", initial=0.05, bounds=(1e-4, 1.0))],
        seed=seed,
    )
    pinn.compile(keras.optimizers.Adam(1e-3), steps_per_execution=1)
    spe = min(steps, 100)
    t0 = time.perf_counter()
    pinn.fit(epochs=max(1, steps // spe), steps_per_epoch=spe, verbose=0)
    nu_adam = pinn.parameters["nu"]
    lb = {}
    if lbfgs_iters:
        res = pde.minimize_lbfgs(pinn, maxiter=lbfgs_iters, verbose=0)
        lb = {"lbfgs_done": res.iterations, "lbfgs_message": str(res.message)}
    train_s = time.perf_counter() - t0
    nu_true = 0.01 / np.pi
    nu = pinn.parameters["nu"]
    xs, ts, u = ref.grid(256, 100)
    X, T = np.meshgrid(xs, ts)
    err = pinn.relative_l2_error(np.stack([X.ravel(), T.ravel()], 1), u.reshape(-1, 1))
    return {
        "case": "inverse_burgers_nu",
        "seed": seed,
        "steps": steps,
        "lbfgs_iters": lbfgs_iters,
        "noise": noise,
        "kextras_s": round(train_s, 2),
        "nu": nu,
        "nu_true": nu_true,
        "nu_rel_err": abs(nu - nu_true) / nu_true,
        "nu_after_adam": nu_adam,
        "net": f"{depth}x{width} {dtype}",
        **lb,
        "rel_l2": err,
    }


def inverse_diffusion_reaction_run(steps, seed, lbfgs_iters=0, noise=0.01, n_obs=2000, d_true=0.5, k_true=1.0):
    """Recovers the diffusion coefficient d and the reaction rate k of
    u_t = d u_xx - k u + f (``DiffusionReaction1D``) from noisy observations."""
    from kextras_sci.pde.references import DiffusionReaction1D

    keras.utils.set_random_seed(seed)
    ref = DiffusionReaction1D(d=d_true, k=k_true)
    geom = ref.domain
    rng = np.random.default_rng(seed)
    x_obs = np.stack([rng.uniform(-np.pi, np.pi, n_obs), rng.uniform(0, 1, n_obs)], 1)
    u_obs = ref.solution(x_obs)
    u_obs = u_obs + noise * u_obs.std() * rng.standard_normal(u_obs.shape)

    def residual(u, u_t, u_xx, x, t, d, k):  # the forcing f is known, d and k are not
        return u_t - d * u_xx + k * u - ref.source(tf.concat([x, t], axis=1))

    net = keras.Sequential(
        [keras.Input((2,))] + [keras.layers.Dense(32, "tanh") for _ in range(3)] + [keras.layers.Dense(1)]
    )
    pinn = pde.PINN(
        net,
        [pde.PDEResidual(residual, geom, num_points=2000, method="uniform", include_boundary=False), pde.PointData(x_obs, u_obs, name="data")],
        domain=geom,
        parameters=[pde.Parameter("d", initial=0.1, bounds=(1e-3, 10.0)),
                    pde.Parameter("k", initial=0.1, bounds=(0.0, 10.0))],
        seed=seed,
    )
    pinn.compile(keras.optimizers.Adam(1e-3))
    t0 = time.perf_counter()
    pinn.fit(epochs=max(1, steps // 100), steps_per_epoch=min(steps, 100), verbose=0)
    adam = dict(pinn.parameters)
    if lbfgs_iters:
        pde.minimize_lbfgs(pinn, maxiter=lbfgs_iters, verbose=0)
    train_s = time.perf_counter() - t0
    xs, ts = np.linspace(-np.pi, np.pi, 201), np.linspace(0, 1, 101)
    X, T = np.meshgrid(xs, ts)
    pts = np.stack([X.ravel(), T.ravel()], 1)
    p = pinn.parameters
    return {
        "case": "inverse_diffusion_reaction",
        "seed": seed,
        "steps": steps,
        "lbfgs_iters": lbfgs_iters,
        "noise": noise,
        "kextras_s": round(train_s, 2),
        "d": p["d"], "d_true": d_true, "d_rel_err": abs(p["d"] - d_true) / d_true,
        "k": p["k"], "k_true": k_true, "k_rel_err": abs(p["k"] - k_true) / k_true,
        "d_after_adam": adam["d"], "k_after_adam": adam["k"],
        "rel_l2": pinn.relative_l2_error(pts, ref.solution(pts)),
    }


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
